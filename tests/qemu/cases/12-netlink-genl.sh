#!/bin/sh
# iproute2's genl, a client we did not write, sees the family: name, version 1, the commands
# GET_STATUS (1), SET_CONFIG (2), LOCK (4) (and later ones) but not EVENT (3), the "events" multicast
# group, with the ids our own raw-socket lookup (nlfuzz --resolve) finds. Unprivileged users
# see it too; after rmmod it is gone, after insmod it is back.
. /tests/lib.sh

G=$(command -v genl)
if [ -z "$G" ]; then
	fail genl-present "genl is not in the initramfs (install iproute2 on the host)"
	exit 0
fi
ensure_loaded || { fail load "insmod failed"; exit 0; }

out=$(genl ctrl get name sysrqmon 2>&1)
rc=$?
info "genl ctrl get name sysrqmon: $(oneline "$out")"
check get-rc "exit $rc" [ "$rc" -eq 0 ]
one=$(oneline "$out")
id=$(printf '%s\n' "$out" | sed -nE 's/.*ID: (0x[0-9a-f]+) +Version.*/\1/p' | head -n 1)
gid=$(printf '%s\n' "$out" | sed -nE 's/.*ID-(0x[0-9a-f]+) +name: events.*/\1/p' | head -n 1)
printf '%s\n' "$out" | grep -q '^Name: sysrqmon' && pass name "Name: sysrqmon" ||
	fail name "no 'Name: sysrqmon': $one"
printf '%s\n' "$out" | grep -q 'Version: 0x1 ' && pass version "Version: 0x1" ||
	fail version "not version 1: $one"
check events-group "events group id: ${gid:-none}" [ -n "$gid" ]
cmds=$(printf '%s\n' "$out" | sed -nE 's/^[[:space:]]*#[0-9]+: +ID-(0x[0-9a-f]+) *$/\1/p' | tr '\n' ' ')
# GET_STATUS, SET_CONFIG and LOCK at least (later commands may follow); never EVENT, which
# only the kernel sends
case " $cmds" in
*" 0x1 0x2 0x4 "*) case " $cmds" in *" 0x3 "*) c=bad ;; *) c=ok ;; esac ;;
*) c=bad ;;
esac
check commands "commands: $cmds(want 0x1 0x2 0x4, not 0x3)" [ $c = ok ]

res=$(nlfuzz --resolve 2>&1)
rid=$(printf '%s\n' "$res" | sed -n 's/^family=//p')
rgid=$(printf '%s\n' "$res" | sed -n 's/^group=events://p')
check same-ids "genl: family $id group $gid; raw lookup: family $rid group $rgid" \
	[ -n "$id" -a "$((id))" = "$rid" -a "$((gid))" = "$rgid" ]

lst=$(genl ctrl list 2>&1)
printf '%s\n' "$lst" | grep -q '^Name: sysrqmon' && pass in-list "genl ctrl list shows sysrqmon" ||
	fail in-list "genl ctrl list: $(oneline "$lst" | cut -c1-300)"

uout=$(as_id user genl ctrl get name sysrqmon 2>&1)
urc=$?
printf '%s\n' "$uout" | grep -q '^Name: sysrqmon' && [ $urc -eq 0 ] &&
	pass unprivileged "uid 1000 without capabilities sees the family" ||
	fail unprivileged "exit $urc: $(oneline "$uout")"

rmmod sysrqmon
gout=$(genl ctrl get name sysrqmon 2>&1)
grc=$?
check gone-after-rmmod "exit $grc: $(oneline "$gout")" [ "$grc" -ne 0 ]
insmod "$KO"
aout=$(genl ctrl get name sysrqmon 2>&1)
printf '%s\n' "$aout" | grep -q '^Name: sysrqmon' && pass back-after-insmod "registered again" ||
	fail back-after-insmod "$(oneline "$aout")"
exit 0
