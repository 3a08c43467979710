// SPDX-License-Identifier: GPL-2.0
/*
 * The configuration: one table of settings, each reachable as a module
 * parameter (load time and sysfs) and through netlink, with the same
 * validation, the same lock and the same config events on every path.
 *
 * A runtime change needs CAP_SYS_ADMIN in the initial user namespace,
 * whatever the sysfs file mode says; netlink checks it in pre_doit.
 */
#include <linux/capability.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/string.h>

#include "sysrqmon.h"
#include <uapi/sysrqmon_names.h>

/* Set once init has finished: from then on, changes are runtime changes. */
static bool loaded;
/* Set under the parameter lock when exit begins: no change gets past it. */
static bool unloading;

struct setting {
	const char *name;
	const char *expected;
	int (*parse)(const char *val, s64 *value);
	void (*format)(s64 value, char *buf, size_t len);
	void *field;
};

static int parse_names(const char * const *names, size_t n, const char *val,
		       s64 *value)
{
	int i = __sysfs_match_string(names, n, val);

	if (i < 0)
		return -EINVAL;
	*value = i;
	return 0;
}

static int parse_mode(const char *val, s64 *value)
{
	return parse_names(sysrqmon_mode_names,
			   ARRAY_SIZE(sysrqmon_mode_names), val, value);
}

static void format_mode(s64 value, char *buf, size_t len)
{
	strscpy(buf, sysrqmon_mode_names[value], len);
}

static int parse_scope(const char *val, s64 *value)
{
	return parse_names(sysrqmon_scope_names,
			   ARRAY_SIZE(sysrqmon_scope_names), val, value);
}

static void format_scope(s64 value, char *buf, size_t len)
{
	strscpy(buf, sysrqmon_scope_names[value], len);
}

static int parse_flag(const char *val, s64 *value)
{
	bool flag;

	if (kstrtobool(val, &flag))
		return -EINVAL;
	*value = flag;
	return 0;
}

static void format_int(s64 value, char *buf, size_t len)
{
	snprintf(buf, len, "%lld", value);
}

/* Base 0 like the kernel's own parser of the mask: 16, 0x10, 020. */
static int parse_mask(const char *val, s64 *value)
{
	int mask;

	if (kstrtoint(val, 0, &mask))
		return -EINVAL;
	*value = mask;
	return 0;
}

/* The drift check's period: 0 (off) or a range sane for a worker. */
#define VERIFY_MS_MIN	100
#define VERIFY_MS_MAX	60000

static int parse_period(const char *val, s64 *value)
{
	unsigned int ms;

	if (kstrtouint(val, 0, &ms) ||
	    (ms && (ms < VERIFY_MS_MIN || ms > VERIFY_MS_MAX)))
		return -EINVAL;
	*value = ms;
	return 0;
}

static int parse_keys(const char *val, s64 *value)
{
	size_t len = strcspn(val, "\n");
	u64 keys = 0;
	size_t i;
	int slot;

	if (val[len] && val[len + 1])
		return -EINVAL;
	for (i = 0; i < len; i++) {
		slot = sysrqmon_key_index(val[i]);
		if (slot < 0)
			return -EINVAL;
		keys |= BIT_ULL(slot);
	}
	*value = keys;
	return 0;
}

static void format_keys(s64 value, char *buf, size_t len)
{
	size_t n = 0;
	int slot;

	for (slot = 0; slot < SYSRQMON_KEY_SLOTS && n + 1 < len; slot++)
		if ((u64)value & BIT_ULL(slot))
			buf[n++] = sysrqmon_slot_key(slot);
	buf[n] = '\0';
}

static const struct setting settings[] = {
	[SYSRQMON_SET_MODE] = {
		"mode", "off, monitor or deny",
		parse_mode, format_mode, &sysrqmon_cfg.mode,
	},
	[SYSRQMON_SET_AUDIT] = {
		"audit", "0 or 1",
		parse_flag, format_int, &sysrqmon_cfg.audit,
	},
	[SYSRQMON_SET_AUDIT_RECORDS] = {
		"audit_records", "0 or 1",
		parse_flag, format_int, &sysrqmon_cfg.audit_records,
	},
	[SYSRQMON_SET_WATCH_READS] = {
		"watch_reads", "0 or 1",
		parse_flag, format_int, &sysrqmon_cfg.watch_reads,
	},
	[SYSRQMON_SET_ALLOWED_MASK] = {
		"allowed_mask", "an integer (16, 0x10, 020)",
		parse_mask, format_int, &sysrqmon_cfg.allowed_mask,
	},
	[SYSRQMON_SET_ALLOWED_KEYS] = {
		"allowed_keys", "SysRq command characters [0-9a-zA-Z]",
		parse_keys, format_keys, &sysrqmon_cfg.allowed_keys,
	},
	[SYSRQMON_SET_DENY_SCOPE] = {
		"deny_scope", "all or container",
		parse_scope, format_scope, &sysrqmon_cfg.deny_scope,
	},
	[SYSRQMON_SET_VERIFY_MS] = {
		"verify_ms", "0 (off) or 100 to 60000",
		parse_period, format_int, &sysrqmon_cfg.verify_ms,
	},
	[SYSRQMON_SET_LOCKED] = {
		"locked", "0 or 1 (0 only until locked)",
		parse_flag, format_int, &sysrqmon_cfg.locked,
	},
};

static s64 setting_load(enum sysrqmon_setting id)
{
	switch (id) {
	case SYSRQMON_SET_AUDIT:
		return READ_ONCE(sysrqmon_cfg.audit);
	case SYSRQMON_SET_AUDIT_RECORDS:
		return READ_ONCE(sysrqmon_cfg.audit_records);
	case SYSRQMON_SET_WATCH_READS:
		return READ_ONCE(sysrqmon_cfg.watch_reads);
	case SYSRQMON_SET_LOCKED:
		return READ_ONCE(sysrqmon_cfg.locked);
	case SYSRQMON_SET_ALLOWED_KEYS:
		return READ_ONCE(sysrqmon_cfg.allowed_keys);
	default:
		return READ_ONCE(*(int *)settings[id].field);
	}
}

/* Each field is one naturally aligned word: hooks read it locklessly. */
static void setting_store(enum sysrqmon_setting id, s64 value)
{
	switch (id) {
	case SYSRQMON_SET_AUDIT:
		WRITE_ONCE(sysrqmon_cfg.audit, value);
		break;
	case SYSRQMON_SET_AUDIT_RECORDS:
		WRITE_ONCE(sysrqmon_cfg.audit_records, value);
		break;
	case SYSRQMON_SET_WATCH_READS:
		WRITE_ONCE(sysrqmon_cfg.watch_reads, value);
		break;
	case SYSRQMON_SET_LOCKED:
		WRITE_ONCE(sysrqmon_cfg.locked, value);
		break;
	case SYSRQMON_SET_ALLOWED_KEYS:
		WRITE_ONCE(sysrqmon_cfg.allowed_keys, value);
		break;
	default:
		WRITE_ONCE(*(int *)settings[id].field, value);
		break;
	}
}

/**
 * sysrqmon_setting_name() - the parameter name of a setting
 * @id: the setting
 *
 * Return: the name.
 */
const char *sysrqmon_setting_name(enum sysrqmon_setting id)
{
	return settings[id].name;
}

/**
 * sysrqmon_setting_format() - a setting's current value as text
 * @id: the setting
 * @buf: receives the text
 * @len: size of @buf
 */
void sysrqmon_setting_format(enum sysrqmon_setting id, char *buf, size_t len)
{
	settings[id].format(setting_load(id), buf, len);
}

/**
 * sysrqmon_mode_name() - the parameter spelling of a mode
 * @mode: enum sysrqmon_mode
 *
 * Return: the name.
 */
const char *sysrqmon_mode_name(int mode)
{
	return sysrqmon_mode_names[mode];
}

static void report_setting(const char *name, const char *old,
			   const char *new, enum sysrqmon_verdict verdict)
{
	struct sysrqmon_event ev;

	sysrqmon_event_init(&ev, SYSRQMON_KIND_CONFIG, true);
	ev.verdict = verdict;
	strscpy(ev.setting, name, sizeof(ev.setting));
	strscpy(ev.old_value, old, sizeof(ev.old_value));
	strscpy(ev.new_value, new, sizeof(ev.new_value));
	sysrqmon_event_emit(&ev);
}

/**
 * sysrqmon_config_parse() - parse a setting's text form
 * @id: the setting
 * @val: the text, a trailing newline allowed
 * @value: receives the value
 *
 * Return: 0, or -EINVAL with a log line naming the value and what was
 * expected.
 */
int sysrqmon_config_parse(enum sysrqmon_setting id, const char *val,
			  s64 *value)
{
	char raw[SYSRQMON_STR_MAX + 1], enc[SYSRQMON_STR_MAX + 1];
	bool cut = false;

	if (!settings[id].parse(val, value))
		return 0;
	/* echo adds a newline that is not part of the value. */
	strscpy(raw, val, sizeof(raw));
	raw[strcspn(raw, "\n")] = '\0';
	sysrqmon_audit_encode(enc, sizeof(enc), raw, &cut);
	pr_err_ratelimited("sysrqmon: invalid %s=%s%s, expected %s\n",
			   settings[id].name, enc, cut ? "..." : "",
			   settings[id].expected);
	return -EINVAL;
}

/**
 * sysrqmon_config_check() - whether a valid value may be applied now
 * @id: the setting
 * @value: the value
 * @why: receives a static reason when it may not
 *
 * Return: 0, -EPERM when the configuration is locked (the attempt is
 * reported as a denied config event), -EINVAL when deny mode cannot be
 * enforced, or -ENODEV once unloading has begun.
 */
int sysrqmon_config_check(enum sysrqmon_setting id, s64 value,
			  const char **why)
{
	char old[SYSRQMON_VALUE_LEN], new[SYSRQMON_VALUE_LEN];

	if (!loaded)
		return 0;
	if (unloading) {
		*why = "the module is being unloaded";
		return -ENODEV;
	}
	if (READ_ONCE(sysrqmon_cfg.locked) &&
	    !(id == SYSRQMON_SET_LOCKED && value)) {
		settings[id].format(setting_load(id), old, sizeof(old));
		settings[id].format(value, new, sizeof(new));
		report_setting(settings[id].name, old, new,
			       SYSRQMON_VERDICT_DENIED);
		*why = "the configuration is locked until reboot";
		return -EPERM;
	}
	if (id == SYSRQMON_SET_MODE && value == SYSRQMON_MODE_DENY &&
	    !sysrqmon_enforcing_attached()) {
		*why = "deny mode needs every enforcing hook attached";
		return -EINVAL;
	}
	return 0;
}

/**
 * sysrqmon_config_apply() - apply a checked value and report the change
 * @id: the setting
 * @value: a value sysrqmon_config_check() accepted
 *
 * Context: under kernel_param_lock(THIS_MODULE), which serialises sysfs
 * and netlink writers, and nothing is applied once
 * sysrqmon_params_unloading() has returned: so a change of verify_ms can
 * never re-arm the drift check after exit has cancelled it.
 */
void sysrqmon_config_apply(enum sysrqmon_setting id, s64 value)
{
	char old[SYSRQMON_VALUE_LEN], new[SYSRQMON_VALUE_LEN];
	s64 prev = setting_load(id);

	setting_store(id, value);
	/* The lock's hold on the module, never dropped: until reboot. */
	if (id == SYSRQMON_SET_LOCKED && value && !prev)
		__module_get(THIS_MODULE);
	if (!loaded || prev == value)
		return;
	if (id == SYSRQMON_SET_VERIFY_MS)
		sysrqmon_verify_period_changed();
	settings[id].format(prev, old, sizeof(old));
	settings[id].format(value, new, sizeof(new));
	report_setting(settings[id].name, old, new, SYSRQMON_VERDICT_ALLOWED);
}

static int param_set(const char *val, const struct kernel_param *kp)
{
	enum sysrqmon_setting id = (uintptr_t)kp->arg;
	const char *why;
	bool value_ok;
	s64 value;
	int ret;

	if (loaded && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	ret = sysrqmon_config_parse(id, val, &value);
	value_ok = !ret;
	if (value_ok)
		ret = sysrqmon_config_check(id, value, &why);
	if (ret) {
		if (value_ok)
			pr_err("sysrqmon: %s not changed: %s\n",
			       settings[id].name, why);
		return ret;
	}
	sysrqmon_config_apply(id, value);
	return 0;
}

static int param_get(char *buf, const struct kernel_param *kp)
{
	enum sysrqmon_setting id = (uintptr_t)kp->arg;
	char value[SYSRQMON_VALUE_LEN];

	sysrqmon_setting_format(id, value, sizeof(value));
	return sysfs_emit(buf, "%s\n", value);
}

static const struct kernel_param_ops setting_ops = {
	.set = param_set,
	.get = param_get,
};

module_param_cb(mode, &setting_ops, (void *)SYSRQMON_SET_MODE, 0644);
MODULE_PARM_DESC(mode, "monitor (default): report; deny: report and refuse; off: do nothing");
module_param_cb(audit, &setting_ops, (void *)SYSRQMON_SET_AUDIT, 0644);
MODULE_PARM_DESC(audit, "1 (default): kernel log line for allowed events too; 0: only denials, config and tamper events");
module_param_cb(audit_records, &setting_ops, (void *)SYSRQMON_SET_AUDIT_RECORDS, 0644);
MODULE_PARM_DESC(audit_records, "1 (default): an audit record (type 1316, KERNEL_OTHER) for allowed events too, while the audit subsystem is enabled; 0: only denials, config and tamper events");
module_param_cb(watch_reads, &setting_ops, (void *)SYSRQMON_SET_WATCH_READS, 0644);
MODULE_PARM_DESC(watch_reads, "1: read-only opens of the targets are events too (default 0)");
module_param_cb(allowed_mask, &setting_ops, (void *)SYSRQMON_SET_ALLOWED_MASK, 0644);
MODULE_PARM_DESC(allowed_mask, "deny mode: SysRq functions a kernel.sysrq write may enable (default 0)");
module_param_cb(allowed_keys, &setting_ops, (void *)SYSRQMON_SET_ALLOWED_KEYS, 0644);
MODULE_PARM_DESC(allowed_keys, "deny mode: trigger keys let through, e.g. wmt (default none)");
module_param_cb(deny_scope, &setting_ops, (void *)SYSRQMON_SET_DENY_SCOPE, 0644);
MODULE_PARM_DESC(deny_scope, "deny mode applies to all tasks (default) or only to contained ones (container)");
module_param_cb(verify_ms, &setting_ops, (void *)SYSRQMON_SET_VERIFY_MS, 0644);
MODULE_PARM_DESC(verify_ms, "period of the mask and key table check in ms (100-60000, 0 = off, default 1000)");
module_param_cb(locked, &setting_ops, (void *)SYSRQMON_SET_LOCKED, 0644);
MODULE_PARM_DESC(locked, "1: configuration frozen and unload refused until reboot (default 0)");

/**
 * sysrqmon_params_loaded() - from now on, parameter writes are runtime
 * changes; report the load itself.
 */
void sysrqmon_params_loaded(void)
{
	loaded = true;
	report_setting("module", "unloaded", sysrqmon_mode_name(sysrqmon_cfg.mode),
		       SYSRQMON_VERDICT_ALLOWED);
}

/**
 * sysrqmon_params_unloading() - refuse further changes, report the unload
 *
 * Parameter files outlive exit() a little: a write after this point fails
 * instead of queueing an event into a buffer that is about to go.
 */
void sysrqmon_params_unloading(void)
{
	kernel_param_lock(THIS_MODULE);
	unloading = true;
	kernel_param_unlock(THIS_MODULE);
	report_setting("module", sysrqmon_mode_name(READ_ONCE(sysrqmon_cfg.mode)),
		       "unloaded", SYSRQMON_VERDICT_ALLOWED);
}
