// SPDX-License-Identifier: GPL-2.0
/*
 * sysrqmonctl keys [--json]: the live SysRq key table, with each key's
 * help text, owning module and handler, and whether it changed since load.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "netlink.h"
#include "subcommands.h"

static void text_padded(struct strbuf *sb, const char *s, size_t len,
			size_t width)
{
	size_t start = sb->len;

	smon_text_value(sb, s, len);
	while (sb->len - start < width)
		sb_putc(sb, ' ');
}

void smon_keys_text(struct strbuf *sb, const struct smon_keys *keys)
{
	size_t i, wm = 6, wh = 7;
	char kbuf[5];

	/* Widths of the bare values; a quoted one just pushes its line. */
	for (i = 0; i < keys->nr; i++) {
		if (keys->entries[i].module_len > wm)
			wm = keys->entries[i].module_len;
		if (keys->entries[i].handler_len > wh)
			wh = keys->entries[i].handler_len;
	}
	sb_printf(sb, "%-4s %-7s %-*s %-*s %s\n", "KEY", "CHANGED",
		  (int)wm, "MODULE", (int)wh, "HANDLER", "HELP");
	for (i = 0; i < keys->nr; i++) {
		const struct smon_key_entry *e = &keys->entries[i];

		sb_printf(sb, "%-4s ", smon_has(e->present, SYSRQMON_ATTR_KEY) ?
			  smon_key_text(e->key, kbuf) : "-");
		sb_printf(sb, "%-7s ",
			  !smon_has(e->present, SYSRQMON_ATTR_CHANGED) ? "-" :
			  e->changed ? "yes" : "no");
		text_padded(sb, e->module, e->module_len, wm);
		sb_putc(sb, ' ');
		text_padded(sb, e->handler, e->handler_len, wh);
		sb_putc(sb, ' ');
		smon_text_value(sb, e->help, e->help_len);
		sb_putc(sb, '\n');
	}
	if (keys->truncated)
		sb_puts(sb, "(list truncated)\n");
}

void smon_keys_json(struct strbuf *sb, const struct smon_keys *keys)
{
	struct json_obj o, sub;
	size_t i;

	json_begin(&o, sb);
	json_cstr(&o, "type", "keys");
	json_cstr(&o, "host", smon_host());
	json_array_begin(&o, "keys");
	for (i = 0; i < keys->nr; i++) {
		const struct smon_key_entry *e = &keys->entries[i];

		json_item(&o, &sub, i);
		if (smon_has(e->present, SYSRQMON_ATTR_KEY))
			json_str(&sub, "key", &e->key, 1);
		if (smon_has(e->present, SYSRQMON_ATTR_HELP))
			json_str(&sub, "help", e->help, e->help_len);
		if (smon_has(e->present, SYSRQMON_ATTR_MODULE))
			json_str(&sub, "module", e->module, e->module_len);
		if (smon_has(e->present, SYSRQMON_ATTR_HANDLER))
			json_str(&sub, "handler", e->handler, e->handler_len);
		if (smon_has(e->present, SYSRQMON_ATTR_CHANGED))
			json_bool(&sub, "changed", e->changed);
		json_end(&sub);
	}
	json_array_end(&o);
	if (keys->truncated)
		json_bool(&o, "truncated", true);
	json_end(&o);
}

int keys_main(int argc, char **argv)
{
	struct smon_keys *keys;
	struct smon_nl nl;
	struct strbuf sb;
	char msg[256];
	bool json;
	int err, rc;

	if (smon_json_parse(argc, argv, &json, msg, sizeof(msg)))
		return smon_usage_error("%s", msg);
	rc = smon_cli_open(&nl, json ? "keys" : NULL);
	if (rc)
		return rc;
	keys = calloc(1, sizeof(*keys));
	err = keys ? smon_nl_get_keys(&nl, keys) : -ENOMEM;
	if (err) {
		if (err == -EOPNOTSUPP)
			fprintf(stderr,
				PROG ": the loaded module does not list its keys (too old)\n");
		else
			fprintf(stderr, PROG ": keys: %s%s%s\n",
				strerror(-err), nl.extack[0] ? ": " : "",
				nl.extack);
		smon_nl_close(&nl);
		free(keys);
		return SMON_EXIT_ERROR;
	}
	smon_nl_close(&nl);
	sb_init(&sb);
	if (json)
		smon_keys_json(&sb, keys);
	else
		smon_keys_text(&sb, keys);
	free(keys);
	return smon_print(&sb);
}
