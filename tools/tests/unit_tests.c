// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of sysrqmonctl's pure parts. Prints "PASS name" or
 * "FAIL name: ..." per check (tests/run.sh counts them) and, when given a
 * file name, writes every JSON line the encoder produced into it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "cli.h"
#include "fleet.h"
#include "format.h"
#include "json.h"
#include "netlink.h"
#include "output.h"
#include "subcommands.h"
#include "sysrqmon_fields.h"

static int passed, failed;
static FILE *json_out;

static void check(bool ok, const char *name, const char *detail)
{
	if (ok) {
		passed++;
		printf("PASS %s\n", name);
	} else {
		failed++;
		printf("FAIL %s: %s\n", name, detail ? detail : "");
	}
}

static void check_str(const char *name, const char *got, const char *want)
{
	char detail[2048];

	snprintf(detail, sizeof(detail), "got '%s', want '%s'",
		 got ? got : "(null)", want ? want : "(null)");
	check(got && want ? !strcmp(got, want) : got == want, name, detail);
}

static void check_u64(const char *name, uint64_t got, uint64_t want)
{
	char detail[128];

	snprintf(detail, sizeof(detail), "got %llu, want %llu",
		 (unsigned long long)got, (unsigned long long)want);
	check(got == want, name, detail);
}

static void check_contains(const char *name, const char *hay,
			   const char *needle)
{
	char detail[2048];

	snprintf(detail, sizeof(detail), "'%s' lacks '%s'", hay, needle);
	check(strstr(hay, needle), name, detail);
}

/* A JSON line from the encoder: checked by the caller, validated later. */
static void json_line(const struct strbuf *sb)
{
	if (json_out)
		fprintf(json_out, "%s\n", sb_str(sb));
}

/* ---- command line ---- */

#define ARGV(...)	((char *[]){ "sysrqmonctl", __VA_ARGS__, NULL })
#define ARGC(...)	((int)(sizeof((char *[]){ "sysrqmonctl", __VA_ARGS__ }) \
			       / sizeof(char *)))
#define PARSE(cli, ...)	parse(cli, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

/*
 * What each subcommand's own parser made of a command line; main()'s part
 * (the table, -V, unknown subcommands) is tested by run.sh.
 */
struct parsed {
	bool help;
	bool json;			/* status, keys */
	struct smon_listen_args listen;
	const char *output;		/* metrics */
	struct smon_setting set;	/* mode, set, lock */
	char err[256];
};

static int parse(struct parsed *p, int argc, char **argv)
{
	const char *sub = argv[1];
	char *err = p->err;
	size_t n = sizeof(p->err);

	memset(p, 0, sizeof(*p));
	if (smon_cli_wants_help(argc, argv)) {
		p->help = true;
		return 0;
	}
	argc--;
	argv++;
	if (!strcmp(sub, "status") || !strcmp(sub, "keys"))
		return smon_json_parse(argc, argv, &p->json, err, n);
	if (!strcmp(sub, "listen")) {
		if (smon_listen_parse(argc, argv, &p->listen, err, n))
			return -1;
		p->json = p->listen.format == SMON_FMT_JSON;
		return 0;
	}
	if (!strcmp(sub, "metrics"))
		return smon_metrics_parse(argc, argv, &p->output, err, n);
	return smon_config_parse(argc, argv, &p->set, err, n);
}

static void test_cli_good(void)
{
	struct parsed c;

	check(!PARSE(&c, "status") && !c.help && !c.json, "cli: status", NULL);
	check(!PARSE(&c, "status", "--json") && c.json, "cli: status --json",
	      NULL);
	check(!PARSE(&c, "--help") && c.help, "cli: --help", NULL);
	check(!PARSE(&c, "listen", "--help") && c.help, "cli: listen --help",
	      NULL);
	check(!PARSE(&c, "set", "audit", "1", "-h") && c.help,
	      "cli: set audit 1 -h is --help", NULL);

	check(!PARSE(&c, "listen") && !c.listen.has_count &&
	      !c.listen.has_timeout && !c.json, "cli: listen", NULL);
	check(!PARSE(&c, "listen", "--json", "--count", "5", "--timeout",
		     "2.5") &&
	      c.json && c.listen.has_count && c.listen.count == 5 && c.listen.has_timeout &&
	      c.listen.timeout_ns == 2500000000ull,
	      "cli: listen --json --count 5 --timeout 2.5", NULL);
	check(!PARSE(&c, "listen", "--count=3", "--timeout=0") &&
	      c.listen.count == 3 && c.listen.has_timeout && c.listen.timeout_ns == 0,
	      "cli: listen --count=3 --timeout=0", NULL);
	check(!PARSE(&c, "listen") && !c.listen.ship,
	      "cli: listen multicasts by default", NULL);
	check(!PARSE(&c, "listen", "--ship", "--format", "journal") &&
	      c.listen.ship && c.listen.format == SMON_FMT_JOURNAL,
	      "cli: listen --ship --format journal", NULL);
	check(PARSE(&c, "listen", "--ship=1"), "cli: listen --ship takes no value",
	      NULL);

	check(!PARSE(&c, "mode", "deny") && c.set.attr == SYSRQMON_ATTR_MODE &&
	      c.set.type == SMON_VAL_U8 &&
	      c.set.u8 == SYSRQMON_MODE_DENY, "cli: mode deny", NULL);
	check(!PARSE(&c, "mode", "monitor") && c.set.u8 == SYSRQMON_MODE_MONITOR,
	      "cli: mode monitor", NULL);
	check(!PARSE(&c, "mode", "off") && c.set.u8 == SYSRQMON_MODE_OFF,
	      "cli: mode off", NULL);

	check(!PARSE(&c, "set", "audit", "0") &&
	      c.set.attr == SYSRQMON_ATTR_AUDIT && c.set.u8 == 0,
	      "cli: set audit 0", NULL);
	check(!PARSE(&c, "set", "audit_records", "0") &&
	      c.set.attr == SYSRQMON_ATTR_AUDIT_RECORDS && c.set.type == SMON_VAL_U8 &&
	      c.set.u8 == 0, "cli: set audit_records 0", NULL);
	check(PARSE(&c, "set", "audit_records", "yes"),
	      "cli: set audit_records yes refused", NULL);
	check(!PARSE(&c, "set", "watch_reads", "1") &&
	      c.set.attr == SYSRQMON_ATTR_WATCH_READS && c.set.u8 == 1,
	      "cli: set watch_reads 1", NULL);
	check(!PARSE(&c, "set", "allowed_mask", "0x10") &&
	      c.set.attr == SYSRQMON_ATTR_ALLOWED_MASK &&
	      c.set.type == SMON_VAL_S32 && c.set.s32 == 16,
	      "cli: set allowed_mask 0x10", NULL);
	check(!PARSE(&c, "set", "allowed_mask", "020") && c.set.s32 == 16,
	      "cli: set allowed_mask 020 (octal)", NULL);
	check(!PARSE(&c, "set", "allowed_mask", "-1") && c.set.s32 == -1,
	      "cli: set allowed_mask -1", NULL);
	check(!PARSE(&c, "set", "allowed_keys", "wmt") &&
	      c.set.attr == SYSRQMON_ATTR_ALLOWED_KEYS &&
	      c.set.type == SMON_VAL_STR && !strcmp(c.set.str, "wmt"),
	      "cli: set allowed_keys wmt", NULL);
	/* -h is the value (refused: not a key), never --help. */
	check(PARSE(&c, "set", "allowed_keys", "-h") == -1 && !c.help,
	      "cli: set allowed_keys -h is a bad value, not --help", NULL);
	check(PARSE(&c, "set", "allowed_keys", "!") == -1,
	      "cli: rejects allowed_keys with a non-key character", NULL);
	check(!PARSE(&c, "set", "allowed_keys", "") && !strcmp(c.set.str, ""),
	      "cli: set allowed_keys to none", NULL);
	check(!PARSE(&c, "set", "deny_scope", "container") &&
	      c.set.attr == SYSRQMON_ATTR_DENY_SCOPE &&
	      c.set.u8 == SYSRQMON_SCOPE_CONTAINER,
	      "cli: set deny_scope container", NULL);
	check(!PARSE(&c, "set", "verify_ms", "500") &&
	      c.set.attr == SYSRQMON_ATTR_VERIFY_MS && c.set.type == SMON_VAL_S32 &&
	      c.set.s32 == 500, "cli: set verify_ms 500", NULL);
	check(!PARSE(&c, "set", "verify_ms", "0") && c.set.s32 == 0,
	      "cli: set verify_ms 0 (off)", NULL);
	check(PARSE(&c, "set", "verify_ms", "99") == -1 &&
	      PARSE(&c, "set", "verify_ms", "60001") == -1 &&
	      PARSE(&c, "set", "verify_ms", "-1") == -1 &&
	      PARSE(&c, "set", "verify_ms", "1s") == -1,
	      "cli: set verify_ms refuses 99, 60001, -1 and 1s", NULL);
	check(!PARSE(&c, "lock") && c.set.type == SMON_VAL_NONE, "cli: lock",
	      NULL);

	check(!PARSE(&c, "listen") && c.listen.format == SMON_FMT_TEXT,
	      "cli: listen formats text by default", NULL);
	check(!PARSE(&c, "listen", "--json") && c.listen.format == SMON_FMT_JSON,
	      "cli: listen --json is --format json", NULL);
	check(!PARSE(&c, "listen", "--format", "export") &&
	      c.listen.format == SMON_FMT_EXPORT && !c.json,
	      "cli: listen --format export", NULL);
	check(!PARSE(&c, "listen", "--format=journal") &&
	      c.listen.format == SMON_FMT_JOURNAL, "cli: listen --format=journal",
	      NULL);
	check(!PARSE(&c, "listen", "--format", "json") && c.json,
	      "cli: listen --format json", NULL);
	check(!PARSE(&c, "listen", "--metrics", "/x/l.prom") &&
	      c.listen.metrics_file && !strcmp(c.listen.metrics_file, "/x/l.prom"),
	      "cli: listen --metrics FILE", NULL);
	check(!PARSE(&c, "keys") && !c.json, "cli: keys", NULL);
	check(!PARSE(&c, "keys", "--json") && c.json, "cli: keys --json",
	      NULL);
	check(!PARSE(&c, "metrics") && !c.output, "cli: metrics", NULL);
	check(!PARSE(&c, "metrics", "--output", "/var/lib/x.prom") &&
	      c.output && !strcmp(c.output, "/var/lib/x.prom"),
	      "cli: metrics --output FILE", NULL);
	check(!PARSE(&c, "metrics", "--output=a.prom") &&
	      !strcmp(c.output, "a.prom"), "cli: metrics --output=FILE", NULL);
}

static void test_cli_bad(void)
{
	struct parsed c;
	char keys[300];
	const struct {
		const char *name;
		int argc;
		char **argv;
	} bad[] = {
#define BAD(...)	{ #__VA_ARGS__, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__) }
		BAD("status", "extra"),
		BAD("status", "--count", "1"),
		BAD("listen", "--count"),
		BAD("listen", "--count", "abc"),
		BAD("listen", "--count", "0"),
		BAD("listen", "--count", "-3"),
		BAD("listen", "--count", "5x"),
		BAD("listen", "--count="),
		BAD("listen", "--timeout"),
		BAD("listen", "--timeout", "-1"),
		BAD("listen", "--timeout", "abc"),
		BAD("listen", "--timeout", "1.2.3"),
		BAD("listen", "--timeout", "1."),
		BAD("listen", "--timeout", "inf"),
		BAD("listen", "--timeout", "0.0000000001"),
		BAD("listen", "--counts", "1"),
		BAD("listen", "extra"),
		BAD("mode"),
		BAD("mode", "bogus"),
		BAD("mode", "deny", "extra"),
		BAD("set"),
		BAD("set", "audit"),
		BAD("set", "audit", "2"),
		BAD("set", "audit", "yes"),
		BAD("set", "nope", "1"),
		BAD("set", "allowed_mask", "0x1g"),
		BAD("set", "allowed_mask", ""),
		BAD("set", "allowed_mask", " 1"),
		BAD("set", "allowed_mask", "99999999999"),
		BAD("set", "deny_scope", "some"),
		BAD("set", "audit", "1", "extra"),
		BAD("lock", "now"),
		BAD("listen", "--format"),
		BAD("listen", "--format", "xml"),
		BAD("listen", "--format", "JSON"),
		BAD("listen", "--metrics"),
		BAD("keys", "extra"),
		BAD("keys", "--count", "1"),
		BAD("metrics", "--json"),
		BAD("metrics", "--output"),
		BAD("metrics", "--output="),
		BAD("metrics", "extra"),
		/* getopt_long() would take these: the command line never did. */
		BAD("listen", "--form", "json"),
		BAD("listen", "--js"),
		BAD("listen", "--json=1"),
		BAD("listen", "--"),
		BAD("listen", "--", "--json"),
		BAD("listen", "-"),
		BAD("listen", "-j"),
		BAD("status", "--json", "--", "x"),
		BAD("metrics", "--out", "x.prom"),
		BAD("listen", "extra", "--json"),
#undef BAD
	};
	char name[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(name, sizeof(name), "cli: rejects %s", bad[i].name);
		check(parse(&c, bad[i].argc, bad[i].argv) == -1, name, NULL);
	}
	memset(keys, 'a', sizeof(keys) - 1);
	keys[sizeof(keys) - 1] = '\0';
	check(PARSE(&c, "set", "allowed_keys", keys) == -1,
	      "cli: rejects allowed_keys longer than SYSRQMON_STR_MAX", NULL);
	keys[63] = '\0';
	check(PARSE(&c, "set", "allowed_keys", keys) == -1,
	      "cli: rejects allowed_keys of more than 62 keys", NULL);
	keys[62] = '\0';
	check(PARSE(&c, "set", "allowed_keys", keys) == 0,
	      "cli: accepts allowed_keys of 62 keys", NULL);

	/* The messages, one line each (main adds the short usage). */
	PARSE(&c, "listen", "--form", "json");
	check_str("cli: message of an abbreviated option", c.err,
		  "listen: unknown option '--form'");
	PARSE(&c, "listen", "--", "x");
	check_str("cli: message of a \"--\"", c.err,
		  "listen: unknown option '--'");
	PARSE(&c, "keys", "now");
	check_str("cli: message of an extra argument", c.err,
		  "keys: unexpected argument 'now'");
	PARSE(&c, "listen", "--json", "--count");
	check_str("cli: message of a missing value", c.err,
		  "--count needs a value");
	PARSE(&c, "metrics", "--output=");
	check_str("cli: message of an empty file name", c.err,
		  "--output needs a file name");
	PARSE(&c, "set", "verify_ms", "1s");
	check_str("cli: message of a bad value", c.err,
		  "verify_ms must be 0 (off) or 100 to 60000, not '1s'");
	PARSE(&c, "mode", "deny", "now");
	check_str("cli: message of mode's extra argument", c.err,
		  "mode: unexpected argument 'now'");
}

static void test_parsers(void)
{
	uint64_t v;
	int32_t m;

	check(!smon_parse_timeout("0.5", &v) && v == 500000000ull,
	      "parse: timeout 0.5", NULL);
	check(!smon_parse_timeout("0.000000001", &v) && v == 1,
	      "parse: timeout 1ns", NULL);
	check(!smon_parse_timeout("30", &v) && v == 30000000000ull,
	      "parse: timeout 30", NULL);
	check(smon_parse_timeout("", &v) == -1, "parse: timeout empty", NULL);
	check(smon_parse_timeout("99999999999", &v) == -1,
	      "parse: timeout too large", NULL);
	check(!smon_parse_count("18", &v) && v == 18, "parse: count 18", NULL);
	check(smon_parse_count("+1", &v) == -1, "parse: count +1", NULL);
	check(!smon_parse_mask("438", &m) && m == 438, "parse: mask 438", NULL);
	check(!smon_parse_mask("0x1fe", &m) && m == 0x1fe, "parse: mask 0x1fe",
	      NULL);
	check(!smon_parse_mask("-2147483648", &m) && m == INT32_MIN,
	      "parse: mask INT32_MIN", NULL);
	check(smon_parse_mask("2147483648", &m) == -1,
	      "parse: mask above INT32_MAX", NULL);
}

/* ---- JSON ---- */

static void escape_case(const char *name, const char *in, size_t n,
			const char *want, bool want_valid)
{
	struct strbuf sb;
	bool valid;
	char vname[160];

	snprintf(vname, sizeof(vname), "%s (UTF-8 %s)", name,
		 want_valid ? "valid" : "invalid");
	sb_init(&sb);
	valid = json_escape(&sb, in, n);
	check_str(name, sb_str(&sb), want);
	check(valid == want_valid, vname,
	      want_valid ? "reported invalid UTF-8" : "missed invalid UTF-8");
	json_line(&sb);
	sb_free(&sb);
}

#define ESC(name, lit, want, valid) \
	escape_case(name, lit, sizeof(lit) - 1, want, valid)

static void test_json_escape(void)
{
	ESC("json: plain", "/proc/sysrq-trigger", "\"/proc/sysrq-trigger\"",
	    true);
	ESC("json: empty", "", "\"\"", true);
	ESC("json: quote and backslash", "a\"b\\c", "\"a\\\"b\\\\c\"", true);
	ESC("json: newline, tab, CR", "l1\nl2\tx\r",
	    "\"l1\\u000al2\\u0009x\\u000d\"", true);
	ESC("json: control bytes and DEL", "\x01\x1f\x7f",
	    "\"\\u0001\\u001f\\u007f\"", true);
	ESC("json: NUL inside", "a\0b", "\"a\\u0000b\"", true);
	ESC("json: escape sequence", "\x1b[31mred", "\"\\u001b[31mred\"",
	    true);
	ESC("json: valid 2-byte UTF-8", "h\xc3\xa9llo", "\"h\xc3\xa9llo\"",
	    true);
	ESC("json: valid 3-byte UTF-8", "\xe2\x98\x83", "\"\xe2\x98\x83\"",
	    true);
	ESC("json: valid 4-byte UTF-8", "\xf0\x9f\x98\x80",
	    "\"\xf0\x9f\x98\x80\"", true);
	ESC("json: U+10FFFF", "\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"", true);
	ESC("json: lone 0xff", "\xff", "\"\\ufffd\"", false);
	ESC("json: lone continuation", "a\x80z", "\"a\\ufffdz\"", false);
	ESC("json: truncated 2-byte at end", "a\xc3", "\"a\\ufffd\"", false);
	ESC("json: truncated 3-byte then ASCII", "\xe2\x98x",
	    "\"\\ufffdx\"", false);
	ESC("json: overlong slash", "\xc0\xaf", "\"\\ufffd\\ufffd\"", false);
	ESC("json: overlong 3-byte", "\xe0\x80\xaf",
	    "\"\\ufffd\\ufffd\\ufffd\"", false);
	ESC("json: surrogate", "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"",
	    false);
	ESC("json: above U+10FFFF", "\xf4\x90\x80\x80",
	    "\"\\ufffd\\ufffd\\ufffd\\ufffd\"", false);
	ESC("json: invalid then quote", "\xfe\"", "\"\\ufffd\\\"\"", false);

	check(utf8_valid("abc\xc3\xa9", 5), "utf8: valid", NULL);
	check(!utf8_valid("\xc3\x28", 2), "utf8: invalid", NULL);
}

static void test_json_object(void)
{
	struct json_obj o;
	struct strbuf sb;

	sb_init(&sb);
	json_begin(&o, &sb);
	json_cstr(&o, "type", "event");
	json_cstr(&o, "path", "/tmp/\xff\"x");
	json_u64(&o, "seq", UINT64_MAX);
	json_s64(&o, "new_mask", -1);
	json_bool(&o, "container", true);
	json_null(&o, "to_seq");
	json_end(&o);
	check_str("json: object with _hex sibling", sb_str(&sb),
		  "{\"type\":\"event\",\"path\":\"/tmp/\\ufffd\\\"x\",\"path_hex\":\"2f746d702fff2278\",\"seq\":18446744073709551615,\"new_mask\":-1,\"container\":true,\"to_seq\":null}");
	json_line(&sb);

	sb_reset(&sb);
	json_begin(&o, &sb);
	json_cstr(&o, "we\"ird\n", "\xc3");
	json_end(&o);
	check_str("json: hostile key escaped, also in _hex", sb_str(&sb),
		  "{\"we\\\"ird\\u000a\":\"\\ufffd\",\"we\\\"ird\\u000a_hex\":\"c3\"}");
	json_line(&sb);

	sb_reset(&sb);
	json_begin(&o, &sb);
	json_s64(&o, "min", INT64_MIN);
	json_s64(&o, "zero", 0);
	json_u64(&o, "u0", 0);
	json_end(&o);
	check_str("json: INT64_MIN and zeros", sb_str(&sb),
		  "{\"min\":-9223372036854775808,\"zero\":0,\"u0\":0}");

	/* Longer than the room sb_printf() makes first: a second pass. */
	sb_reset(&sb);
	sb_puts(&sb, "x");
	sb_printf(&sb, "%0100d|%s", 7, "end");
	check(sb.len == 105 && !strcmp(sb_str(&sb) + 100, "7|end") &&
	      sb_str(&sb)[1] == '0', "strbuf: a long sb_printf() whole",
	      sb_str(&sb));
	sb_free(&sb);
}

/* ---- keys, values, time ---- */

static void test_keys(void)
{
	char buf[5];
	struct strbuf sb;

	check_str("key: b", smon_key_text('b', buf), "b");
	check_str("key: !", smon_key_text('!', buf), "!");
	check_str("key: ~", smon_key_text('~', buf), "~");
	check_str("key: space", smon_key_text(' ', buf), "\\x20");
	check_str("key: NUL", smon_key_text(0, buf), "\\x00");
	check_str("key: DEL", smon_key_text(0x7f, buf), "\\x7f");
	check_str("key: 0xff", smon_key_text(0xff, buf), "\\xff");

	sb_init(&sb);
#define TV(name, lit, want) do {					\
		sb_reset(&sb);						\
		smon_text_value(&sb, lit, sizeof(lit) - 1);		\
		check_str(name, sb_str(&sb), want);			\
	} while (0)
	TV("text value: bare", "bash", "bash");
	TV("text value: space quoted", "a b", "\"a b\"");
	TV("text value: = quoted", "a=b", "\"a=b\"");
	TV("text value: quote and backslash", "a\"\\", "\"a\\\"\\\\\"");
	TV("text value: newline and high byte", "x\n\xff", "\"x\\x0a\\xff\"");
	TV("text value: empty", "", "\"\"");
#undef TV
	sb_reset(&sb);
	smon_format_time(&sb, 1795447154123456789ull);
	check_str("time: RFC 3339 with ns", sb_str(&sb),
		  "2026-11-23T15:19:14.123456789Z");
	sb_reset(&sb);
	smon_format_time(&sb, 5);
	check_str("time: epoch", sb_str(&sb), "1970-01-01T00:00:00.000000005Z");
	sb_free(&sb);

	check_str("name: kind 12", smon_kind_name(SYSRQMON_KIND_TAMPER),
		  "tamper");
	check_str("name: kind unknown", smon_kind_name(99), NULL);
	check_str("name: target trigger",
		  smon_target_name(SYSRQMON_TARGET_TRIGGER), "sysrq-trigger");
	check_str("name: source verify",
		  smon_source_name(SYSRQMON_SOURCE_VERIFY), "verify");
	check_str("name: source inject",
		  smon_source_name(SYSRQMON_SOURCE_INJECT), "inject");
	check_str("name: attach kprobe",
		  smon_attach_name(SYSRQMON_ATTACH_KPROBE), "kprobe");
}

/* ---- technique and severity ---- */

static void set_str(struct smon_str *s, const char *lit)
{
	s->s = lit;
	s->len = strlen(lit);
}

static struct smon_event mk(unsigned int kind, unsigned int verdict,
			    const char *action, int contained, int flags)
{
	struct smon_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.present = SMON_BIT(SYSRQMON_ATTR_KIND) |
		     SMON_BIT(SYSRQMON_ATTR_VERDICT);
	ev.kind = (uint8_t)kind;
	ev.verdict = (uint8_t)verdict;
	if (action) {
		ev.present |= SMON_BIT(SYSRQMON_ATTR_ACTION);
		set_str(&ev.action, action);
	}
	if (contained >= 0) {
		ev.present |= SMON_BIT(SYSRQMON_ATTR_CONTAINED);
		ev.contained = (uint8_t)contained;
	}
	if (flags >= 0) {
		ev.present |= SMON_BIT(SYSRQMON_ATTR_FLAGS);
		ev.flags = (uint32_t)flags;
	}
	return ev;
}

static void test_tables(void)
{
	static const struct {
		const char *name;
		unsigned int kind, verdict;
		const char *action;
		int contained, flags;
		const char *technique, *severity;
	} t[] = {
#define A	SYSRQMON_VERDICT_ALLOWED
#define D	SYSRQMON_VERDICT_DENIED
#define K(x)	SYSRQMON_KIND_##x
		{ "trigger reboot", K(TRIGGER), A, "reboot", 0, -1,
		  "T1529", "critical" },
		{ "trigger poweroff", K(TRIGGER), A, "poweroff", 0, -1,
		  "T1529", "critical" },
		{ "console crash", K(CONSOLE), A, "crash", -1, -1,
		  "T1529", "critical" },
		{ "trigger reboot contained", K(TRIGGER), A, "reboot", 1, -1,
		  "T1529", "critical" },
		{ "trigger sync", K(TRIGGER), A, "sync", 0, -1,
		  "T1562", "high" },
		{ "trigger sync denied", K(TRIGGER), D, "sync", 0, -1,
		  "T1562", "critical" },
		{ "trigger sync contained", K(TRIGGER), A, "sync", 1, -1,
		  "T1611", "high" },
		{ "console loglevel", K(CONSOLE), A, "loglevel", -1, -1,
		  "T1562", "high" },
		{ "tamper", K(TAMPER), A, NULL, 0, -1, "T1562.001", "critical" },
		{ "tamper denied contained", K(TAMPER), D, NULL, 1, -1,
		  "T1562.001", "critical" },
		{ "drift", K(DRIFT), A, NULL, -1, -1, "T1014", "critical" },
		{ "toggle", K(TOGGLE), A, NULL, -1, -1, "T1014", "critical" },
		{ "kernel", K(KERNEL), A, NULL, -1, -1, "T1014", "critical" },
		{ "keytable", K(KEYTABLE), A, NULL, -1, -1,
		  "T1547.006", "critical" },
		{ "kernel crash", K(KERNEL), A, "crash", -1, -1,
		  "T1529", "critical" },
		{ "param contained", K(PARAM), A, NULL, 1, -1,
		  "T1611", "high" },
		{ "drift contained", K(DRIFT), A, NULL, 1, -1,
		  "T1014", "critical" },
		{ "sysctl write", K(SYSCTL), A, NULL, 0, -1, "T1562", "high" },
		{ "sysctl denied", K(SYSCTL), D, NULL, 0, -1,
		  "T1562", "critical" },
		{ "sysctl contained", K(SYSCTL), A, NULL, 1, -1,
		  "T1611", "high" },
		{ "param", K(PARAM), A, NULL, 0, -1, "T1562", "high" },
		{ "open read-only", K(OPEN), A, NULL, 0, O_RDONLY | 0x8000,
		  "none", "info" },
		{ "open read-only contained", K(OPEN), A, NULL, 1, O_RDONLY,
		  "T1611", "info" },
		{ "open write", K(OPEN), A, NULL, 0, O_WRONLY | 0x8000,
		  "T1562", "high" },
		{ "open read-write", K(OPEN), A, NULL, 0, O_RDWR,
		  "T1562", "high" },
		{ "open write denied", K(OPEN), D, NULL, 0, O_WRONLY,
		  "T1562", "critical" },
		{ "baseline", K(BASELINE), A, NULL, 0, -1, "none", "info" },
		{ "config", K(CONFIG), A, NULL, 0, -1, "none", "info" },
		{ "config denied", K(CONFIG), D, NULL, 0, -1,
		  "none", "critical" },
#undef A
#undef D
#undef K
	};
	struct smon_event ev;
	char name[128];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		ev = mk(t[i].kind, t[i].verdict, t[i].action, t[i].contained,
			t[i].flags);
		snprintf(name, sizeof(name), "technique: %s", t[i].name);
		check_str(name, smon_technique(&ev), t[i].technique);
		snprintf(name, sizeof(name), "severity: %s", t[i].name);
		check_str(name, smon_severity(&ev), t[i].severity);
	}

	ev = mk(SYSRQMON_KIND_KEYTABLE, SYSRQMON_VERDICT_ALLOWED, NULL, -1, -1);
	ev.present |= SMON_BIT(SYSRQMON_ATTR_OP);
	ev.op = SYSRQMON_OP_REGISTER;
	check_str("severity: keytable op=register", smon_severity(&ev),
		  "critical");
	ev.op = SYSRQMON_OP_UNREGISTER;
	check_str("severity: keytable op=unregister", smon_severity(&ev),
		  "high");
	check_str("technique: keytable op=unregister", smon_technique(&ev),
		  "T1547.006");
	ev.verdict = SYSRQMON_VERDICT_DENIED;
	check_str("severity: keytable op=unregister denied",
		  smon_severity(&ev), "critical");
}

/* ---- lost records ---- */

static void test_lost(void)
{
	struct smon_lost_tracker t;
	struct smon_lost l;
	struct strbuf sb;
	int gaps = 0;
	uint64_t s;

	smon_lost_init(&t);
	for (s = 1; s <= 5; s++)
		gaps += smon_lost_event(&t, 0xabc, s, &l);
	check(gaps == 0 && t.records == 0, "lost: 1..5 has no gap", NULL);

	smon_lost_init(&t);
	check(!smon_lost_event(&t, 7, 40, &l),
	      "lost: first event of an instance starts tracking", NULL);
	check(!smon_lost_event(&t, 7, 41, &l), "lost: 40,41 no gap", NULL);
	check(smon_lost_event(&t, 7, 44, &l) && l.reason == SMON_LOST_GAP &&
	      l.from_known && l.to_known && l.from_seq == 42 && l.to_seq == 43,
	      "lost: 41,44 is a gap 42..43", NULL);
	check_u64("lost: two events known missing", t.events, 2);
	sb_init(&sb);
	smon_lost_json(&sb, &l);
	check_str("lost: gap JSON", sb_str(&sb),
		  "{\"type\":\"lost\",\"host\":\"testhost\",\"from_seq\":42,\"to_seq\":43,\"reason\":\"gap\"}");
	json_line(&sb);
	sb_reset(&sb);
	smon_lost_text(&sb, &l);
	check_str("lost: gap text", sb_str(&sb),
		  "LOST from_seq=42 to_seq=43 reason=gap");

	check(!smon_lost_event(&t, 7, 43, &l),
	      "lost: an older seq is no gap", NULL);
	check(!smon_lost_event(&t, 7, 45, &l),
	      "lost: tracking kept the newest seq", NULL);
	check(!smon_lost_event(&t, 8, 100, &l),
	      "lost: a new instance resets tracking", NULL);
	check(!smon_lost_event(&t, 8, 101, &l),
	      "lost: new instance continues", NULL);
	check(smon_lost_event(&t, 8, 103, &l) && l.from_seq == 102 &&
	      l.to_seq == 102, "lost: gap in the new instance", NULL);
	check(!smon_lost_event(&t, 7, 3, &l),
	      "lost: the old instance again also resets", NULL);
	check_u64("lost: records counted", t.records, 2);

	smon_lost_overrun(&t, &l);
	sb_reset(&sb);
	smon_lost_json(&sb, &l);
	check_str("lost: overrun JSON", sb_str(&sb),
		  "{\"type\":\"lost\",\"host\":\"testhost\",\"from_seq\":4,\"to_seq\":null,\"reason\":\"overrun\"}");
	json_line(&sb);
	sb_reset(&sb);
	smon_lost_text(&sb, &l);
	check_str("lost: overrun text", sb_str(&sb),
		  "LOST from_seq=4 to_seq=? reason=overrun");

	smon_lost_init(&t);
	smon_lost_overrun(&t, &l);
	sb_reset(&sb);
	smon_lost_json(&sb, &l);
	check_str("lost: overrun before any event", sb_str(&sb),
		  "{\"type\":\"lost\",\"host\":\"testhost\",\"from_seq\":null,\"to_seq\":null,\"reason\":\"overrun\"}");
	json_line(&sb);
	check_u64("lost: overrun counted", t.records, 1);
	sb_free(&sb);
}

/* ---- whole events, through libnl ---- */

#define FAMILY	0x42

static struct nl_msg *event_msg(void)
{
	struct nl_msg *msg = nlmsg_alloc();

	genlmsg_put(msg, 0, 0, FAMILY, 0, 0, SYSRQMON_CMD_EVENT, 1);
	return msg;
}

/* The controller says a family is gone: the listener stops (exit 3). */
static struct nl_msg *ctrl_msg(uint8_t cmd, uint16_t id)
{
	struct nl_msg *msg = nlmsg_alloc();

	genlmsg_put(msg, 0, 0, GENL_ID_CTRL, 0, 0, cmd, 2);
	nla_put_u16(msg, CTRL_ATTR_FAMILY_ID, id);
	nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, "sysrqmon");
	return msg;
}

static void test_family_removed(void)
{
	struct nl_msg *msg;

	msg = ctrl_msg(CTRL_CMD_DELFAMILY, 0x42);
	check(smon_nl_family_removed(nlmsg_hdr(msg), 0x42),
	      "unload: DELFAMILY of our family is seen", NULL);
	check(!smon_nl_family_removed(nlmsg_hdr(msg), 0x43),
	      "unload: DELFAMILY of another family is not ours", NULL);
	nlmsg_free(msg);
	msg = ctrl_msg(CTRL_CMD_NEWFAMILY, 0x42);
	check(!smon_nl_family_removed(nlmsg_hdr(msg), 0x42),
	      "unload: NEWFAMILY is not a removal", NULL);
	nlmsg_free(msg);
	msg = event_msg();
	check(!smon_nl_family_removed(nlmsg_hdr(msg), GENL_ID_CTRL),
	      "unload: an event is not a removal", NULL);
	nlmsg_free(msg);
}

static void test_event_roundtrip(void)
{
	struct smon_event ev;
	struct nl_msg *msg;
	struct strbuf sb;

	msg = event_msg();
	nla_put_u64(msg, SYSRQMON_ATTR_SEQ, 7);
	nla_put_u64(msg, SYSRQMON_ATTR_INSTANCE, 0x1122334455667788ull);
	nla_put_u64(msg, SYSRQMON_ATTR_TIME_NS, 1795447154123456789ull);
	nla_put_u8(msg, SYSRQMON_ATTR_KIND, SYSRQMON_KIND_TRIGGER);
	nla_put_u8(msg, SYSRQMON_ATTR_VERDICT, SYSRQMON_VERDICT_DENIED);
	nla_put_u8(msg, SYSRQMON_ATTR_TARGET, SYSRQMON_TARGET_TRIGGER);
	nla_put_string(msg, SYSRQMON_ATTR_PATH, "/proc/sysrq-trigger");
	nla_put_u32(msg, SYSRQMON_ATTR_FLAGS, 0x8001);
	nla_put_u8(msg, SYSRQMON_ATTR_KEY, 'b');
	nla_put_string(msg, SYSRQMON_ATTR_ACTION, "reboot");
	nla_put_u32(msg, SYSRQMON_ATTR_PID, 4242);
	nla_put_u32(msg, SYSRQMON_ATTR_TID, 4243);
	nla_put_u32(msg, SYSRQMON_ATTR_PPID, 1);
	nla_put_u32(msg, SYSRQMON_ATTR_UID, 0);
	nla_put_u32(msg, SYSRQMON_ATTR_EUID, 0);
	nla_put_u32(msg, SYSRQMON_ATTR_GID, 0);
	nla_put_string(msg, SYSRQMON_ATTR_COMM, "ba\"sh\n");
	nla_put_string(msg, SYSRQMON_ATTR_EXE, "/usr/bin/\xff");
	nla_put_u64(msg, SYSRQMON_ATTR_CGROUP_ID, 1234);
	nla_put_u32(msg, SYSRQMON_ATTR_PIDNS, 4026531836u);
	nla_put_u32(msg, SYSRQMON_ATTR_MNTNS, 4026531841u);
	nla_put_u8(msg, SYSRQMON_ATTR_CONTAINED, 0);
	nla_put_u8(msg, SYSRQMON_ATTR_TRUNCATED, 0);

	check(!smon_parse_event(nlmsg_hdr(msg), &ev), "event: parses", NULL);
	check_u64("event: seq", ev.seq, 7);
	check_u64("event: key", ev.key, 'b');
	check_u64("event: flags", ev.flags, 0x8001);
	check_u64("event: comm length", ev.comm.len, 6);

	sb_init(&sb);
	smon_event_json(&sb, &ev);
	check_str("event: full JSON line", sb_str(&sb),
		  "{\"type\":\"event\",\"host\":\"testhost\",\"seq\":7,\"instance\":\"0x1122334455667788\",\"time\":\"2026-11-23T15:19:14.123456789Z\",\"event\":\"trigger\",\"verdict\":\"denied\",\"target\":\"sysrq-trigger\",\"path\":\"/proc/sysrq-trigger\",\"flags\":\"0x8001\",\"key\":\"b\",\"action\":\"reboot\",\"pid\":4242,\"tid\":4243,\"ppid\":1,\"uid\":0,\"euid\":0,\"gid\":0,\"comm\":\"ba\\\"sh\\u000a\",\"exe\":\"/usr/bin/\\ufffd\",\"exe_hex\":\"2f7573722f62696e2fff\",\"cgroup_id\":1234,\"pidns\":4026531836,\"mntns\":4026531841,\"container\":false,\"technique\":\"T1529\",\"severity\":\"critical\",\"truncated\":false}");
	json_line(&sb);
	sb_reset(&sb);
	smon_event_text(&sb, &ev);
	check_str("event: full text line", sb_str(&sb),
		  "2026-11-23T15:19:14.123456789Z DENIED trigger target=sysrq-trigger flags=0x8001 key=b action=reboot comm=\"ba\\\"sh\\x0a\" pid=4242 uid=0 path=/proc/sysrq-trigger container=no severity=critical technique=T1529 seq=7");
	nlmsg_free(msg);

	/* Masks are s32, the key a u8, a config event's strings. */
	msg = event_msg();
	nla_put_u64(msg, SYSRQMON_ATTR_SEQ, 8);
	nla_put_u8(msg, SYSRQMON_ATTR_KIND, SYSRQMON_KIND_SYSCTL);
	nla_put_u8(msg, SYSRQMON_ATTR_VERDICT, SYSRQMON_VERDICT_ALLOWED);
	nla_put_u8(msg, SYSRQMON_ATTR_TARGET, SYSRQMON_TARGET_SYSRQ);
	nla_put_s32(msg, SYSRQMON_ATTR_OLD_MASK, 438);
	nla_put_s32(msg, SYSRQMON_ATTR_NEW_MASK, -1);
	nla_put_u8(msg, SYSRQMON_ATTR_CONTAINED, 1);
	check(!smon_parse_event(nlmsg_hdr(msg), &ev), "event: sysctl parses",
	      NULL);
	sb_reset(&sb);
	smon_event_json(&sb, &ev);
	check_str("event: sysctl masks JSON", sb_str(&sb),
		  "{\"type\":\"event\",\"host\":\"testhost\",\"seq\":8,\"event\":\"sysctl\",\"verdict\":\"allowed\",\"target\":\"sysrq\",\"old_mask\":438,\"new_mask\":-1,\"container\":true,\"technique\":\"T1611\",\"severity\":\"high\"}");
	json_line(&sb);
	sb_reset(&sb);
	smon_event_text(&sb, &ev);
	check_str("event: sysctl masks text", sb_str(&sb),
		  "- ALLOWED sysctl target=sysrq old_mask=438 new_mask=-1 container=yes severity=high technique=T1611 seq=8");
	nlmsg_free(msg);

	msg = event_msg();
	nla_put_u8(msg, SYSRQMON_ATTR_KIND, SYSRQMON_KIND_CONSOLE);
	nla_put_u8(msg, SYSRQMON_ATTR_VERDICT, SYSRQMON_VERDICT_ALLOWED);
	nla_put_u8(msg, SYSRQMON_ATTR_KEY, 0x80);
	nla_put_u8(msg, SYSRQMON_ATTR_SOURCE, SYSRQMON_SOURCE_SERIAL);
	nla_put_string(msg, SYSRQMON_ATTR_ACTION, "help");
	check(!smon_parse_event(nlmsg_hdr(msg), &ev), "event: console parses",
	      NULL);
	sb_reset(&sb);
	smon_event_json(&sb, &ev);
	check_str("event: non-ASCII key JSON", sb_str(&sb),
		  "{\"type\":\"event\",\"host\":\"testhost\",\"event\":\"console\",\"verdict\":\"allowed\",\"key\":\"\\ufffd\",\"key_hex\":\"80\",\"action\":\"help\",\"source\":\"serial\",\"technique\":\"T1562\",\"severity\":\"high\"}");
	json_line(&sb);
	sb_reset(&sb);
	smon_event_text(&sb, &ev);
	check_contains("event: non-ASCII key text", sb_str(&sb),
		       " key=\\x80 action=help source=serial");
	nlmsg_free(msg);

	msg = event_msg();
	nla_put_u8(msg, SYSRQMON_ATTR_KIND, SYSRQMON_KIND_CONFIG);
	nla_put_string(msg, SYSRQMON_ATTR_SETTING, "mode");
	nla_put_string(msg, SYSRQMON_ATTR_OLD, "monitor");
	nla_put_string(msg, SYSRQMON_ATTR_NEW, "deny");
	nla_put_u8(msg, 60, 1);	/* unknown to us: ignored */
	check(!smon_parse_event(nlmsg_hdr(msg), &ev), "event: config parses",
	      NULL);
	sb_reset(&sb);
	smon_event_json(&sb, &ev);
	check_str("event: config JSON", sb_str(&sb),
		  "{\"type\":\"event\",\"host\":\"testhost\",\"event\":\"config\",\"setting\":\"mode\",\"old\":\"monitor\",\"new\":\"deny\",\"technique\":\"none\",\"severity\":\"info\"}");
	json_line(&sb);
	nlmsg_free(msg);

	msg = event_msg();
	nla_put_u8(msg, SYSRQMON_ATTR_KIND, 200);
	check(!smon_parse_event(nlmsg_hdr(msg), &ev), "event: unknown kind",
	      NULL);
	sb_reset(&sb);
	smon_event_json(&sb, &ev);
	check_contains("event: unknown kind named", sb_str(&sb),
		       "\"event\":\"unknown-200\"");
	json_line(&sb);
	nlmsg_free(msg);

	/* Hostile messages are refused, not misread. */
	msg = event_msg();
	nla_put(msg, SYSRQMON_ATTR_PATH, 3, "abc");
	check(smon_parse_event(nlmsg_hdr(msg), &ev) == -EBADMSG,
	      "event: string without NUL refused", NULL);
	nlmsg_free(msg);
	msg = event_msg();
	nla_put_u32(msg, SYSRQMON_ATTR_SEQ, 1);
	check(smon_parse_event(nlmsg_hdr(msg), &ev) == -EBADMSG,
	      "event: short u64 refused", NULL);
	nlmsg_free(msg);
	{
		char big[SYSRQMON_STR_MAX + 10];

		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		msg = event_msg();
		nla_put_string(msg, SYSRQMON_ATTR_COMM, big);
		check(smon_parse_event(nlmsg_hdr(msg), &ev) == -EBADMSG,
		      "event: string above SYSRQMON_STR_MAX refused", NULL);
		nlmsg_free(msg);
	}
	sb_free(&sb);
}

static void test_status_roundtrip(void)
{
	struct smon_status *st = calloc(1, sizeof(*st));
	struct nlattr *nest, *hooks, *hook;
	struct nl_msg *msg;
	struct strbuf sb;

	msg = nlmsg_alloc();
	genlmsg_put(msg, 0, 0, FAMILY, 0, 0, SYSRQMON_CMD_GET_STATUS, 1);
	nla_put_string(msg, SYSRQMON_ATTR_VERSION, "0.1.0");
	nla_put_u64(msg, SYSRQMON_ATTR_INSTANCE, 0xdeadbeefull);
	nla_put_u8(msg, SYSRQMON_ATTR_MODE, SYSRQMON_MODE_DENY);
	nla_put_u8(msg, SYSRQMON_ATTR_AUDIT, 1);
	nla_put_u8(msg, SYSRQMON_ATTR_AUDIT_RECORDS, 0);
	nla_put_u8(msg, SYSRQMON_ATTR_WATCH_READS, 0);
	nla_put_s32(msg, SYSRQMON_ATTR_ALLOWED_MASK, 16);
	nla_put_string(msg, SYSRQMON_ATTR_ALLOWED_KEYS, "wmt");
	nla_put_u8(msg, SYSRQMON_ATTR_DENY_SCOPE, SYSRQMON_SCOPE_CONTAINER);
	nla_put_u8(msg, SYSRQMON_ATTR_LOCKED, 0);
	nla_put_u32(msg, SYSRQMON_ATTR_BUFFER_SIZE, 1024);
	nest = nla_nest_start(msg, SYSRQMON_ATTR_COUNTERS);
	nla_put_u64(msg, SYSRQMON_COUNTER_GENERATED, 10);
	nla_put_u64(msg, SYSRQMON_COUNTER_SENT, 7);
	nla_put_u64(msg, SYSRQMON_COUNTER_NO_LISTENER, 1);
	nla_put_u64(msg, SYSRQMON_COUNTER_DROPPED, 2);
	nla_put_u64(msg, SYSRQMON_COUNTER_QUEUED, 0);
	nla_put_u64(msg, SYSRQMON_COUNTER_SUPPRESSED, 3);
	nla_put_u64(msg, SYSRQMON_COUNTER_UNDECIDED, 0);
	nla_nest_end(msg, nest);
	nest = nla_nest_start(msg, SYSRQMON_ATTR_KIND_COUNTS);
	nla_put_u64(msg, SYSRQMON_KIND_OPEN, 4);
	nla_put(msg, SYSRQMON_KIND_OPEN, 0, NULL);	/* a pad: ignored */
	nla_put_u64(msg, SYSRQMON_KIND_TRIGGER, 6);
	nla_nest_end(msg, nest);
	hooks = nla_nest_start(msg, SYSRQMON_ATTR_HOOKS);
	hook = nla_nest_start(msg, SYSRQMON_ATTR_HOOK);
	nla_put_string(msg, SYSRQMON_HOOK_ATTR_NAME, "write_sysrq_trigger");
	nla_put_u8(msg, SYSRQMON_HOOK_ATTR_METHOD, SYSRQMON_ATTACH_FTRACE);
	nla_put_u8(msg, SYSRQMON_HOOK_ATTR_ENFORCING, 1);
	nla_put_u64(msg, SYSRQMON_HOOK_ATTR_MISSED, 0);
	nla_nest_end(msg, hook);
	hook = nla_nest_start(msg, SYSRQMON_ATTR_HOOK);
	nla_put_string(msg, SYSRQMON_HOOK_ATTR_NAME, "__handle_sysrq");
	nla_put_u8(msg, SYSRQMON_HOOK_ATTR_METHOD, SYSRQMON_ATTACH_KPROBE);
	nla_put_u8(msg, SYSRQMON_HOOK_ATTR_ENFORCING, 0);
	nla_put_u64(msg, SYSRQMON_HOOK_ATTR_MISSED, 5);
	nla_nest_end(msg, hook);
	nla_nest_end(msg, hooks);

	check(!smon_parse_status(nlmsg_hdr(msg), st), "status: parses", NULL);
	check_u64("status: two hooks", st->nr_hooks, 2);
	sb_init(&sb);
	smon_status_json(&sb, st);
	check_str("status: JSON", sb_str(&sb),
		  "{\"type\":\"status\",\"source\":\"netlink\",\"host\":\"testhost\",\"loaded\":true,\"version\":\"0.1.0\",\"instance\":\"0x00000000deadbeef\",\"mode\":\"deny\",\"audit\":1,\"audit_records\":0,\"watch_reads\":0,\"allowed_mask\":16,\"allowed_keys\":\"wmt\",\"deny_scope\":\"container\",\"locked\":false,\"buffer_size\":1024,\"counters\":{\"generated\":10,\"sent\":7,\"no_listener\":1,\"dropped\":2,\"queued\":0,\"suppressed\":3,\"undecided\":0},\"kind_counts\":{\"open\":4,\"trigger\":6},\"hooks\":[{\"name\":\"write_sysrq_trigger\",\"method\":\"ftrace\",\"enforcing\":true,\"missed\":0},{\"name\":\"__handle_sysrq\",\"method\":\"kprobe\",\"enforcing\":false,\"missed\":5}]}");
	json_line(&sb);
	sb_reset(&sb);
	smon_status_text(&sb, st);
	check_contains("status: text instance hex", sb_str(&sb),
		       "instance:      0x00000000deadbeef\n");
	check_contains("status: text mode", sb_str(&sb),
		       "mode:          deny\n");
	check_contains("status: text audit_records", sb_str(&sb),
		       "audit:         1\naudit_records: 0\nwatch_reads:   0\n");
	check_contains("status: text counter", sb_str(&sb),
		       "  no_listener   1\n");
	check_contains("status: text hook", sb_str(&sb),
		       "  __handle_sysrq method=kprobe enforcing=no missed=5\n");
	sb_free(&sb);
	nlmsg_free(msg);
	free(st);
}

/* ---- the integrity event kinds ---- */

/* Parses @msg (and frees it), then checks JSON and text. */
static void kind_case(const char *name, struct nl_msg *msg,
		      const char *want_json, const char *want_text)
{
	struct smon_event ev;
	struct strbuf sb;
	char n[160];

	snprintf(n, sizeof(n), "%s: parses", name);
	check(!smon_parse_event(nlmsg_hdr(msg), &ev), n, NULL);
	sb_init(&sb);
	smon_event_json(&sb, &ev);
	snprintf(n, sizeof(n), "%s: JSON", name);
	check_str(n, sb_str(&sb), want_json);
	json_line(&sb);
	sb_reset(&sb);
	smon_event_text(&sb, &ev);
	snprintf(n, sizeof(n), "%s: text", name);
	check_str(n, sb_str(&sb), want_text);
	sb_free(&sb);
	nlmsg_free(msg);
}

static struct nl_msg *kind_msg(uint8_t kind, uint8_t verdict)
{
	struct nl_msg *msg = event_msg();

	nla_put_u8(msg, SYSRQMON_ATTR_KIND, kind);
	nla_put_u8(msg, SYSRQMON_ATTR_VERDICT, verdict);
	return msg;
}

/* What the kernel sends for an event without a task. */
static void no_task(struct nl_msg *msg)
{
	nla_put_u32(msg, SYSRQMON_ATTR_PID, 0);
	nla_put_u32(msg, SYSRQMON_ATTR_TID, 0);
	nla_put_u32(msg, SYSRQMON_ATTR_UID, 0);
	nla_put_u32(msg, SYSRQMON_ATTR_EUID, 0);
	nla_put_string(msg, SYSRQMON_ATTR_COMM, "-");
}

static void test_new_kinds(void)
{
	struct nl_msg *m;

	m = kind_msg(SYSRQMON_KIND_BASELINE, SYSRQMON_VERDICT_ALLOWED);
	nla_put_u32(m, SYSRQMON_ATTR_PID, 311);
	nla_put_string(m, SYSRQMON_ATTR_COMM, "modprobe");
	nla_put_s32(m, SYSRQMON_ATTR_MASK, 438);
	nla_put_string(m, SYSRQMON_ATTR_KEYS, "0bcs");
	kind_case("kind baseline", m,
		  "{\"type\":\"event\",\"host\":\"testhost\",\"event\":\"baseline\",\"verdict\":\"allowed\",\"mask\":438,\"keys\":\"0bcs\",\"pid\":311,\"comm\":\"modprobe\",\"technique\":\"none\",\"severity\":\"info\"}",
		  "- ALLOWED baseline mask=438 keys=0bcs comm=modprobe pid=311 severity=info technique=none");

	m = kind_msg(SYSRQMON_KIND_TOGGLE, SYSRQMON_VERDICT_ALLOWED);
	nla_put_s32(m, SYSRQMON_ATTR_OLD_MASK, 438);
	nla_put_s32(m, SYSRQMON_ATTR_NEW_MASK, 1);
	nla_put_string(m, SYSRQMON_ATTR_MODULE, "sysrqevil");
	kind_case("kind toggle", m,
		  "{\"type\":\"event\",\"host\":\"testhost\",\"event\":\"toggle\",\"verdict\":\"allowed\",\"old_mask\":438,\"new_mask\":1,\"module\":\"sysrqevil\",\"technique\":\"T1014\",\"severity\":\"critical\"}",
		  "- ALLOWED toggle old_mask=438 new_mask=1 module=sysrqevil severity=critical technique=T1014");

	m = kind_msg(SYSRQMON_KIND_KEYTABLE, SYSRQMON_VERDICT_ALLOWED);
	nla_put_u8(m, SYSRQMON_ATTR_OP, SYSRQMON_OP_REGISTER);
	nla_put_u8(m, SYSRQMON_ATTR_KEY, 'x');
	nla_put_string(m, SYSRQMON_ATTR_MODULE, "sysrqevil");
	nla_put_string(m, SYSRQMON_ATTR_HANDLER, "backdoor [sysrqevil]");
	nla_put_string(m, SYSRQMON_ATTR_HELP, "backdoor(x)");
	kind_case("kind keytable register", m,
		  "{\"type\":\"event\",\"host\":\"testhost\",\"event\":\"keytable\",\"verdict\":\"allowed\",\"key\":\"x\",\"op\":\"register\",\"module\":\"sysrqevil\",\"handler\":\"backdoor [sysrqevil]\",\"help\":\"backdoor(x)\",\"technique\":\"T1547.006\",\"severity\":\"critical\"}",
		  "- ALLOWED keytable key=x op=register module=sysrqevil handler=\"backdoor [sysrqevil]\" help=backdoor(x) severity=critical technique=T1547.006");

	m = kind_msg(SYSRQMON_KIND_KEYTABLE, SYSRQMON_VERDICT_ALLOWED);
	nla_put_u8(m, SYSRQMON_ATTR_OP, SYSRQMON_OP_UNREGISTER);
	nla_put_u8(m, SYSRQMON_ATTR_KEY, 'x');
	nla_put_string(m, SYSRQMON_ATTR_MODULE, "sysrqevil");
	nla_put_string(m, SYSRQMON_ATTR_HANDLER, "backdoor [sysrqevil]");
	nla_put_string(m, SYSRQMON_ATTR_HELP, "backdoor(x)");
	kind_case("kind keytable unregister", m,
		  "{\"type\":\"event\",\"host\":\"testhost\",\"event\":\"keytable\",\"verdict\":\"allowed\",\"key\":\"x\",\"op\":\"unregister\",\"module\":\"sysrqevil\",\"handler\":\"backdoor [sysrqevil]\",\"help\":\"backdoor(x)\",\"technique\":\"T1547.006\",\"severity\":\"high\"}",
		  "- ALLOWED keytable key=x op=unregister module=sysrqevil handler=\"backdoor [sysrqevil]\" help=backdoor(x) severity=high technique=T1547.006");

	m = kind_msg(SYSRQMON_KIND_KEYTABLE, SYSRQMON_VERDICT_ALLOWED);
	nla_put_u8(m, SYSRQMON_ATTR_OP, 9);
	kind_case("kind keytable unknown op", m,
		  "{\"type\":\"event\",\"host\":\"testhost\",\"event\":\"keytable\",\"verdict\":\"allowed\",\"op\":\"unknown-9\",\"technique\":\"T1547.006\",\"severity\":\"critical\"}",
		  "- ALLOWED keytable op=unknown-9 severity=critical technique=T1547.006");

	m = kind_msg(SYSRQMON_KIND_KERNEL, SYSRQMON_VERDICT_ALLOWED);
	nla_put_u8(m, SYSRQMON_ATTR_KEY, 's');
	nla_put_string(m, SYSRQMON_ATTR_ACTION, "sync");
	nla_put_string(m, SYSRQMON_ATTR_MODULE, "sysrqevil");
	kind_case("kind kernel", m,
		  "{\"type\":\"event\",\"host\":\"testhost\",\"event\":\"kernel\",\"verdict\":\"allowed\",\"key\":\"s\",\"action\":\"sync\",\"module\":\"sysrqevil\",\"technique\":\"T1014\",\"severity\":\"critical\"}",
		  "- ALLOWED kernel key=s action=sync module=sysrqevil severity=critical technique=T1014");

	m = kind_msg(SYSRQMON_KIND_KERNEL, SYSRQMON_VERDICT_ALLOWED);
	nla_put_u8(m, SYSRQMON_ATTR_KEY, 'b');
	nla_put_string(m, SYSRQMON_ATTR_ACTION, "reboot");
	nla_put_string(m, SYSRQMON_ATTR_MODULE, "sysrqevil");
	kind_case("kind kernel reboot", m,
		  "{\"type\":\"event\",\"host\":\"testhost\",\"event\":\"kernel\",\"verdict\":\"allowed\",\"key\":\"b\",\"action\":\"reboot\",\"module\":\"sysrqevil\",\"technique\":\"T1529\",\"severity\":\"critical\"}",
		  "- ALLOWED kernel key=b action=reboot module=sysrqevil severity=critical technique=T1529");

	m = kind_msg(SYSRQMON_KIND_PARAM, SYSRQMON_VERDICT_ALLOWED);
	nla_put_u32(m, SYSRQMON_ATTR_PID, 77);
	nla_put_string(m, SYSRQMON_ATTR_NAME, "sysrq_downtime_ms");
	nla_put_string(m, SYSRQMON_ATTR_VALUE, "0 1");
	kind_case("kind param", m,
		  "{\"type\":\"event\",\"host\":\"testhost\",\"event\":\"param\",\"verdict\":\"allowed\",\"name\":\"sysrq_downtime_ms\",\"value\":\"0 1\",\"pid\":77,\"technique\":\"T1562\",\"severity\":\"high\"}",
		  "- ALLOWED param name=sysrq_downtime_ms value=\"0 1\" pid=77 severity=high technique=T1562");

	m = kind_msg(SYSRQMON_KIND_DRIFT, SYSRQMON_VERDICT_ALLOWED);
	no_task(m);
	nla_put_string(m, SYSRQMON_ATTR_WHAT, "mask");
	nla_put_u8(m, SYSRQMON_ATTR_SOURCE, SYSRQMON_SOURCE_VERIFY);
	nla_put_s32(m, SYSRQMON_ATTR_OLD_MASK, 0);
	nla_put_s32(m, SYSRQMON_ATTR_NEW_MASK, 1);
	kind_case("kind drift mask", m,
		  "{\"type\":\"event\",\"host\":\"testhost\",\"event\":\"drift\",\"verdict\":\"allowed\",\"source\":\"verify\",\"old_mask\":0,\"new_mask\":1,\"what\":\"mask\",\"pid\":0,\"tid\":0,\"uid\":0,\"euid\":0,\"comm\":\"-\",\"technique\":\"T1014\",\"severity\":\"critical\"}",
		  "- ALLOWED drift source=verify old_mask=0 new_mask=1 what=mask comm=- pid=0 uid=0 severity=critical technique=T1014");

	m = kind_msg(SYSRQMON_KIND_DRIFT, SYSRQMON_VERDICT_DENIED);
	no_task(m);
	nla_put_string(m, SYSRQMON_ATTR_WHAT, "keytable");
	nla_put_u8(m, SYSRQMON_ATTR_SOURCE, SYSRQMON_SOURCE_VERIFY);
	nla_put_u8(m, SYSRQMON_ATTR_KEY, 'x');
	kind_case("kind drift keytable", m,
		  "{\"type\":\"event\",\"host\":\"testhost\",\"event\":\"drift\",\"verdict\":\"denied\",\"key\":\"x\",\"source\":\"verify\",\"what\":\"keytable\",\"pid\":0,\"tid\":0,\"uid\":0,\"euid\":0,\"comm\":\"-\",\"technique\":\"T1014\",\"severity\":\"critical\"}",
		  "- DENIED drift key=x source=verify what=keytable comm=- pid=0 uid=0 severity=critical technique=T1014");

	m = kind_msg(SYSRQMON_KIND_TAMPER, SYSRQMON_VERDICT_DENIED);
	nla_put_string(m, SYSRQMON_ATTR_WHAT, "ftrace");
	kind_case("kind tamper ftrace", m,
		  "{\"type\":\"event\",\"host\":\"testhost\",\"event\":\"tamper\",\"verdict\":\"denied\",\"what\":\"ftrace\",\"technique\":\"T1562.001\",\"severity\":\"critical\"}",
		  "- DENIED tamper what=ftrace severity=critical technique=T1562.001");

	m = kind_msg(SYSRQMON_KIND_TAMPER, SYSRQMON_VERDICT_ALLOWED);
	nla_put_string(m, SYSRQMON_ATTR_WHAT, "kprobes");
	kind_case("kind tamper kprobes", m,
		  "{\"type\":\"event\",\"host\":\"testhost\",\"event\":\"tamper\",\"verdict\":\"allowed\",\"what\":\"kprobes\",\"technique\":\"T1562.001\",\"severity\":\"critical\"}",
		  "- ALLOWED tamper what=kprobes severity=critical technique=T1562.001");

	/* The reset sequence's first press: no key. */
	m = kind_msg(SYSRQMON_KIND_CONSOLE, SYSRQMON_VERDICT_ALLOWED);
	no_task(m);
	nla_put_string(m, SYSRQMON_ATTR_ACTION, "reboot");
	nla_put_u8(m, SYSRQMON_ATTR_SOURCE, SYSRQMON_SOURCE_RESET);
	kind_case("kind console reset without key", m,
		  "{\"type\":\"event\",\"host\":\"testhost\",\"event\":\"console\",\"verdict\":\"allowed\",\"action\":\"reboot\",\"source\":\"reset\",\"pid\":0,\"tid\":0,\"uid\":0,\"euid\":0,\"comm\":\"-\",\"technique\":\"T1529\",\"severity\":\"critical\"}",
		  "- ALLOWED console action=reboot source=reset comm=- pid=0 uid=0 severity=critical technique=T1529");

	/* Hostile strings in the new attributes are escaped. */
	m = kind_msg(SYSRQMON_KIND_KEYTABLE, SYSRQMON_VERDICT_ALLOWED);
	nla_put_string(m, SYSRQMON_ATTR_HANDLER, "a=b\n\xff");
	kind_case("kind keytable hostile handler", m,
		  "{\"type\":\"event\",\"host\":\"testhost\",\"event\":\"keytable\",\"verdict\":\"allowed\",\"handler\":\"a=b\\u000a\\ufffd\",\"handler_hex\":\"613d620aff\",\"technique\":\"T1547.006\",\"severity\":\"critical\"}",
		  "- ALLOWED keytable handler=\"a=b\\x0a\\xff\" severity=critical technique=T1547.006");

	m = event_msg();
	nla_put(m, SYSRQMON_ATTR_WHAT, 3, "abc");
	{
		struct smon_event ev;

		check(smon_parse_event(nlmsg_hdr(m), &ev) == -EBADMSG,
		      "kind: WHAT without NUL refused", NULL);
	}
	nlmsg_free(m);
}

/* ---- status additions, keys, permission messages ---- */

static void test_status_integrity(void)
{
	struct smon_status *st = calloc(1, sizeof(*st));
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *nest;
	struct strbuf sb;

	genlmsg_put(msg, 0, 0, FAMILY, 0, 0, SYSRQMON_CMD_GET_STATUS, 1);
	nla_put_u32(msg, SYSRQMON_ATTR_VERIFY_MS, 1000);
	nest = nla_nest_start(msg, SYSRQMON_ATTR_COUNTERS);
	nla_put_u64(msg, SYSRQMON_COUNTER_GENERATED, 10);
	nla_put_u64(msg, SYSRQMON_COUNTER_DRIFT, 2);
	nla_put_u64(msg, SYSRQMON_COUNTER_TAMPER, 3);
	nla_put_u64(msg, SYSRQMON_COUNTER_RESTORED, 1);
	nla_nest_end(msg, nest);
	check(!smon_parse_status(nlmsg_hdr(msg), st),
	      "status: integrity parses", NULL);
	sb_init(&sb);
	smon_status_json(&sb, st);
	check_str("status: verify_ms and integrity counters JSON", sb_str(&sb),
		  "{\"type\":\"status\",\"source\":\"netlink\",\"host\":\"testhost\",\"loaded\":true,\"verify_ms\":1000,\"counters\":{\"generated\":10,\"drift\":2,\"tamper\":3,\"restored\":1}}");
	json_line(&sb);
	sb_reset(&sb);
	smon_status_text(&sb, st);
	check_str("status: verify_ms and integrity counters text", sb_str(&sb),
		  "verify_ms:     1000\ncounters:\n  generated     10\n  drift         2\n  tamper        3\n  restored      1\n");
	sb_free(&sb);
	nlmsg_free(msg);
	free(st);
}

static void key_entry(struct nl_msg *msg, uint8_t key, const char *help,
		      const char *handler, const char *module, uint8_t changed)
{
	struct nlattr *nest = nla_nest_start(msg, SYSRQMON_ATTR_KEY_ENTRY);

	nla_put_u8(msg, SYSRQMON_ATTR_KEY, key);
	nla_put_string(msg, SYSRQMON_ATTR_HELP, help);
	nla_put_string(msg, SYSRQMON_ATTR_HANDLER, handler);
	nla_put_string(msg, SYSRQMON_ATTR_MODULE, module);
	nla_put_u8(msg, SYSRQMON_ATTR_CHANGED, changed);
	nla_nest_end(msg, nest);
}

static void test_keys_table(void)
{
	struct smon_keys *keys = calloc(1, sizeof(*keys));
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *nest;
	struct strbuf sb;

	genlmsg_put(msg, 0, 0, FAMILY, 0, 0, SYSRQMON_CMD_GET_KEYS, 1);
	key_entry(msg, 'b', "reboot(b)", "sysrq_handle_reboot", "vmlinux", 0);
	key_entry(msg, 'x', "backdoor(x)", "backdoor [sysrqevil]", "sysrqevil",
		  1);
	check(!smon_parse_keys(nlmsg_hdr(msg), keys), "keys: parses", NULL);
	check_u64("keys: two entries", keys->nr, 2);
	sb_init(&sb);
	smon_keys_json(&sb, keys);
	check_str("keys: JSON", sb_str(&sb),
		  "{\"type\":\"keys\",\"host\":\"testhost\",\"keys\":[{\"key\":\"b\",\"help\":\"reboot(b)\",\"module\":\"vmlinux\",\"handler\":\"sysrq_handle_reboot\",\"changed\":false},{\"key\":\"x\",\"help\":\"backdoor(x)\",\"module\":\"sysrqevil\",\"handler\":\"backdoor [sysrqevil]\",\"changed\":true}]}");
	json_line(&sb);
	sb_reset(&sb);
	smon_keys_text(&sb, keys);
	check_str("keys: text", sb_str(&sb),
		  "KEY  CHANGED MODULE    HANDLER              HELP\n"
		  "b    no      vmlinux   sysrq_handle_reboot  reboot(b)\n"
		  "x    yes     sysrqevil \"backdoor [sysrqevil]\" backdoor(x)\n");
	nlmsg_free(msg);

	msg = nlmsg_alloc();
	genlmsg_put(msg, 0, 0, FAMILY, 0, 0, SYSRQMON_CMD_GET_KEYS, 1);
	check(!smon_parse_keys(nlmsg_hdr(msg), keys) && keys->nr == 0,
	      "keys: an empty table parses", NULL);
	sb_reset(&sb);
	smon_keys_json(&sb, keys);
	check_str("keys: empty JSON", sb_str(&sb),
		  "{\"type\":\"keys\",\"host\":\"testhost\",\"keys\":[]}");
	json_line(&sb);
	nlmsg_free(msg);

	msg = nlmsg_alloc();
	genlmsg_put(msg, 0, 0, FAMILY, 0, 0, SYSRQMON_CMD_GET_KEYS, 1);
	nest = nla_nest_start(msg, SYSRQMON_ATTR_KEY_ENTRY);
	nla_put(msg, SYSRQMON_ATTR_HELP, 2, "ab");
	nla_nest_end(msg, nest);
	check(smon_parse_keys(nlmsg_hdr(msg), keys) == -EBADMSG,
	      "keys: a help without NUL is refused", NULL);
	nlmsg_free(msg);
	sb_free(&sb);
	free(keys);
}

static void perm_case(const char *name, const char *extack, bool locked,
		      const char *want)
{
	struct strbuf sb;

	sb_init(&sb);
	smon_perm_message(&sb, extack, locked);
	check_str(name, sb_str(&sb), want);
	sb_free(&sb);
}

static void test_perm(void)
{
	perm_case("perm: locked (kernel's reason, once)",
		  "the configuration is locked until reboot", true,
		  "the configuration is locked until reboot");
	perm_case("perm: locked, status not read",
		  "the configuration is locked until reboot", false,
		  "the configuration is locked until reboot");
	perm_case("perm: missing capability names CAP_SYS_ADMIN once",
		  "CAP_SYS_ADMIN is required", false,
		  "permission denied: needs CAP_SYS_ADMIN in the initial user namespace");
	perm_case("perm: no message, locked", "", true,
		  "the configuration is locked until reboot");
	perm_case("perm: no message, not locked", "", false,
		  "permission denied: needs CAP_SYS_ADMIN in the initial user namespace");
	perm_case("perm: another reason is kept", "something else", false,
		  "permission denied: needs CAP_SYS_ADMIN in the initial user namespace (something else)");
}

/* ---- journal export format ---- */

static void test_export(void)
{
	static const char comm[] = "ev\"il\n\xff";
	struct smon_journal j;
	struct smon_event ev;
	struct smon_lost lost;
	struct strbuf sb;
	struct nl_msg *msg;
	const char *p, *e;
	char want[64];
	size_t n;

	check(!smon_export_binary("plain text=ok", 13),
	      "export: printable is text", NULL);
	check(!smon_export_binary("h\xc3\xa9", 3), "export: UTF-8 is text",
	      NULL);
	check(smon_export_binary("a\nb", 3), "export: newline is binary",
	      NULL);
	check(smon_export_binary("a\tb", 3), "export: tab is binary", NULL);
	check(smon_export_binary("\x7f", 1), "export: DEL is binary", NULL);
	check(smon_export_binary("\xff", 1), "export: 0xff is binary", NULL);

	smon_journal_init(&j);
	sb_init(&sb);
	smon_journal_add(&j, "A", "x=y", 3);
	smon_journal_add(&j, "B", "1\n2", 3);
	smon_journal_add(&j, "C", "", 0);
	smon_journal_export(&sb, &j);
	check(sb.len == 24 &&
	      !memcmp(sb.buf, "A=x=y\nB\n\x03\0\0\0\0\0\0\0\x31\n2\nC=\n\n", 24),
	      "export: text, binary (le64 length) and empty fields", NULL);

	msg = event_msg();
	nla_put_u64(msg, SYSRQMON_ATTR_SEQ, 2);
	nla_put_u64(msg, SYSRQMON_ATTR_TIME_NS, 1795447154123456789ull);
	nla_put_u8(msg, SYSRQMON_ATTR_KIND, SYSRQMON_KIND_TRIGGER);
	nla_put_u8(msg, SYSRQMON_ATTR_VERDICT, SYSRQMON_VERDICT_DENIED);
	nla_put_u8(msg, SYSRQMON_ATTR_KEY, 'b');
	nla_put_string(msg, SYSRQMON_ATTR_ACTION, "sync");
	nla_put_u32(msg, SYSRQMON_ATTR_PID, 4242);
	nla_put_string(msg, SYSRQMON_ATTR_COMM, comm);
	nla_put_u8(msg, SYSRQMON_ATTR_CONTAINED, 1);
	check(!smon_parse_event(nlmsg_hdr(msg), &ev), "export: event parses",
	      NULL);
	smon_journal_event(&j, &ev, 5);
	sb_reset(&sb);
	smon_journal_export(&sb, &j);
	p = sb_str(&sb);
	check_contains("export: MESSAGE is the text line", p,
		       "MESSAGE=2026-11-23T15:19:14.123456789Z DENIED trigger key=b action=sync comm=\"ev\\\"il\\x0a\\xff\" pid=4242 container=yes severity=critical technique=T1611 seq=2\n");
	check_contains("export: MESSAGE_ID of trigger", p,
		       "\nMESSAGE_ID=69b2d15f7b62c9e2198e82cd267d3c47\n");
	check_contains("export: PRIORITY critical is 2", p, "\nPRIORITY=2\n");
	check_contains("export: SYSLOG_IDENTIFIER", p,
		       "\nSYSLOG_IDENTIFIER=sysrqmonctl\n");
	check_contains("export: SYSLOG_FACILITY authpriv", p,
		       "\nSYSLOG_FACILITY=10\n");
	check_contains("export: address fields", p,
		       "\n_HOSTNAME=testhost\n_MACHINE_ID=0123456789abcdef0123456789abcdef\n_BOOT_ID=fedcba9876543210fedcba9876543210\n");
	check_contains("export: monotonic time", p,
		       "\n__MONOTONIC_TIMESTAMP=123456\n");
	check_contains("export: realtime from the event", p,
		       "\n__REALTIME_TIMESTAMP=1795447154123456\n");
	check_contains("export: verdict", p, "\nSYSRQMON_VERDICT=denied\n");
	check_contains("export: pid", p, "\nSYSRQMON_PID=4242\n");
	check_contains("export: seq", p, "\nSYSRQMON_SEQ=2\n");
	/* Past the binary comm (its length has NUL bytes): memmem. */
	check(memmem(sb.buf, sb.len, "\nSYSRQMON_CONTAINER=true\n", 25),
	      "export: container", NULL);
	check(memmem(sb.buf, sb.len, "\nSYSRQMON_TECHNIQUE=T1611\n", 26),
	      "export: technique", NULL);
	check(!memmem(sb.buf, sb.len, "COMM_HEX", 8),
	      "export: no _hex sibling (bytes exact)", NULL);
	/* The hostile comm in the binary form, byte for byte. */
	n = sizeof(comm) - 1;
	memcpy(want, "\nSYSRQMON_COMM\n", 15);
	want[15] = (char)n;
	memset(want + 16, 0, 7);
	memcpy(want + 23, comm, n);
	want[23 + n] = '\n';
	e = memmem(sb.buf, sb.len, want, 24 + n);
	check(e, "export: hostile comm is binary and byte-exact", NULL);
	check(sb.len >= 2 && !memcmp(sb.buf + sb.len - 2, "\n\n", 2),
	      "export: entry ends with an empty line", NULL);
	nlmsg_free(msg);

	/* No time: the one given; info is priority 6, high 4. */
	memset(&ev, 0, sizeof(ev));
	ev.present = SMON_BIT(SYSRQMON_ATTR_KIND);
	ev.kind = SYSRQMON_KIND_BASELINE;
	smon_journal_event(&j, &ev, 777);
	sb_reset(&sb);
	smon_journal_export(&sb, &j);
	check_contains("export: realtime falls back to now", sb_str(&sb),
		       "\n__REALTIME_TIMESTAMP=777\n");
	check_contains("export: PRIORITY info is 6", sb_str(&sb),
		       "\nPRIORITY=6\n");
	check_contains("export: MESSAGE_ID of baseline", sb_str(&sb),
		       "\nMESSAGE_ID=6e9e05f676544f021f0db20d65276632\n");
	ev.kind = SYSRQMON_KIND_PARAM;
	smon_journal_event(&j, &ev, 777);
	sb_reset(&sb);
	smon_journal_export(&sb, &j);
	check_contains("export: PRIORITY high is 4", sb_str(&sb),
		       "\nPRIORITY=4\n");

	memset(&lost, 0, sizeof(lost));
	lost.reason = SMON_LOST_OVERRUN;
	lost.from_known = true;
	lost.from_seq = 9;
	smon_journal_lost(&j, &lost, 1000);
	sb_reset(&sb);
	smon_journal_export(&sb, &j);
	check_str("export: lost overrun record", sb_str(&sb),
		  "MESSAGE=LOST from_seq=9 to_seq=? reason=overrun\n"
		  "MESSAGE_ID=0c356fe2b4800999119b9b3d4eb3db7e\n"
		  "PRIORITY=3\n"
		  "SYSLOG_FACILITY=10\n"
		  "SYSLOG_IDENTIFIER=sysrqmonctl\n"
		  "_HOSTNAME=testhost\n"
		  "_MACHINE_ID=0123456789abcdef0123456789abcdef\n"
		  "_BOOT_ID=fedcba9876543210fedcba9876543210\n"
		  "__REALTIME_TIMESTAMP=1000\n"
		  "__MONOTONIC_TIMESTAMP=123456\n"
		  "SYSRQMON_TYPE=lost\n"
		  "SYSRQMON_HOST=testhost\n"
		  "SYSRQMON_FROM_SEQ=9\n"
		  "SYSRQMON_REASON=overrun\n\n");
	check_str("export: lost gap id", smon_message_id_lost(SMON_LOST_GAP),
		  "417cd34f027dfac26b383fe43e2f3308");

	/* Every id: 32 lowercase hex digits, all different. */
	{
		const char *ids[SYSRQMON_KIND_MAX + 4];
		size_t i, k, nr = 0;
		bool ok = true;

		for (i = 0; i <= SYSRQMON_KIND_MAX; i++)
			ids[nr++] = smon_message_id_event((unsigned int)i);
		ids[nr++] = smon_message_id_lost(SMON_LOST_GAP);
		ids[nr++] = smon_message_id_lost(SMON_LOST_OVERRUN);
		for (i = 0; i < nr; i++) {
			ok = ok && strlen(ids[i]) == 32 &&
			     strspn(ids[i], "0123456789abcdef") == 32;
			for (k = 0; k < i; k++)
				ok = ok && strcmp(ids[i], ids[k]);
		}
		check(ok, "export: MESSAGE_IDs are 128-bit, lowercase, unique",
		      NULL);
		check_str("export: unknown kind uses the none id",
			  smon_message_id_event(200),
			  smon_message_id_event(SYSRQMON_KIND_NONE));
	}
	sb_free(&sb);
	smon_journal_free(&j);
}

/* ---- Prometheus ---- */

static void test_metrics(void)
{
	struct smon_status *st = calloc(1, sizeof(*st));
	struct smon_output out;
	struct smon_event ev;
	struct strbuf sb;
	const char *p;

	sb_init(&sb);
	smon_metrics(&sb, NULL, "1.2.3");
	check_str("metrics: module not loaded", sb_str(&sb),
		  "# HELP sysrqmon_up 1 when the sysrqmon module answered over netlink.\n"
		  "# TYPE sysrqmon_up gauge\n"
		  "sysrqmon_up 0\n"
		  "# HELP sysrqmon_build_info The version of sysrqmonctl that wrote these metrics.\n"
		  "# TYPE sysrqmon_build_info gauge\n"
		  "sysrqmon_build_info{version=\"1.2.3\"} 1\n");

	st->present = SMON_BIT(SYSRQMON_ATTR_MODE) |
		      SMON_BIT(SYSRQMON_ATTR_LOCKED) |
		      SMON_BIT(SYSRQMON_ATTR_HOOKS) |
		      SMON_BIT(SYSRQMON_ATTR_COUNTERS) |
		      SMON_BIT(SYSRQMON_ATTR_KIND_COUNTS);
	st->mode = SYSRQMON_MODE_MONITOR;
	st->counters_present = (1u << SYSRQMON_COUNTER_DROPPED) |
			       (1u << SYSRQMON_COUNTER_QUEUED) |
			       (1u << SYSRQMON_COUNTER_TAMPER);
	st->counters[SYSRQMON_COUNTER_DROPPED] = 4;
	st->counters[SYSRQMON_COUNTER_QUEUED] = 2;
	st->counters[SYSRQMON_COUNTER_TAMPER] = 1;
	st->kinds_present = 1u << SYSRQMON_KIND_TRIGGER;
	st->kind_counts[SYSRQMON_KIND_TRIGGER] = 9;
	st->nr_hooks = 2;
	strcpy(st->hooks[0].name, "a\"b");
	st->hooks[0].name_len = 3;
	st->hooks[0].present = SMON_BIT(SYSRQMON_HOOK_ATTR_NAME) |
			       SMON_BIT(SYSRQMON_HOOK_ATTR_METHOD) |
			       SMON_BIT(SYSRQMON_HOOK_ATTR_MISSED);
	st->hooks[0].method = SYSRQMON_ATTACH_FTRACE;
	st->hooks[0].missed = 5;
	strcpy(st->hooks[1].name, "x\n\xff");
	st->hooks[1].name_len = 3;
	st->hooks[1].present = SMON_BIT(SYSRQMON_HOOK_ATTR_NAME);
	st->hooks[1].enforcing = 1;
	sb_reset(&sb);
	smon_metrics(&sb, st, "1.2.3");
	p = sb_str(&sb);
	check_contains("metrics: up", p, "\nsysrqmon_up 1\n");
	check_contains("metrics: events by kind", p,
		       "# TYPE sysrqmon_events_total counter\nsysrqmon_events_total{kind=\"trigger\"} 9\n");
	check_contains("metrics: dropped", p,
		       "# TYPE sysrqmon_events_dropped_total counter\nsysrqmon_events_dropped_total 4\n");
	check_contains("metrics: queued is a gauge", p,
		       "# TYPE sysrqmon_events_queued gauge\nsysrqmon_events_queued 2\n");
	check_contains("metrics: tamper", p, "\nsysrqmon_tamper_total 1\n");
	check(!strstr(p, "sysrqmon_drift_total"),
	      "metrics: a counter the kernel did not send is left out", NULL);
	check_contains("metrics: mode", p,
		       "sysrqmon_mode{mode=\"off\"} 0\nsysrqmon_mode{mode=\"monitor\"} 1\nsysrqmon_mode{mode=\"deny\"} 0\n");
	check_contains("metrics: locked", p, "\nsysrqmon_locked 0\n");
	check_contains("metrics: hooks attached", p,
		       "\nsysrqmon_hooks 2\n# HELP sysrqmon_hooks_attached Hooks attached.\n# TYPE sysrqmon_hooks_attached gauge\nsysrqmon_hooks_attached 1\n");
	check_contains("metrics: hook label escaped", p,
		       "sysrqmon_hook_attached{hook=\"a\\\"b\",enforcing=\"false\"} 1\n");
	check_contains("metrics: hook label newline and 0xff", p,
		       "sysrqmon_hook_attached{hook=\"x\\n?\",enforcing=\"true\"} 0\n");
	check_contains("metrics: hook missed", p,
		       "sysrqmon_hook_missed_total{hook=\"a\\\"b\"} 5\n");
	check(!strstr(p, "sysrqmon_hook_missed_total{hook=\"x"),
	      "metrics: no missed count, no sample", NULL);

	/* The module's version and instance; counts by kind and verdict. */
	st->present |= SMON_BIT(SYSRQMON_ATTR_VERSION) |
		       SMON_BIT(SYSRQMON_ATTR_INSTANCE);
	strcpy(st->version, "1.2.2");
	st->version_len = 5;
	st->instance = 0x5eed5eed5eed5eedull;
	st->denied_present = 1u << SYSRQMON_KIND_TRIGGER;
	st->kind_denied[SYSRQMON_KIND_TRIGGER] = 2;
	sb_reset(&sb);
	smon_metrics(&sb, st, "1.2.3");
	p = sb_str(&sb);
	check_contains("metrics: module_info labels version and module_instance", p,
		       "\nsysrqmon_module_info{version=\"1.2.2\",module_instance=\"0x5eed5eed5eed5eed\"} 1\n");
	check(!strstr(p, ",instance=") && !strstr(p, "{instance="),
	      "metrics: no label named instance", NULL);
	check_contains("metrics: events by kind and verdict", p,
		       "sysrqmon_events_total{kind=\"trigger\",verdict=\"allowed\"} 7\n"
		       "sysrqmon_events_total{kind=\"trigger\",verdict=\"denied\"} 2\n");

	/* listen --metrics: every kind and verdict, also at 0. */
	smon_output_init(&out, SMON_FMT_TEXT, NULL);
	memset(&ev, 0, sizeof(ev));
	ev.present = SMON_BIT(SYSRQMON_ATTR_KIND) |
		     SMON_BIT(SYSRQMON_ATTR_VERDICT);
	ev.kind = SYSRQMON_KIND_OPEN;
	ev.verdict = SYSRQMON_VERDICT_DENIED;
	out.counts[ev.kind][ev.verdict] = 3;
	sb_reset(&sb);
	smon_output_metrics(&out, &sb);
	p = sb_str(&sb);
	check_contains("metrics: listener denied opens", p,
		       "sysrqmon_listener_events_total{kind=\"open\",verdict=\"denied\"} 3\n");
	check_contains("metrics: listener zero kept", p,
		       "sysrqmon_listener_events_total{kind=\"tamper\",verdict=\"allowed\"} 0\n");
	check_contains("metrics: listener lost", p,
		       "\nsysrqmon_listener_lost_records_total 0\n");
	smon_output_free(&out);
	sb_free(&sb);
	free(st);
}

/* A held output writes nothing until released, then every line in order. */
static void test_output_hold(void)
{
	struct smon_output out;
	struct smon_event ev;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	f = open_memstream(&buf, &len);
	if (!f) {
		check(false, "hold: open_memstream", strerror(errno));
		return;
	}
	smon_output_init(&out, SMON_FMT_JSON, f);
	memset(&ev, 0, sizeof(ev));
	ev.present = SMON_BIT(SYSRQMON_ATTR_SEQ) |
		     SMON_BIT(SYSRQMON_ATTR_INSTANCE);
	ev.instance = 1;
	smon_output_hold(&out);
	for (ev.seq = 1; ev.seq <= 3; ev.seq += 2)
		check(smon_output_event(&out, &ev), "hold: event kept", NULL);
	/* A memstream's length changes only when it is flushed. */
	check_u64("hold: nothing written while held", len, 0);
	check(smon_output_release(&out), "hold: released", NULL);
	check(len && buf[len - 1] == '\n' && strstr(buf, "\"seq\":1,") &&
	      strstr(buf, "\"reason\":\"gap\"") && strstr(buf, "\"seq\":3,") &&
	      strstr(buf, "\"seq\":1,") < strstr(buf, "\"reason\":\"gap\"") &&
	      strstr(buf, "\"reason\":\"gap\"") < strstr(buf, "\"seq\":3,"),
	      "hold: event, gap, event, in order", buf);
	ev.seq = 4;
	check(smon_output_event(&out, &ev), "hold: unheld event", NULL);
	check(strstr(buf, "\"seq\":4,"), "hold: unheld is written at once",
	      buf);
	smon_output_free(&out);
	fclose(f);
	free(buf);
}

static void test_write_atomic(void)
{
	char dir[] = "/tmp/smon-unit-XXXXXX", path[64], buf[32];
	struct stat sb;
	FILE *f;
	size_t n = 0;

	if (!mkdtemp(dir)) {
		check(false, "atomic: mkdtemp", strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "%s/m.prom", dir);
	check(!smon_write_atomic(path, "one\n", 4), "atomic: writes", NULL);
	check(!smon_write_atomic(path, "two\n", 4), "atomic: replaces", NULL);
	f = fopen(path, "r");
	if (f) {
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
	}
	check(n == 4 && !memcmp(buf, "two\n", 4), "atomic: content", NULL);
	check(!stat(path, &sb) && (sb.st_mode & 07777) == 0644,
	      "atomic: mode 0644", NULL);
	check(smon_write_atomic("/nonexistent-dir/m.prom", "x", 1) == -ENOENT,
	      "atomic: missing directory is an error", NULL);
	unlink(path);
	check(!rmdir(dir), "atomic: no temporary file left behind", NULL);
}

/*
 * The field table reaches every output: each field netlink carries has a
 * place in a received event, and a value stored there reads back.
 */
static void test_field_table(void)
{
	struct smon_event ev;
	bool ok = true;
	unsigned int i;

	for (i = 0; i < SYSRQMON_F_COUNT; i++) {
		if (!sysrqmon_fields[i].attr)
			continue;
		memset(&ev, 0, sizeof(ev));
		ev.present = SMON_BIT(sysrqmon_fields[i].attr);
		if (sysrqmon_fields[i].type == SYSRQMON_FT_STRING) {
			smon_field_set_str(&ev, i, "x", 1);
			ok &= smon_field_present(&ev, i) &&
			      smon_field_str(&ev, i)->len == 1;
		} else {
			smon_field_set_number(&ev, i, 1);
			ok &= smon_field_present(&ev, i) &&
			      smon_field_number(&ev, i) == 1;
		}
		if (!ok) {
			check(false, "fields: every netlink field has a place",
			      sysrqmon_fields[i].name);
			return;
		}
	}
	check(ok, "fields: every netlink field has a place", NULL);
	/* a negative mask comes back negative */
	memset(&ev, 0, sizeof(ev));
	smon_field_set_number(&ev, SYSRQMON_F_OLD_MASK, (uint64_t)-1);
	check(ev.old_mask == -1 &&
	      smon_field_number(&ev, SYSRQMON_F_OLD_MASK) == (uint64_t)-1,
	      "fields: s32 sign-extends", NULL);
}

int main(int argc, char **argv)
{
	if (argc > 1) {
		json_out = fopen(argv[1], "w");
		if (!json_out) {
			perror(argv[1]);
			return 2;
		}
	}
	/* Every record carries the host name: a fixed one here. */
	smon_set_host("testhost");
	test_field_table();
	smon_journal_set_source("0123456789abcdef0123456789abcdef",
				"fedcba9876543210fedcba9876543210", 123456);
	test_cli_good();
	test_cli_bad();
	test_family_removed();
	test_parsers();
	test_json_escape();
	test_json_object();
	test_keys();
	test_tables();
	test_lost();
	test_event_roundtrip();
	test_status_roundtrip();
	test_new_kinds();
	test_status_integrity();
	test_keys_table();
	test_perm();
	test_export();
	test_metrics();
	test_output_hold();
	test_write_atomic();
	if (json_out && fclose(json_out)) {
		perror(argv[1]);
		failed++;
	}
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
