/* SPDX-License-Identifier: GPL-2.0 */
/* Test helpers: talk to the kbfd generic netlink family with libnl. */
#ifndef KBFD_NL_H
#define KBFD_NL_H

#include <stdbool.h>
#include <stdint.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
#include <uapi/linux/kbfd.h>

struct kbfd_nl {
	struct nl_sock *sk;
	int family;
	char extack[256];	/* message of the last error, if any */
	int bad_attr_off;	/* offset of the offending attribute, or -1 */
};

/* One session as a GET reply or an event describes it. */
struct kbfd_info {
	bool has[KBFD_A_MAX + 1];
	uint8_t peer[16], local[16];
	int alen;
	uint32_t u32[KBFD_A_MAX + 1];	/* u8/u32 attributes */
	uint64_t u64[KBFD_A_MAX + 1];	/* u64 attributes */
	int n_members;			/* KBFD_A_LAG_MEMBER nests (a LAG) */
};

int kbfd_nl_open(struct kbfd_nl *nl);
void kbfd_nl_close(struct kbfd_nl *nl);
struct nl_msg *kbfd_nl_msg(struct kbfd_nl *nl, int cmd, int flags);
/*
 * Send @msg (freed), wait for the answer. Replies are parsed into @out
 * (up to @max entries, count returned in *n). Returns 0 or -errno.
 */
int kbfd_nl_call(struct kbfd_nl *nl, struct nl_msg *msg,
		 struct kbfd_info *out, int max, int *n);
int kbfd_nl_parse(struct nlmsghdr *nlh, struct kbfd_info *info, int *cmd);
int kbfd_nl_subscribe(struct kbfd_nl *nl);
const char *kbfd_state_name(unsigned int s);
int kbfd_parse_addr(const char *s, uint8_t *buf);
void kbfd_format_addr(const uint8_t *a, int alen, char *buf, size_t len);

#endif
