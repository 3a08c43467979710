#!/bin/sh
# KUnit suites (sysrqmon_test.ko, built only for a kernel with KUnit: the
# debug kernel). Each KUnit test case becomes one result; the raw KTAP goes
# to the console between markers for the host's kunit.py parse.
. /tests/lib.sh

KT=/tests/sysrqmon_test.ko
if [ ! -f "$KT" ]; then
	if [ -d /sys/module/kunit ]; then
		fail present "this kernel has KUnit but no sysrqmon_test.ko was shipped"
	fi
	exit 0
fi

ensure_loaded || { fail load "insmod sysrqmon failed"; exit 0; }
before=$(dmesg | wc -l)
if ! insmod "$KT"; then
	fail insmod "insmod sysrqmon_test.ko failed"
	exit 0
fi
rmmod sysrqmon_test
ktap=$(dmesg | tail -n +"$((before + 1))" | sed -n 's/^\[[ 0-9.]*\] //p' |
	sed -n '/^KTAP version\|^TAP version\|^ *ok \|^ *not ok \|^ *# \|^ *1\.\.[0-9]/p')
echo "@@KTAP-BEGIN"
printf '%s\n' "$ktap"
echo "@@KTAP-END"

# Test cases are the indented lines; suites are the unindented ones.
printf '%s\n' "$ktap" | grep -E '^ +(not )?ok [0-9]+ ' | while read -r line; do
	name=$(echo "$line" | sed -E 's/^(not )?ok [0-9]+ (- )?//; s/ .*//')
	case $line in
	not*) fail "$name" "$line" ;;
	*) pass "$name" "$line" ;;
	esac
done
suites=$(printf '%s\n' "$ktap" | grep -cE '^(not )?ok [0-9]+ ')
check suites "$suites KUnit suites reported" [ "$suites" -ge 4 ]
