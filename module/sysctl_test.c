// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: kernel.sysrq writes through the real hooks, on the system's procfs
 * and on a second, private one; and an unrelated sysctl left alone.
 *
 * The trigger file cannot be written with kernel_write() (it has no
 * write_iter): its cases live in the QEMU suite.
 */
#include <kunit/test.h>
#include <linux/fs.h>
#include <linux/mount.h>
#include <linux/sysrq.h>

#include "sysrqmon.h"

struct counts {
	u64 open, allowed, denied, all;
};

static void snapshot(struct counts *c)
{
	static struct sysrqmon_stats s;
	int kind;

	sysrqmon_stats_snapshot(&s);
	c->open = s.events[SYSRQMON_KIND_OPEN][SYSRQMON_VERDICT_ALLOWED] +
		  s.events[SYSRQMON_KIND_OPEN][SYSRQMON_VERDICT_DENIED];
	c->allowed = s.events[SYSRQMON_KIND_SYSCTL][SYSRQMON_VERDICT_ALLOWED];
	c->denied = s.events[SYSRQMON_KIND_SYSCTL][SYSRQMON_VERDICT_DENIED];
	c->all = 0;
	for (kind = SYSRQMON_KIND_OPEN; kind <= SYSRQMON_KIND_MAX; kind++)
		c->all += s.events[kind][SYSRQMON_VERDICT_ALLOWED] +
			  s.events[kind][SYSRQMON_VERDICT_DENIED];
}

static ssize_t write_mask(struct file *file, const char *text)
{
	loff_t pos = 0;

	return kernel_write(file, text, strlen(text), &pos);
}

struct sysctl_test_ctx {
	struct sysrqmon_config saved_cfg;
	int saved_mask;
	struct vfsmount *private_proc;
};

/* Set mode, allowed_mask and watch_reads where not negative. */
static void set_config(int mode, int allowed_mask, int watch_reads)
{
	struct sysrqmon_config cfg;

	sysrqmon_config_get(&cfg);
	if (mode >= 0)
		cfg.mode = mode;
	if (allowed_mask >= 0)
		cfg.allowed_mask = allowed_mask;
	if (watch_reads >= 0)
		cfg.watch_reads = watch_reads;
	sysrqmon_config_publish(&cfg);
}

static int sysctl_test_init(struct kunit *test)
{
	struct sysctl_test_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx),
						    GFP_KERNEL);
	struct file_system_type *proc;

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	sysrqmon_config_get(&ctx->saved_cfg);
	ctx->saved_mask = sysrq_mask();
	proc = get_fs_type("proc");
	KUNIT_ASSERT_NOT_NULL(test, proc);
	ctx->private_proc = kern_mount(proc);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ctx->private_proc));
	set_config(SYSRQMON_MODE_MONITOR, 0, -1);
	test->priv = ctx;
	return 0;
}

static void sysctl_test_exit(struct kunit *test)
{
	struct sysctl_test_ctx *ctx = test->priv;

	sysrqmon_config_publish(&ctx->saved_cfg);
	sysrq_toggle_support(ctx->saved_mask);
	kern_unmount(ctx->private_proc);
}

static void write_both_modes(struct kunit *test, struct file *file)
{
	struct counts before, after;

	sysrq_toggle_support(0);
	snapshot(&before);
	KUNIT_EXPECT_EQ(test, write_mask(file, "16\n"), 3);
	KUNIT_EXPECT_EQ(test, sysrq_mask(), 16);
	snapshot(&after);
	KUNIT_EXPECT_EQ(test, after.allowed, before.allowed + 1);

	set_config(SYSRQMON_MODE_DENY, -1, -1);
	KUNIT_EXPECT_EQ(test, write_mask(file, "0x30"), -EPERM);
	KUNIT_EXPECT_EQ(test, sysrq_mask(), 16);
	snapshot(&before);
	KUNIT_EXPECT_EQ(test, before.denied, after.denied + 1);
	/* Restricting is always allowed, and so is the same value. */
	KUNIT_EXPECT_EQ(test, write_mask(file, "16"), 2);
	KUNIT_EXPECT_EQ(test, write_mask(file, "0"), 1);
	KUNIT_EXPECT_EQ(test, sysrq_mask(), 0);
	set_config(-1, 0x10, -1);
	KUNIT_EXPECT_EQ(test, write_mask(file, "020"), 3);
	KUNIT_EXPECT_EQ(test, sysrq_mask(), 16);
	snapshot(&after);
	KUNIT_EXPECT_EQ(test, after.allowed, before.allowed + 3);
	KUNIT_EXPECT_EQ(test, after.denied, before.denied);
}

/*
 * Open kernel.sysrq for writing, on the system's procfs or on @proc: the
 * open is reported, then the writes are judged in both modes.
 */
static void open_and_write(struct kunit *test, struct vfsmount *proc)
{
	struct counts before, after;
	struct file *file;

	snapshot(&before);
	if (proc)
		file = file_open_root_mnt(proc, "sys/kernel/sysrq", O_WRONLY, 0);
	else
		file = filp_open("/proc/sys/kernel/sysrq", O_WRONLY, 0);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(file), "open: %ld", PTR_ERR(file));
	snapshot(&after);
	KUNIT_EXPECT_EQ(test, after.open, before.open + 1);
	write_both_modes(test, file);
	filp_close(file, NULL);
}

static void system_procfs_test(struct kunit *test)
{
	open_and_write(test, NULL);
}

static void private_procfs_test(struct kunit *test)
{
	struct sysctl_test_ctx *ctx = test->priv;

	open_and_write(test, ctx->private_proc);
}

static void unrelated_sysctl_test(struct kunit *test)
{
	struct counts before, after;
	char value[64] = "";
	struct file *file;
	loff_t pos = 0;
	ssize_t len;

	set_config(SYSRQMON_MODE_DENY, -1, true);
	snapshot(&before);
	file = filp_open("/proc/sys/kernel/printk", O_RDWR, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(file));
	len = kernel_read(file, value, sizeof(value) - 1, &pos);
	KUNIT_EXPECT_GT(test, len, 0);
	KUNIT_EXPECT_EQ(test, write_mask(file, value), len);
	filp_close(file, NULL);
	snapshot(&after);
	KUNIT_EXPECT_EQ(test, after.all, before.all);
}

static struct kunit_case sysctl_test_cases[] = {
	KUNIT_CASE(system_procfs_test),
	KUNIT_CASE(private_procfs_test),
	KUNIT_CASE(unrelated_sysctl_test),
	{}
};

static struct kunit_suite sysctl_test_suite = {
	.name = "sysrqmon_sysctl",
	.init = sysctl_test_init,
	.exit = sysctl_test_exit,
	.test_cases = sysctl_test_cases,
};

kunit_test_suite(sysctl_test_suite);
