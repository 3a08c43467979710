#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A Debian host in a box (issue 25; what each mode checks: docs/testing.md): the packages
# installed by apt into a debootstrap root, DKMS building the module there, that root booted
# in QEMU with systemd as PID 1, where tests/host-guest.sh runs.
#   tests/host.sh RELEASE [--smoke]    RELEASE: bookworm or trixie
# HOST_DEBS=DIR: the .debs in DIR instead of make deb. HOST_TIMEOUT: seconds per boot.
set -u
cd "$(dirname "$0")/.." || exit 1
RELEASE=${1:?usage: tests/host.sh RELEASE [--smoke]}
MODE=${2:-full}
MODE=${MODE#--}
case $RELEASE in bookworm | trixie) ;; *) echo "host.sh: no release $RELEASE" >&2; exit 2 ;; esac
case $MODE in full | smoke) ;; *) echo "host.sh: unknown option --$MODE" >&2; exit 2 ;; esac
logs=${XDG_CACHE_HOME:-$HOME/.cache}/sysrqmon/host-logs/$RELEASE-$MODE
SUITE=host-$RELEASE
. tests/result.sh
. tests/dkms-lib.sh

# The root is never changed by a run: each run installs into an overlay on it and boots an
# ext4 image made from that overlay.
base=$(tests/debian-root.sh "host-$RELEASE") ||
	abort root "debootstrap of the $RELEASE host root failed"
overlay "$base" proc

ver=$(cat VERSION)
arch=$(dpkg --print-architecture)
timeout=${HOST_TIMEOUT:-1800}
[ "$MODE" = smoke ] && timeout=${HOST_TIMEOUT:-900}
trap 'exit 1' INT TERM HUP

# 1. The packages: make deb (or HOST_DEBS), and for the upgrade a second set built from a
# copy of the tree whose VERSION and debian/changelog say $ver+hosttest (never committed).
debs=${HOST_DEBS:-$work/deb}
[ -n "${HOST_DEBS:-}" ] || DEB_BUILD_OPTIONS=nocheck DEB_BUILD_PROFILES=nocheck \
	make -s deb DEB_DIR="$debs" > "$work/deb.log" 2>&1 || abort deb "make deb" "$work/deb.log"
tool_deb=$debs/sysrqmon_${ver}_$arch.deb
dkms_deb=$debs/sysrqmon-dkms_${ver}_all.deb
ls "$tool_deb" "$dkms_deb" > /dev/null 2>&1 || abort deb "no $tool_deb or $dkms_deb"
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
	(cd "$src" && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b -Pnocheck) \
		> "$work/deb2.log" 2>&1 || abort deb-upgrade "dpkg-buildpackage of $v2" "$work/deb2.log"
fi

# 2. Install them the way an operator does, into the overlay on the cached root.
rel=$(cd "$root/boot" && ls vmlinuz-* | sed 's/^vmlinuz-//' | sort -V | tail -n 1)
# Fleet signing (docs/fleet.md, "Secure Boot in a fleet"): the key every host's DKMS signs
# with, configured before sysrqmon-dkms is installed. Made here with openssl; a fleet ships
# the same files to every host and enrols the certificate once (MOK or the firmware's db).
fleet_cn="sysrqmon host test fleet key $(date +%s)"
key=$root/etc/dkms/fleet-signing
conf=$root/etc/dkms/framework.conf.d
mkdir -p "$conf"
openssl req -new -x509 -newkey rsa:2048 -nodes -days 36500 -subj "/CN=$fleet_cn/" -outform DER \
	-keyout "$key.key" -out "$key.der" > "$work/openssl.log" 2>&1 || cat "$work/openssl.log"
chmod 600 "$key.key"
printf '%s\n' '# tests/host.sh: the fleet key' 'mok_signing_key=/etc/dkms/fleet-signing.key' \
	'mok_certificate=/etc/dkms/fleet-signing.der' > "$conf/fleet-signing.conf"
fleet_serial=$(openssl x509 -inform der -in "$key.der" -noout -serial 2> /dev/null | sed 's/^.*=//')
cp "$tool_deb" "$dkms_deb" "$root/tmp/"
printf '#!/bin/sh\nexit 101\n' | install -m 755 /dev/stdin "$root/usr/sbin/policy-rc.d"
logged "$work/install.log" chroot "$root" sh -c 'cd /tmp && DEBIAN_FRONTEND=noninteractive \
	apt-get install -y -q ./sysrqmon_*.deb ./sysrqmon-dkms_*.deb'
rc=$?
rm -f "$root/usr/sbin/policy-rc.d" "$root"/tmp/*.deb
dkms=$(chroot "$root" dpkg-query -W -f='${Version}' dkms)
expect install "apt-get install sysrqmon $ver, sysrqmon-dkms $ver (dkms $dkms, kernel $rel)" \
	"apt-get install: status $rc" [ "$rc" -eq 0 ]
ko=$(cd "$root" && ls "lib/modules/$rel/updates/dkms/"sysrqmon.ko* 2>/dev/null | head -n 1)
ko_info() { [ -n "$ko" ] && chroot "$root" modinfo -F "$1" "/$ko"; }
expect dkms-built "/$ko: version $ver, vermagic $rel" \
	"no sysrqmon.ko $ver for $rel in updates/dkms: ${ko:-none}" \
	[ "$(ko_info version) $(ko_info vermagic | cut -d' ' -f1)" = "$ver $rel" ]
# DKMS signed with the fleet key of framework.conf.d, not a key of its own: modinfo shows
# the signing certificate's subject (CN) and serial number.
signer="$(ko_info signer) $(ko_info sig_key | tr -d :)"
own=$(ls "$root/var/lib/dkms/mok.pub" 2> /dev/null || echo "no /var/lib/dkms/mok.pub")
signed="modinfo -F signer, sig_key: '$signer'; the fleet key: '$fleet_cn $fleet_serial'"
expect signer "$signed ($own)" "$signed ($own)" [ "$signer" = "$fleet_cn $fleet_serial" ]

# 3. The test unit, the guest script and its state (the phase starts at 1); then the image.
install -m 755 tests/host-guest.sh "$root/usr/local/sbin/hosttest"
mkdir -p "$root/var/lib/hosttest"
echo "$MODE" > "$root/var/lib/hosttest/mode"
echo "$fleet_cn $fleet_serial" > "$root/var/lib/hosttest/fleet-signer"
[ "$MODE" = smoke ] || install -D -m 644 -t "$root/var/lib/hosttest/debs-v2" \
	"$work/v2/"sysrqmon_*.deb "$work/v2/"sysrqmon-dkms_*.deb
# Linked into multi-user.target.wants by hand: no [Install] section to enable.
printf '%s\n' '[Unit]' 'Description=sysrqmon host test (tests/host.sh)' 'After=multi-user.target' \
	'[Service]' Type=oneshot TimeoutStartSec=infinity ExecStart=/usr/local/sbin/hosttest \
	StandardOutput=journal+console > "$root/etc/systemd/system/hosttest.service"
ln -sf /etc/systemd/system/hosttest.service "$root/etc/systemd/system/multi-user.target.wants/"
umount "$root/proc"
img=$work/disk.img
size=$(($(du -sm "$root" | cut -f1) + 2048))
mke2fs -q -t ext4 -L hostroot -d "$root" "$img" "${size}M" > "$work/mke2fs.log" 2>&1 ||
	abort image "mke2fs -d" "$work/mke2fs.log"

# 4. Boot until the guest says DONE, at most 3 times; each boot ends in REBOOT, DONE, or a
# FAIL. The guest's PASS/FAIL lines from ttyS1 are counted as results.
start=$(date +%s)
n=0
while [ $((n += 1)) -le 3 ]; do
	timeout -k 10 "$timeout" qemu-system-x86_64 -accel tcg -m 2G -smp 2 -nodefaults \
		-display none -no-reboot -nic none -device virtio-rng-pci \
		-kernel "$root/boot/vmlinuz-$rel" -initrd "$root/boot/initrd.img-$rel" \
		-append "root=/dev/vda rw console=ttyS0 panic=-1 no_timer_check" \
		-drive "file=$img,format=raw,if=virtio" \
		-serial "file:$work/console.$n" -serial "file:$work/guest.$n" &
	qpid=$!
	wait "$qpid"
	rc=$?
	qpid=""
	relay "$work/guest.$n"
	grep -q '^REBOOT' "$work/guest.$n" && continue
	grep -q '^DONE' "$work/guest.$n" && break
	tail -n 40 "$work/console.$n"
	result "boot-$n" FAIL "no DONE or REBOOT from the guest (QEMU status $rc; timeout ${timeout}s)"
	break
done
[ "$n" -le 3 ] || result boots FAIL "still no DONE after 3 boots"
echo "$SUITE: $n boot(s) in $(($(date +%s) - start)) s"
bad=$(cat "$work"/console.* | grep -E '\] (BUG:|WARNING:|Oops|Call Trace|general protection)' |
	head -n 3)
expect kernel-log "no BUG, WARNING or Oops on the console" "$bad" [ -z "$bad" ]

# 5. What the guest left on its disk, checked on the host: the scrape for promtool, the
# alerts' expressions on the scrapes and the journal, field by field (tests/host-alerts.py).
debugfs -R "rdump /var/lib/hosttest/out $work" "$img" > /dev/null 2>&1
# promtool lints node_exporter's own node_* names too (camelCase, "bits"): it checks the
# sysrqmon_* families of the scrape, the textfile as node_exporter served it.
grep -E '^(# (HELP|TYPE) )?sysrqmon_' "$work/out/metrics.txt" > "$work/scraped.prom" 2> /dev/null
if ! grep -q '^sysrqmon_' "$work/scraped.prom"; then
	result promtool FAIL "no sysrqmon_* samples scraped from the guest"
elif promtool check metrics < "$work/scraped.prom" > "$work/promtool" 2>&1; then
	families=$(grep -c '^# TYPE' "$work/scraped.prom")
	result promtool PASS "promtool check metrics: the $families sysrqmon_* families scraped"
else
	result promtool FAIL "$(head -n 5 "$work/promtool" | tr '\n' ' ')"
fi
python3 tests/host-alerts.py "$MODE" "$work/out" > "$work/checks" 2>&1
rc=$?
relay "$work/checks"
[ "$rc" -eq 0 ] || result alerts FAIL "tests/host-alerts.py: $(tail -n 3 "$work/checks")"
rm -rf "$logs"
mkdir -p "$logs"
cp -r "$work"/console.* "$work"/guest.* "$work/out" "$work/install.log" "$logs/" 2>/dev/null
finish
