// SPDX-License-Identifier: GPL-2.0
/*
 * sysrqmon: watch, report and optionally refuse every use of Magic SysRq.
 */
#include <linux/module.h>
#include <linux/random.h>

#include "sysrqmon.h"

/* Tells listeners that sequence numbers started again. */
u64 sysrqmon_instance;

/*
 * One ordered init: the lookups first (they hold nothing), then each piece
 * that must be undone, undone in the reverse order by the ladder below and
 * by sysrqmon_exit(). The parameters become runtime settings last, so that
 * on exit a change of verify_ms is refused before the check stops.
 */
static int __init sysrqmon_init(void)
{
	struct sysrqmon_config cfg;
	int ret;

	get_random_bytes(&sysrqmon_instance, sizeof(sysrqmon_instance));
	sysrqmon_audit_init();
	ret = sysrqmon_symbols_init();
	if (ret)
		return ret;
	ret = sysrqmon_identity_init();
	if (ret)
		return ret;
	sysrqmon_event_init_symbols();

	ret = sysrqmon_integrity_init();
	if (ret)
		return ret;
	ret = sysrqmon_queue_init(&sysrqmon_event_consumer);
	if (ret)
		goto err_integrity;
	ret = sysrqmon_netlink_init();
	if (ret)
		goto err_queue;
	ret = sysrqmon_hooks_install();
	if (ret)
		goto err_netlink;
	/* Fail closed: deny mode only with every enforcing hook in place. */
	sysrqmon_config_get(&cfg);
	if (cfg.mode == SYSRQMON_MODE_DENY &&
	    !sysrqmon_enforcing_attached()) {
		pr_err("sysrqmon: refusing mode=deny: an enforcing hook is missing\n");
		ret = -EINVAL;
		goto err_hooks;
	}
	sysrqmon_integrity_start();
	sysrqmon_params_loaded();
	return 0;

err_hooks:
	sysrqmon_hooks_remove();
err_netlink:
	/* As on exit: the worker is done with the family before it goes. */
	sysrqmon_queue_flush();
	sysrqmon_netlink_exit();
err_queue:
	sysrqmon_queue_exit();
err_integrity:
	sysrqmon_integrity_exit();
	return ret;
}

static void __exit sysrqmon_exit(void)
{
	sysrqmon_params_unloading();
	sysrqmon_integrity_stop();
	sysrqmon_hooks_remove();
	/* Listeners still get what was queued, the unload included. */
	sysrqmon_queue_flush();
	sysrqmon_netlink_exit();
	sysrqmon_queue_exit();
	sysrqmon_integrity_exit();
}

module_init(sysrqmon_init);
module_exit(sysrqmon_exit);

MODULE_DESCRIPTION("Monitor and optionally deny Magic SysRq use");
MODULE_AUTHOR("The sysrqmon developers");
MODULE_LICENSE("GPL v2");
MODULE_VERSION(SYSRQMON_VERSION);
