// SPDX-License-Identifier: GPL-2.0
/*
 * keyinject: write SysRq key presses as a process would, for the sysrqmon QEMU tests.
 *
 *   keyinject evdev PATH KEY      Alt+SysRq+KEY written to the evdev node PATH
 *   keyinject uinput KEY          the same from a new uinput keyboard (/dev/uinput)
 *   KEY is a command character (a-z, 0-9), or code=N: one press and release of key code N
 *   (a key of the reset sequence).
 *
 * Prints "pid=P tid=T fdpath=PATH op=inject result=R" (R = events written, or an errno name).
 */
#include "common.h"

#include <linux/input.h>
#include <linux/uinput.h>
#include <sys/ioctl.h>

static const char *const rows[] = { "1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm" };
static const int row_first[] = { KEY_1, KEY_Q, KEY_A, KEY_Z };

static int key_code(const char *key)
{
	const char *hit;
	size_t i;

	if (!strncmp(key, "code=", 5))
		return atoi(key + 5);
	if (strlen(key) != 1)
		return -1;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		hit = strchr(rows[i], key[0]);
		if (hit)
			return row_first[i] + (int)(hit - rows[i]);
	}
	return -1;
}

static int emit(int fd, int type, int code, int value)
{
	struct input_event ev = { .type = type, .code = code, .value = value };

	return write(fd, &ev, sizeof(ev)) == sizeof(ev) ? 0 : -1;
}

static int press(int fd, int code, int value)
{
	return emit(fd, EV_KEY, code, value) || emit(fd, EV_SYN, SYN_REPORT, 0);
}

/* Alt+SysRq+key as a keyboard sends it; a bare code is one press and release. */
static long inject(int fd, const char *key, int code)
{
	const int chord[] = { KEY_LEFTALT, KEY_SYSRQ, code };
	long n = 0;
	int i;

	if (!strncmp(key, "code=", 5))
		return press(fd, code, 1) || press(fd, code, 0) ? -1 : 2;
	for (i = 0; i < 3; i++, n++)
		if (press(fd, chord[i], 1))
			return -1;
	for (i = 2; i >= 0; i--, n++)
		if (press(fd, chord[i], 0))
			return -1;
	return n;
}

static int uinput_open(void)
{
	struct uinput_setup setup = { .id = { .bustype = BUS_VIRTUAL } };
	int fd, code;

	fd = open("/dev/uinput", O_WRONLY);
	if (fd < 0)
		return -1;
	strcpy(setup.name, "keyinject");
	if (ioctl(fd, UI_SET_EVBIT, EV_KEY) || ioctl(fd, UI_SET_EVBIT, EV_SYN))
		return -1;
	for (code = KEY_ESC; code <= KEY_MICMUTE; code++)
		if (ioctl(fd, UI_SET_KEYBIT, code))
			return -1;
	if (ioctl(fd, UI_DEV_SETUP, &setup) || ioctl(fd, UI_DEV_CREATE))
		return -1;
	return fd;
}

int main(int argc, char **argv)
{
	const char *path, *key;
	int fd, code, err;
	long n;

	if (argc == 4 && !strcmp(argv[1], "evdev")) {
		path = argv[2];
		key = argv[3];
	} else if (argc == 3 && !strcmp(argv[1], "uinput")) {
		path = "/dev/uinput";
		key = argv[2];
	} else {
		fprintf(stderr, "usage: keyinject evdev PATH KEY | keyinject uinput KEY\n");
		return 2;
	}
	code = key_code(key);
	if (code <= 0 || code > KEY_MAX) {
		fprintf(stderr, "keyinject: bad key '%s'\n", key);
		return 2;
	}
	fd = argv[1][0] == 'e' ? open(path, O_WRONLY) : uinput_open();
	if (fd < 0) {
		report(path, "inject", -1, errno);
		return 1;
	}
	n = inject(fd, key, code);
	err = errno;
	if (argv[1][0] == 'u')
		ioctl(fd, UI_DEV_DESTROY);
	close(fd);
	report(path, "inject", n, err);
	return n < 0;
}
