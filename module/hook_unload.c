// SPDX-License-Identifier: GPL-2.0
/*
 * delete_module(2): the lock's hold on the module itself.
 *
 * Locking takes a reference on the module (params.c), which stops a plain
 * rmmod, but not rmmod -f on a kernel with CONFIG_MODULE_FORCE_UNLOAD: so
 * while locked the syscall is also refused for our name, at every entry,
 * before the module loader looks at it.
 */
#include <linux/module.h>
#include <linux/ptrace.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "sysrqmon.h"

/* Apart, so that the configuration's copy is off the stack by emit. */
static noinline const char *mode_now(void)
{
	struct sysrqmon_config cfg;

	sysrqmon_config_get(&cfg);
	return sysrqmon_mode_name(cfg.mode);
}

static noinline void report_refused_unload(const struct sysrqmon_decision *d)
{
	const char *mode = mode_now();
	struct sysrqmon_event *ev;

	ev = sysrqmon_event_start(SYSRQMON_KIND_CONFIG, true, d);
	if (!ev)
		return;
	strscpy(ev->text.setting, "module", sizeof(ev->text.setting));
	strscpy(ev->text.old, mode, sizeof(ev->text.old));
	strscpy(ev->text.new, "unloaded", sizeof(ev->text.new));
	sysrqmon_event_emit(ev);
}

/*
 * Whether the user string names this module: 1 yes, 0 no, -EFAULT when a
 * byte cannot be read without faulting. Byte by byte, because the string
 * may end just before an unmapped page.
 */
static int names_us(const char __user *uname)
{
	const char *ours = THIS_MODULE->name;
	size_t i;
	char c;

	for (i = 0; i <= strlen(ours); i++) {
		if (copy_from_user_nofault(&c, uname + i, 1))
			return -EFAULT;
		if (c != ours[i])
			return 0;
	}
	return 1;
}

/*
 * Refuse the syscall while locked if it names us. Both entries come here:
 * the 64-bit one (x32 shares it) and the i386 one, which a 64-bit program
 * reaches with int $0x80.
 */
static void refuse_unload(struct sysrqmon_hook *hook, unsigned long ip,
			  unsigned long parent_ip, struct ftrace_regs *fregs,
			  const char __user *uname)
{
	struct sysrqmon_request req = {
		.kind = SYSRQMON_KIND_CONFIG,
		.unload = true,
	};
	struct sysrqmon_decision d;
	int ours, bit;

	ours = names_us(uname);
	if (!ours)
		return;
	/* A name we cannot read might be ours: fail closed while locked. */
	req.unread = ours < 0;
	bit = sysrqmon_hook_ask(hook, ip, parent_ip, fregs, &req, -EPERM, &d);
	if (bit < 0)
		return;
	report_refused_unload(&d);
	sysrqmon_hook_exit(bit);
}

/* long __x64_sys_delete_module(const struct pt_regs *regs) */
void sysrqmon_hook_delete_module(unsigned long ip, unsigned long parent_ip,
				 struct sysrqmon_hook *hook,
				 struct ftrace_regs *fregs)
{
	const struct pt_regs *user_regs = (void *)hook_arg(fregs, 0);

	refuse_unload(hook, ip, parent_ip, fregs,
		      (const char __user *)user_regs->di);
}

/* long __ia32_sys_delete_module(const struct pt_regs *regs): name in ebx */
void sysrqmon_hook_delete_module_ia32(unsigned long ip,
				      unsigned long parent_ip,
				      struct sysrqmon_hook *hook,
				      struct ftrace_regs *fregs)
{
	const struct pt_regs *user_regs = (void *)hook_arg(fregs, 0);

	refuse_unload(hook, ip, parent_ip, fregs,
		      (const char __user *)(unsigned long)(u32)user_regs->bx);
}
