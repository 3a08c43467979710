// SPDX-License-Identifier: GPL-2.0
/*
 * delmod32: delete_module(2) through the i386 entry (int $0x80), from a 64-bit program, for
 * the sysrqmon QEMU tests. The kernel takes the name as a 32-bit pointer, so it lives in a
 * MAP_32BIT page.
 *
 *   delmod32 NAME [force]      force adds O_TRUNC (rmmod -f)
 *
 * Prints "pid=P tid=T fdpath=- op=delete_module32 result=R" (0 or an errno name).
 */
#include "common.h"

#include <sys/mman.h>

#define IA32_NR_DELETE_MODULE	129

int main(int argc, char **argv)
{
	unsigned int flags = O_NONBLOCK;
	char *name;
	long ret;

	if (argc < 2 || argc > 3 || strlen(argv[1]) >= 4096) {
		fprintf(stderr, "usage: delmod32 NAME [force]\n");
		return 2;
	}
	if (argc == 3)
		flags |= O_TRUNC;
	name = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (name == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	strcpy(name, argv[1]);
	asm volatile("int $0x80"
		     : "=a"(ret)
		     : "a"(IA32_NR_DELETE_MODULE), "b"((unsigned int)(unsigned long)name),
		       "c"(flags)
		     : "r8", "r9", "r10", "r11", "memory");
	report(NULL, "delete_module32", ret < 0 ? -1 : ret, (int)-ret);
	return ret < 0;
}
