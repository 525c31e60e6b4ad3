// SPDX-License-Identifier: GPL-2.0
/*
 * kbfd: in-kernel Bidirectional Forwarding Detection (RFC 5880, 5881,
 * 5883) configured over generic netlink. Module init and exit, the per
 * network namespace state, module parameters.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <uapi/linux/kbfd.h>

#include "lag.h"
#include "netlink.h"
#include "session.h"
#include "sysfs.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

#define KBFD_MODULE_VERSION	"0.1.0"

/* Serialises configuration, namespace teardown and module exit. */
DEFINE_MUTEX(kbfd_cfg_lock);
bool kbfd_exiting;
unsigned int kbfd_net_id __read_mostly;
struct workqueue_struct *kbfd_wq;

unsigned int kbfd_max_sessions __read_mostly = 16384;
module_param_named(max_sessions, kbfd_max_sessions, uint, 0644);
MODULE_PARM_DESC(max_sessions, "Maximum number of sessions per network namespace (default 16384)");

/*
 * Namespaces are cheap to make (in a user namespace too), so the
 * per-namespace limit alone does not bound the host's timers and memory.
 */
unsigned int kbfd_max_sessions_total __read_mostly = 65536;
module_param_named(max_sessions_total, kbfd_max_sessions_total, uint, 0644);
MODULE_PARM_DESC(max_sessions_total, "Maximum number of sessions on the host, all namespaces together (default 65536)");

/*
 * timers.c: how long an expired detection timer waits for queued packets
 * before it declares Down. Capped at 1 ms: beyond that it no longer waits
 * for a softirq pass but lengthens every detection time.
 */
#define KBFD_DETECT_RECHECK_MAX_US	1000
unsigned int kbfd_detect_recheck_us __read_mostly = 10;

static int kbfd_detect_recheck_set(const char *val,
				   const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 0, KBFD_DETECT_RECHECK_MAX_US);
}

static const struct kernel_param_ops kbfd_detect_recheck_ops = {
	.set = kbfd_detect_recheck_set,
	.get = param_get_uint,
};

module_param_cb(detect_recheck_us, &kbfd_detect_recheck_ops,
		&kbfd_detect_recheck_us, 0644);
/* module_param_cb() does not record the type modinfo shows. */
__MODULE_PARM_TYPE(detect_recheck_us, "uint");
MODULE_PARM_DESC(detect_recheck_us, "Microseconds an expired detection timer waits for queued packets before Down, 0-1000, 0 = none (default 10)");

static int __net_init kbfd_net_init(struct net *net)
{
	struct kbfd_net *kn = kbfd_pernet(net);

	kn->net = net;
	INIT_LIST_HEAD(&kn->sessions);
	INIT_LIST_HEAD(&kn->lags);
	return 0;
}

static void __net_exit kbfd_net_exit(struct net *net)
{
	struct kbfd_net *kn = kbfd_pernet(net);

	mutex_lock(&kbfd_cfg_lock);
	/*
	 * On module unload the namespace is alive and the peers are told
	 * AdminDown; a dying namespace has no interfaces left to tell them.
	 */
	kbfd_net_destroy_sessions(kn, kbfd_exiting);
	mutex_unlock(&kbfd_cfg_lock);
}

static struct pernet_operations kbfd_net_ops = {
	.init = kbfd_net_init,
	.exit = kbfd_net_exit,
	.id = &kbfd_net_id,
	.size = sizeof(struct kbfd_net),
};

static int __init kbfd_init(void)
{
	int err;

	kbfd_wq = alloc_workqueue("kbfd", WQ_UNBOUND, 0);
	if (!kbfd_wq)
		return -ENOMEM;
	err = kbfd_sysfs_init();
	if (err)
		goto err_wq;
	/* Per-namespace state exists before the first request can arrive. */
	err = register_pernet_subsys(&kbfd_net_ops);
	if (err)
		goto err_sysfs;
	/* The notifier looks at per-namespace state: registered after it. */
	err = kbfd_lag_init();
	if (err)
		goto err_pernet;
	err = kbfd_genl_init();
	if (err)
		goto err_lag;
	pr_info("version %s loaded\n", KBFD_MODULE_VERSION);
	return 0;

err_lag:
	kbfd_lag_uninit();
err_pernet:
	unregister_pernet_subsys(&kbfd_net_ops);
err_sysfs:
	kbfd_sysfs_uninit();
err_wq:
	destroy_workqueue(kbfd_wq);
	return err;
}

static void __exit kbfd_exit(void)
{
	/* No request gets past kbfd_cfg_lock from here on. */
	mutex_lock(&kbfd_cfg_lock);
	kbfd_exiting = true;
	mutex_unlock(&kbfd_cfg_lock);

	/*
	 * Sessions and LAGs go first, while their events can still be
	 * multicast; the netdevice notifier sees kbfd_exiting and leaves the
	 * per-namespace state alone until it is unregistered.
	 */
	unregister_pernet_subsys(&kbfd_net_ops);
	kbfd_lag_uninit();
	kbfd_genl_uninit();
	kbfd_sysfs_uninit();
	rcu_barrier();			/* queue_rcu_work() callbacks */
	destroy_workqueue(kbfd_wq);	/* drains the session frees */
}

module_init(kbfd_init);
module_exit(kbfd_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("peeredge developers");
MODULE_DESCRIPTION("In-kernel BFD (RFC 5880/5881/5883/7130) over generic netlink");
MODULE_VERSION(KBFD_MODULE_VERSION);
MODULE_ALIAS_GENL_FAMILY(KBFD_GENL_NAME);
