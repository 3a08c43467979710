// SPDX-License-Identifier: GPL-2.0
/*
 * sysrqmon: watch, report and optionally refuse every use of Magic SysRq.
 */
#include <linux/module.h>
#include <linux/random.h>

#include "sysrqmon.h"

struct sysrqmon_config sysrqmon_cfg = {
	.mode = SYSRQMON_MODE_MONITOR,
	.audit = true,
};

/* Tells listeners that sequence numbers started again. */
u64 sysrqmon_instance;

static int __init sysrqmon_init(void)
{
	int ret;

	get_random_bytes(&sysrqmon_instance, sizeof(sysrqmon_instance));
	sysrqmon_audit_init();

	ret = sysrqmon_symbols_init();
	if (!ret)
		ret = sysrqmon_sysrq_init();
	if (!ret)
		ret = sysrqmon_identity_init();
	if (!ret)
		ret = sysrqmon_key_hooks_init();
	if (!ret)
		ret = sysrqmon_hooks_install();
	if (ret)
		return ret;

	sysrqmon_params_loaded();
	return 0;
}

static void __exit sysrqmon_exit(void)
{
	sysrqmon_params_unloading();
	sysrqmon_hooks_remove();
}

module_init(sysrqmon_init);
module_exit(sysrqmon_exit);

MODULE_DESCRIPTION("Monitor and optionally deny Magic SysRq use");
MODULE_AUTHOR("The sysrqmon developers");
MODULE_LICENSE("GPL v2");
MODULE_VERSION(SYSRQMON_VERSION);
