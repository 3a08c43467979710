// SPDX-License-Identifier: GPL-2.0
/*
 * sysrqmonctl: growable strings and a JSON (RFC 8259) writer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* What sb_printf() makes room for before it prints: any number fits. */
#define SB_PRINTF_ROOM	64

void sb_init(struct strbuf *sb)
{
	memset(sb, 0, sizeof(*sb));
}

void sb_free(struct strbuf *sb)
{
	free(sb->buf);
	sb_init(sb);
}

void sb_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

/* sb_grow()'s slow path: a larger buffer, or @sb->oom. */
static bool sb_realloc(struct strbuf *sb, size_t n)
{
	size_t cap = sb->cap ? sb->cap : 256;
	char *p;

	while (cap < sb->len + n + 1) {
		if (cap > SIZE_MAX / 2) {
			sb->oom = true;
			return false;
		}
		cap *= 2;
	}
	p = realloc(sb->buf, cap);
	if (!p) {
		sb->oom = true;
		return false;
	}
	sb->buf = p;
	sb->cap = cap;
	return true;
}

/* Room for @n more bytes and the NUL; inline: every byte appended asks. */
static inline bool sb_grow(struct strbuf *sb, size_t n)
{
	if (sb->oom)
		return false;
	return sb->len + n + 1 <= sb->cap || sb_realloc(sb, n);
}

void sb_add(struct strbuf *sb, const void *data, size_t n)
{
	if (!sb_grow(sb, n))
		return;
	memcpy(sb->buf + sb->len, data, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void sb_puts(struct strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

void sb_putc(struct strbuf *sb, char c)
{
	if (!sb_grow(sb, 1))
		return;
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = '\0';
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	size_t room;
	va_list ap;
	int n;

	/* Most calls print a number: one pass into the room already there. */
	if (!sb_grow(sb, SB_PRINTF_ROOM))
		return;
	room = sb->cap - sb->len;
	va_start(ap, fmt);
	n = vsnprintf(sb->buf + sb->len, room, fmt, ap);
	va_end(ap);
	if (n < 0) {
		sb->buf[sb->len] = '\0';
		return;
	}
	if ((size_t)n >= room) {
		if (!sb_grow(sb, (size_t)n))
			return;
		va_start(ap, fmt);
		vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	sb->len += (size_t)n;
}

const char *sb_str(const struct strbuf *sb)
{
	return sb->buf ? sb->buf : "";
}

void sb_hex(struct strbuf *sb, const void *data, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = data;
	char pair[2];
	size_t i;

	for (i = 0; i < n; i++) {
		pair[0] = digits[p[i] >> 4];
		pair[1] = digits[p[i] & 0xf];
		sb_add(sb, pair, 2);
	}
}

/*
 * Length of the UTF-8 sequence at @p (Unicode 15, table 3-7). When it is
 * ill-formed, *@ok is false and the result is the length of the maximal
 * subpart, so that each one becomes a single U+FFFD.
 */
static size_t utf8_next(const unsigned char *p, size_t n, bool *ok)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	size_t need, i;

	*ok = false;
	if (c < 0x80) {
		*ok = true;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		need = 1;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		if (c == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (c == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		if (c == 0xf0)
			lo = 0x90;	/* overlong */
		else if (c == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else {
		return 1;
	}
	for (i = 1; i <= need; i++) {
		if (i >= n || p[i] < lo || p[i] > hi)
			return i;
		lo = 0x80;
		hi = 0xbf;
	}
	*ok = true;
	return need + 1;
}

bool utf8_valid(const void *data, size_t n)
{
	const unsigned char *p = data;
	size_t i = 0;
	bool ok;

	while (i < n) {
		i += utf8_next(p + i, n - i, &ok);
		if (!ok)
			return false;
	}
	return true;
}

/* Bytes JSON takes as they are: printable ASCII but the quote and backslash. */
static size_t json_plain_run(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] >= 0x7f || p[i] == '"' || p[i] == '\\')
			break;
	return i;
}

bool json_escape(struct strbuf *sb, const void *data, size_t n)
{
	const unsigned char *p = data;
	bool valid = true, ok;
	size_t i = 0, len;

	sb_putc(sb, '"');
	while (i < n) {
		unsigned char c = p[i];

		len = json_plain_run(p + i, n - i);
		if (len) {
			sb_add(sb, p + i, len);
			i += len;
			continue;
		}
		if (c == '"' || c == '\\') {
			sb_putc(sb, '\\');
			sb_putc(sb, (char)c);
			i++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			sb_printf(sb, "\\u%04x", c);
			i++;
			continue;
		}
		len = utf8_next(p + i, n - i, &ok);
		if (ok) {
			sb_add(sb, p + i, len);
		} else {
			sb_puts(sb, "\\ufffd");
			valid = false;
		}
		i += len;
	}
	sb_putc(sb, '"');
	return valid;
}

void json_begin(struct json_obj *o, struct strbuf *sb)
{
	o->sb = sb;
	o->first = true;
	sb_putc(sb, '{');
}

void json_end(struct json_obj *o)
{
	sb_putc(o->sb, '}');
}

void json_key(struct json_obj *o, const char *key)
{
	if (!o->first)
		sb_putc(o->sb, ',');
	o->first = false;
	json_escape(o->sb, key, strlen(key));
	sb_putc(o->sb, ':');
}

void json_array_begin(struct json_obj *o, const char *key)
{
	json_key(o, key);
	sb_putc(o->sb, '[');
}

void json_item(struct json_obj *o, struct json_obj *item, size_t i)
{
	if (i)
		sb_putc(o->sb, ',');
	json_begin(item, o->sb);
}

void json_array_end(struct json_obj *o)
{
	sb_putc(o->sb, ']');
}

/* "<key><suffix>": the key is ours or a file name, escaped like a value. */
static void json_key_suffix(struct json_obj *o, const char *key,
			    const char *suffix)
{
	struct strbuf k;

	sb_init(&k);
	sb_puts(&k, key);
	sb_puts(&k, suffix);
	if (k.oom)
		o->sb->oom = true;
	else
		json_key(o, k.buf);
	sb_free(&k);
}

void json_str(struct json_obj *o, const char *key, const void *data, size_t n)
{
	json_key(o, key);
	if (json_escape(o->sb, data, n))
		return;
	json_key_suffix(o, key, "_hex");
	sb_putc(o->sb, '"');
	sb_hex(o->sb, data, n);
	sb_putc(o->sb, '"');
}

void json_cstr(struct json_obj *o, const char *key, const char *s)
{
	json_str(o, key, s, strlen(s));
}

/* @v in decimal: most of an event's fields, so without printf's parsing. */
static void sb_decimal(struct strbuf *sb, uint64_t v)
{
	char digits[20];
	size_t i = sizeof(digits);

	do {
		digits[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sb_add(sb, digits + i, sizeof(digits) - i);
}

void json_u64(struct json_obj *o, const char *key, uint64_t v)
{
	json_key(o, key);
	sb_decimal(o->sb, v);
}

void json_s64(struct json_obj *o, const char *key, int64_t v)
{
	json_key(o, key);
	if (v < 0)
		sb_putc(o->sb, '-');
	sb_decimal(o->sb, v < 0 ? -(uint64_t)v : (uint64_t)v);
}

void json_bool(struct json_obj *o, const char *key, bool v)
{
	json_key(o, key);
	sb_puts(o->sb, v ? "true" : "false");
}

void json_null(struct json_obj *o, const char *key)
{
	json_key(o, key);
	sb_puts(o->sb, "null");
}
