// SPDX-License-Identifier: GPL-2.0
/*
 * Resolution of kernel symbols that are not exported, and calls into the
 * kernel functions found that way. Every symbol the module uses outside
 * its hook table is in one table below, resolved once at load into
 * sysrqmon_sym; the hooks' own functions are in hooks.c's table.
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
#include <linux/moduleparam.h>
#include <linux/module.h>
#include <linux/proc_ns.h>
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

struct sysrqmon_symbols sysrqmon_sym __ro_after_init;

/* Where the functions we call are, until their static calls are set. */
static unsigned long size_offset_addr, module_address_addr, mm_exe_file_addr;

/**
 * struct symbol - a kernel symbol the module uses
 * @name: its name in kallsyms
 * @addr: receives its address (a function we call, or data)
 * @text: or receives the extent of the function's code
 * @required: the load fails without it; a missing optional one leaves
 *	      zero behind, which only disables what needs it
 * @called: a function we call, through a static call: IBT must allow it
 */
struct symbol {
	const char *name;
	unsigned long *addr;
	struct sysrqmon_text *text;
	bool required;
	bool called;
};

/* Where an address goes: a pointer or an unsigned long. */
#define SLOT(var) ((unsigned long *)&(var) +				\
		   BUILD_BUG_ON_ZERO(sizeof(var) != sizeof(unsigned long)))

#define DATA(sym, var, req) { .name = (sym), .addr = SLOT(var), .required = (req) }

#define TEXT(sym, var, req) { .name = (sym), .text = &(var), .required = (req) }

#define CALL(sym, var, req) \
	{ .name = (sym), .addr = SLOT(var), .required = (req), .called = true }

static const struct symbol symbols[] = {
	CALL("kallsyms_lookup_size_offset", size_offset_addr, true),
	CALL("__module_address", module_address_addr, true),
	/* Without it, events carry no exe. */
	CALL("get_mm_exe_file", mm_exe_file_addr, false),
	DATA("sysrq_key_table", sysrqmon_sym.key_table, true),
	DATA("sysrq_key_table_lock", sysrqmon_sym.key_table_lock, true),
	DATA("sysrq_reset_seq", sysrqmon_sym.reset_seq, true),
	DATA("sysrq_reset_seq_len", sysrqmon_sym.reset_seq_len, true),
	DATA("_stext", sysrqmon_sym.image.start, true),
	DATA("_end", sysrqmon_sym.image.end, true),
	DATA("__init_begin", sysrqmon_sym.init.start, false),
	DATA("__init_end", sysrqmon_sym.init.end, false),
	DATA("__param_reset_seq", sysrqmon_sym.reset_seq_param, false),
	DATA("__param_sysrq_downtime_ms", sysrqmon_sym.downtime_param, false),
	DATA("ftrace_enabled", sysrqmon_sym.ftrace_enabled, false),
	/* Without it, events carry no mntns. */
	DATA("mntns_operations", sysrqmon_sym.mntns_ops, false),
	TEXT("write_sysrq_trigger", sysrqmon_sym.trigger_writer, true),
	TEXT("sysrq_sysctl_handler", sysrqmon_sym.sysctl_handler, true),
	TEXT("sysrq_do_reset", sysrqmon_sym.do_reset, false),
	/* The keyboard filter's helpers, when the compiler kept them apart. */
	TEXT("sysrq_filter", sysrqmon_sym.keyboard[0], false),
	TEXT("sysrq_handle_keypress", sysrqmon_sym.keyboard[1], false),
	TEXT("sysrq_handle_reset_request", sysrqmon_sym.keyboard[2], false),
	TEXT("sysrq_detect_reset_sequence", sysrqmon_sym.keyboard[3], false),
};

/* The code of the function at @addr, from kallsyms. */
static bool text_at(unsigned long addr, struct sysrqmon_text *text)
{
	unsigned long size, offset;

	if (!static_call(sysrqmon_size_offset)(addr, &size, &offset))
		return false;
	text->start = addr - offset;
	text->end = text->start + size;
	return true;
}

static int resolve(const struct symbol *sym)
{
	unsigned long addr = sysrqmon_lookup(sym->name);
	int ret;

	if (!addr || (sym->text && !text_at(addr, sym->text)))
		return -ENOENT;
	if (sym->called) {
		ret = check_callable(sym->name, addr);
		if (ret)
			return ret;
	}
	if (sym->addr)
		*sym->addr = addr;
	return 0;
}

/*
 * The table's entries with @called set, or the others. A function that
 * is there but cannot be called fails the load even when optional.
 */
static int resolve_all(bool called)
{
	const struct symbol *sym;
	int ret;

	for (sym = symbols; sym < symbols + ARRAY_SIZE(symbols); sym++) {
		if (sym->called != called)
			continue;
		ret = resolve(sym);
		if (ret == -ENOENT && !sym->required)
			continue;
		if (ret == -ENOENT)
			pr_err("sysrqmon: cannot find %s: %d\n", sym->name, ret);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * sysrqmon_symbols_init() - resolve every kernel symbol the module uses
 *
 * kallsyms_lookup_name first, then the functions we call (measuring a
 * text range calls one), then the rest of the table into sysrqmon_sym.
 * A missing required symbol is named in the log.
 *
 * Return: 0 on success, a negative errno from the kprobes core, -ENOENT,
 * or -EOPNOTSUPP when a function cannot be called safely (logged).
 */
int sysrqmon_symbols_init(void)
{
	int ret = resolve_lookup_name();

	if (!ret)
		ret = resolve_all(true);
	if (ret)
		return ret;
	static_call_update(sysrqmon_size_offset,
			   (typeof(kallsyms_lookup_size_offset) *)size_offset_addr);
	static_call_update(sysrqmon_module_address,
			   (typeof(__module_address) *)module_address_addr);
	if (mm_exe_file_addr)
		static_call_update(sysrqmon_mm_exe_file,
				   (typeof(get_mm_exe_file) *)mm_exe_file_addr);
	return resolve_all(false);
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
	unsigned long addr = sysrqmon_lookup(name);
	struct sysrqmon_text text;

	if (!addr || !text_at(addr, &text))
		return false;
	*start = text.start;
	*end = text.end;
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
