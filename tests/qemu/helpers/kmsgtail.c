// SPDX-License-Identifier: GPL-2.0
/*
 * kmsgtail: follow the kernel log like `dmesg -w` (busybox's dmesg cannot follow).
 *
 *   kmsgtail [--all] [--match STRING]... [--prefix TEXT]
 *     --all          print the records already in the buffer first (default: only new ones)
 *     --match S      print only records containing S (any of several)
 *     --prefix TEXT  put TEXT before every printed line
 *
 * Reads /dev/kmsg one record per read(); prints "[seconds.micros] text", one line each,
 * flushed at once, with /dev/kmsg's own \xHH escapes decoded (as dmesg does), so a line reads
 * as it was logged. Runs until killed.
 */
#include "common.h"

static int hexdigit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* /dev/kmsg writes '\\' and non-printable bytes as \xHH: undo it in place. */
static void unescape(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\\' && s[1] == 'x' && hexdigit(s[2]) >= 0 && hexdigit(s[3]) >= 0) {
			*d++ = (char)(hexdigit(s[2]) * 16 + hexdigit(s[3]));
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = '\0';
}

int main(int argc, char **argv)
{
	const char *match[16], *prefix = "";
	int nmatch = 0, all = 0, i, fd;
	char rec[8192];
	ssize_t n;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--all"))
			all = 1;
		else if (!strcmp(argv[i], "--match") && i + 1 < argc && nmatch < 16)
			match[nmatch++] = argv[++i];
		else if (!strcmp(argv[i], "--prefix") && i + 1 < argc)
			prefix = argv[++i];
		else {
			fprintf(stderr, "usage: kmsgtail [--all] [--match S]... [--prefix TEXT]\n");
			return 2;
		}
	}
	fd = open("/dev/kmsg", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "kmsgtail: /dev/kmsg: %s\n", strerror(errno));
		return 1;
	}
	if (!all)
		lseek(fd, 0, SEEK_END);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (;;) {
		unsigned long long usec = 0;
		char *text, *nl;
		int ok = !nmatch;

		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0) {
			if (errno == EPIPE || errno == EINTR)
				continue;	/* overwritten records: go on */
			fprintf(stderr, "kmsgtail: read: %s\n", strerror(errno));
			return 1;
		}
		rec[n] = '\0';
		/* "prio,seq,usec,flags;text\n" then " KEY=VALUE" lines */
		text = strchr(rec, ';');
		if (!text)
			continue;
		*text++ = '\0';
		sscanf(rec, "%*u,%*u,%llu", &usec);
		nl = strchr(text, '\n');
		if (nl)
			*nl = '\0';
		unescape(text);
		for (i = 0; i < nmatch && !ok; i++)
			ok = strstr(text, match[i]) != NULL;
		if (ok)
			printf("%s[%5llu.%06llu] %s\n", prefix, usec / 1000000, usec % 1000000, text);
	}
}
