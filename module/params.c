// SPDX-License-Identifier: GPL-2.0
/*
 * Module parameters: the configuration at load time and, through sysfs, at
 * run time. A runtime change needs CAP_SYS_ADMIN in the initial user
 * namespace whatever the file mode says, is validated like a load-time
 * value, and is reported as a config event.
 */
#include <linux/capability.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/string.h>

#include "sysrqmon.h"

static const char * const mode_names[] = {
	[SYSRQMON_MODE_OFF] = "off",
	[SYSRQMON_MODE_MONITOR] = "monitor",
	[SYSRQMON_MODE_DENY] = "deny",
};

/* Set once init has finished: from then on, changes are runtime changes. */
static bool loaded;

/**
 * sysrqmon_mode_name() - the parameter spelling of a mode
 * @mode: enum sysrqmon_mode
 *
 * Return: the name.
 */
const char *sysrqmon_mode_name(int mode)
{
	return mode_names[mode];
}

static void report_invalid(const char *name, const char *val,
			   const char *expected)
{
	char enc[SYSRQMON_STR_MAX + 1];
	bool cut = false;

	sysrqmon_audit_encode(enc, sizeof(enc), val, &cut);
	pr_err("sysrqmon: invalid %s=%s%s, expected %s\n", name, enc,
	       cut ? "..." : "", expected);
}

static int may_change(void)
{
	if (!loaded)
		return 0;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	return 0;
}

static void report_change(const char *setting, const char *old,
			  const char *new)
{
	struct sysrqmon_event ev;

	if (!loaded)
		return;
	sysrqmon_event_init(&ev, SYSRQMON_KIND_CONFIG, true);
	strscpy(ev.setting, setting, sizeof(ev.setting));
	strscpy(ev.old_value, old, sizeof(ev.old_value));
	strscpy(ev.new_value, new, sizeof(ev.new_value));
	sysrqmon_event_emit(&ev);
}

/**
 * sysrqmon_mode_check() - whether the module can switch to a mode now
 * @mode: enum sysrqmon_mode
 *
 * Return: NULL if it can, else why not.
 */
const char *sysrqmon_mode_check(int mode)
{
	if (mode == SYSRQMON_MODE_DENY)
		return "deny mode is not available yet";
	return NULL;
}

/**
 * sysrqmon_set_mode() - switch mode and report it
 * @mode: enum sysrqmon_mode, already checked with sysrqmon_mode_check()
 *
 * Context: process context, under kernel_param_lock(THIS_MODULE).
 */
void sysrqmon_set_mode(int mode)
{
	int old = sysrqmon_cfg.mode;

	WRITE_ONCE(sysrqmon_cfg.mode, mode);
	if (old != mode)
		report_change("mode", mode_names[old], mode_names[mode]);
}

/**
 * sysrqmon_set_flag() - change an on/off setting and report it
 * @name: the setting's parameter name
 * @flag: the setting in sysrqmon_cfg
 * @value: its new value
 *
 * Context: process context, under kernel_param_lock(THIS_MODULE).
 */
void sysrqmon_set_flag(const char *name, bool *flag, bool value)
{
	bool old = *flag;

	WRITE_ONCE(*flag, value);
	if (old != value)
		report_change(name, old ? "1" : "0", value ? "1" : "0");
}

static int mode_set(const char *val, const struct kernel_param *kp)
{
	int mode = sysfs_match_string(mode_names, val);
	const char *why;
	int ret;

	ret = may_change();
	if (ret)
		return ret;
	if (mode < 0) {
		report_invalid(kp->name, val, "off, monitor or deny");
		return -EINVAL;
	}
	why = sysrqmon_mode_check(mode);
	if (why) {
		pr_err("sysrqmon: mode=%s refused: %s\n", mode_names[mode], why);
		return -EINVAL;
	}
	sysrqmon_set_mode(mode);
	return 0;
}

static int mode_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", mode_names[READ_ONCE(sysrqmon_cfg.mode)]);
}

static const struct kernel_param_ops mode_ops = {
	.set = mode_set,
	.get = mode_get,
};

static int flag_set(const char *val, const struct kernel_param *kp)
{
	bool value;
	int ret;

	ret = may_change();
	if (ret)
		return ret;
	if (kstrtobool(val, &value)) {
		report_invalid(kp->name, val, "0 or 1");
		return -EINVAL;
	}
	sysrqmon_set_flag(kp->name, kp->arg, value);
	return 0;
}

static int flag_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(*(bool *)kp->arg));
}

static const struct kernel_param_ops flag_ops = {
	.set = flag_set,
	.get = flag_get,
};

module_param_cb(mode, &mode_ops, NULL, 0644);
MODULE_PARM_DESC(mode, "monitor (default): report; deny: report and refuse; off: do nothing");
module_param_cb(audit, &flag_ops, &sysrqmon_cfg.audit, 0644);
MODULE_PARM_DESC(audit, "1 (default): kernel log line for allowed events too; 0: only denials, config and tamper events");
module_param_cb(watch_reads, &flag_ops, &sysrqmon_cfg.watch_reads, 0644);
MODULE_PARM_DESC(watch_reads, "1: read-only opens of the targets are events too (default 0)");

/**
 * sysrqmon_params_loaded() - from now on, parameter writes are runtime
 * changes; report the load itself.
 */
void sysrqmon_params_loaded(void)
{
	loaded = true;
	report_change("module", "unloaded", mode_names[sysrqmon_cfg.mode]);
}

/**
 * sysrqmon_params_unloading() - report the unload before the hooks go
 */
void sysrqmon_params_unloading(void)
{
	report_change("module", mode_names[READ_ONCE(sysrqmon_cfg.mode)],
		      "unloaded");
}
