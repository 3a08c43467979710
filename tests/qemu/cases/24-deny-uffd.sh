#!/bin/sh
# Deny mode, allowed_keys=h: the byte to write lies in a userfaultfd-registered page that is
# not populated yet. The write-entry check cannot read it without faulting
# (copy_from_user_nofault fails), so it must refuse (EPERM, fail closed) and count the
# decision as "undecided" (sysrqmonctl status --json) - without the kernel ever asking the
# uffd handler. If the kernel did read the byte, the handler serves 'b' (the guest would
# reboot). In monitor mode the same write goes through: the kernel faults, the handler is
# asked once and serves 'h' (this proves the helper's page really was missing).
. /tests/lib.sh
. /tests/deny-lib.sh

undecided() {
	"$TOOL" status --json 2>/dev/null | tr ',{}' '\n\n\n' | sed -n 's/^ *"undecided" *: *\([0-9]*\).*/\1/p' | head -n 1
}

must_reload mode=deny allowed_keys=h
u0=$(undecided)
check undecided-readable "undecided=$u0 ($("$TOOL" status --json 2>&1 | head -c 300))" [ -n "$u0" ]

mark
run_helper R uffdwrite --serve b $P
pid=$(field "$R" pid)
expect_result uffd-eperm "$R" EPERM
check uffd-handler-not-asked "faults=$(field "$R" faults): $R" [ "$(field "$R" faults)" = 0 ]
expect_audit uffd-denied "$(HDR_VERDICT=denied hdr trigger "$pid" uffdwrite)( key=[^ ]+)? action=[^ ]+( |\$)"
info "denied event: $AUDIT_LINE"
expect_count uffd-one-trigger 1 'event=trigger '
expect_ran uffd-b-not-ran b 0
u1=$(undecided)
check undecided-counted "undecided $u0 -> $u1" [ "${u1:-none}" = $((u0 + 1)) ]

# a readable byte is decided as usual, and is not "undecided"
mark
run_helper R sysrqwrite $P m
expect_result readable-eperm "$R" EPERM
u2=$(undecided)
check readable-not-undecided "undecided $u1 -> $u2" [ "$u2" = "$u1" ]

# allowed_keys empty: the open is refused before any byte matters
echo "" > "$PARAMS/allowed_keys"
mark
run_helper R uffdwrite --serve b $P
expect_result empty-keys-open-eperm "$R" EPERM
check empty-keys-op-open "$R" [ "$(field "$R" op)" = open ]

# monitor mode: the kernel reads the byte through the handler
echo monitor > "$PARAMS/mode"
mark
run_helper R uffdwrite --serve h $P
expect_result monitor-uffd-write "$R" 1
check monitor-uffd-handler-asked "faults=$(field "$R" faults)" [ "$(field "$R" faults)" = 1 ]
expect_trigger monitor-uffd h help "$(field "$R" pid)" uffdwrite
expect_ran monitor-uffd-ran h 1

ensure_unloaded
insmod "$KO"
exit 0
