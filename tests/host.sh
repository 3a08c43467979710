#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A real Debian host in a box (issue 25): the packages installed by apt into a debootstrap
# root, DKMS building the module there, then that root booted in QEMU with systemd as PID 1,
# where a test unit (hosttest.service, not part of the package) drives
# tests/host-guest.sh after multi-user.target and powers off.
#
#   tests/host.sh RELEASE [--smoke]    RELEASE: bookworm or trixie
#
# --smoke (make check): install (DKMS signing with a generated fleet key), enable, one event
# through the journal and the metrics, the alert expressions on the scrape, purge; one boot.
# The full run adds monitor and deny mode, every journal field, the catalog, auditd's records
# read by ausearch -i and the normaliser, stop, a failed load and the not-loaded alert, a
# locked module through stop and an upgrade in place (version skew alert) with a reboot, the
# purge.
# The root is `tests/debian-root.sh host-RELEASE` (rebuilt after 7 days, or with
# HOST_ROOT_REFRESH=1) and never changed by a run: each run installs into an overlay on it
# and boots an ext4 image made from that overlay.
# HOST_DEBS=DIR: use the .debs in DIR instead of building them. HOST_TIMEOUT: seconds per
# boot (default 900 smoke, 1800 full).
# One line per check, "host-RELEASE: NAME PASS|FAIL DETAIL"; last line "N passed, M failed".
set -u
cd "$(dirname "$0")/.." || exit 1
RELEASE=${1:?usage: tests/host.sh RELEASE [--smoke]}
MODE=${2:-full}
MODE=${MODE#--}
case $RELEASE in bookworm | trixie) ;; *) echo "host.sh: RELEASE is bookworm or trixie" >&2; exit 2 ;; esac
case $MODE in full | smoke) ;; *) echo "host.sh: unknown option --$MODE" >&2; exit 2 ;; esac
[ "$(id -u)" -eq 0 ] || { echo "host.sh: needs root (debootstrap, chroot, mount)" >&2; exit 1; }
cache=${XDG_CACHE_HOME:-$HOME/.cache}/sysrqmon
SUITE=host-$RELEASE
. tests/result.sh

if ! base=$(tests/debian-root.sh "host-$RELEASE"); then
	result root FAIL "debootstrap of the $RELEASE host root failed"
	finish
fi
overlay "$base" proc
qpid=""

ver=$(cat VERSION)
arch=$(dpkg --print-architecture)
timeout=${HOST_TIMEOUT:-1800}
[ "$MODE" = smoke ] && timeout=${HOST_TIMEOUT:-900}
trap 'exit 1' INT TERM HUP

# 1. The packages: make deb (or HOST_DEBS), and for the upgrade a second set built from a
# copy of the tree whose VERSION and debian/changelog say $ver+hosttest (never committed).
debs=${HOST_DEBS:-$work/deb}
if [ -z "${HOST_DEBS:-}" ] && ! DEB_BUILD_OPTIONS=nocheck DEB_BUILD_PROFILES=nocheck \
	make -s deb DEB_DIR="$debs" > "$work/deb.log" 2>&1; then
	tail -n 20 "$work/deb.log"
	result deb FAIL "make deb"
	finish
fi
tool_deb=$debs/sysrqmon_${ver}_$arch.deb
dkms_deb=$debs/sysrqmon-dkms_${ver}_all.deb
if [ ! -f "$tool_deb" ] || [ ! -f "$dkms_deb" ]; then
	result deb FAIL "no $tool_deb or $dkms_deb"
	finish
fi
if [ "$MODE" = full ]; then
	v2=$ver+hosttest
	src=$work/v2/sysrqmon-$v2
	mkdir -p "$src"
	git ls-files -z --cached --others --exclude-standard |
		tar --null -T - --ignore-failed-read -cf - | tar -xf - -C "$src"
	echo "$v2" > "$src/VERSION"
	{
		printf 'sysrqmon (%s) unstable; urgency=medium\n\n  * tests/host.sh: the upgrade.\n\n' "$v2"
		printf ' -- %s  %s\n\n' "$(dpkg-parsechangelog -S Maintainer)" "$(date -R)"
		cat debian/changelog
	} > "$src/debian/changelog"
	if ! (cd "$src" && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b -Pnocheck) \
		> "$work/deb2.log" 2>&1; then
		tail -n 20 "$work/deb2.log"
		result deb-upgrade FAIL "dpkg-buildpackage of $v2"
		finish
	fi
fi

# 2. Install them the way an operator does, into the overlay on the cached root.
rel=$(cd "$root/boot" && ls vmlinuz-* | sed 's/^vmlinuz-//' | sort -V | tail -n 1)
# Fleet signing (docs/fleet.md, "Secure Boot in a fleet"): the key every host's DKMS signs
# with, configured before sysrqmon-dkms is installed. Made here with openssl; a fleet ships
# the same files to every host and enrols the certificate once (MOK or the firmware's db).
fleet_cn="sysrqmon host test fleet key $(date +%s)"
mkdir -p "$root/etc/dkms/framework.conf.d"
if openssl req -new -x509 -newkey rsa:2048 -nodes -days 36500 -subj "/CN=$fleet_cn/" \
	-outform DER -keyout "$root/etc/dkms/fleet-signing.key" \
	-out "$root/etc/dkms/fleet-signing.der" > "$work/openssl.log" 2>&1; then
	chmod 600 "$root/etc/dkms/fleet-signing.key"
	printf '%s\n' '# tests/host.sh: the fleet key' 'mok_signing_key=/etc/dkms/fleet-signing.key' \
		'mok_certificate=/etc/dkms/fleet-signing.der' \
		> "$root/etc/dkms/framework.conf.d/fleet-signing.conf"
	fleet_serial=$(openssl x509 -inform der -in "$root/etc/dkms/fleet-signing.der" -noout \
		-serial | sed 's/^serial=//')
else
	cat "$work/openssl.log"
	fleet_serial=none
fi
cp "$tool_deb" "$dkms_deb" "$root/tmp/"
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
chroot "$root" sh -c 'cd /tmp && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	./sysrqmon_*.deb ./sysrqmon-dkms_*.deb' > "$work/install.log" 2>&1
rc=$?
rm -f "$root/usr/sbin/policy-rc.d" "$root"/tmp/*.deb
if [ "$rc" -eq 0 ]; then
	result install PASS "apt-get install ./sysrqmon_${ver}_$arch.deb ./sysrqmon-dkms_${ver}_all.deb (dkms $(chroot "$root" dpkg-query -W -f='${Version}' dkms), kernel $rel)"
else
	tail -n 30 "$work/install.log"
	result install FAIL "apt-get install: status $rc"
fi
ko=$(cd "$root" && ls "lib/modules/$rel/updates/dkms/"sysrqmon.ko* 2>/dev/null | head -n 1)
if [ -n "$ko" ] && [ "$(chroot "$root" modinfo -F version "/$ko")" = "$ver" ] &&
	[ "$(chroot "$root" modinfo -F vermagic "/$ko" | cut -d' ' -f1)" = "$rel" ]; then
	result dkms-built PASS "/$ko: version $ver, vermagic $rel"
else
	result dkms-built FAIL "no sysrqmon.ko $ver for $rel in updates/dkms: ${ko:-none}"
fi
# DKMS signed with the fleet key of framework.conf.d, not a key of its own: modinfo shows
# the signing certificate's subject (CN) and serial number.
signer=$([ -n "$ko" ] && chroot "$root" modinfo -F signer "/$ko")
sig_key=$([ -n "$ko" ] && chroot "$root" modinfo -F sig_key "/$ko" | tr -d :)
own=$([ -f "$root/var/lib/dkms/mok.pub" ] && echo "DKMS's own key exists too" || echo "no /var/lib/dkms/mok.pub")
if [ -n "$signer" ] && [ "$signer $sig_key" = "$fleet_cn $fleet_serial" ]; then
	result signer PASS "modinfo -F signer: $signer, sig_key $sig_key: the fleet key of /etc/dkms/framework.conf.d ($own)"
else
	result signer FAIL "modinfo -F signer: '$signer', sig_key '$sig_key'; the fleet key: '$fleet_cn' $fleet_serial ($own)"
fi

# 3. The test unit, the guest script and its state; then the disk image.
install -m 755 tests/host-guest.sh "$root/usr/local/sbin/hosttest"
mkdir -p "$root/var/lib/hosttest"
echo "$MODE" > "$root/var/lib/hosttest/mode"
echo "$fleet_cn $fleet_serial" > "$root/var/lib/hosttest/fleet-signer"
echo 1 > "$root/var/lib/hosttest/phase"
if [ "$MODE" = full ]; then
	mkdir -p "$root/var/lib/hosttest/debs-v2"
	cp "$work/v2/"*.deb "$root/var/lib/hosttest/debs-v2/"
	rm -f "$root/var/lib/hosttest/debs-v2/"*dbgsym*
fi
cat > "$root/etc/systemd/system/hosttest.service" <<-'UNIT'
[Unit]
Description=sysrqmon host test (tests/host.sh)
After=multi-user.target

[Service]
Type=oneshot
TimeoutStartSec=infinity
ExecStart=/usr/local/sbin/hosttest
StandardOutput=journal+console

[Install]
WantedBy=multi-user.target
UNIT
ln -sf /etc/systemd/system/hosttest.service "$root/etc/systemd/system/multi-user.target.wants/"
cp "$root/boot/vmlinuz-$rel" "$root/boot/initrd.img-$rel" "$work/"
umount "$root/proc"
img=$work/disk.img
size=$(($(du -sm "$root" | cut -f1) + 2048))
if ! mke2fs -q -t ext4 -L hostroot -d "$root" "$img" "${size}M" > "$work/mke2fs.log" 2>&1; then
	cat "$work/mke2fs.log"
	result image FAIL "mke2fs -d"
	finish
fi

# 4. Boot until the guest says DONE; each boot ends in REBOOT, DONE, or a FAIL.
# boot N: one QEMU run; the guest's lines from ttyS1 are counted as results.
boot() {
	timeout -k 10 "$timeout" qemu-system-x86_64 -accel tcg -m 2G -smp 2 -nodefaults \
		-display none -no-reboot -nic none -device virtio-rng-pci \
		-kernel "$work/vmlinuz-$rel" -initrd "$work/initrd.img-$rel" \
		-append "root=/dev/vda rw console=ttyS0 panic=-1 no_timer_check" \
		-drive "file=$img,format=raw,if=virtio" \
		-serial "file:$work/console.$1" -serial "file:$work/guest.$1" &
	qpid=$!
	wait "$qpid"
	rc=$?
	qpid=""
	grep -E '^(PASS|FAIL) ' "$work/guest.$1" > "$work/results.$1"
	relay "$work/results.$1"
	if grep -q '^REBOOT' "$work/guest.$1"; then
		return 0
	elif grep -q '^DONE' "$work/guest.$1"; then
		return 1
	fi
	tail -n 40 "$work/console.$1"
	result "boot-$1" FAIL "no DONE or REBOOT from the guest (QEMU status $rc; timeout ${timeout}s)"
	return 1
}
start=$(date +%s)
n=1
while boot "$n"; do
	n=$((n + 1))
	[ "$n" -le 3 ] || { result boots FAIL "still no DONE after 3 boots"; break; }
done
echo "host-$RELEASE: $n boot(s) in $(($(date +%s) - start)) s"
bad=$(cat "$work"/console.* | grep -E '\] (BUG:|WARNING:|Oops|Call Trace|general protection)' | head -n 3)
if [ -z "$bad" ]; then
	result kernel-log PASS "no BUG, WARNING or Oops on the console"
else
	result kernel-log FAIL "$bad"
fi

# 5. What the guest left on its disk: the scrape for promtool, the journal for every field.
debugfs -R "rdump /var/lib/hosttest/out $work" "$img" > /dev/null 2>&1
# promtool lints node_exporter's own node_* names too (camelCase, "bits"): it checks the
# sysrqmon_* families of the scrape, the textfile as node_exporter served it.
if grep -q '^sysrqmon_' "$work/out/metrics.txt" 2>/dev/null; then
	grep -E '^(# (HELP|TYPE) )?sysrqmon_' "$work/out/metrics.txt" > "$work/scraped.prom"
	if promtool check metrics < "$work/scraped.prom" > "$work/promtool" 2>&1; then
		result promtool PASS "promtool check metrics: the $(grep -c '^# TYPE' "$work/scraped.prom") sysrqmon_* families scraped from node_exporter"
	else
		result promtool FAIL "$(head -n 5 "$work/promtool" | tr '\n' ' ')"
	fi
else
	result promtool FAIL "no sysrqmon_* samples scraped from the guest"
fi
# The alerts' expressions on what node_exporter served (tests/host-alerts.py): silent on
# the running module; in the full run, not-loaded after the failed start and version skew
# after the upgrade.
set -- ok-notloaded="$work/out/metrics.txt:SysrqmonNotLoaded:silent" \
	ok-skew="$work/out/metrics.txt:SysrqmonVersionSkew:silent"
[ "$MODE" = full ] && set -- "$@" \
	notloaded="$work/out/metrics-notloaded.txt:SysrqmonNotLoaded:fires" \
	skew="$work/out/metrics-upgrade.txt:SysrqmonVersionSkew:fires"
python3 tests/host-alerts.py tools/sysrqmon.rules.yml "$@" > "$work/alerts" 2>&1
relay "$work/alerts"
grep -q '^PASS\|^FAIL' "$work/alerts" || result alerts FAIL "tests/host-alerts.py: $(tail -n 3 "$work/alerts")"
PYTHONPATH=tools/tests python3 - "$work/out/events.json" "$work/out/journal.json" tools/fleet.c \
	> "$work/journal-check" 2>&1 <<'PY'
import json, sys
from journal_fields import PRIORITY, field_mismatches, message_ids, val

def load(path):
    try:
        return [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
    except OSError:
        return []

events = [e for e in load(sys.argv[1]) if e.get("type") == "event"]
entries = load(sys.argv[2])
ids = message_ids(sys.argv[3])
by_seq = {(val(e["SYSRQMON_INSTANCE"]), val(e["SYSRQMON_SEQ"])): e
          for e in entries if "SYSRQMON_SEQ" in e and "SYSRQMON_INSTANCE" in e}
bad, bad_id, bad_prio, bad_fac = [], [], [], []
for ev in events:
    e = by_seq.get((str(ev["instance"]).encode(), str(ev["seq"]).encode()))
    if e is None:
        bad.append("seq %d not in the journal" % ev["seq"])
        continue
    for f, got, want in field_mismatches(ev, e):
        bad.append("seq %d %s=%r, want %r" % (ev["seq"], f, got, want))
    if val(e.get("MESSAGE_ID", "")).decode() != ids[ev["event"].upper()]:
        bad_id.append("seq %d %s" % (ev["seq"], e.get("MESSAGE_ID")))
    if val(e.get("PRIORITY", "")) != PRIORITY[ev["severity"]]:
        bad_prio.append("seq %d %s %s" % (ev["seq"], ev["severity"], e.get("PRIORITY")))
    if val(e.get("SYSLOG_FACILITY", "")) != b"10":
        bad_fac.append("seq %d %s" % (ev["seq"], e.get("SYSLOG_FACILITY")))
kinds = " ".join(sorted({"%s/%s" % (e["event"], e["verdict"]) for e in events}))
def line(name, problems, ok):
    print("%s %s %s" % ("FAIL" if problems or not events else "PASS", name,
                        "; ".join(problems[:3]) if problems else ok))
line("journal-fields", bad, "%d events (%s): every JSON member as SYSRQMON_*" % (len(events), kinds))
line("journal-message-id", bad_id, "the MESSAGE_ID of docs/fleet.md for each kind")
line("journal-priority", bad_prio, "critical 2, high 4, info 6")
# Expected to fail until SYSLOG_FACILITY (authpriv, 10) of issue 25 (item 3) is merged.
line("journal-facility", bad_fac, "SYSLOG_FACILITY=10 (authpriv)")
PY
relay "$work/journal-check"
rm -rf "$cache/host-logs/$RELEASE-$MODE"
mkdir -p "$cache/host-logs/$RELEASE-$MODE"
cp -r "$work"/console.* "$work"/guest.* "$work/out" "$work/install.log" \
	"$cache/host-logs/$RELEASE-$MODE/" 2>/dev/null
finish
