// SPDX-License-Identifier: GPL-2.0
/*
 * BGP-4 message encoding and decoding. All reads go through a bounds-checked
 * cursor and all writes through a writer that records overflow, so a short
 * or lying length field can never make us touch memory we do not own.
 */
#include "messages.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

/* ---- bounds-checked reading and writing ---- */

struct cursor {
	const uint8_t *p;
	size_t left;
};

static bool get8(struct cursor *c, uint8_t *v)
{
	if (c->left < 1)
		return false;
	*v = c->p[0];
	c->p++;
	c->left--;
	return true;
}

static bool get16(struct cursor *c, uint16_t *v)
{
	if (c->left < 2)
		return false;
	*v = (uint16_t)(c->p[0] << 8 | c->p[1]);
	c->p += 2;
	c->left -= 2;
	return true;
}

static bool get32(struct cursor *c, uint32_t *v)
{
	if (c->left < 4)
		return false;
	*v = (uint32_t)c->p[0] << 24 | (uint32_t)c->p[1] << 16 | (uint32_t)c->p[2] << 8 | c->p[3];
	c->p += 4;
	c->left -= 4;
	return true;
}

/* Splits n bytes off the front of c into sub. */
static bool get_sub(struct cursor *c, size_t n, struct cursor *sub)
{
	if (c->left < n)
		return false;
	sub->p = c->p;
	sub->left = n;
	c->p += n;
	c->left -= n;
	return true;
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

struct writer {
	uint8_t *buf;
	size_t len, cap;
	bool overflow;
};

static void put_bytes(struct writer *w, const void *src, size_t n)
{
	if (w->overflow || w->cap - w->len < n) {
		w->overflow = true;
		return;
	}
	if (n)
		memcpy(w->buf + w->len, src, n);
	w->len += n;
}

static void put8(struct writer *w, uint8_t v)
{
	put_bytes(w, &v, 1);
}

static void put16(struct writer *w, uint16_t v)
{
	uint8_t b[2] = { v >> 8, v & 0xff };

	put_bytes(w, b, 2);
}

static void put32(struct writer *w, uint32_t v)
{
	uint8_t b[4] = { v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff };

	put_bytes(w, b, 4);
}

static void patch16(struct writer *w, size_t at, size_t v)
{
	w->buf[at] = (v >> 8) & 0xff;
	w->buf[at + 1] = v & 0xff;
}

static void writer_init(struct writer *w, uint8_t *buf, size_t cap)
{
	w->buf = buf;
	w->len = 0;
	w->cap = cap < BGP_MSG_MAX ? cap : BGP_MSG_MAX;
	w->overflow = false;
}

static void put_header(struct writer *w, uint8_t type)
{
	static const uint8_t marker[BGP_MARKER_LEN] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};

	put_bytes(w, marker, sizeof(marker));
	put16(w, 0);		/* patched by finish() */
	put8(w, type);
}

static int finish(struct writer *w)
{
	if (w->overflow)
		return -1;
	patch16(w, BGP_MARKER_LEN, w->len);
	return (int)w->len;
}

/* An attribute header whose length is patched by attr_end(). */
static size_t attr_begin(struct writer *w, uint8_t flags, uint8_t type)
{
	put8(w, flags | BGP_ATTR_F_EXTLEN);
	put8(w, type);
	put16(w, 0);
	return w->len;
}

static void attr_end(struct writer *w, size_t start)
{
	if (!w->overflow)
		patch16(w, start - 2, w->len - start);
}

/* ---- header ---- */

static void set_error(struct bgp_error *err, uint8_t code, uint8_t subcode,
		      const void *data, size_t len)
{
	err->code = code;
	err->subcode = subcode;
	if (len > sizeof(err->data))
		len = sizeof(err->data);
	err->data_len = (uint16_t)len;
	if (len)
		memcpy(err->data, data, len);
}

int bgp_header_check(const uint8_t *buf, size_t len, struct bgp_error *err)
{
	/* Smallest legal size per type, RFC 4271 4.x; 0 for unknown types. */
	static const uint16_t min_len[] = {
		[BGP_MSG_OPEN] = 29, [BGP_MSG_UPDATE] = 23, [BGP_MSG_NOTIFICATION] = 21,
		[BGP_MSG_KEEPALIVE] = 19, [BGP_MSG_ROUTE_REFRESH] = 23,
	};
	uint16_t msg_len;
	uint8_t type;
	size_t i;

	if (len < BGP_HEADER_LEN)
		return 0;
	for (i = 0; i < BGP_MARKER_LEN; i++) {
		if (buf[i] != 0xff) {
			set_error(err, BGP_ERR_HEADER, BGP_HDR_NOT_SYNC, NULL, 0);
			return -1;
		}
	}
	msg_len = (uint16_t)(buf[16] << 8 | buf[17]);
	type = buf[18];
	if (type == 0 || type >= sizeof(min_len) / sizeof(min_len[0])) {
		set_error(err, BGP_ERR_HEADER, BGP_HDR_BAD_TYPE, &type, 1);
		return -1;
	}
	if (msg_len < min_len[type] || msg_len > BGP_MSG_MAX ||
	    (type == BGP_MSG_KEEPALIVE && msg_len != BGP_HEADER_LEN) ||
	    (type == BGP_MSG_ROUTE_REFRESH && msg_len != 23)) {
		set_error(err, BGP_ERR_HEADER, BGP_HDR_BAD_LENGTH, buf + 16, 2);
		return -1;
	}
	return len >= msg_len ? msg_len : 0;
}

/* ---- OPEN ---- */

enum {
	CAP_MP = 1,
	CAP_ROUTE_REFRESH = 2,
	CAP_GRACEFUL_RESTART = 64,
	CAP_AS4 = 65,
	CAP_ROUTE_REFRESH_OLD = 128,	/* pre-standard code still sent by some */
	OPT_PARAM_CAPABILITIES = 2,
};

static void put_cap_mp(struct writer *w, uint16_t afi)
{
	put8(w, CAP_MP);
	put8(w, 4);
	put16(w, afi);
	put8(w, 0);
	put8(w, BGP_SAFI_UNICAST);
}

int bgp_open_encode(uint8_t *buf, size_t cap, const struct bgp_open *o)
{
	struct writer w;
	size_t opt_len_at, caps_len_at;

	writer_init(&w, buf, cap);
	put_header(&w, BGP_MSG_OPEN);
	put8(&w, BGP_VERSION);
	put16(&w, o->as > 0xffff ? BGP_AS_TRANS : (uint16_t)o->as);
	put16(&w, o->hold_time);
	put32(&w, o->bgp_id);
	opt_len_at = w.len;
	put8(&w, 0);
	put8(&w, OPT_PARAM_CAPABILITIES);
	caps_len_at = w.len;
	put8(&w, 0);
	if (o->cap_mp_ipv4)
		put_cap_mp(&w, BGP_AFI_IPV4);
	if (o->cap_mp_ipv6)
		put_cap_mp(&w, BGP_AFI_IPV6);
	if (o->cap_route_refresh) {
		put8(&w, CAP_ROUTE_REFRESH);
		put8(&w, 0);
	}
	if (o->cap_graceful_restart) {
		put8(&w, CAP_GRACEFUL_RESTART);
		put8(&w, 2 + 4 * (o->gr_ipv4 + o->gr_ipv6));
		put16(&w, (o->gr_restarting ? 0x8000 : 0) | (o->gr_restart_time & 0x0fff));
		if (o->gr_ipv4) {
			put16(&w, BGP_AFI_IPV4);
			put8(&w, BGP_SAFI_UNICAST);
			put8(&w, 0x80);	/* forwarding state preserved */
		}
		if (o->gr_ipv6) {
			put16(&w, BGP_AFI_IPV6);
			put8(&w, BGP_SAFI_UNICAST);
			put8(&w, 0x80);
		}
	}
	if (o->cap_as4) {
		put8(&w, CAP_AS4);
		put8(&w, 4);
		put32(&w, o->as);
	}
	if (w.overflow)
		return -1;
	w.buf[caps_len_at] = (uint8_t)(w.len - caps_len_at - 1);
	w.buf[opt_len_at] = (uint8_t)(w.len - opt_len_at - 1);
	return finish(&w);
}

/* One capability; unknown ones are ignored (RFC 5492 section 5). */
static bool parse_capability(uint8_t code, struct cursor *v, struct bgp_open *o)
{
	uint16_t afi, flags;
	uint8_t reserved, safi, afi_flags;

	switch (code) {
	case CAP_MP:
		if (!get16(v, &afi) || !get8(v, &reserved) || !get8(v, &safi) || v->left)
			return false;
		if (safi == BGP_SAFI_UNICAST && afi == BGP_AFI_IPV4)
			o->cap_mp_ipv4 = true;
		if (safi == BGP_SAFI_UNICAST && afi == BGP_AFI_IPV6)
			o->cap_mp_ipv6 = true;
		return true;
	case CAP_ROUTE_REFRESH:
	case CAP_ROUTE_REFRESH_OLD:
		o->cap_route_refresh = true;
		return v->left == 0;
	case CAP_GRACEFUL_RESTART:
		if (!get16(v, &flags) || v->left % 4)
			return false;
		o->cap_graceful_restart = true;
		o->gr_restarting = flags & 0x8000;
		o->gr_restart_time = flags & 0x0fff;
		while (get16(v, &afi) && get8(v, &safi) && get8(v, &afi_flags)) {
			if (safi == BGP_SAFI_UNICAST && afi == BGP_AFI_IPV4)
				o->gr_ipv4 = true;
			if (safi == BGP_SAFI_UNICAST && afi == BGP_AFI_IPV6)
				o->gr_ipv6 = true;
		}
		return true;
	case CAP_AS4:
		if (!get32(v, &o->as) || v->left)
			return false;
		o->cap_as4 = true;
		return true;
	default:
		return true;
	}
}

int bgp_open_decode(const uint8_t *msg, size_t len, struct bgp_open *o, struct bgp_error *err)
{
	struct cursor c = { msg + BGP_HEADER_LEN, len - BGP_HEADER_LEN }, params;
	uint8_t opt_len, ptype, plen;
	bool any_mp = false;

	memset(o, 0, sizeof(*o));
	if (len < 29 || !get8(&c, &o->version) || !get16(&c, &o->my_as) ||
	    !get16(&c, &o->hold_time) || !get32(&c, &o->bgp_id) || !get8(&c, &opt_len) ||
	    !get_sub(&c, opt_len, &params) || c.left) {
		set_error(err, BGP_ERR_HEADER, BGP_HDR_BAD_LENGTH, msg + 16, 2);
		return -1;
	}
	if (o->version != BGP_VERSION) {
		static const uint8_t supported[2] = { 0, BGP_VERSION };

		set_error(err, BGP_ERR_OPEN, BGP_OPEN_BAD_VERSION, supported, 2);
		return -1;
	}
	o->as = o->my_as;
	while (params.left) {
		struct cursor pv, caps;

		if (!get8(&params, &ptype) || !get8(&params, &plen) || !get_sub(&params, plen, &pv)) {
			set_error(err, BGP_ERR_OPEN, 0, NULL, 0);
			return -1;
		}
		if (ptype != OPT_PARAM_CAPABILITIES) {
			set_error(err, BGP_ERR_OPEN, BGP_OPEN_UNSUPPORTED_PARAM, NULL, 0);
			return -1;
		}
		while (pv.left) {
			uint8_t code, clen;
			const uint8_t *start = pv.p;

			if (!get8(&pv, &code) || !get8(&pv, &clen) || !get_sub(&pv, clen, &caps) ||
			    !parse_capability(code, &caps, o)) {
				set_error(err, BGP_ERR_OPEN, 0, start, (size_t)(pv.p - start));
				return -1;
			}
			any_mp |= code == CAP_MP;
		}
	}
	/* Without any MP capability, IPv4 unicast is what the peer speaks. */
	if (!any_mp)
		o->cap_mp_ipv4 = true;
	if (o->hold_time == 1 || o->hold_time == 2) {
		set_error(err, BGP_ERR_OPEN, BGP_OPEN_BAD_HOLD_TIME, NULL, 0);
		return -1;
	}
	/* RFC 6286: any non-zero value will do. */
	if (o->bgp_id == 0) {
		set_error(err, BGP_ERR_OPEN, BGP_OPEN_BAD_BGP_ID, NULL, 0);
		return -1;
	}
	if (o->as == 0 || (o->cap_as4 && o->my_as != BGP_AS_TRANS && o->my_as != o->as)) {
		set_error(err, BGP_ERR_OPEN, BGP_OPEN_BAD_PEER_AS, NULL, 0);
		return -1;
	}
	return 0;
}

/* ---- KEEPALIVE, NOTIFICATION, ROUTE-REFRESH ---- */

int bgp_keepalive_encode(uint8_t *buf, size_t cap)
{
	struct writer w;

	writer_init(&w, buf, cap);
	put_header(&w, BGP_MSG_KEEPALIVE);
	return finish(&w);
}

int bgp_notification_encode(uint8_t *buf, size_t cap, uint8_t code, uint8_t subcode,
			    const uint8_t *data, size_t data_len)
{
	struct writer w;

	writer_init(&w, buf, cap);
	put_header(&w, BGP_MSG_NOTIFICATION);
	put8(&w, code);
	put8(&w, subcode);
	put_bytes(&w, data, data_len);
	return finish(&w);
}

/* RFC 9003: shutdown and reset may carry a length-prefixed UTF-8 message. */
static bool cease_has_message(uint8_t subcode)
{
	return subcode == BGP_CEASE_ADMIN_SHUTDOWN || subcode == BGP_CEASE_ADMIN_RESET;
}

int bgp_cease_encode(uint8_t *buf, size_t cap, uint8_t subcode, const char *msg)
{
	uint8_t data[256];
	size_t n = msg ? strlen(msg) : 0;

	if (!cease_has_message(subcode) || n == 0)
		return bgp_notification_encode(buf, cap, BGP_ERR_CEASE, subcode, NULL, 0);
	if (n > 255)
		n = 255;
	/* Do not cut a UTF-8 sequence in half. */
	while (n && (msg[n] & 0xc0) == 0x80)
		n--;
	data[0] = (uint8_t)n;
	memcpy(data + 1, msg, n);
	return bgp_notification_encode(buf, cap, BGP_ERR_CEASE, subcode, data, n + 1);
}

int bgp_notification_decode(const uint8_t *msg, size_t len, struct bgp_notification *n)
{
	if (len < 21)
		return -1;
	n->code = msg[19];
	n->subcode = msg[20];
	n->data = msg + 21;
	n->data_len = (uint16_t)(len - 21);
	n->shutdown_msg[0] = '\0';
	if (n->code == BGP_ERR_CEASE && cease_has_message(n->subcode) && n->data_len) {
		size_t m = n->data[0], i;

		if (m < n->data_len) {
			/* Printable copy: a log line must not carry control bytes. */
			for (i = 0; i < m; i++)
				n->shutdown_msg[i] = n->data[1 + i] < 0x20 ? '?' : (char)n->data[1 + i];
			n->shutdown_msg[m] = '\0';
		}
	}
	return 0;
}

int bgp_route_refresh_encode(uint8_t *buf, size_t cap, uint16_t afi, uint8_t safi)
{
	struct writer w;

	writer_init(&w, buf, cap);
	put_header(&w, BGP_MSG_ROUTE_REFRESH);
	put16(&w, afi);
	put8(&w, 0);
	put8(&w, safi);
	return finish(&w);
}

int bgp_route_refresh_decode(const uint8_t *msg, size_t len, uint16_t *afi, uint8_t *safi)
{
	if (len != 23)
		return -1;
	*afi = (uint16_t)(msg[19] << 8 | msg[20]);
	*safi = msg[22];
	return 0;
}

/* ---- NLRI ---- */

static unsigned int afi_max_len(uint16_t afi)
{
	return afi == BGP_AFI_IPV4 ? 32 : afi == BGP_AFI_IPV6 ? 128 : 0;
}

/* Checks that n holds well-formed prefixes of afi (RFC 7606 5.3). */
static bool nlri_valid(uint16_t afi, const uint8_t *p, size_t len)
{
	unsigned int max = afi_max_len(afi);
	size_t i = 0;

	while (i < len) {
		if (p[i] > max)
			return false;
		i += 1 + (p[i] + 7u) / 8;
	}
	return i == len;
}

void bgp_nlri_iter_init(struct bgp_nlri_iter *it, const struct bgp_nlri *n)
{
	it->afi = n->afi;
	it->p = n->data;
	it->end = n->afi ? n->data + n->len : n->data;
}

bool bgp_nlri_next(struct bgp_nlri_iter *it, struct prefix *p)
{
	unsigned int bytes;

	if (it->p >= it->end)
		return false;
	memset(p, 0, sizeof(*p));
	p->family = it->afi == BGP_AFI_IPV4 ? AF_INET : AF_INET6;
	p->len = it->p[0];
	bytes = (p->len + 7u) / 8;
	memcpy(p->addr.bytes, it->p + 1, bytes);
	/* Trailing bits are meaningless on the wire; struct prefix wants zero. */
	if (p->len % 8)
		p->addr.bytes[bytes - 1] &= (uint8_t)(0xff << (8 - p->len % 8));
	it->p += 1 + bytes;
	return true;
}

static void put_prefix(struct writer *w, const struct prefix *p)
{
	put8(w, p->len);
	put_bytes(w, p->addr.bytes, (p->len + 7u) / 8);
}

/* ---- AS_PATH helpers (4-octet segments) ---- */

/* Walks segments; returns false at the end. Callers pass validated paths. */
static bool next_segment(struct cursor *c, uint8_t *type, uint8_t *count, const uint8_t **asns)
{
	if (c->left < 2)
		return false;
	*type = c->p[0];
	*count = c->p[1];
	if (c->left < 2 + 4u * *count)
		return false;
	*asns = c->p + 2;
	c->p += 2 + 4u * *count;
	c->left -= 2 + 4u * *count;
	return true;
}

unsigned int bgp_as_path_count(const uint8_t *path, size_t len)
{
	struct cursor c = { path, len };
	const uint8_t *asns;
	uint8_t type, count;
	unsigned int n = 0;

	while (next_segment(&c, &type, &count, &asns)) {
		if (type == BGP_AS_SEQUENCE)
			n += count;
		else if (type == BGP_AS_SET)
			n += 1;
	}
	return n;
}

uint32_t bgp_as_path_first(const uint8_t *path, size_t len)
{
	struct cursor c = { path, len };
	const uint8_t *asns;
	uint8_t type, count;

	if (next_segment(&c, &type, &count, &asns) && type == BGP_AS_SEQUENCE && count)
		return rd32(asns);
	return 0;
}

uint32_t bgp_as_path_origin(const uint8_t *path, size_t len)
{
	struct cursor c = { path, len };
	const uint8_t *asns;
	uint8_t type, count;
	uint32_t last = 0;

	while (next_segment(&c, &type, &count, &asns))
		last = type == BGP_AS_SEQUENCE && count ? rd32(asns + 4u * (count - 1)) : 0;
	return last;
}

char *bgp_as_path_format(const uint8_t *path, size_t len, char *buf, size_t size)
{
	static const char *const open[] = { "", "{", "", "(", "[" };
	static const char *const close[] = { "", "}", "", ")", "]" };
	struct cursor c = { path, len };
	const uint8_t *asns;
	uint8_t type, count, i;
	size_t off = 0;

	buf[0] = '\0';
	while (next_segment(&c, &type, &count, &asns) && off < size) {
		if (type < BGP_AS_SET || type > BGP_AS_CONFED_SET)
			break;
		off += (size_t)snprintf(buf + off, size - off, "%s%s", off ? " " : "", open[type]);
		for (i = 0; i < count && off < size; i++)
			off += (size_t)snprintf(buf + off, size - off, "%s%u",
						i ? (type == BGP_AS_SEQUENCE ? " " : ",") : "",
						rd32(asns + 4u * i));
		if (off < size)
			off += (size_t)snprintf(buf + off, size - off, "%s", close[type]);
	}
	return buf;
}

/* ---- path attributes: encoding ---- */

/* Writes a 4-octet path as 2-octet (AS_TRANS for large ASNs) or 4-octet. */
static void put_as_path(struct writer *w, const uint8_t *path, size_t len, bool as4)
{
	struct cursor c = { path, len };
	const uint8_t *asns;
	uint8_t type, count, i;

	while (next_segment(&c, &type, &count, &asns)) {
		put8(w, type);
		put8(w, count);
		for (i = 0; i < count; i++) {
			uint32_t as = rd32(asns + 4u * i);

			if (as4)
				put32(w, as);
			else
				put16(w, as > 0xffff ? BGP_AS_TRANS : (uint16_t)as);
		}
	}
}

static bool as_path_has_large_asn(const uint8_t *path, size_t len)
{
	struct cursor c = { path, len };
	const uint8_t *asns;
	uint8_t type, count, i;

	while (next_segment(&c, &type, &count, &asns))
		for (i = 0; i < count; i++)
			if (rd32(asns + 4u * i) > 0xffff)
				return true;
	return false;
}

static void put_fixed_attr(struct writer *w, uint8_t flags, uint8_t type, uint32_t v, size_t n)
{
	size_t at = attr_begin(w, flags, type);

	if (n == 1)
		put8(w, (uint8_t)v);
	else if (n == 4)
		put32(w, v);
	attr_end(w, at);
}

static void write_attrs(struct writer *w, const struct bgp_attrs *a, bool as4)
{
	const uint8_t OPT_TRANS = BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_TRANSITIVE;
	size_t at;
	uint16_t i;

	/* Ascending type code order, as RFC 4271 5 recommends. */
	if (bgp_attr_has(a, BGP_ATTR_ORIGIN))
		put_fixed_attr(w, BGP_ATTR_F_TRANSITIVE, BGP_ATTR_ORIGIN, a->origin, 1);
	if (bgp_attr_has(a, BGP_ATTR_AS_PATH)) {
		at = attr_begin(w, BGP_ATTR_F_TRANSITIVE, BGP_ATTR_AS_PATH);
		put_as_path(w, a->as_path, a->as_path_len, as4);
		attr_end(w, at);
	}
	if (bgp_attr_has(a, BGP_ATTR_NEXT_HOP)) {
		at = attr_begin(w, BGP_ATTR_F_TRANSITIVE, BGP_ATTR_NEXT_HOP);
		put_bytes(w, &a->next_hop, 4);
		attr_end(w, at);
	}
	if (bgp_attr_has(a, BGP_ATTR_MED))
		put_fixed_attr(w, BGP_ATTR_F_OPTIONAL, BGP_ATTR_MED, a->med, 4);
	if (bgp_attr_has(a, BGP_ATTR_LOCAL_PREF))
		put_fixed_attr(w, BGP_ATTR_F_TRANSITIVE, BGP_ATTR_LOCAL_PREF, a->local_pref, 4);
	if (bgp_attr_has(a, BGP_ATTR_ATOMIC_AGGREGATE))
		put_fixed_attr(w, BGP_ATTR_F_TRANSITIVE, BGP_ATTR_ATOMIC_AGGREGATE, 0, 0);
	if (bgp_attr_has(a, BGP_ATTR_AGGREGATOR)) {
		at = attr_begin(w, OPT_TRANS, BGP_ATTR_AGGREGATOR);
		if (as4)
			put32(w, a->aggregator_as);
		else
			put16(w, a->aggregator_as > 0xffff ? BGP_AS_TRANS : (uint16_t)a->aggregator_as);
		put_bytes(w, &a->aggregator_id, 4);
		attr_end(w, at);
	}
	if (bgp_attr_has(a, BGP_ATTR_COMMUNITIES)) {
		at = attr_begin(w, OPT_TRANS, BGP_ATTR_COMMUNITIES);
		for (i = 0; i < a->n_communities; i++)
			put32(w, a->communities[i]);
		attr_end(w, at);
	}
	if (bgp_attr_has(a, BGP_ATTR_EXT_COMMUNITIES)) {
		at = attr_begin(w, OPT_TRANS, BGP_ATTR_EXT_COMMUNITIES);
		put_bytes(w, a->ext_communities, 8u * a->n_ext_communities);
		attr_end(w, at);
	}
	/* RFC 6793 4.2.2: a 2-octet peer gets the real path in AS4_PATH. */
	if (!as4 && bgp_attr_has(a, BGP_ATTR_AS_PATH) &&
	    as_path_has_large_asn(a->as_path, a->as_path_len)) {
		at = attr_begin(w, OPT_TRANS, BGP_ATTR_AS4_PATH);
		put_as_path(w, a->as_path, a->as_path_len, true);
		attr_end(w, at);
	}
	if (!as4 && bgp_attr_has(a, BGP_ATTR_AGGREGATOR) && a->aggregator_as > 0xffff) {
		at = attr_begin(w, OPT_TRANS, BGP_ATTR_AS4_AGGREGATOR);
		put32(w, a->aggregator_as);
		put_bytes(w, &a->aggregator_id, 4);
		attr_end(w, at);
	}
	if (bgp_attr_has(a, BGP_ATTR_LARGE_COMMUNITIES)) {
		at = attr_begin(w, OPT_TRANS, BGP_ATTR_LARGE_COMMUNITIES);
		for (i = 0; i < a->n_large_communities; i++) {
			put32(w, a->large_communities[i].global);
			put32(w, a->large_communities[i].local1);
			put32(w, a->large_communities[i].local2);
		}
		attr_end(w, at);
	}
	put_bytes(w, a->unknown, a->unknown_len);
}

int bgp_attrs_encode(uint8_t *buf, size_t cap, const struct bgp_attrs *a, bool as4)
{
	struct writer w;

	writer_init(&w, buf, cap);
	write_attrs(&w, a, as4);
	return w.overflow ? -1 : (int)w.len;
}

static void put_mp_unreach(struct writer *w, uint16_t afi, const struct prefix *p, size_t n)
{
	size_t at = attr_begin(w, BGP_ATTR_F_OPTIONAL, BGP_ATTR_MP_UNREACH), i;

	put16(w, afi);
	put8(w, BGP_SAFI_UNICAST);
	for (i = 0; i < n; i++)
		put_prefix(w, &p[i]);
	attr_end(w, at);
}

int bgp_update_encode(uint8_t *buf, size_t cap, const struct bgp_update_out *u, bool as4)
{
	bool v6 = (u->n_withdrawn && u->withdrawn[0].family == AF_INET6) ||
		  (u->n_announced && u->announced[0].family == AF_INET6);
	struct writer w;
	size_t len_at, at, i;

	writer_init(&w, buf, cap);
	put_header(&w, BGP_MSG_UPDATE);
	len_at = w.len;
	put16(&w, 0);
	if (!v6) {
		for (i = 0; i < u->n_withdrawn; i++)
			put_prefix(&w, &u->withdrawn[i]);
		if (!w.overflow)
			patch16(&w, len_at, w.len - len_at - 2);
	}
	len_at = w.len;
	put16(&w, 0);
	/* RFC 7606 5.1: MP_REACH / MP_UNREACH go first. */
	if (v6 && u->n_withdrawn)
		put_mp_unreach(&w, BGP_AFI_IPV6, u->withdrawn, u->n_withdrawn);
	if (v6 && u->n_announced) {
		at = attr_begin(&w, BGP_ATTR_F_OPTIONAL, BGP_ATTR_MP_REACH);
		put16(&w, BGP_AFI_IPV6);
		put8(&w, BGP_SAFI_UNICAST);
		put8(&w, u->attrs->mp_nexthop_len);
		put_bytes(&w, u->attrs->mp_nexthop, u->attrs->mp_nexthop_len);
		put8(&w, 0);
		for (i = 0; i < u->n_announced; i++)
			put_prefix(&w, &u->announced[i]);
		attr_end(&w, at);
	}
	if (u->n_announced)
		write_attrs(&w, u->attrs, as4);
	if (!w.overflow)
		patch16(&w, len_at, w.len - len_at - 2);
	for (i = 0; !v6 && i < u->n_announced; i++)
		put_prefix(&w, &u->announced[i]);
	return finish(&w);
}

int bgp_end_of_rib_encode(uint8_t *buf, size_t cap, uint16_t afi)
{
	struct writer w;
	size_t len_at;

	writer_init(&w, buf, cap);
	put_header(&w, BGP_MSG_UPDATE);
	put16(&w, 0);
	len_at = w.len;
	put16(&w, 0);
	if (afi != BGP_AFI_IPV4)
		put_mp_unreach(&w, afi, NULL, 0);
	if (!w.overflow)
		patch16(&w, len_at, w.len - len_at - 2);
	return finish(&w);
}

/* ---- path attributes: decoding with RFC 7606 ---- */

static void *arena_alloc(struct bgp_update *u, size_t n)
{
	void *p;

	n = (n + 7) & ~(size_t)7;
	if (BGP_UPDATE_ARENA - u->arena_used < n)
		return NULL;
	p = u->arena + u->arena_used;
	u->arena_used += n;
	return p;
}

/* Raises the verdict; the first reason is the one logged. */
static void verdict(struct bgp_update *u, enum bgp_update_verdict v, const char *why)
{
	if (v > u->verdict) {
		u->verdict = v;
		u->reason = why;
	}
}

/* Session reset: the NOTIFICATION carries the offending attribute. */
static void reset(struct bgp_update *u, uint8_t subcode, const char *why,
		  const uint8_t *data, size_t len)
{
	if (u->verdict == BGP_UPDATE_SESSION_RESET)
		return;
	verdict(u, BGP_UPDATE_SESSION_RESET, why);
	set_error(&u->error, BGP_ERR_UPDATE, subcode, data, len);
}

static void discard(struct bgp_update *u, const char *why)
{
	u->discarded++;
	if (!u->reason)
		u->reason = why;
}

/*
 * Parses AS_PATH / AS4_PATH segments of asn_size octets into 4-octet form.
 * RFC 7606 7.2: bad segment type, zero count, overrun or a lone trailing
 * octet make it malformed.
 */
static bool parse_as_path(struct bgp_update *u, struct cursor v, unsigned int asn_size,
			  const uint8_t **out, uint16_t *out_len)
{
	uint8_t *dst = arena_alloc(u, v.left * 4 / asn_size + 2);
	size_t n = 0;

	if (!dst)
		return false;
	while (v.left) {
		uint8_t type, count, i;

		if (!get8(&v, &type) || !get8(&v, &count) || count == 0 ||
		    type < BGP_AS_SET || type > BGP_AS_CONFED_SET || v.left < (size_t)count * asn_size)
			return false;
		dst[n++] = type;
		dst[n++] = count;
		for (i = 0; i < count; i++) {
			uint32_t as = 0;
			uint16_t as16 = 0;

			if (asn_size == 4) {
				get32(&v, &as);
			} else {
				get16(&v, &as16);
				as = as16;
			}
			dst[n++] = as >> 24;
			dst[n++] = (as >> 16) & 0xff;
			dst[n++] = (as >> 8) & 0xff;
			dst[n++] = as & 0xff;
		}
	}
	*out = dst;
	*out_len = (uint16_t)n;
	return true;
}

static bool path_has_confed(const uint8_t *path, size_t len)
{
	struct cursor c = { path, len };
	const uint8_t *asns;
	uint8_t type, count;

	while (next_segment(&c, &type, &count, &asns))
		if (type == BGP_AS_CONFED_SEQUENCE || type == BGP_AS_CONFED_SET)
			return true;
	return false;
}

/*
 * RFC 6793 4.2.3: rebuild the path of a 2-octet peer. Keep the leading
 * (count(AS_PATH) - count(AS4_PATH)) ASes of AS_PATH, then append AS4_PATH;
 * when AS4_PATH is longer, it is ignored.
 */
static void merge_as4_path(struct bgp_update *u, const uint8_t *as4, uint16_t as4_len)
{
	struct bgp_attrs *a = &u->attrs;
	unsigned int n2 = bgp_as_path_count(a->as_path, a->as_path_len);
	unsigned int n4 = bgp_as_path_count(as4, as4_len), keep;
	struct cursor c = { a->as_path, a->as_path_len };
	const uint8_t *asns;
	uint8_t type, count, *dst;
	size_t n = 0;

	if (n2 < n4)
		return;
	keep = n2 - n4;
	dst = arena_alloc(u, a->as_path_len + as4_len);
	if (!dst)
		return;
	while (keep && next_segment(&c, &type, &count, &asns)) {
		uint8_t take = count;

		if (type == BGP_AS_SEQUENCE && count > keep)
			take = (uint8_t)keep;
		if (type == BGP_AS_SEQUENCE)
			keep -= take;
		else if (type == BGP_AS_SET)
			keep -= 1;
		dst[n++] = type;
		dst[n++] = take;
		memcpy(dst + n, asns, 4u * take);
		n += 4u * take;
	}
	memcpy(dst + n, as4, as4_len);
	a->as_path = dst;
	a->as_path_len = (uint16_t)(n + as4_len);
}

static bool next_hop_martian(struct in_addr nh, struct in_addr local)
{
	uint32_t h = ntohl(nh.s_addr);

	return (h >> 24) == 0 || (h >> 24) == 127 || h >= 0xe0000000 ||
	       (local.s_addr && nh.s_addr == local.s_addr);
}

/* Expected O/T flag bits of the attributes we know; 0xff: unknown. */
static uint8_t known_flags(uint8_t type)
{
	const uint8_t T = BGP_ATTR_F_TRANSITIVE, O = BGP_ATTR_F_OPTIONAL;

	switch (type) {
	case BGP_ATTR_ORIGIN: case BGP_ATTR_AS_PATH: case BGP_ATTR_NEXT_HOP:
	case BGP_ATTR_LOCAL_PREF: case BGP_ATTR_ATOMIC_AGGREGATE:
		return T;
	case BGP_ATTR_MED: case BGP_ATTR_ORIGINATOR_ID: case BGP_ATTR_CLUSTER_LIST:
	case BGP_ATTR_MP_REACH: case BGP_ATTR_MP_UNREACH:
		return O;
	case BGP_ATTR_AGGREGATOR: case BGP_ATTR_COMMUNITIES: case BGP_ATTR_EXT_COMMUNITIES:
	case BGP_ATTR_AS4_PATH: case BGP_ATTR_AS4_AGGREGATOR: case BGP_ATTR_LARGE_COMMUNITIES:
		return O | T;
	default:
		return 0xff;
	}
}

/* Per-message decoding state beyond what ends up in bgp_update. */
struct attr_scan {
	const struct bgp_peer_ctx *ctx;
	const uint8_t *as4_path;
	uint16_t as4_path_len;
	bool has_as4_aggregator;
	uint32_t as4_aggregator_as;
	struct in_addr as4_aggregator_id;
	size_t unknown_cap;
	uint8_t *unknown;
	uint8_t seen[32];		/* duplicate detection, one bit per type */
	unsigned int count;		/* attributes in the message */
};

static void parse_mp(struct bgp_update *u, uint8_t type, struct cursor v,
		     const uint8_t *raw, size_t raw_len)
{
	struct bgp_nlri *n = type == BGP_ATTR_MP_REACH ? &u->mp_announced : &u->mp_withdrawn;
	uint16_t afi;
	uint8_t safi, nh_len = 0, reserved;

	if (!get16(&v, &afi) || !get8(&v, &safi))
		goto bad;
	if (type == BGP_ATTR_MP_REACH) {
		struct cursor nh;

		if (!get8(&v, &nh_len) || !get_sub(&v, nh_len, &nh) || !get8(&v, &reserved))
			goto bad;
		/* RFC 7606 7.11: a next hop length we cannot explain hides the NLRI. */
		if (safi == BGP_SAFI_UNICAST &&
		    ((afi == BGP_AFI_IPV4 && nh_len != 4 && nh_len != 16 && nh_len != 32) ||
		     (afi == BGP_AFI_IPV6 && nh_len != 16 && nh_len != 32)))
			goto bad;
		if (safi == BGP_SAFI_UNICAST && afi_max_len(afi)) {
			u->attrs.mp_nexthop_len = nh_len;
			memcpy(u->attrs.mp_nexthop, nh.p, nh_len);
		}
	}
	if (safi != BGP_SAFI_UNICAST || !afi_max_len(afi))
		return;		/* a family we did not negotiate: ignored */
	if (!nlri_valid(afi, v.p, v.left))
		goto bad;
	n->afi = afi;
	n->data = v.p;
	n->len = (uint16_t)v.left;
	return;
bad:
	reset(u, BGP_UPD_OPTIONAL_ATTR, type == BGP_ATTR_MP_REACH ? "malformed MP_REACH_NLRI"
			: "malformed MP_UNREACH_NLRI", raw, raw_len);
}

/* Big-endian 32-bit words into host order; NULL when out of arena. */
static uint32_t *copy_words(struct bgp_update *u, struct cursor v)
{
	uint32_t *dst = arena_alloc(u, v.left);
	size_t i;

	for (i = 0; dst && i < v.left / 4; i++)
		dst[i] = rd32(v.p + 4 * i);
	if (!dst)
		verdict(u, BGP_UPDATE_TREAT_AS_WITHDRAW, "attributes too large to decode");
	return dst;
}

/*
 * One attribute. The RFC 7606 section 7 classes, in order of the switch:
 * ORIGIN, AS_PATH, NEXT_HOP, MED, COMMUNITIES, EXT/LARGE COMMUNITIES,
 * ORIGINATOR_ID, CLUSTER_LIST: treat-as-withdraw; LOCAL_PREF: discard from
 * eBGP, else treat-as-withdraw; ATOMIC_AGGREGATE, AGGREGATOR, AS4_PATH,
 * AS4_AGGREGATOR (RFC 6793 6): attribute-discard; MP_*: session reset.
 */
static void parse_attr(struct bgp_update *u, struct attr_scan *s, uint8_t flags, uint8_t type,
		       struct cursor v, const uint8_t *raw, size_t raw_len)
{
	struct bgp_attrs *a = &u->attrs;
	const struct bgp_peer_ctx *ctx = s->ctx;
	uint8_t expect = known_flags(type);
	size_t len = v.left;
	uint16_t as16 = 0;

	if (expect == 0xff) {
		if (!(flags & BGP_ATTR_F_OPTIONAL)) {
			reset(u, BGP_UPD_UNRECOGNIZED_WELLKNOWN,
			      "unrecognized well-known attribute", raw, raw_len);
		} else if (flags & BGP_ATTR_F_TRANSITIVE) {
			/* Passed on with Partial set: we did not understand it. */
			if (s->unknown_cap - a->unknown_len >= raw_len) {
				memcpy(s->unknown + a->unknown_len, raw, raw_len);
				s->unknown[a->unknown_len] |= BGP_ATTR_F_PARTIAL;
				a->unknown_len = (uint16_t)(a->unknown_len + raw_len);
			}
		}
		return;
	}
	if (s->seen[type / 8] & (1u << (type % 8))) {
		/* RFC 7606 3(g): duplicate MP attributes reset, others are dropped. */
		if (type == BGP_ATTR_MP_REACH || type == BGP_ATTR_MP_UNREACH)
			reset(u, BGP_UPD_MALFORMED_ATTR_LIST, "duplicate MP attribute", raw, raw_len);
		else
			discard(u, "duplicate attribute");
		return;
	}
	s->seen[type / 8] |= (uint8_t)(1u << (type % 8));
	if (type == BGP_ATTR_MP_REACH || type == BGP_ATTR_MP_UNREACH) {
		if ((flags & 0xc0) != expect)
			reset(u, BGP_UPD_ATTR_FLAGS, "MP attribute flags", raw, raw_len);
		else
			parse_mp(u, type, v, raw, raw_len);
		return;
	}
	/* RFC 7606 3(c): wrong Optional/Transitive bits: treat-as-withdraw. */
	if ((flags & 0xc0) != expect) {
		verdict(u, BGP_UPDATE_TREAT_AS_WITHDRAW, "attribute flags conflict with type");
		return;
	}
	switch (type) {
	case BGP_ATTR_ORIGIN:
		if (len != 1 || v.p[0] > BGP_ORIGIN_INCOMPLETE) {
			verdict(u, BGP_UPDATE_TREAT_AS_WITHDRAW, "malformed ORIGIN");
			return;
		}
		a->origin = v.p[0];
		break;
	case BGP_ATTR_AS_PATH:
		if (!parse_as_path(u, v, ctx->as4 ? 4 : 2, &a->as_path, &a->as_path_len)) {
			verdict(u, BGP_UPDATE_TREAT_AS_WITHDRAW, "malformed AS_PATH");
			return;
		}
		/* RFC 4271 6.3 / RFC 7606 7.2: eBGP paths start with the peer's AS. */
		if (ctx->ebgp && ctx->peer_as &&
		    (path_has_confed(a->as_path, a->as_path_len) ||
		     bgp_as_path_first(a->as_path, a->as_path_len) != ctx->peer_as)) {
			verdict(u, BGP_UPDATE_TREAT_AS_WITHDRAW, "AS_PATH does not start with peer AS");
			return;
		}
		break;
	case BGP_ATTR_NEXT_HOP:
		if (len != 4) {
			verdict(u, BGP_UPDATE_TREAT_AS_WITHDRAW, "malformed NEXT_HOP");
			return;
		}
		memcpy(&a->next_hop, v.p, 4);
		if (next_hop_martian(a->next_hop, ctx->local_v4)) {
			verdict(u, BGP_UPDATE_TREAT_AS_WITHDRAW, "NEXT_HOP is not usable");
			return;
		}
		break;
	case BGP_ATTR_MED:
		if (!get32(&v, &a->med) || v.left) {
			verdict(u, BGP_UPDATE_TREAT_AS_WITHDRAW, "malformed MULTI_EXIT_DISC");
			return;
		}
		break;
	case BGP_ATTR_LOCAL_PREF:
		if (ctx->ebgp) {
			discard(u, "LOCAL_PREF from external peer");
			return;
		}
		if (!get32(&v, &a->local_pref) || v.left) {
			verdict(u, BGP_UPDATE_TREAT_AS_WITHDRAW, "malformed LOCAL_PREF");
			return;
		}
		break;
	case BGP_ATTR_ATOMIC_AGGREGATE:
		if (len != 0) {
			discard(u, "malformed ATOMIC_AGGREGATE");
			return;
		}
		break;
	case BGP_ATTR_AGGREGATOR:
		if (len != (ctx->as4 ? 8u : 6u)) {
			discard(u, "malformed AGGREGATOR");
			return;
		}
		if (ctx->as4) {
			get32(&v, &a->aggregator_as);
		} else {
			get16(&v, &as16);
			a->aggregator_as = as16;
		}
		memcpy(&a->aggregator_id, v.p, 4);
		break;
	case BGP_ATTR_COMMUNITIES:
		if (len == 0 || len % 4) {
			verdict(u, BGP_UPDATE_TREAT_AS_WITHDRAW, "malformed COMMUNITIES");
			return;
		}
		a->communities = copy_words(u, v);
		if (!a->communities)
			return;
		a->n_communities = (uint16_t)(len / 4);
		break;
	case BGP_ATTR_ORIGINATOR_ID:
		if (len != 4)
			verdict(u, BGP_UPDATE_TREAT_AS_WITHDRAW, "malformed ORIGINATOR_ID");
		return;		/* validated only: no route reflection here */
	case BGP_ATTR_CLUSTER_LIST:
		if (len == 0 || len % 4)
			verdict(u, BGP_UPDATE_TREAT_AS_WITHDRAW, "malformed CLUSTER_LIST");
		return;
	case BGP_ATTR_EXT_COMMUNITIES:
		if (len == 0 || len % 8) {
			verdict(u, BGP_UPDATE_TREAT_AS_WITHDRAW, "malformed EXTENDED_COMMUNITIES");
			return;
		}
		a->ext_communities = v.p;
		a->n_ext_communities = (uint16_t)(len / 8);
		break;
	case BGP_ATTR_LARGE_COMMUNITIES:
		/* RFC 8092 6. */
		if (len == 0 || len % 12) {
			verdict(u, BGP_UPDATE_TREAT_AS_WITHDRAW, "malformed LARGE_COMMUNITIES");
			return;
		}
		a->large_communities = (const struct bgp_large_community *)copy_words(u, v);
		if (!a->large_communities)
			return;
		a->n_large_communities = (uint16_t)(len / 12);
		break;
	case BGP_ATTR_AS4_PATH:
		/* RFC 6793 4.2.2/6: ignored from AS4 peers, discarded if malformed. */
		if (ctx->as4)
			return;
		if (!parse_as_path(u, v, 4, &s->as4_path, &s->as4_path_len) ||
		    path_has_confed(s->as4_path, s->as4_path_len)) {
			s->as4_path = NULL;
			discard(u, "malformed AS4_PATH");
		}
		return;
	case BGP_ATTR_AS4_AGGREGATOR:
		if (ctx->as4)
			return;
		if (len != 8) {
			discard(u, "malformed AS4_AGGREGATOR");
			return;
		}
		get32(&v, &s->as4_aggregator_as);
		memcpy(&s->as4_aggregator_id, v.p, 4);
		s->has_as4_aggregator = true;
		return;
	}
	a->present |= BGP_ATTR_BIT(type);
}

/* RFC 6793 4.2.3, after all attributes are in. */
static void apply_as4(struct bgp_update *u, struct attr_scan *s)
{
	struct bgp_attrs *a = &u->attrs;

	if (bgp_attr_has(a, BGP_ATTR_AGGREGATOR) && a->aggregator_as != BGP_AS_TRANS)
		return;		/* AS4_AGGREGATOR and AS4_PATH MUST be ignored */
	if (s->has_as4_aggregator && bgp_attr_has(a, BGP_ATTR_AGGREGATOR)) {
		a->aggregator_as = s->as4_aggregator_as;
		a->aggregator_id = s->as4_aggregator_id;
	}
	if (s->as4_path && bgp_attr_has(a, BGP_ATTR_AS_PATH))
		merge_as4_path(u, s->as4_path, s->as4_path_len);
}

/* Walks the path attribute block; also used for canonical RIB blobs. */
static void parse_attrs(struct bgp_update *u, struct attr_scan *s, struct cursor attrs)
{
	s->unknown_cap = attrs.left;
	s->unknown = arena_alloc(u, attrs.left);
	u->attrs.unknown = s->unknown;
	while (attrs.left && u->verdict != BGP_UPDATE_SESSION_RESET) {
		const uint8_t *raw = attrs.p;
		uint8_t flags, type;
		uint16_t alen;
		uint8_t alen8;
		struct cursor v;

		if (!get8(&attrs, &flags) || !get8(&attrs, &type))
			goto overrun;
		if (flags & BGP_ATTR_F_EXTLEN) {
			if (!get16(&attrs, &alen))
				goto overrun;
		} else {
			if (!get8(&attrs, &alen8))
				goto overrun;
			alen = alen8;
		}
		if (!get_sub(&attrs, alen, &v))
			goto overrun;
		s->count++;
		parse_attr(u, s, flags, type, v, raw, (size_t)(attrs.p - raw));
	}
	return;
overrun:
	/*
	 * RFC 7606 4: attribute lengths disagree with Total Path Attribute
	 * Length; the NLRI field is still found from the total, so withdraw.
	 */
	verdict(u, BGP_UPDATE_TREAT_AS_WITHDRAW, "attribute length overruns attribute block");
}

static void update_init(struct bgp_update *u)
{
	memset(u, 0, offsetof(struct bgp_update, error));
	u->arena_used = 0;
}

void bgp_update_decode(const uint8_t *msg, size_t len, const struct bgp_peer_ctx *ctx,
		       struct bgp_update *u)
{
	struct cursor c = { msg + BGP_HEADER_LEN, len - BGP_HEADER_LEN }, wd, attrs;
	struct attr_scan s = { .ctx = ctx };
	uint16_t wd_len, attr_len;
	struct bgp_attrs *a = &u->attrs;
	bool any_nlri;

	update_init(u);
	if (len < 23 || !get16(&c, &wd_len) || !get_sub(&c, wd_len, &wd) ||
	    !get16(&c, &attr_len) || !get_sub(&c, attr_len, &attrs)) {
		/* RFC 7606 4: the NLRI cannot be located. */
		reset(u, BGP_UPD_MALFORMED_ATTR_LIST, "withdrawn/attribute lengths exceed message",
		      NULL, 0);
		return;
	}
	if (!nlri_valid(BGP_AFI_IPV4, wd.p, wd.left) || !nlri_valid(BGP_AFI_IPV4, c.p, c.left)) {
		reset(u, BGP_UPD_INVALID_NETWORK, "malformed IPv4 NLRI", NULL, 0);
		return;
	}
	u->withdrawn = (struct bgp_nlri){ wd.left ? BGP_AFI_IPV4 : 0, (uint16_t)wd.left, wd.p };
	u->announced = (struct bgp_nlri){ c.left ? BGP_AFI_IPV4 : 0, (uint16_t)c.left, c.p };
	parse_attrs(u, &s, attrs);
	if (u->verdict == BGP_UPDATE_SESSION_RESET)
		return;
	if (!ctx->as4)
		apply_as4(u, &s);

	/* RFC 4724 2: End-of-RIB is an UPDATE with nothing in it. */
	if (!wd_len && !attr_len && !c.left)
		u->end_of_rib_afi = BGP_AFI_IPV4;
	else if (!wd_len && !c.left && s.count == 1 && u->mp_withdrawn.afi && !u->mp_withdrawn.len)
		u->end_of_rib_afi = u->mp_withdrawn.afi;

	/* RFC 7606 3(d): missing well-known attributes only matter with NLRI. */
	any_nlri = u->announced.len || u->mp_announced.len;
	if (any_nlri && u->verdict == BGP_UPDATE_OK &&
	    (!bgp_attr_has(a, BGP_ATTR_ORIGIN) || !bgp_attr_has(a, BGP_ATTR_AS_PATH) ||
	     (u->announced.len && !bgp_attr_has(a, BGP_ATTR_NEXT_HOP)) ||
	     (!ctx->ebgp && !bgp_attr_has(a, BGP_ATTR_LOCAL_PREF))))
		verdict(u, BGP_UPDATE_TREAT_AS_WITHDRAW, "missing well-known attribute");
}

int bgp_attrs_decode(const uint8_t *blob, size_t len, struct bgp_update *u)
{
	static const struct bgp_peer_ctx canonical = { .as4 = true };
	struct attr_scan s = { .ctx = &canonical };

	update_init(u);
	parse_attrs(u, &s, (struct cursor){ blob, len });
	return u->verdict == BGP_UPDATE_OK && !u->discarded ? 0 : -1;
}

/* ---- names for logs ---- */

const char *bgp_msg_type_name(unsigned int type)
{
	static const char *const names[] = {
		"?", "OPEN", "UPDATE", "NOTIFICATION", "KEEPALIVE", "ROUTE-REFRESH",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "?";
}

const char *bgp_error_name(uint8_t code, uint8_t subcode)
{
	static const char *const header[] = { "header error", "connection not synchronized",
		"bad message length", "bad message type" };
	static const char *const open[] = { "OPEN error", "unsupported version number",
		"bad peer AS", "bad BGP identifier", "unsupported optional parameter",
		"authentication failure", "unacceptable hold time", "unsupported capability" };
	static const char *const update[] = { "UPDATE error", "malformed attribute list",
		"unrecognized well-known attribute", "missing well-known attribute",
		"attribute flags error", "attribute length error", "invalid ORIGIN",
		"AS routing loop", "invalid NEXT_HOP", "optional attribute error",
		"invalid network field", "malformed AS_PATH" };
	static const char *const cease[] = { "cease", "maximum number of prefixes reached",
		"administrative shutdown", "peer de-configured", "administrative reset",
		"connection rejected", "other configuration change",
		"connection collision resolution", "out of resources", "hard reset", "BFD down" };
#define PICK(t) (subcode < sizeof(t) / sizeof(t[0]) ? t[subcode] : t[0])
	switch (code) {
	case BGP_ERR_HEADER: return PICK(header);
	case BGP_ERR_OPEN: return PICK(open);
	case BGP_ERR_UPDATE: return PICK(update);
	case BGP_ERR_HOLD_TIMER: return "hold timer expired";
	case BGP_ERR_FSM: return "finite state machine error";
	case BGP_ERR_CEASE: return PICK(cease);
	case BGP_ERR_ROUTE_REFRESH: return "route refresh error";
	default: return "unknown error";
	}
#undef PICK
}
