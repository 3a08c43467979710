#!/bin/sh
# A SET_CONFIG with several settings takes effect at once. nlfuzz --flip switches between
# {mode=deny, allowed_keys=h} and {mode=monitor, allowed_keys=""}, one request a switch,
# while a writer keeps writing h to the trigger: both configurations allow it. Applied one
# setting after the other, a switch would pass through {deny, ""} and refuse a racing write
# (or the writer's open). The 2-vCPU guest is where the two really run at once.
# qemu-test: smp2
#   CONFIG_FLIPS  switches (default 200), CONFIG_WRITES  writes of h (default 2000)
. /tests/lib.sh

reload mode=monitor audit=0 || { fail load "insmod failed"; exit 0; }
printk=$(cut -f1 /proc/sys/kernel/printk)
dmesg -n 1
FLIPS=${CONFIG_FLIPS:-200}
WRITES=${CONFIG_WRITES:-2000}

nlfuzz --flip "$FLIPS" > /tmp/flip.out 2>&1 &
flipper=$!
run_helper R sysrqburst --count "$WRITES" /proc/sysrq-trigger h
wait $flipper
F=$(cat /tmp/flip.out)
info "cpus: $(grep -c ^processor /proc/cpuinfo); $F; writer: $R"
check flips-accepted "$F" [ "$F" = "nlfuzz: flips=$FLIPS accepted=$FLIPS" ]
check writes-allowed "$R (want result=$WRITES)" [ "$(field "$R" result)" = "$WRITES" ]
check final-config "mode=$(param mode) allowed_keys=\"$(param allowed_keys)\"" \
	[ "$(param mode)-$(param allowed_keys)" = monitor- ]
figure config-flips "$FLIPS"
dmesg -n "$printk"
