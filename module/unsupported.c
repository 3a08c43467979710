// SPDX-License-Identifier: GPL-2.0
/*
 * What DKMS builds when sysrqmon does not compile for a kernel (dkms.conf):
 * a module that refuses to load and says why. A kernel package's hooks
 * then never fail because of us (a failed DKMS build stops a kernel
 * upgrade), and the administrator learns it from the first modprobe and
 * from sysrqmon.service, which fails.
 */
#include <generated/utsrelease.h>
#include <linux/module.h>

static int __init sysrqmon_unsupported_init(void)
{
	pr_err("sysrqmon: version %s does not build for kernel %s: this placeholder refuses to load (DKMS's make.log for sysrqmon says why)\n",
	       SYSRQMON_VERSION, UTS_RELEASE);
	return -ENOEXEC;
}

module_init(sysrqmon_unsupported_init);

MODULE_DESCRIPTION("sysrqmon placeholder for a kernel it does not support");
MODULE_AUTHOR("The sysrqmon developers");
MODULE_LICENSE("GPL v2");
MODULE_VERSION(SYSRQMON_VERSION);
