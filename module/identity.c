// SPDX-License-Identifier: GPL-2.0
/*
 * Identity of the two targets, by kernel object rather than by path.
 *
 * A proc entry keeps its inode number in every procfs instance, and every
 * inode of a proc entry or of a sysctl shares one file_operations table per
 * kind. Both are read once at load from a procfs instance the module mounts
 * itself, so no mount in the loader's namespace can make us look at the wrong
 * file. A second procfs, a bind mount, a chroot or a detached fsmount all show
 * the same inode number and file operations.
 */
#include <linux/fs.h>
#include <linux/dcache.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/module.h>
#include <linux/string.h>

#include "sysrqmon.h"

struct sysrqmon_targets sysrqmon_targets __ro_after_init;

/* Look @name up from the root of @mnt; walking never leaves that mount. */
static int capture_inode(struct vfsmount *mnt, const char *name,
			 const struct file_operations **fops,
			 unsigned long *ino)
{
	struct path path;
	int ret = vfs_path_lookup(mnt->mnt_root, mnt, name, 0, &path);

	if (ret) {
		pr_err("sysrqmon: cannot find %s in a private procfs: %d\n",
		       name, ret);
		return ret;
	}
	*fops = d_inode(path.dentry)->i_fop;
	if (ino)
		*ino = d_inode(path.dentry)->i_ino;
	path_put(&path);
	return 0;
}

/**
 * sysrqmon_identity_init() - learn how the kernel represents the targets
 *
 * Return: 0 on success, a negative errno if procfs or an entry is missing.
 */
int sysrqmon_identity_init(void)
{
	struct file_system_type *proc = get_fs_type("proc");
	struct vfsmount *mnt;
	int ret;

	if (!proc)
		return -ENOENT;
	mnt = kern_mount(proc);
	module_put(proc->owner);
	if (IS_ERR(mnt))
		return PTR_ERR(mnt);

	ret = capture_inode(mnt, "sysrq-trigger", &sysrqmon_targets.trigger_fops,
			    &sysrqmon_targets.trigger_ino);
	if (!ret)
		ret = capture_inode(mnt, "sys/kernel/sysrq",
				    &sysrqmon_targets.sysctl_fops, NULL);
	kern_unmount(mnt);
	return ret;
}

static bool dentry_named(const struct dentry *dentry, const char *name)
{
	size_t len = strlen(name);

	return dentry->d_name.len == len &&
	       !memcmp(dentry->d_name.name, name, len);
}

/*
 * Sysctl inodes get fresh numbers whenever they are instantiated, so the
 * entry is recognised by procfs's own dentry chain below the superblock
 * root. The opened file pins the chain, and procfs never renames it.
 */
static bool is_sysrq_sysctl(const struct dentry *dentry)
{
	static const char * const chain[] = { "sysrq", "kernel", "sys" };
	int i;

	for (i = 0; i < ARRAY_SIZE(chain); i++) {
		if (IS_ROOT(dentry) || !dentry_named(dentry, chain[i]))
			return false;
		dentry = dentry->d_parent;
	}
	return IS_ROOT(dentry);
}

/**
 * sysrqmon_file_target() - which target an opened procfs file is
 * @file: a file on a procfs superblock, being opened
 *
 * Return: the target, or %SYSRQMON_TARGET_NONE for any other file.
 */
enum sysrqmon_target sysrqmon_file_target(const struct file *file)
{
	const struct sysrqmon_targets *t = &sysrqmon_targets;

	if (file->f_op == t->trigger_fops &&
	    file_inode(file)->i_ino == t->trigger_ino)
		return SYSRQMON_TARGET_TRIGGER;
	if (file->f_op == t->sysctl_fops && is_sysrq_sysctl(file->f_path.dentry))
		return SYSRQMON_TARGET_SYSRQ;
	return SYSRQMON_TARGET_NONE;
}
