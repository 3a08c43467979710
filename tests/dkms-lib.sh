# shellcheck shell=sh disable=SC2154 # $rel and $ver are the caller's
# SPDX-License-Identifier: GPL-2.0
#
# What tests/deb.sh, dkms.sh, dkms-root.sh, and host.sh share (after tests/result.sh).

# logged LOG CMD...: CMD with its output in LOG, whose end is shown when CMD fails; its status.
logged() {
	_log=$1
	shift
	"$@" > "$_log" 2>&1
	_rc=$?
	[ "$_rc" -eq 0 ] || tail -n 30 "$_log"
	return "$_rc"
}

# leftovers ROOT: one a line, what is named sysrqmon* where the packages, DKMS and make install
# write under ROOT, and as package:NAME each sysrqmon package dpkg has in any other state than
# not-installed (installed, config-files, half-installed...).
leftovers() {
	set -- "${1%/}"
	find "$1/etc" "$1/usr/lib" "$1/usr/sbin" "$1/usr/share" "$1/usr/src" "$1/var/lib/dkms" \
		"$1/var/lib/systemd" -name 'sysrqmon*' -print -prune 2>/dev/null
	dpkg-query --root="$1/" -W -f='${Status} package:${Package}\n' 'sysrqmon*' 2>/dev/null |
		awk '$3 != "not-installed" {print $4}'
}

# remove_leftovers KDIR: the packages purged (an interrupted tests/deb.sh), then DKMS's trees
# and modules (tests/dkms.sh, make dkms-install) and the files of make install removed.
remove_leftovers() {
	dpkg --purge sysrqmon-dbgsym sysrqmon sysrqmon-dkms > /dev/null 2>&1
	for _d in /var/lib/dkms/sysrqmon/[0-9]*; do
		[ -e "$_d" ] && dkms remove -m sysrqmon -v "${_d##*/}" --all > /dev/null 2>&1
	done
	rm -rf /usr/src/sysrqmon-* /var/lib/dkms/sysrqmon
	for _ko in /lib/modules/*/updates/dkms/sysrqmon.ko*; do
		[ -e "$_ko" ] && rm -f "$_ko" && depmod "$(echo "$_ko" | cut -d/ -f4)"
	done
	make -s uninstall KDIR="$1" > /dev/null 2>&1
}

# dkms_installed: DKMS has sysrqmon $ver installed for $rel.
dkms_installed() {
	dkms status -m sysrqmon -v "$ver" -k "$rel" 2>/dev/null | grep -q ': installed'
}

# dkms_ko REL DIR [ROOT]: DIR/sysrqmon.ko, uncompressed, from the module DKMS installed for REL
# (in ROOT); $_ko is the installed file (empty when there is none). Debian 13's dkms compresses
# the module as its kernel's own are (sysrqmon.ko.xz).
dkms_ko() {
	rm -f "$2/sysrqmon.ko"
	_ko=$(find "${3-}/lib/modules/$1/updates/dkms" -name 'sysrqmon.ko*' 2>/dev/null | head -n 1)
	case $_ko in
	'') return 1 ;;
	*.xz) xz -dc "$_ko" > "$2/sysrqmon.ko" ;;
	*) cp "$_ko" "$2/sysrqmon.ko" ;;
	esac
}

# qemu_result NAME LOG RUN.PY-ARGS...: tests/qemu/run.py's status is NAME's result, its last
# line the detail.
qemu_result() {
	_name=$1 _log=$2
	shift 2
	logged "$_log" python3 tests/qemu/run.py "$@"
	_rc=$?
	_last=$(tail -n 1 "$_log")
	expect "$_name" "$_last" "$_last" [ "$_rc" -eq 0 ]
}

# boot_dkms_module TOOL DIR: the module DKMS installed for $rel has version $ver and, booted
# in a QEMU guest with TOOL, passes the load and trigger cases.
boot_dkms_module() {
	if ! dkms_ko "$rel" "$2"; then
		result module FAIL "no sysrqmon.ko under /lib/modules/$rel/updates/dkms"
		return
	fi
	_v=$(modinfo -F version "$2/sysrqmon.ko")
	expect modinfo "$_ko version $ver" "version $_v" [ "$_v" = "$ver" ]
	qemu_result qemu "$2/log" --module "$2/sysrqmon.ko" --tool "$1" --cases load,trigger
}
