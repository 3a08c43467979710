/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sysrqmon: every difference between the kernels we build for, in one place.
 *
 * Debian 12 runs 6.1 (linux-image-amd64) and 6.12 (linux-image-6.12-amd64
 * from bookworm-security). The rest of the module uses only the names
 * below. Each choice tests for the interface itself (a macro the newer API
 * brings, or a prototype), not for a version number, so a distribution's
 * backport takes the right branch.
 */
#ifndef _SYSRQMON_COMPAT_H
#define _SYSRQMON_COMPAT_H

#include <linux/compiler.h>
#include <linux/ftrace.h>
#include <linux/sysrq.h>
#include <linux/types.h>
#include <net/genetlink.h>
#include <asm/ptrace.h>

/*
 * Our callbacks read the arguments from, and write ax and ip back through,
 * the ftrace_regs that ftrace_caller saves with DYNAMIC_FTRACE_WITH_ARGS.
 * Without it, setting ip is an empty macro: a deny would compile and refuse
 * nothing.
 */
#if !IS_ENABLED(CONFIG_DYNAMIC_FTRACE_WITH_ARGS)
#error "sysrqmon needs CONFIG_DYNAMIC_FTRACE_WITH_ARGS"
#endif

/*
 * struct ftrace_regs: 6.1 exposes its pt_regs, 6.12 makes it opaque and
 * has accessors (<linux/ftrace_regs.h>, asm/ftrace.h), which are macros on
 * x86. Never ftrace_override_function_with_return(): with Debian's
 * FUNCTION_ERROR_INJECTION=n it is an empty stub.
 */
#ifdef ftrace_regs_get_argument
#define sysrqmon_fregs_arg(fregs, n)	ftrace_regs_get_argument(fregs, n)
#else
#define sysrqmon_fregs_arg(fregs, n)	regs_get_kernel_argument(&(fregs)->regs, n)
#endif

#ifdef ftrace_regs_set_return_value
#define sysrqmon_fregs_set_ax(fregs, v)	ftrace_regs_set_return_value(fregs, v)
#else
#define sysrqmon_fregs_set_ax(fregs, v)	regs_set_return_value(&(fregs)->regs, v)
#endif

#if defined(ftrace_regs_set_instruction_pointer)
#define sysrqmon_fregs_set_ip(fregs, ip) \
	ftrace_regs_set_instruction_pointer(fregs, ip)
#elif defined(ftrace_instruction_pointer_set)
#define sysrqmon_fregs_set_ip(fregs, ip) ftrace_instruction_pointer_set(fregs, ip)
#else
#error "sysrqmon: this kernel cannot set ip from an ftrace callback"
#endif

/*
 * The SysRq key: an int up to 6.5, a u8 since 6.6 (key handlers,
 * handle_sysrq(), __handle_sysrq(), register_sysrq_key()). No macro marks
 * the change; the prototype does, at compile time. A u8 argument leaves
 * the register's upper bits undefined, so a hook truncates it.
 */
#define SYSRQMON_SYSRQ_KEY_IS_U8	__same_type(handle_sysrq, void (u8))

static __always_inline int sysrqmon_sysrq_key(unsigned long arg)
{
	return SYSRQMON_SYSRQ_KEY_IS_U8 ? (u8)arg : (int)arg;
}

/*
 * sysctl handlers take a const struct ctl_table since 6.11. Nothing here:
 * the module defines no handler; it hooks sysrq_sysctl_handler() and
 * proc_dointvec(), reading the table through a pointer to const, and
 * passes proc_dointvec() a table of its own, which converts to either.
 */

/*
 * Generic netlink: joining a group by capability came with Debian's
 * 6.1.69-1 (upstream 6.7), the contract's minimum.
 */
#ifndef GENL_MCAST_CAP_SYS_ADMIN
#error "sysrqmon needs kernel headers with GENL_MCAST_CAP_SYS_ADMIN (Debian 6.1.69-1 or newer)"
#endif

/*
 * pre_doit gets the command as a const struct genl_split_ops since 6.2, a
 * const struct genl_ops before. Both forms are here, around netlink.c's
 * sysrqmon_genl_pre_doit(), which reads the command from @info; the type
 * of struct genl_family's member picks one.
 */
struct genl_split_ops;
int sysrqmon_genl_pre_doit(struct sk_buff *skb, struct genl_info *info);

static inline int sysrqmon_pre_doit_split(const struct genl_split_ops *ops,
					  struct sk_buff *skb,
					  struct genl_info *info)
{
	return sysrqmon_genl_pre_doit(skb, info);
}

static inline int sysrqmon_pre_doit_ops(const struct genl_ops *ops,
					struct sk_buff *skb,
					struct genl_info *info)
{
	return sysrqmon_genl_pre_doit(skb, info);
}

#define SYSRQMON_GENL_PRE_DOIT						\
	__builtin_choose_expr(__same_type(((struct genl_family *)NULL)->pre_doit, \
					  &sysrqmon_pre_doit_split),	\
			      sysrqmon_pre_doit_split, sysrqmon_pre_doit_ops)

/*
 * An extack message that is a pointer, not a literal (the reasons of
 * sysrqmon_config_change(), static strings): NL_SET_ERR_MSG_ATTR() takes
 * only a literal, of which it makes a static copy. NL_SET_ERR_MSG_ATTR_FMT
 * (6.3) copies the text into the extack; 6.1 lacks it, and there the
 * pointer is stored as NL_SET_ERR_MSG_ATTR_POL() stores its copy, with
 * the same tracepoint.
 */
#ifdef NL_SET_ERR_MSG_ATTR_FMT
#define sysrqmon_set_err_msg(extack, attr, msg) \
	NL_SET_ERR_MSG_ATTR_FMT(extack, attr, "%s", msg)
#else
static inline void sysrqmon_set_err_msg(struct netlink_ext_ack *extack,
					const struct nlattr *attr,
					const char *msg)
{
	do_trace_netlink_extack(msg);
	if (!extack)
		return;
	extack->_msg = msg;
	extack->bad_attr = attr;
	extack->policy = NULL;
}
#endif

/*
 * The KUnit suites import the namespace EXPORT_SYMBOL_IF_KUNIT() exports
 * into (<kunit/visibility.h>, in 6.1 and 6.12). MODULE_IMPORT_NS() takes
 * the namespace as a bare token up to 6.12 and as a string literal since
 * 6.13, and no macro marks the change; both write the same modinfo line,
 * import_ns=EXPORTED_FOR_KUNIT_TESTING, which this writes itself.
 */
#define SYSRQMON_IMPORT_KUNIT_NS() \
	MODULE_INFO(import_ns, "EXPORTED_FOR_KUNIT_TESTING")

/*
 * vfs_path_lookup() is exported by both kernels, but 6.1 declares it only
 * in fs/internal.h; 6.12's <linux/namei.h> has it. The same prototype
 * again is harmless there, and a change of it fails the build.
 */
struct dentry;
struct path;
struct vfsmount;
int vfs_path_lookup(struct dentry *dentry, struct vfsmount *mnt,
		    const char *name, unsigned int flags, struct path *path);

#endif /* _SYSRQMON_COMPAT_H */
