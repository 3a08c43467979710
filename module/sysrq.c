// SPDX-License-Identifier: GPL-2.0
/*
 * What the running kernel's SysRq driver says about a key.
 */
#include <linux/rcupdate.h>
#include <linux/string.h>
#include <linux/sysrq.h>

#include "sysrqmon.h"

/**
 * sysrqmon_key_index() - the SysRq driver's table slot of a command key
 * @key: command character
 *
 * Return: 0-61, or -1 for a character that has no slot.
 */
int sysrqmon_key_index(int key)
{
	if (key >= '0' && key <= '9')
		return key - '0';
	if (key >= 'a' && key <= 'z')
		return key - 'a' + 10;
	if (key >= 'A' && key <= 'Z')
		return key - 'A' + 36;
	return -1;
}
EXPORT_SYMBOL_IF_KUNIT(sysrqmon_key_index);

/**
 * sysrqmon_key_table() - the driver's key table
 *
 * Return: its 62 slots; read under RCU, written under the driver's lock.
 */
const struct sysrq_key_op **sysrqmon_key_table(void)
{
	return sysrqmon_sym.key_table;
}

/**
 * sysrqmon_slot_key() - the command key of a table slot
 * @slot: 0 to %SYSRQMON_KEY_SLOTS - 1, as sysrqmon_key_index() returns
 *
 * Return: the key character.
 */
char sysrqmon_slot_key(int slot)
{
	static const char keys[SYSRQMON_KEY_SLOTS + 1] =
		"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

	return keys[slot];
}

/**
 * sysrqmon_key_action() - the action a key runs, named as the kernel does
 * @key: command character
 * @buf: receives the handler's help text up to '(', or "help" when the key
 *	 has no handler (the kernel then prints its help)
 * @len: size of @buf
 *
 * Safe in any context: unregister_sysrq_key() waits for RCU readers.
 */
void sysrqmon_key_action(int key, char *buf, size_t len)
{
	const struct sysrq_key_op *op = NULL;
	int i = sysrqmon_key_index(key);
	const char *help;
	size_t n;

	rcu_read_lock();
	if (i >= 0)
		op = READ_ONCE(sysrqmon_sym.key_table[i]);
	help = op ? op->help_msg : NULL;
	if (!help) {
		strscpy(buf, "help", len);
	} else {
		n = strcspn(help, "(");
		if (n >= len)
			n = len - 1;
		memcpy(buf, help, n);
		buf[n] = '\0';
	}
	rcu_read_unlock();
}
EXPORT_SYMBOL_IF_KUNIT(sysrqmon_key_action);

/**
 * sysrqmon_action_is_destructive() - whether an action ends the system
 * @action: an action name from sysrqmon_key_action()
 *
 * Return: true for actions whose line must reach the log before they run.
 */
bool sysrqmon_action_is_destructive(const char *action)
{
	static const char * const names[] = { "reboot", "crash", "poweroff" };
	int i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(action, names[i]))
			return true;
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(sysrqmon_action_is_destructive);

/**
 * sysrqmon_key_destructive() - whether a key's action ends the system
 * @key: command character, or %SYSRQMON_KEY_NONE
 *
 * Return: true when the handler the table holds now reboots, crashes or
 * powers off.
 */
bool sysrqmon_key_destructive(int key)
{
	char action[SYSRQMON_ACTION_LEN];

	if (key == SYSRQMON_KEY_NONE)
		return false;
	sysrqmon_key_action(key, action, sizeof(action));
	return sysrqmon_action_is_destructive(action);
}
