// SPDX-License-Identifier: GPL-2.0
/*
 * RFC 5880 section 6.7: simple password, keyed and meticulous keyed MD5,
 * keyed and meticulous keyed SHA1, with the sequence number windows that
 * protect against replay. One key (one Key ID) per session. Digests use
 * the kernel's synchronous hash API, usable in softirq context.
 */

#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <linux/err.h>
#include <linux/string.h>
#include <net/netlink.h>
#include <uapi/linux/kbfd.h>

#include "auth.h"
#include "session.h"

static bool kbfd_auth_is_md5(u8 type)
{
	return type == KBFD_AUTH_KEYED_MD5 || type == KBFD_AUTH_METICULOUS_MD5;
}

static bool kbfd_auth_is_sha1(u8 type)
{
	return type == KBFD_AUTH_KEYED_SHA1 ||
	       type == KBFD_AUTH_METICULOUS_SHA1;
}

static bool kbfd_auth_is_meticulous(u8 type)
{
	return type == KBFD_AUTH_METICULOUS_MD5 ||
	       type == KBFD_AUTH_METICULOUS_SHA1;
}

static unsigned int kbfd_auth_digest_len(u8 type)
{
	return kbfd_auth_is_sha1(type) ? KBFD_SHA1_LEN : KBFD_MD5_LEN;
}

unsigned int kbfd_auth_len(u8 type, u8 key_len)
{
	if (type == KBFD_AUTH_SIMPLE)
		return sizeof(struct kbfd_auth_hdr) + key_len;
	if (kbfd_auth_is_md5(type))
		return KBFD_AUTH_MD5_LEN;
	if (kbfd_auth_is_sha1(type))
		return KBFD_AUTH_SHA1_LEN;
	return 0;
}

int kbfd_auth_check_config(const struct kbfd_auth *a,
			   struct netlink_ext_ack *extack)
{
	unsigned int max;

	switch (a->type) {
	case KBFD_AUTH_NONE:
		return 0;
	case KBFD_AUTH_SIMPLE:
		max = KBFD_SIMPLE_PW_MAX;
		break;
	case KBFD_AUTH_KEYED_MD5:
	case KBFD_AUTH_METICULOUS_MD5:
		max = KBFD_MD5_LEN;
		break;
	case KBFD_AUTH_KEYED_SHA1:
	case KBFD_AUTH_METICULOUS_SHA1:
		max = KBFD_SHA1_LEN;
		break;
	default:
		NL_SET_ERR_MSG(extack, "unknown authentication type");
		return -EINVAL;
	}
	if (!a->key_len) {
		NL_SET_ERR_MSG(extack, "authentication needs KBFD_A_AUTH_KEY");
		return -EINVAL;
	}
	if (a->key_len > max) {
		NL_SET_ERR_MSG(extack,
			       "authentication key too long for its type");
		return -ERANGE;
	}
	return 0;
}

/* Process context. NULL when the type needs no hash. */
struct crypto_shash *kbfd_auth_alloc_tfm(u8 type)
{
	if (kbfd_auth_is_md5(type))
		return crypto_alloc_shash("md5", 0, 0);
	if (kbfd_auth_is_sha1(type))
		return crypto_alloc_shash("sha1", 0, 0);
	return NULL;
}

static int kbfd_auth_digest(struct kbfd_session *s, u8 *pkt, unsigned int len,
			    u8 *out)
{
	SHASH_DESC_ON_STACK(desc, s->tfm);
	int err;

	desc->tfm = s->tfm;
	err = crypto_shash_digest(desc, pkt, len, out);
	shash_desc_zero(desc);
	return err;
}

/* Locked. @pkt holds the header with the A bit; @len is the full length. */
void kbfd_auth_sign(struct kbfd_session *s, u8 *pkt, unsigned int len)
{
	struct kbfd_auth_digest *d = (void *)(pkt + KBFD_CTRL_LEN);
	u8 type = s->auth.type;
	unsigned int dlen;

	if (type == KBFD_AUTH_SIMPLE) {
		struct kbfd_auth_hdr *h = (void *)(pkt + KBFD_CTRL_LEN);

		h->type = type;
		h->len = sizeof(*h) + s->auth.key_len;
		h->key_id = s->auth.key_id;
		memcpy(h + 1, s->auth.key, s->auth.key_len);
		return;
	}
	if (!s->tfm)
		return;
	dlen = kbfd_auth_digest_len(type);
	s->xmit_seq++;
	d->type = type;
	d->len = kbfd_auth_len(type, 0);
	d->key_id = s->auth.key_id;
	d->reserved = 0;
	d->seq = cpu_to_be32(s->xmit_seq);
	memset(d->digest, 0, dlen);
	memcpy(d->digest, s->auth.key, min_t(unsigned int, s->auth.key_len,
					     dlen));
	if (kbfd_auth_digest(s, pkt, len, d->digest))
		memset(d->digest, 0, dlen);	/* the peer will drop it */
}

static int kbfd_auth_fail(enum kbfd_drop_reason *why,
			  enum kbfd_drop_reason reason)
{
	*why = reason;
	return -EBADMSG;
}

/*
 * Locked. @len is the packet's Length field, already checked against the
 * received payload but not against KBFD_PKT_MAX; @pkt holds
 * min(payload, KBFD_PKT_MAX) bytes.
 */
int kbfd_auth_verify(struct kbfd_session *s, const u8 *pkt, unsigned int len,
		     ktime_t now, enum kbfd_drop_reason *why)
{
	const struct kbfd_ctrl *c = (const void *)pkt;
	const struct kbfd_auth_hdr *h = (const void *)(pkt + KBFD_CTRL_LEN);
	u8 type = s->auth.type, copy[KBFD_PKT_MAX], digest[KBFD_SHA1_LEN];
	struct kbfd_auth_digest *d = (void *)(copy + KBFD_CTRL_LEN);
	unsigned int dlen, want;
	u32 seq, diff, window;
	u64 detect;

	if (h->type != type)
		return kbfd_auth_fail(why, KBFD_DROP_AUTH_TYPE);
	want = type == KBFD_AUTH_SIMPLE ? sizeof(*h) + s->auth.key_len :
					  kbfd_auth_len(type, 0);
	if (h->len != want || len != KBFD_CTRL_LEN + want ||
	    len > KBFD_PKT_MAX)
		return kbfd_auth_fail(why, KBFD_DROP_LENGTH);
	if (h->key_id != s->auth.key_id)
		return kbfd_auth_fail(why, KBFD_DROP_AUTH_KEY_ID);

	if (type == KBFD_AUTH_SIMPLE) {
		if (crypto_memneq(h + 1, s->auth.key, s->auth.key_len))
			return kbfd_auth_fail(why, KBFD_DROP_AUTH_BAD);
		return 0;
	}
	if (!s->tfm)
		return kbfd_auth_fail(why, KBFD_DROP_AUTH_BAD);

	memcpy(copy, pkt, len);
	seq = be32_to_cpu(d->seq);
	if (s->rcv_seq_known && ktime_after(now, s->rcv_seq_expires))
		s->rcv_seq_known = false;
	if (s->rcv_seq_known) {
		window = 3 * (u32)c->detect_mult;
		diff = seq - s->rcv_seq;	/* modulo 2^32 */
		if (diff > window ||
		    (kbfd_auth_is_meticulous(type) && diff == 0))
			return kbfd_auth_fail(why, KBFD_DROP_AUTH_SEQ);
	}

	dlen = kbfd_auth_digest_len(type);
	memset(d->digest, 0, dlen);
	memcpy(d->digest, s->auth.key, min_t(unsigned int, s->auth.key_len,
					     dlen));
	if (kbfd_auth_digest(s, copy, len, digest) ||
	    crypto_memneq(digest, pkt + KBFD_CTRL_LEN + 8, dlen)) {
		memzero_explicit(copy, sizeof(copy));
		return kbfd_auth_fail(why, KBFD_DROP_AUTH_BAD);
	}
	memzero_explicit(copy, sizeof(copy));

	s->rcv_seq = seq;
	s->rcv_seq_known = true;
	detect = (u64)c->detect_mult *
		 max(s->act_rx, be32_to_cpu(c->desired_min_tx));
	s->rcv_seq_expires = ktime_add_us(now, 2 * detect);
	return 0;
}
