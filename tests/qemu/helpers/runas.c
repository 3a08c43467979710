// SPDX-License-Identifier: GPL-2.0
/*
 * runas: run a command as another user with exactly the capabilities asked for.
 *
 *   runas [--uid N] [--gid N] [--groups G,G...] [--caps CAP,CAP...] [--noroot] -- CMD [ARGS...]
 *
 *     --uid N        real, effective and saved uid (default 1000)
 *     --gid N        real, effective and saved gid (default: the uid)
 *     --groups LIST  supplementary groups, comma separated numbers (default: none)
 *     --caps LIST    capabilities the command keeps: names (net_admin, cap_net_admin) or
 *                    numbers, comma separated; "none" or "" for none (default: none)
 *     --noroot       set SECBIT_NOROOT (locked): uid 0 gets no capabilities at exec beyond
 *                    the ambient ones, so "root with only CAP_NET_ADMIN" can be tested
 *
 * How: as root, drop every other capability from the bounding set, PR_SET_KEEPCAPS, set the
 * groups, gid and uid, then capset() permitted = effective = inheritable = LIST and raise
 * LIST in the ambient set (PR_CAP_AMBIENT), so the capabilities survive the execve() of an
 * ordinary (dynamically linked, no file capabilities) program as a non-root user.
 * Exit status: the command's (exec), 126 when the setup fails, 2 on usage errors.
 */
#include "common.h"

#include <grp.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <sys/prctl.h>

static const char *const cap_names[] = {
	"chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid",
	"setuid", "setpcap", "linux_immutable", "net_bind_service", "net_broadcast",
	"net_admin", "net_raw", "ipc_lock", "ipc_owner", "sys_module", "sys_rawio",
	"sys_chroot", "sys_ptrace", "sys_pacct", "sys_admin", "sys_boot", "sys_nice",
	"sys_resource", "sys_time", "sys_tty_config", "mknod", "lease", "audit_write",
	"audit_control", "setfcap", "mac_override", "mac_admin", "syslog", "wake_alarm",
	"block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore",
};

static int cap_number(const char *s)
{
	char *end;
	long v;
	size_t i;

	if (!strncasecmp(s, "cap_", 4))
		s += 4;
	for (i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++)
		if (!strcasecmp(s, cap_names[i]))
			return (int)i;
	v = strtol(s, &end, 10);
	if (*s && !*end && v >= 0 && v < 64)
		return (int)v;
	return -1;
}

static void die(const char *what)
{
	fprintf(stderr, "runas: %s: %s\n", what, strerror(errno));
	exit(126);
}

static int last_cap(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "r");
	int n = 40;

	if (f) {
		if (fscanf(f, "%d", &n) != 1)
			n = 40;
		fclose(f);
	}
	return n;
}

static void usage(void)
{
	fprintf(stderr, "usage: runas [--uid N] [--gid N] [--groups G,G] [--caps CAP,CAP] "
		"[--noroot] -- CMD [ARGS...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	unsigned long long want = 0;
	gid_t groups[64];
	size_t ngroups = 0;
	long uid = 1000, gid = -1;
	int i, noroot = 0, c, last;
	char *tok, *list;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (!strcmp(a, "--noroot")) {
			noroot = 1;
			continue;
		}
		if (a[0] != '-')
			break;
		if (i + 1 >= argc)
			usage();
		if (!strcmp(a, "--uid")) {
			uid = atol(argv[++i]);
		} else if (!strcmp(a, "--gid")) {
			gid = atol(argv[++i]);
		} else if (!strcmp(a, "--groups")) {
			list = strdup(argv[++i]);
			for (tok = strtok(list, ","); tok && ngroups < 64; tok = strtok(NULL, ","))
				groups[ngroups++] = (gid_t)atol(tok);
		} else if (!strcmp(a, "--caps")) {
			list = strdup(argv[++i]);
			if (strcmp(list, "none"))
				for (tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
					c = cap_number(tok);
					if (c < 0) {
						fprintf(stderr, "runas: unknown capability '%s'\n", tok);
						return 2;
					}
					want |= 1ull << c;
				}
		} else {
			usage();
		}
	}
	if (i >= argc)
		usage();
	if (gid < 0)
		gid = uid;

	/* While still fully privileged: bounding set, securebits. */
	last = last_cap();
	for (c = 0; c <= last; c++)
		if (!(want & (1ull << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) && errno != EINVAL)
			die("PR_CAPBSET_DROP");
	if (noroot && prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED, 0, 0, 0))
		die("PR_SET_SECUREBITS");
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0))
		die("PR_SET_KEEPCAPS");
	if (setgroups(ngroups, groups))
		die("setgroups");
	if (setresgid((gid_t)gid, (gid_t)gid, (gid_t)gid))
		die("setresgid");
	if (setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid))
		die("setresuid");

	memset(data, 0, sizeof(data));
	data[0].permitted = data[0].effective = data[0].inheritable = (unsigned int)want;
	data[1].permitted = data[1].effective = data[1].inheritable = (unsigned int)(want >> 32);
	if (syscall(SYS_capset, &hdr, data))
		die("capset");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0))
		die("PR_CAP_AMBIENT_CLEAR_ALL");
	for (c = 0; c <= last; c++)
		if ((want & (1ull << c)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0))
			die("PR_CAP_AMBIENT_RAISE");
	execvp(argv[i], argv + i);
	fprintf(stderr, "runas: exec %s: %s\n", argv[i], strerror(errno));
	return 127;
}
