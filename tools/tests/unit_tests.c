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

#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "cli.h"
#include "format.h"
#include "json.h"
#include "netlink.h"

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

static int parse(struct smon_cli *cli, int argc, char **argv)
{
	char err[256];

	return smon_cli_parse(argc, argv, cli, err, sizeof(err));
}

static void test_cli_good(void)
{
	struct smon_cli c;

	check(parse(&c, 1, ARGV(NULL)) == -1,
	      "cli: no subcommand is a usage error", NULL);

	check(!PARSE(&c, "status") && c.cmd == SMON_CMD_STATUS && !c.json,
	      "cli: status", NULL);
	check(!PARSE(&c, "status", "--json") && c.json, "cli: status --json",
	      NULL);
	check(!PARSE(&c, "--version") && c.cmd == SMON_CMD_VERSION,
	      "cli: --version", NULL);
	check(!PARSE(&c, "-V") && c.cmd == SMON_CMD_VERSION, "cli: -V", NULL);
	check(!PARSE(&c, "--help") && c.cmd == SMON_CMD_HELP, "cli: --help",
	      NULL);
	check(!PARSE(&c, "listen", "--help") && c.cmd == SMON_CMD_HELP,
	      "cli: listen --help", NULL);

	check(!PARSE(&c, "listen") && c.cmd == SMON_CMD_LISTEN &&
	      !c.has_count && !c.has_timeout && !c.json, "cli: listen", NULL);
	check(!PARSE(&c, "listen", "--json", "--count", "5", "--timeout",
		     "2.5") &&
	      c.json && c.has_count && c.count == 5 && c.has_timeout &&
	      c.timeout_ns == 2500000000ull,
	      "cli: listen --json --count 5 --timeout 2.5", NULL);
	check(!PARSE(&c, "listen", "--count=3", "--timeout=0") &&
	      c.count == 3 && c.has_timeout && c.timeout_ns == 0,
	      "cli: listen --count=3 --timeout=0", NULL);

	check(!PARSE(&c, "mode", "deny") && c.cmd == SMON_CMD_MODE &&
	      c.attr == SYSRQMON_ATTR_MODE && c.type == SMON_VAL_U8 &&
	      c.u8 == SYSRQMON_MODE_DENY, "cli: mode deny", NULL);
	check(!PARSE(&c, "mode", "monitor") && c.u8 == SYSRQMON_MODE_MONITOR,
	      "cli: mode monitor", NULL);
	check(!PARSE(&c, "mode", "off") && c.u8 == SYSRQMON_MODE_OFF,
	      "cli: mode off", NULL);

	check(!PARSE(&c, "set", "audit", "0") && c.cmd == SMON_CMD_SET &&
	      c.attr == SYSRQMON_ATTR_AUDIT && c.u8 == 0,
	      "cli: set audit 0", NULL);
	check(!PARSE(&c, "set", "watch_reads", "1") &&
	      c.attr == SYSRQMON_ATTR_WATCH_READS && c.u8 == 1,
	      "cli: set watch_reads 1", NULL);
	check(!PARSE(&c, "set", "allowed_mask", "0x10") &&
	      c.attr == SYSRQMON_ATTR_ALLOWED_MASK &&
	      c.type == SMON_VAL_S32 && c.s32 == 16,
	      "cli: set allowed_mask 0x10", NULL);
	check(!PARSE(&c, "set", "allowed_mask", "020") && c.s32 == 16,
	      "cli: set allowed_mask 020 (octal)", NULL);
	check(!PARSE(&c, "set", "allowed_mask", "-1") && c.s32 == -1,
	      "cli: set allowed_mask -1", NULL);
	check(!PARSE(&c, "set", "allowed_keys", "wmt") &&
	      c.attr == SYSRQMON_ATTR_ALLOWED_KEYS &&
	      c.type == SMON_VAL_STR && !strcmp(c.str, "wmt"),
	      "cli: set allowed_keys wmt", NULL);
	check(!PARSE(&c, "set", "allowed_keys", "-h") &&
	      c.cmd == SMON_CMD_SET && !strcmp(c.str, "-h"),
	      "cli: set allowed_keys -h is a value, not --help", NULL);
	check(!PARSE(&c, "set", "deny_scope", "container") &&
	      c.attr == SYSRQMON_ATTR_DENY_SCOPE &&
	      c.u8 == SYSRQMON_SCOPE_CONTAINER,
	      "cli: set deny_scope container", NULL);
	check(!PARSE(&c, "lock") && c.cmd == SMON_CMD_LOCK, "cli: lock", NULL);
}

static void test_cli_bad(void)
{
	struct smon_cli c;
	char keys[300];
	const struct {
		const char *name;
		int argc;
		char **argv;
	} bad[] = {
#define BAD(...)	{ #__VA_ARGS__, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__) }
		BAD("bogus"),
		BAD("--bogus"),
		BAD("--version", "extra"),
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
	keys[SYSRQMON_STR_MAX - 1] = '\0';
	check(PARSE(&c, "set", "allowed_keys", keys) == 0,
	      "cli: accepts allowed_keys of SYSRQMON_STR_MAX - 1 bytes", NULL);
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
		  "{\"type\":\"lost\",\"from_seq\":42,\"to_seq\":43,\"reason\":\"gap\"}");
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
		  "{\"type\":\"lost\",\"from_seq\":4,\"to_seq\":null,\"reason\":\"overrun\"}");
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
		  "{\"type\":\"lost\",\"from_seq\":null,\"to_seq\":null,\"reason\":\"overrun\"}");
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
		  "{\"type\":\"event\",\"seq\":7,\"instance\":1234605616436508552,\"time\":\"2026-11-23T15:19:14.123456789Z\",\"event\":\"trigger\",\"verdict\":\"denied\",\"target\":\"sysrq-trigger\",\"path\":\"/proc/sysrq-trigger\",\"flags\":\"0x8001\",\"key\":\"b\",\"action\":\"reboot\",\"pid\":4242,\"tid\":4243,\"ppid\":1,\"uid\":0,\"euid\":0,\"gid\":0,\"comm\":\"ba\\\"sh\\u000a\",\"exe\":\"/usr/bin/\\ufffd\",\"exe_hex\":\"2f7573722f62696e2fff\",\"cgroup_id\":1234,\"pidns\":4026531836,\"mntns\":4026531841,\"container\":false,\"technique\":\"T1529\",\"severity\":\"critical\",\"truncated\":false}");
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
		  "{\"type\":\"event\",\"seq\":8,\"event\":\"sysctl\",\"verdict\":\"allowed\",\"target\":\"sysrq\",\"old_mask\":438,\"new_mask\":-1,\"container\":true,\"technique\":\"T1611\",\"severity\":\"high\"}");
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
		  "{\"type\":\"event\",\"event\":\"console\",\"verdict\":\"allowed\",\"key\":\"\\ufffd\",\"key_hex\":\"80\",\"action\":\"help\",\"source\":\"serial\",\"technique\":\"T1562\",\"severity\":\"high\"}");
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
		  "{\"type\":\"event\",\"event\":\"config\",\"setting\":\"mode\",\"old\":\"monitor\",\"new\":\"deny\",\"technique\":\"none\",\"severity\":\"info\"}");
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
		  "{\"type\":\"status\",\"source\":\"netlink\",\"version\":\"0.1.0\",\"instance\":3735928559,\"mode\":\"deny\",\"audit\":1,\"watch_reads\":0,\"allowed_mask\":16,\"allowed_keys\":\"wmt\",\"deny_scope\":\"container\",\"locked\":false,\"buffer_size\":1024,\"counters\":{\"generated\":10,\"sent\":7,\"no_listener\":1,\"dropped\":2,\"queued\":0,\"suppressed\":3,\"undecided\":0},\"kind_counts\":{\"open\":4,\"trigger\":6},\"hooks\":[{\"name\":\"write_sysrq_trigger\",\"method\":\"ftrace\",\"enforcing\":true,\"missed\":0},{\"name\":\"__handle_sysrq\",\"method\":\"kprobe\",\"enforcing\":false,\"missed\":5}]}");
	json_line(&sb);
	sb_reset(&sb);
	smon_status_text(&sb, st);
	check_contains("status: text instance hex", sb_str(&sb),
		       "instance:      0x00000000deadbeef\n");
	check_contains("status: text mode", sb_str(&sb),
		       "mode:          deny\n");
	check_contains("status: text counter", sb_str(&sb),
		       "  no_listener   1\n");
	check_contains("status: text hook", sb_str(&sb),
		       "  __handle_sysrq method=kprobe enforcing=no missed=5\n");
	sb_free(&sb);
	nlmsg_free(msg);
	free(st);
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
	test_cli_good();
	test_cli_bad();
	test_parsers();
	test_json_escape();
	test_json_object();
	test_keys();
	test_tables();
	test_lost();
	test_event_roundtrip();
	test_status_roundtrip();
	if (json_out && fclose(json_out)) {
		perror(argv[1]);
		failed++;
	}
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
