// SPDX-License-Identifier: GPL-2.0
/*
 * validate_bench [SERVICE_PREFIXES [REGISTRY_OBJECTS [FLIPS]]]: validation
 * latency of the agent, in process, through the daemon's own code
 * (build/agent/libpeeredge.a: bgpd_poll, edge_open, edge_turn).
 *
 * Setup: a generated RPSL registry (REGISTRY_OBJECTS route objects, default
 * 1,000,000, SERVICE_PREFIXES of them for the prefixes below), a generated
 * state file (one voice peering, SERVICE_PREFIXES registered /24s, default
 * 10,000, each activated as a service prefix with its key), and a daemon
 * configured with two connections at one location on two routers. Two
 * peers, played by this program over real TCP on loopback, establish and
 * announce every prefix with 8075:8007: everything becomes Verified.
 *
 * (a) UPDATE -> new state: one peer re-announces a random prefix without
 *     (then with) the community; the clock starts just before the peer's
 *     write() (on loopback the kernel queues the bytes on the daemon's
 *     socket within that call) and stops when the prefix's state has moved
 *     (Verified -> Failed, or back), checked after every bgpd_poll() round
 *     (epoll, read, decode, RIB, re-validation of the prefix's targets,
 *     event log). edge_turn() (FIB plan, state file written with fsync),
 *     which the daemon runs after every round, is timed on its own.
 * (b) registry reload: the parse (edge_load_registry) and the swap plus
 *     re-validation of every target (edge_apply_config, which also frees
 *     the old registry, then edge_turn() until its sliced pass is
 *     through), then validator_run_all() alone.
 * (c) start-up load of the registry: time and resident memory growth; the
 *     state file restored alone (state_load); edge_open (both) and the
 *     first validation (edge_turn() until its pass is through).
 *
 * The sessions use hold time 0: a slow run must not lose a session that
 * has nothing to send (a flip would then never reach Verified again).
 *
 * VALIDATE_BENCH_LOG=FILE keeps the daemon's log (default: discarded).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "edge.h"
#include "registry.h"
#include "session.h"
#include "state.h"
#include "edge_fixture.h"

#define PEER_AS FIXTURE_PEER_AS
#define BATCH 500	/* prefixes per UPDATE while loading */

static int out_fd = -1;	/* the table; stderr carries the daemon's log */
static char dir[] = "/tmp/peeredge-vbench.XXXXXX";

static void remove_dir(void)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		return;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (write(out_fd, buf, strlen(buf)) < 0)
		exit(1);
}

static void die(const char *what)
{
	say("validate_bench: %s\n", what);
	exit(1);
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* VmRSS or VmHWM of this process, KiB. */
static long proc_kb(const char *field)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, field, strlen(field)))
			kb = atol(line + strlen(field) + 1);
	if (f)
		fclose(f);
	return kb;
}

/* ---- the two peers ---- */

struct peer {
	int fd;
	const char *addr;
	const char *nexthop;	/* a loopback next hop would be refused */
	struct bgp_session *s;
};

static void pump(struct bgpd *d, struct edge *e, int rounds)
{
	while (rounds--) {
		bgpd_poll(d, 2);
		edge_turn(e);
	}
}

/* The re-validation asked for runs in slices, one a turn, as in the daemon. */
static void finish_pass(struct edge *e)
{
	do
		edge_turn(e);
	while (validator_run_busy(e->v));
}

static void drain(int fd)
{
	uint8_t sink[65536];

	while (read(fd, sink, sizeof(sink)) > 0)
		;
}

static void peer_send(struct peer *p, const uint8_t *msg, int len)
{
	if (len <= 0 || write(p->fd, msg, (size_t)len) != len)
		die(strerror(errno));
}

static void peer_establish(struct bgpd *d, struct edge *e, struct peer *p, uint16_t port)
{
	struct sockaddr_in local = { .sin_family = AF_INET }, remote = local;
	struct bgp_open o = {
		.as = PEER_AS, .hold_time = 0, .cap_as4 = true, .cap_mp_ipv4 = true,
	};
	uint8_t buf[BGP_MSG_MAX];
	int i, sz = 1 << 20;

	inet_pton(AF_INET, p->addr, &local.sin_addr);
	inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr);
	remote.sin_port = htons(port);
	o.bgp_id = ntohl(local.sin_addr.s_addr);
	p->fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(p->fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	if (bind(p->fd, (struct sockaddr *)&local, sizeof(local)) ||
	    connect(p->fd, (struct sockaddr *)&remote, sizeof(remote)))
		die("cannot connect to the daemon on loopback");
	fcntl(p->fd, F_SETFL, O_NONBLOCK);
	pump(d, e, 3);
	peer_send(p, buf, bgp_open_encode(buf, sizeof(buf), &o));
	pump(d, e, 3);
	peer_send(p, buf, bgp_keepalive_encode(buf, sizeof(buf)));
	for (i = 0; i < 200 && p->s->state != BGP_STATE_ESTABLISHED; i++)
		pump(d, e, 1);
	if (p->s->state != BGP_STATE_ESTABLISHED)
		die("a peer did not reach Established");
	drain(p->fd);
}

static const uint8_t as_path[] = { BGP_AS_SEQUENCE, 1, 0, 0, PEER_AS >> 8, PEER_AS & 255 };
static const uint32_t community = PEERING_SERVICE_COMMUNITY;

static int encode_update(uint8_t *buf, const struct peer *p, const struct prefix *pfx, size_t n,
			 bool with_community)
{
	struct bgp_attrs a = {
		.present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH) |
			   BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP),
		.as_path = as_path, .as_path_len = sizeof(as_path),
	};
	struct bgp_update_out out = { NULL, 0, pfx, n, &a };

	if (with_community) {
		a.present |= BGP_ATTR_BIT(BGP_ATTR_COMMUNITIES);
		a.communities = &community;
		a.n_communities = 1;
	}
	inet_pton(AF_INET, p->nexthop, &a.next_hop);
	return bgp_update_encode(buf, BGP_MSG_MAX, &out, true);
}

static void announce_all(struct bgpd *d, struct edge *e, struct peer *p, unsigned n)
{
	struct prefix pfx[BATCH];
	uint8_t buf[BGP_MSG_MAX];
	unsigned i, k;

	for (i = 0; i < n; i += k) {
		for (k = 0; k < BATCH && i + k < n; k++)
			fixture_prefix(i + k, &pfx[k]);
		peer_send(p, buf, encode_update(buf, p, pfx, k, true));
		pump(d, e, 1);
		drain(p->fd);
	}
}

static unsigned count_state(const struct peering_db *db, enum vstate st)
{
	unsigned n = 0;

	for (size_t i = 0; i < db->nservices; i++)
		n += db->services[i]->result.state == st;
	return n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double pct(const double *v, size_t n, double q)
{
	return v[(size_t)(q * (double)(n - 1) + 0.5)];
}

int main(int argc, char **argv)
{
	unsigned nservices = argc > 1 ? (unsigned)atoi(argv[1]) : 10000;
	unsigned nobjects = argc > 2 ? (unsigned)atoi(argv[2]) : 1000000;
	unsigned flips = argc > 3 ? (unsigned)atoi(argv[3]) : 500;
	char regpath[64], statepath[64], text[1024];
	const char *log = getenv("VALIDATE_BENCH_LOG");
	char err[512];
	struct bgpd d = { .epfd = -1, .log_stderr = true };
	struct edge e;
	struct peer peers[2] = { { .addr = "127.0.0.2", .nexthop = "10.0.0.2" },
				 { .addr = "127.0.0.3", .nexthop = "10.0.0.3" } };
	struct registry *reg;
	struct registry_stats rst = { 0 };
	struct peering_db *db;
	struct config cfg;
	uint16_t port = (uint16_t)(20000 + getpid() % 20000);
	double t0, t1, t2, *lat, *turn;
	long rss0, rss1;
	unsigned i;

	out_fd = dup(STDOUT_FILENO);
	if (argc > 4 || nservices < 1 || nservices > 65536 || nobjects < nservices || flips < 2) {
		say("usage: validate_bench [SERVICE_PREFIXES (1..65536) [REGISTRY_OBJECTS "
		    "(>= SERVICE_PREFIXES) [FLIPS (>= 2)]]]\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if (!mkdtemp(dir))
		die("cannot create a temporary directory");
	atexit(remove_dir);
	snprintf(regpath, sizeof(regpath), "%s/irr.db", dir);
	snprintf(statepath, sizeof(statepath), "%s/state", dir);
	if (fixture_write_registry(regpath, nservices, nobjects))
		die("cannot write the registry");
	if (fixture_write_state(statepath, nservices, err, sizeof(err)))
		die(err);

	/* (c) the registry alone, as the daemon loads it at start. */
	rss0 = proc_kb("VmRSS:");
	t0 = now_us();
	reg = registry_new();
	if (!reg || registry_add_file(reg, regpath, &rst))
		die("cannot read the registry");
	t1 = now_us();
	rss1 = proc_kb("VmRSS:");
	say("# validate_bench: %u service prefixes (and as many registered), %u-object "
	    "registry, %u flips\n", nservices, nobjects, flips);
	say("| measure | value |\n|---|---:|\n");
	say("| (c) registry load at start, %lu route objects | %.0f ms |\n", rst.routes,
	    (t1 - t0) / 1e3);
	say("| (c) resident memory of the loaded registry | %.1f MiB (%.0f bytes/object) |\n",
	    (rss1 - rss0) / 1024.0, (rss1 - rss0) * 1024.0 / (double)rst.routes);
	registry_free(reg);

	/* (c) the state file alone: its records are checked as they are restored. */
	t0 = now_us();
	if (state_load(statepath, &db, err, sizeof(err)))
		die(err);
	t1 = now_us();
	say("| (c) state file restore alone (state_load), %zu + %zu prefixes | %.0f ms |\n",
	    db->peerings[0]->nprefixes, db->nservices, (t1 - t0) / 1e3);
	pdb_free(db);

	/* The daemon: config, state, registry, two passive neighbors. */
	snprintf(text, sizeof(text),
		 "router-id 10.0.0.1; local-as 8075; listen 127.0.0.1 port %u;\n"
		 "peering bench { asn %u; kind voice; }\n"
		 "registry %s; state-file %s; grace-period 0;\n"
		 "neighbor c1 { address 127.0.0.2; remote-as %u; passive; hold-time 0;\n"
		 "  peering bench; location AMS; router r1; }\n"
		 "neighbor c2 { address 127.0.0.3; remote-as %u; passive; hold-time 0;\n"
		 "  peering bench; location AMS; router r2; }\n",
		 port, PEER_AS, regpath, statepath, PEER_AS, PEER_AS);
	if (config_parse(text, "bench", &cfg, err, sizeof(err)))
		die(err);
	/* The daemon's log (a line per event): to a file, as syslog would take it. */
	if (!freopen(log ? log : "/dev/null", "w", stderr))
		die("cannot redirect the log");
	if (bgpd_init(&d, &cfg, err, sizeof(err)))
		die(err);
	t0 = now_us();
	if (edge_open(&e, &d, err, sizeof(err)))
		die(err);
	finish_pass(&e);
	t1 = now_us();
	say("| (c) edge_open: state file, registry, first validation of %zu service prefixes "
	    "| %.0f ms |\n", e.db->nservices, (t1 - t0) / 1e3);
	say("| (c) peak resident memory of the process so far | %.1f MiB |\n",
	    proc_kb("VmHWM:") / 1024.0);

	pump(&d, &e, 1);	/* the neighbors start (Idle -> Active) */
	peers[0].s = bgpd_find(&d, "c1");
	peers[1].s = bgpd_find(&d, "c2");
	for (i = 0; i < 2; i++)
		peer_establish(&d, &e, &peers[i], port);
	for (i = 0; i < 2; i++)
		announce_all(&d, &e, &peers[i], nservices);
	/* Up to a minute, not a count of rounds: 500 verified none at 30,000. */
	for (t0 = now_us(); now_us() - t0 < 60e6 && count_state(e.db, VSTATE_VERIFIED) < nservices;)
		pump(&d, &e, 1);
	if (count_state(e.db, VSTATE_VERIFIED) != nservices) {
		say("validate_bench: only %u of %u service prefixes Verified\n",
		    count_state(e.db, VSTATE_VERIFIED), nservices);
		return 1;
	}

	/* (a) flips of random prefixes on c1. */
	lat = calloc(flips, sizeof(*lat));
	turn = calloc(flips, sizeof(*turn));
	if (!lat || !turn)
		die("out of memory");
	srand(1);
	for (i = 0; i < flips; i++) {
		unsigned j = (unsigned)rand() % nservices;
		struct service_prefix *sp = e.db->services[j];
		enum vstate want;
		bool with = sp->result.state != VSTATE_VERIFIED;
		uint8_t buf[BGP_MSG_MAX];
		struct prefix pfx = sp->pfx;
		int len = encode_update(buf, &peers[0], &pfx, 1, with);

		want = with ? VSTATE_VERIFIED : VSTATE_FAILED;
		t0 = now_us();
		peer_send(&peers[0], buf, len);
		/* As the daemon waits: in epoll, woken by the arrival. */
		while (sp->result.state != want && now_us() - t0 < 10e6)
			bgpd_poll(&d, 10);
		t1 = now_us();
		if (sp->result.state != want)
			die("a flip did not change the state within 10 s");
		edge_turn(&e);
		t2 = now_us();
		lat[i] = t1 - t0;
		turn[i] = t2 - t1;
		drain(peers[0].fd);
		drain(peers[1].fd);
	}
	qsort(lat, flips, sizeof(*lat), cmp_double);
	qsort(turn, flips, sizeof(*turn), cmp_double);
	say("| (a) UPDATE written -> new state, p50 | %.1f us |\n", pct(lat, flips, 0.5));
	say("| (a) UPDATE written -> new state, p99 | %.1f us |\n", pct(lat, flips, 0.99));
	say("| (a) UPDATE written -> new state, max | %.1f us |\n", lat[flips - 1]);
	say("| (a) edge_turn after it (FIB plan, state file + fsync), p50 | %.1f us |\n",
	    pct(turn, flips, 0.5));
	say("| (a) edge_turn after it, p99 | %.1f us |\n", pct(turn, flips, 0.99));

	/* (b) registry reload, as SIGHUP / peeredge reload does it. */
	t0 = now_us();
	if (edge_load_registry(&d.cfg, &d, &reg, err, sizeof(err)))
		die(err);
	t1 = now_us();
	edge_apply_config(&e, reg);
	finish_pass(&e);
	t2 = now_us();
	say("| (b) reload: registry parse (%lu objects) | %.0f ms |\n", registry_size(reg),
	    (t1 - t0) / 1e3);
	say("| (b) reload: swap, free the old registry, re-validate %zu service + %u registered "
	    "prefixes | %.0f ms |\n", e.db->nservices, nservices, (t2 - t1) / 1e3);
	t0 = now_us();
	validator_run_all(e.v, edge_now_ms());
	t1 = now_us();
	say("| (b) re-validation of everything alone (validator_run_all) | %.0f ms |\n",
	    (t1 - t0) / 1e3);
	if (count_state(e.db, VSTATE_VERIFIED) + count_state(e.db, VSTATE_FAILED) != nservices)
		die("states other than Verified/Failed after the reload");

	free(lat);
	free(turn);
	for (i = 0; i < 2; i++)
		close(peers[i].fd);
	edge_close(&e);
	bgpd_shutdown(&d, NULL);
	return 0;
}
