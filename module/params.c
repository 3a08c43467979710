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
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/string.h>

#include "sysrqmon.h"
#include <uapi/sysrqmon_names.h>

/*
 * Two copies: readers copy the published one, a writer fills the other and
 * publishes it whole, then waits until no reader is left in the old one,
 * which is the next spare. Writers hold config_lock (and, through sysfs or
 * netlink, the parameter lock).
 */
static struct sysrqmon_config configs[2] = {
	{
		.mode = SYSRQMON_MODE_MONITOR,
		.audit = true,
		.audit_records = true,
		.verify_ms = 1000,
	},
};

static struct sysrqmon_config __rcu *published = RCU_INITIALIZER(&configs[0]);
static DEFINE_MUTEX(config_lock);

bool sysrqmon_watching_reads;

/* Set once init has finished: from then on, changes are runtime changes. */
static bool loaded;
/* Set under the parameter lock when exit begins: no change gets past it. */
static bool unloading;

struct setting {
	const char *name;
	const char *expected;
	int (*parse)(const char *val, s64 *value);
	void (*format)(s64 value, char *buf, size_t len);
	size_t offset;
	size_t size;
};

#define CONFIG_OFFSET(f)	offsetof(struct sysrqmon_config, f)
#define CONFIG_SIZE(f)		sizeof_field(struct sysrqmon_config, f)

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
		parse_mode, format_mode, CONFIG_OFFSET(mode), CONFIG_SIZE(mode),
	},
	[SYSRQMON_SET_AUDIT] = {
		"audit", "0 or 1",
		parse_flag, format_int, CONFIG_OFFSET(audit), CONFIG_SIZE(audit),
	},
	[SYSRQMON_SET_AUDIT_RECORDS] = {
		"audit_records", "0 or 1",
		parse_flag, format_int, CONFIG_OFFSET(audit_records), CONFIG_SIZE(audit_records),
	},
	[SYSRQMON_SET_WATCH_READS] = {
		"watch_reads", "0 or 1",
		parse_flag, format_int, CONFIG_OFFSET(watch_reads), CONFIG_SIZE(watch_reads),
	},
	[SYSRQMON_SET_ALLOWED_MASK] = {
		"allowed_mask", "an integer (16, 0x10, 020)",
		parse_mask, format_int, CONFIG_OFFSET(allowed_mask), CONFIG_SIZE(allowed_mask),
	},
	[SYSRQMON_SET_ALLOWED_KEYS] = {
		"allowed_keys", "SysRq command characters [0-9a-zA-Z]",
		parse_keys, format_keys, CONFIG_OFFSET(allowed_keys), CONFIG_SIZE(allowed_keys),
	},
	[SYSRQMON_SET_DENY_SCOPE] = {
		"deny_scope", "all or container",
		parse_scope, format_scope, CONFIG_OFFSET(deny_scope), CONFIG_SIZE(deny_scope),
	},
	[SYSRQMON_SET_VERIFY_MS] = {
		"verify_ms", "0 (off) or 100 to 60000",
		parse_period, format_int, CONFIG_OFFSET(verify_ms), CONFIG_SIZE(verify_ms),
	},
	[SYSRQMON_SET_LOCKED] = {
		"locked", "0 or 1 (0 only until locked)",
		parse_flag, format_int, CONFIG_OFFSET(locked), CONFIG_SIZE(locked),
	},
};

static s64 setting_load(const struct sysrqmon_config *cfg,
			enum sysrqmon_setting id)
{
	const void *field = (const char *)cfg + settings[id].offset;

	switch (settings[id].size) {
	case sizeof(bool):
		return *(const bool *)field;
	case sizeof(int):
		return *(const int *)field;
	default:
		return *(const u64 *)field;
	}
}

static void setting_store(struct sysrqmon_config *cfg,
			  enum sysrqmon_setting id, s64 value)
{
	void *field = (char *)cfg + settings[id].offset;

	switch (settings[id].size) {
	case sizeof(bool):
		*(bool *)field = value;
		break;
	case sizeof(int):
		*(int *)field = value;
		break;
	default:
		*(u64 *)field = value;
		break;
	}
}

/**
 * sysrqmon_config_get() - a consistent copy of the configuration
 * @cfg: receives it
 *
 * Callable in any context but NMI: no lock, preemption off for the copy.
 */
void sysrqmon_config_get(struct sysrqmon_config *cfg)
{
	preempt_disable_notrace();
	*cfg = *rcu_dereference_sched(published);
	preempt_enable_notrace();
}
EXPORT_SYMBOL_IF_KUNIT(sysrqmon_config_get);

/* Context: config_lock held; may sleep. */
static void publish(const struct sysrqmon_config *next)
{
	struct sysrqmon_config *now, *spare;

	now = rcu_dereference_protected(published,
					lockdep_is_held(&config_lock));
	spare = now == &configs[0] ? &configs[1] : &configs[0];
	*spare = *next;
	WRITE_ONCE(sysrqmon_watching_reads, next->watch_reads);
	rcu_assign_pointer(published, spare);
	/* synchronize_rcu() also waits for preemption-off readers. */
	synchronize_rcu();
}

/**
 * sysrqmon_config_publish() - replace the whole configuration, silently
 * @cfg: the new configuration
 *
 * For the KUnit suites, which set up the policy they test: no check, no
 * lock, no event. Context: process context.
 */
void sysrqmon_config_publish(const struct sysrqmon_config *cfg)
{
	mutex_lock(&config_lock);
	publish(cfg);
	mutex_unlock(&config_lock);
}
EXPORT_SYMBOL_IF_KUNIT(sysrqmon_config_publish);

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
 * sysrqmon_setting_format() - a setting's value as text
 * @cfg: the configuration it is read from
 * @id: the setting
 * @buf: receives the text
 * @len: size of @buf
 */
void sysrqmon_setting_format(const struct sysrqmon_config *cfg,
			     enum sysrqmon_setting id, char *buf, size_t len)
{
	settings[id].format(setting_load(cfg, id), buf, len);
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
			   const char *new, const struct sysrqmon_decision *d)
{
	struct sysrqmon_event *ev;

	ev = sysrqmon_event_start(SYSRQMON_KIND_CONFIG, true, d);
	if (!ev)
		return;
	strscpy(ev->text.setting, name, sizeof(ev->text.setting));
	strscpy(ev->text.old, old, sizeof(ev->text.old));
	strscpy(ev->text.new, new, sizeof(ev->text.new));
	sysrqmon_event_emit(ev);
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

/*
 * A change that has happened (an applied setting, the module's load or
 * unload): the policy reports it and has nothing to refuse.
 */
static void decide_done(struct sysrqmon_decision *d)
{
	struct sysrqmon_request req = {
		.kind = SYSRQMON_KIND_CONFIG,
		.setting = -1,
		.done = true,
	};

	sysrqmon_decide(&req, d);
}

static void report_module(const char *old, const char *new)
{
	struct sysrqmon_decision d;

	decide_done(&d);
	report_setting("module", old, new, &d);
}

static void report_change(enum sysrqmon_setting id, s64 old, s64 new,
			  const struct sysrqmon_decision *d)
{
	char old_text[SYSRQMON_VALUE_LEN], new_text[SYSRQMON_VALUE_LEN];

	settings[id].format(old, old_text, sizeof(old_text));
	settings[id].format(new, new_text, sizeof(new_text));
	report_setting(settings[id].name, old_text, new_text, d);
}

/* Whether a valid value may be applied now. Context: config_lock held. */
static int check_change(const struct sysrqmon_config *now,
			enum sysrqmon_setting id, s64 value, const char **why)
{
	struct sysrqmon_request req = {
		.kind = SYSRQMON_KIND_CONFIG,
		.setting = id,
		.value = value,
	};
	struct sysrqmon_decision d;

	if (!loaded)
		return 0;
	if (unloading) {
		*why = "the module is being unloaded";
		return -ENODEV;
	}
	sysrqmon_decide(&req, &d);
	if (d.deny) {
		report_change(id, setting_load(now, id), value, &d);
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

/* Context: config_lock held, @next published. */
static void changed(const struct sysrqmon_config *old,
		    const struct sysrqmon_config *next, unsigned long set)
{
	struct sysrqmon_decision d;
	unsigned int id;

	/* The lock's hold on the module, never dropped: until reboot. */
	if (next->locked && !old->locked)
		__module_get(THIS_MODULE);
	if (!loaded)
		return;
	if (next->verify_ms != old->verify_ms)
		sysrqmon_verify_period_changed(next->verify_ms);
	decide_done(&d);
	for_each_set_bit(id, &set, SYSRQMON_SET_COUNT)
		if (setting_load(old, id) != setting_load(next, id))
			report_change(id, setting_load(old, id),
				      setting_load(next, id), &d);
}

/**
 * sysrqmon_config_change() - change settings together, or none of them
 * @change: the settings and their parsed values
 * @failed: receives the setting that was refused
 * @why: receives a static reason when one was
 *
 * Every setting is checked first (the lock, deny mode's hooks, unload);
 * then the new configuration is published at once, and each setting that
 * changed is reported as a config event. A refusal by the lock is reported
 * as a denied config event.
 *
 * Context: process context, under kernel_param_lock(THIS_MODULE), which
 * serialises sysfs and netlink writers; nothing is applied once
 * sysrqmon_params_unloading() has returned, so a change of verify_ms can
 * never re-arm the drift check after exit has cancelled it.
 *
 * Return: 0, -EPERM when locked, -EINVAL when deny mode cannot be enforced,
 * or -ENODEV once unloading has begun.
 */
int sysrqmon_config_change(const struct sysrqmon_change *change,
			   enum sysrqmon_setting *failed, const char **why)
{
	struct sysrqmon_config old, next;
	unsigned int id;
	int ret = 0;

	mutex_lock(&config_lock);
	old = *rcu_dereference_protected(published,
					 lockdep_is_held(&config_lock));
	next = old;
	for_each_set_bit(id, &change->set, SYSRQMON_SET_COUNT) {
		ret = check_change(&old, id, change->value[id], why);
		if (ret) {
			*failed = id;
			goto out;
		}
		setting_store(&next, id, change->value[id]);
	}
	publish(&next);
	changed(&old, &next, change->set);
out:
	mutex_unlock(&config_lock);
	return ret;
}

static int param_set(const char *val, const struct kernel_param *kp)
{
	enum sysrqmon_setting id = (uintptr_t)kp->arg;
	struct sysrqmon_change change = { .set = BIT(id) };
	const char *why;
	int ret;

	if (loaded && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	ret = sysrqmon_config_parse(id, val, &change.value[id]);
	if (ret)
		return ret;
	ret = sysrqmon_config_change(&change, &id, &why);
	if (ret)
		pr_err("sysrqmon: %s not changed: %s\n", settings[id].name, why);
	return ret;
}

static int param_get(char *buf, const struct kernel_param *kp)
{
	enum sysrqmon_setting id = (uintptr_t)kp->arg;
	char value[SYSRQMON_VALUE_LEN];
	struct sysrqmon_config cfg;

	sysrqmon_config_get(&cfg);
	sysrqmon_setting_format(&cfg, id, value, sizeof(value));
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
	struct sysrqmon_config cfg;

	loaded = true;
	sysrqmon_config_get(&cfg);
	report_module("unloaded", sysrqmon_mode_name(cfg.mode));
}

/**
 * sysrqmon_params_unloading() - refuse further changes, report the unload
 *
 * Parameter files outlive exit() a little: a write after this point fails
 * instead of queueing an event into a buffer that is about to go.
 */
void sysrqmon_params_unloading(void)
{
	struct sysrqmon_config cfg;

	kernel_param_lock(THIS_MODULE);
	unloading = true;
	kernel_param_unlock(THIS_MODULE);
	sysrqmon_config_get(&cfg);
	report_module(sysrqmon_mode_name(cfg.mode), "unloaded");
}
