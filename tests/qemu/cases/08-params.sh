#!/bin/sh
# Module parameters: a bad mode is refused with EINVAL and changes nothing; mode=deny is
# accepted at runtime (its behaviour is tested in the deny cases); mode=off (at runtime and at
# load) logs nothing.
. /tests/lib.sh

ensure_loaded || { fail load "insmod failed"; exit 0; }
M=$PARAMS/mode
set_mask 438
before=$(param mode)

run_helper R sysrqwrite $M bogus
check mode-bogus-einval "$R" [ "$(field "$R" result)" = EINVAL ]
check mode-bogus-unchanged "mode: '$before' -> '$(param mode)'" [ "$(param mode)" = "$before" ]

mark
run_helper R sysrqwrite $M deny
check mode-deny-accepted "$R" [ "$(field "$R" result)" = 4 ]
check mode-deny-set "mode: '$before' -> '$(param mode)'" [ "$(param mode)" = deny ]
expect_audit mode-deny-config "event=config verdict=allowed .* setting=mode old=$before new=deny"
echo "$before" > $M
mark
echo h > /proc/sysrq-trigger
expect_trigger still-auditing h help $$ sh

# off at runtime
if echo off > $M; then
	pass mode-off-set "mode=$(param mode)"
else
	fail mode-off-set "echo off > $M failed"
fi
mark
echo h > /proc/sysrq-trigger
echo 16 > /proc/sys/kernel/sysrq
sysrqwrite --method writev /proc/sysrq-trigger h7 > /dev/null
echo 438 > /proc/sys/kernel/sysrq
expect_no_audit mode-off-runtime "mode=off"

echo "$before" > $M
mark
echo h > /proc/sysrq-trigger
expect_trigger mode-back h help $$ sh

# off at load
if reload mode=off; then
	check mode-off-load "mode=$(param mode)" [ "$(param mode)" = off ]
	mark
	echo h > /proc/sysrq-trigger
	echo 16 > /proc/sys/kernel/sysrq
	echo 438 > /proc/sys/kernel/sysrq
	expect_no_audit mode-off-load-quiet "insmod mode=off"
else
	fail mode-off-load "insmod mode=off failed"
fi
reload
exit 0
