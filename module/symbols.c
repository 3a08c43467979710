// SPDX-License-Identifier: GPL-2.0
/*
 * Resolution of kernel symbols that are not exported.
 *
 * kallsyms_lookup_name() itself is not exported since 5.7; the kprobes core
 * still resolves symbol names, so a kprobe registered on it (and removed
 * again at once) tells us its address. Nothing stays attached.
 */
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/string.h>

#include "sysrqmon.h"

static unsigned long (*lookup_name)(const char *name);
static int (*lookup_size_offset)(unsigned long addr, unsigned long *size,
				 unsigned long *offset);

/**
 * sysrqmon_symbols_init() - find the kernel's symbol lookup functions
 *
 * Return: 0 on success or a negative errno from the kprobes core.
 */
int sysrqmon_symbols_init(void)
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	int ret;

	ret = register_kprobe(&kp);
	if (ret) {
		pr_err("sysrqmon: cannot resolve kallsyms_lookup_name: %d\n", ret);
		return ret;
	}
	lookup_name = (void *)kp.addr;
	unregister_kprobe(&kp);

	lookup_size_offset = (void *)lookup_name("kallsyms_lookup_size_offset");
	if (!lookup_size_offset) {
		pr_err("sysrqmon: cannot resolve kallsyms_lookup_size_offset\n");
		return -ENOENT;
	}
	return 0;
}

/**
 * sysrqmon_lookup() - address of a kernel symbol, exported or not
 * @name: the symbol
 *
 * Return: the address, or 0 when the symbol does not exist.
 */
unsigned long sysrqmon_lookup(const char *name)
{
	return lookup_name(name);
}

/**
 * sysrqmon_symbol_range() - the text range a function occupies
 * @name: the function
 * @start: set to its first byte
 * @end: set to one past its last byte
 *
 * Return: true if the function exists in kallsyms.
 */
bool sysrqmon_symbol_range(const char *name, unsigned long *start,
			   unsigned long *end)
{
	unsigned long addr = lookup_name(name), size, offset;

	if (!addr || !lookup_size_offset(addr, &size, &offset))
		return false;
	*start = addr - offset;
	*end = *start + size;
	return true;
}

static struct module *(*module_address)(unsigned long addr);

/**
 * sysrqmon_module_init() - find the kernel's address-to-module lookup
 *
 * Return: 0, or -ENOENT.
 */
int sysrqmon_module_init(void)
{
	module_address = (void *)lookup_name("__module_address");
	return module_address ? 0 : -ENOENT;
}

/**
 * sysrqmon_module_of() - the module whose code or data holds an address
 * @addr: a kernel address, typically a return address
 *
 * Context: preemption disabled (the module cannot go away meanwhile).
 * Return: the module, or NULL for the kernel image itself.
 */
struct module *sysrqmon_module_of(unsigned long addr)
{
	return module_address(addr);
}

/**
 * sysrqmon_module_name() - name the code at an address, as events do
 * @addr: a kernel address
 * @buf: receives the module's name, or "vmlinux" for built-in code
 * @len: size of @buf
 *
 * Context: any; takes no lock.
 */
void sysrqmon_module_name(unsigned long addr, char *buf, size_t len)
{
	struct module *mod;

	preempt_disable();
	mod = module_address(addr);
	strscpy(buf, mod ? mod->name : "vmlinux", len);
	preempt_enable();
}
