/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sysrqmonctl: growable strings and a JSON (RFC 8259) writer.
 */
#ifndef SYSRQMONCTL_JSON_H
#define SYSRQMONCTL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef __printf
/* As in the kernel's compiler_attributes.h, for -Wformat checking. */
#define SMON_ATTRIBUTE(x)	__attribute__(x)
#define __printf(a, b)		SMON_ATTRIBUTE((format(printf, a, b)))
#endif

/* A growable, always NUL-terminated string; an allocation failure is sticky. */
struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
	bool oom;
};

void sb_init(struct strbuf *sb);
void sb_free(struct strbuf *sb);
void sb_reset(struct strbuf *sb);
void sb_add(struct strbuf *sb, const void *data, size_t n);
void sb_puts(struct strbuf *sb, const char *s);
void sb_putc(struct strbuf *sb, char c);
__printf(2, 3)
void sb_printf(struct strbuf *sb, const char *fmt, ...);
const char *sb_str(const struct strbuf *sb);

/* Appends the bytes as lowercase hex digits, two per byte. */
void sb_hex(struct strbuf *sb, const void *data, size_t n);

/* True when the bytes are well-formed UTF-8 (RFC 3629). */
bool utf8_valid(const void *data, size_t n);

/*
 * Appends a quoted JSON string. '"' and '\' are escaped, every byte below
 * 0x20 and 0x7f become \u00XX, well-formed UTF-8 passes through, and each
 * maximal ill-formed subsequence becomes one \uFFFD. Returns true when the
 * input was well-formed UTF-8 (nothing was replaced).
 */
bool json_escape(struct strbuf *sb, const void *data, size_t n);

/* Writes one JSON object, member by member. */
struct json_obj {
	struct strbuf *sb;
	bool first;
};

void json_begin(struct json_obj *o, struct strbuf *sb);
void json_end(struct json_obj *o);
/* Writes the separator and "key": and leaves the value to the caller. */
void json_key(struct json_obj *o, const char *key);
/*
 * An array of objects as the member @key: json_array_begin(), then
 * json_item() begins the @i-th (from 0) object, each ended by json_end(),
 * and json_array_end().
 */
void json_array_begin(struct json_obj *o, const char *key);
void json_item(struct json_obj *o, struct json_obj *item, size_t i);
void json_array_end(struct json_obj *o);
/*
 * A string member. When the bytes are not valid UTF-8 a sibling member
 * "<key>_hex" carries the raw bytes, hex-encoded.
 */
void json_str(struct json_obj *o, const char *key, const void *data, size_t n);
void json_cstr(struct json_obj *o, const char *key, const char *s);
void json_u64(struct json_obj *o, const char *key, uint64_t v);
void json_s64(struct json_obj *o, const char *key, int64_t v);
void json_bool(struct json_obj *o, const char *key, bool v);
void json_null(struct json_obj *o, const char *key);

#endif /* SYSRQMONCTL_JSON_H */
