# shellcheck shell=sh
# SPDX-License-Identifier: GPL-2.0
#
# Sourced by tests/dkms.sh and tests/deb.sh, which define result NAME PASS|FAIL DETAIL.
# dkms_ko REL DIR: DIR/sysrqmon.ko, uncompressed, from the module DKMS installed for REL; $_ko
# is the installed file (empty when there is none).
dkms_ko() {
	_ko=$(find "/lib/modules/$1/updates/dkms" -name 'sysrqmon.ko*' 2>/dev/null | head -n 1)
	case $_ko in
	'') return 1 ;;
	*.xz) xz -dc "$_ko" > "$2/sysrqmon.ko" ;;
	*) cp "$_ko" "$2/sysrqmon.ko" ;;
	esac
}
# boot_dkms_module REL VERSION TOOL WORKDIR: the module DKMS installed for REL has VERSION
# and, booted in a QEMU guest with TOOL, passes the load and trigger cases.
boot_dkms_module() {
	if ! dkms_ko "$1" "$4"; then
		result module FAIL "no sysrqmon.ko under /lib/modules/$1/updates/dkms"
		return
	fi
	_v=$(modinfo -F version "$4/sysrqmon.ko")
	expect modinfo "$_ko version $2" "version $_v" [ "$_v" = "$2" ]
	if python3 tests/qemu/run.py --module "$4/sysrqmon.ko" \
		--tool "$3" --cases 'load,trigger' > "$4/log" 2>&1; then
		result qemu PASS "$(tail -n 1 "$4/log")"
	else
		tail -n 30 "$4/log"
		result qemu FAIL "$(tail -n 1 "$4/log")"
	fi
}
