// SPDX-License-Identifier: GPL-2.0
/*
 * Resolution of kernel symbols that are not exported.
 *
 * kallsyms_lookup_name() itself is not exported since 5.7; the kprobes core
 * still resolves symbol names, so a kprobe registered on it (and removed
 * again at once) tells us its address. Nothing stays attached.
 *
 * Indirect branch tracking (X86_KERNEL_IBT, on in Debian's 6.12): an
 * indirect call must land on an ENDBR64, or the CPU raises #CP. A kprobe's
 * address on such a kernel is past the function's ENDBR, and the kernel
 * seals (overwrites with a 4-byte NOP) the ENDBR of every function whose
 * address it never takes. So the probe's address is stepped back to the
 * entry, and every function we call through a pointer is checked for a
 * live ENDBR64 before the first call. QEMU's TCG does not enforce IBT, so
 * only this check stands between a sealed function and a #CP on real
 * hardware.
 */
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "sysrqmon.h"

static const u8 endbr64[SYSRQMON_ENDBR_LEN] = { 0xf3, 0x0f, 0x1e, 0xfa };
/* What the kernel writes over a sealed ENDBR: osp nopl (%rax). */
static const u8 endbr_sealed[SYSRQMON_ENDBR_LEN] = { 0x66, 0x0f, 0x1f, 0x00 };

/**
 * sysrqmon_endbr_kind() - what the first bytes of a function are to IBT
 * @insn: the function's first %SYSRQMON_ENDBR_LEN bytes
 *
 * Pure: the KUnit suite feeds it instruction bytes.
 *
 * Return: %SYSRQMON_ENDBR_LIVE for ENDBR64 (f3 0f 1e fa), a valid target
 * of an indirect call; %SYSRQMON_ENDBR_SEALED for the NOP the kernel
 * writes over the ENDBR of a function whose address it never takes (66 0f
 * 1f 00); %SYSRQMON_ENDBR_NONE for anything else (ENDBR32 included, which
 * 64-bit code does not accept).
 */
enum sysrqmon_endbr sysrqmon_endbr_kind(const u8 *insn)
{
	if (!memcmp(insn, endbr64, SYSRQMON_ENDBR_LEN))
		return SYSRQMON_ENDBR_LIVE;
	if (!memcmp(insn, endbr_sealed, SYSRQMON_ENDBR_LEN))
		return SYSRQMON_ENDBR_SEALED;
	return SYSRQMON_ENDBR_NONE;
}
EXPORT_SYMBOL_FOR_SYSRQMON_TESTS(sysrqmon_endbr_kind);

/**
 * sysrqmon_kprobe_entry() - a function's entry from a kprobe's address
 * @addr: where a kprobe on the function's name was placed
 * @before: the %SYSRQMON_ENDBR_LEN bytes before @addr
 * @ibt: whether the kernel is built with X86_KERNEL_IBT
 *
 * On an IBT kernel the kprobes core places a probe on a function's name
 * past its ENDBR, live or sealed. Pure, like sysrqmon_endbr_kind().
 *
 * Return: the address of the function's first byte.
 */
unsigned long sysrqmon_kprobe_entry(unsigned long addr, const u8 *before,
				    bool ibt)
{
	if (ibt && sysrqmon_endbr_kind(before) != SYSRQMON_ENDBR_NONE)
		return addr - SYSRQMON_ENDBR_LEN;
	return addr;
}
EXPORT_SYMBOL_FOR_SYSRQMON_TESTS(sysrqmon_kprobe_entry);

/**
 * sysrqmon_check_callable() - whether a kernel function may be called
 *			       through a pointer
 * @name: the function, for the message
 * @addr: its entry
 *
 * Always true without IBT. With it, the function must start with a live
 * ENDBR64; otherwise the reason is logged, naming @name.
 *
 * Return: 0, or -EOPNOTSUPP.
 */
int sysrqmon_check_callable(const char *name, unsigned long addr)
{
	u8 insn[SYSRQMON_ENDBR_LEN];

	if (!IS_ENABLED(CONFIG_X86_KERNEL_IBT))
		return 0;
	if (copy_from_kernel_nofault(insn, (void *)addr, sizeof(insn))) {
		pr_err("sysrqmon: cannot read the entry of %s\n", name);
		return -EOPNOTSUPP;
	}
	switch (sysrqmon_endbr_kind(insn)) {
	case SYSRQMON_ENDBR_LIVE:
		return 0;
	case SYSRQMON_ENDBR_SEALED:
		pr_err("sysrqmon: %s has its ENDBR sealed (IBT): it cannot be called through a pointer\n",
		       name);
		break;
	default:
		pr_err("sysrqmon: %s does not start with ENDBR64 (IBT): it cannot be called through a pointer\n",
		       name);
		break;
	}
	return -EOPNOTSUPP;
}
EXPORT_SYMBOL_FOR_SYSRQMON_TESTS(sysrqmon_check_callable);

/**
 * sysrqmon_lookup_callable() - address of a kernel function we will call
 *				through a pointer
 * @name: the function
 * @err: set to -EOPNOTSUPP when it exists but cannot be called safely
 *	 (logged, see sysrqmon_check_callable()); left alone otherwise
 *
 * Return: the address, or 0 when the function is missing or unsafe.
 */
unsigned long sysrqmon_lookup_callable(const char *name, int *err)
{
	unsigned long addr = sysrqmon_lookup(name);

	if (!addr)
		return 0;
	*err = sysrqmon_check_callable(name, addr);
	return *err ? 0 : addr;
}
EXPORT_SYMBOL_FOR_SYSRQMON_TESTS(sysrqmon_lookup_callable);

static unsigned long (*lookup_name)(const char *name);
static int (*lookup_size_offset)(unsigned long addr, unsigned long *size,
				 unsigned long *offset);

/* kallsyms_lookup_name's entry, by way of a kprobe on it. */
static int resolve_lookup_name(void)
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	u8 before[SYSRQMON_ENDBR_LEN];
	unsigned long addr;
	int ret;

	ret = register_kprobe(&kp);
	if (ret) {
		pr_err("sysrqmon: cannot resolve kallsyms_lookup_name: %d\n", ret);
		return ret;
	}
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);

	if (copy_from_kernel_nofault(before, (void *)(addr - sizeof(before)),
				     sizeof(before)))
		memset(before, 0, sizeof(before));
	addr = sysrqmon_kprobe_entry(addr, before,
				     IS_ENABLED(CONFIG_X86_KERNEL_IBT));
	ret = sysrqmon_check_callable("kallsyms_lookup_name", addr);
	if (ret)
		return ret;
	lookup_name = (void *)addr;
	/* kallsyms agrees that this is where the function starts. */
	if (lookup_name("kallsyms_lookup_name") != addr) {
		pr_err("sysrqmon: kallsyms_lookup_name resolved to %pS, not its entry\n",
		       (void *)addr);
		lookup_name = NULL;
		return -ENOENT;
	}
	return 0;
}

/**
 * sysrqmon_symbols_init() - find the kernel's symbol lookup functions
 *
 * Return: 0 on success, a negative errno from the kprobes core, -ENOENT,
 * or -EOPNOTSUPP when a function we must call cannot be called safely
 * (the reason is logged).
 */
int sysrqmon_symbols_init(void)
{
	int ret = resolve_lookup_name();

	if (ret)
		return ret;
	lookup_size_offset =
		(void *)sysrqmon_lookup_callable("kallsyms_lookup_size_offset",
						 &ret);
	if (!lookup_size_offset) {
		if (!ret)
			pr_err("sysrqmon: cannot resolve kallsyms_lookup_size_offset\n");
		return ret ?: -ENOENT;
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
EXPORT_SYMBOL_FOR_SYSRQMON_TESTS(sysrqmon_lookup);

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
 * Return: 0, -ENOENT, or -EOPNOTSUPP when it cannot be called safely.
 */
int sysrqmon_module_init(void)
{
	int ret = 0;

	module_address = (void *)sysrqmon_lookup_callable("__module_address", &ret);
	if (!module_address && !ret) {
		pr_err("sysrqmon: cannot resolve __module_address\n");
		ret = -ENOENT;
	}
	return ret;
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
