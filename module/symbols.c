// SPDX-License-Identifier: GPL-2.0
/*
 * Resolution of kernel symbols that are not exported, and calls into the
 * kernel functions found that way.
 *
 * kallsyms_lookup_name() itself is not exported since 5.7; the kprobes core
 * still resolves symbol names, so a kprobe registered on it (and removed
 * again at once) tells us its address. Nothing stays attached.
 *
 * Indirect branch tracking (X86_KERNEL_IBT, on in Debian's 6.12): an
 * indirect call must land on an ENDBR64, or the CPU raises #CP. A kprobe's
 * address on such a kernel is past the function's ENDBR, so it is stepped
 * back to the entry. And the kernel seals (overwrites with a 4-byte NOP)
 * the ENDBR of every function whose address it never takes: on Debian's
 * 6.12 all four functions we call (kallsyms_lookup_name,
 * kallsyms_lookup_size_offset, __module_address, get_mm_exe_file) are
 * sealed, seen in a QEMU guest. So they are called through static calls,
 * which the kernel patches into direct calls and jumps that IBT does not
 * check; a kernel without HAVE_STATIC_CALL makes those indirect calls, and
 * there every target must have a live ENDBR64 or the load fails. QEMU's TCG
 * does not enforce IBT: a mistake here shows only on CET hardware.
 */
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/static_call.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "sysrqmon.h"

DEFINE_STATIC_CALL_NULL(sysrqmon_lookup_name, kallsyms_lookup_name);
DEFINE_STATIC_CALL_NULL(sysrqmon_size_offset, kallsyms_lookup_size_offset);
DEFINE_STATIC_CALL_NULL(sysrqmon_module_address, __module_address);
/* Missing, it returns NULL: events then carry no exe. */
DEFINE_STATIC_CALL_RET0(sysrqmon_mm_exe_file, get_mm_exe_file);

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
EXPORT_SYMBOL_IF_KUNIT(sysrqmon_endbr_kind);

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
EXPORT_SYMBOL_IF_KUNIT(sysrqmon_kprobe_entry);

/**
 * sysrqmon_indirect_ok() - whether an indirect call may land on a function
 * @insn: the function's first %SYSRQMON_ENDBR_LEN bytes
 * @ibt: whether the kernel is built with X86_KERNEL_IBT
 *
 * Pure, like sysrqmon_endbr_kind().
 *
 * Return: true without IBT, else only on a live ENDBR64.
 */
bool sysrqmon_indirect_ok(const u8 *insn, bool ibt)
{
	return !ibt || sysrqmon_endbr_kind(insn) == SYSRQMON_ENDBR_LIVE;
}
EXPORT_SYMBOL_IF_KUNIT(sysrqmon_indirect_ok);

/*
 * A function we call: with HAVE_STATIC_CALL a direct call, which needs
 * nothing; otherwise an indirect one, which IBT checks.
 */
static int check_callable(const char *name, unsigned long addr)
{
	u8 insn[SYSRQMON_ENDBR_LEN];

	if (IS_ENABLED(CONFIG_HAVE_STATIC_CALL) ||
	    !IS_ENABLED(CONFIG_X86_KERNEL_IBT))
		return 0;
	if (copy_from_kernel_nofault(insn, (void *)addr, sizeof(insn))) {
		pr_err("sysrqmon: cannot read the entry of %s\n", name);
		return -EOPNOTSUPP;
	}
	if (sysrqmon_indirect_ok(insn, true))
		return 0;
	pr_err("sysrqmon: %s does not start with a live ENDBR64 (IBT): it cannot be called through a pointer\n",
	       name);
	return -EOPNOTSUPP;
}

/* The address of a function we will call; 0 (logged) when unusable. */
static unsigned long lookup_callable(const char *name, int *err)
{
	unsigned long addr = sysrqmon_lookup(name);

	if (!addr) {
		pr_err("sysrqmon: cannot resolve %s\n", name);
		*err = -ENOENT;
		return 0;
	}
	*err = check_callable(name, addr);
	return *err ? 0 : addr;
}

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
	ret = check_callable("kallsyms_lookup_name", addr);
	if (ret)
		return ret;
	static_call_update(sysrqmon_lookup_name,
			   (typeof(kallsyms_lookup_name) *)addr);
	/* kallsyms agrees that this is where the function starts. */
	if (static_call(sysrqmon_lookup_name)("kallsyms_lookup_name") != addr) {
		pr_err("sysrqmon: kallsyms_lookup_name resolved to %pS, not its entry\n",
		       (void *)addr);
		return -ENOENT;
	}
	return 0;
}

/**
 * sysrqmon_symbols_init() - find the kernel functions we call
 *
 * None of them is exported: kallsyms_lookup_name,
 * kallsyms_lookup_size_offset, __module_address and get_mm_exe_file. A
 * missing one is named in the log, except get_mm_exe_file, without which
 * events only lack the executable.
 *
 * Return: 0 on success, a negative errno from the kprobes core, -ENOENT,
 * or -EOPNOTSUPP when one cannot be called safely (logged).
 */
int sysrqmon_symbols_init(void)
{
	unsigned long addr;
	int ret = resolve_lookup_name();

	if (ret)
		return ret;
	addr = lookup_callable("kallsyms_lookup_size_offset", &ret);
	if (ret)
		return ret;
	static_call_update(sysrqmon_size_offset,
			   (typeof(kallsyms_lookup_size_offset) *)addr);
	addr = lookup_callable("__module_address", &ret);
	if (ret)
		return ret;
	static_call_update(sysrqmon_module_address,
			   (typeof(__module_address) *)addr);
	addr = sysrqmon_lookup("get_mm_exe_file");
	if (!addr)
		return 0;
	ret = check_callable("get_mm_exe_file", addr);
	if (!ret)
		static_call_update(sysrqmon_mm_exe_file,
				   (typeof(get_mm_exe_file) *)addr);
	return ret;
}

/**
 * sysrqmon_lookup() - address of a kernel symbol, exported or not
 * @name: the symbol
 *
 * Return: the address, or 0 when the symbol does not exist.
 */
unsigned long sysrqmon_lookup(const char *name)
{
	return static_call(sysrqmon_lookup_name)(name);
}
EXPORT_SYMBOL_IF_KUNIT(sysrqmon_lookup);

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
	unsigned long addr = sysrqmon_lookup(name), size, offset;

	if (!addr || !static_call(sysrqmon_size_offset)(addr, &size, &offset))
		return false;
	*start = addr - offset;
	*end = *start + size;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(sysrqmon_symbol_range);

/**
 * sysrqmon_module_of() - the module whose code or data holds an address
 * @addr: a kernel address, typically a return address
 *
 * Context: preemption disabled (the module cannot go away meanwhile).
 * Return: the module, or NULL for the kernel image itself.
 */
struct module *sysrqmon_module_of(unsigned long addr)
{
	return static_call(sysrqmon_module_address)(addr);
}
EXPORT_SYMBOL_IF_KUNIT(sysrqmon_module_of);

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
	mod = sysrqmon_module_of(addr);
	strscpy(buf, mod ? mod->name : "vmlinux", len);
	preempt_enable();
}

/**
 * sysrqmon_mm_exe_file() - the executable of an address space
 * @mm: the address space
 *
 * The kernel's get_mm_exe_file(): RCU and a reference, no lock.
 *
 * Return: the file with a reference the caller puts, or NULL (also when
 * the kernel has no get_mm_exe_file).
 */
struct file *sysrqmon_mm_exe_file(struct mm_struct *mm)
{
	return static_call(sysrqmon_mm_exe_file)(mm);
}
EXPORT_SYMBOL_IF_KUNIT(sysrqmon_mm_exe_file);
