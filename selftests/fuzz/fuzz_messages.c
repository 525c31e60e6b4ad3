// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness over the BGP message decoders. Every input is framed
 * like a received byte stream, decoded with each kind of session context,
 * and whatever decodes cleanly is re-encoded and decoded again, so the
 * encoders and the canonical RIB form are exercised on hostile shapes too.
 */
#include <stdint.h>
#include <string.h>

#include "messages.h"

static struct bgp_update upd, again;
static uint8_t out[BGP_MSG_MAX];

static void walk(const struct bgp_nlri *n)
{
	struct bgp_nlri_iter it;
	struct prefix p;

	bgp_nlri_iter_init(&it, n);
	while (bgp_nlri_next(&it, &p))
		;
}

static void decode_update(const uint8_t *msg, size_t len, const struct bgp_peer_ctx *ctx)
{
	char path[BGP_MSG_MAX * 3];
	int n;

	bgp_update_decode(msg, len, ctx, &upd);
	if (upd.verdict == BGP_UPDATE_SESSION_RESET)
		return;
	walk(&upd.withdrawn);
	walk(&upd.announced);
	walk(&upd.mp_withdrawn);
	walk(&upd.mp_announced);
	bgp_as_path_format(upd.attrs.as_path, upd.attrs.as_path_len, path, sizeof(path));
	bgp_as_path_count(upd.attrs.as_path, upd.attrs.as_path_len);
	bgp_as_path_origin(upd.attrs.as_path, upd.attrs.as_path_len);
	n = bgp_attrs_encode(out, sizeof(out), &upd.attrs, true);
	if (n >= 0 && bgp_attrs_decode(out, (size_t)n, &again) != 0)
		__builtin_trap();	/* our own canonical form must read back */
	bgp_attrs_encode(out, sizeof(out), &upd.attrs, false);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct bgp_peer_ctx ctxs[] = {
		{ .as4 = true, .ebgp = true, .peer_as = 65001 },
		{ .as4 = false, .ebgp = true, .peer_as = 65001 },
		{ .as4 = true, .ebgp = false },
	};
	struct bgp_notification note;
	struct bgp_error err;
	struct bgp_open open;
	uint16_t afi;
	uint8_t safi;
	size_t i;
	int len;

	while ((len = bgp_header_check(data, size, &err)) > 0) {
		switch (data[18]) {
		case BGP_MSG_OPEN:
			if (bgp_open_decode(data, (size_t)len, &open, &err) == 0)
				bgp_open_encode(out, sizeof(out), &open);
			break;
		case BGP_MSG_UPDATE:
			for (i = 0; i < sizeof(ctxs) / sizeof(ctxs[0]); i++)
				decode_update(data, (size_t)len, &ctxs[i]);
			break;
		case BGP_MSG_NOTIFICATION:
			bgp_notification_decode(data, (size_t)len, &note);
			break;
		case BGP_MSG_ROUTE_REFRESH:
			bgp_route_refresh_decode(data, (size_t)len, &afi, &safi);
			break;
		}
		data += len;
		size -= (size_t)len;
	}
	return 0;
}
