#!/bin/sh
# A second ftrace user on security_file_open (the function tracer here; a BPF kprobe or
# another guard in the field): ftrace then calls every callback there from its list
# function, with preemption off. The open is still recognised and reported. Under
# PREEMPT_RT its path is "?" with truncated=1, because naming it may wait on rename_lock,
# a sleeping lock there; elsewhere it is the path the opener used. The boot's kernel-log
# check catches a sleeping lock taken anyway.
. /tests/lib.sh

T=/sys/kernel/tracing
ensure_loaded || { fail load "insmod failed"; exit 0; }
[ -w $T/set_ftrace_filter ] || { skip tracer "$T/set_ftrace_filter is not writable"; exit 0; }
echo security_file_open > $T/set_ftrace_filter
echo function > $T/current_tracer
site=$(grep '^security_file_open ' $T/enabled_functions)
check shared "$site" eval 'printf "%s\n" "$site" | grep -q "^security_file_open (2)"'

# uname -v says "SMP PREEMPT_RT" on every rt kernel; /sys/kernel/realtime is not in 6.12's
case "$(uname -v)" in *PREEMPT_RT*) path='?' ;; *) path=/proc/sysrq-trigger ;; esac
mark
echo h > /proc/sysrq-trigger
expect_open open sysrq-trigger "$path" w $$ sh
line=$AUDIT_LINE
if [ "$path" = '?' ]; then
	check rt-truncated "$line" eval 'printf "%s\n" "$line" | grep -q " truncated=1 seq="'
fi
expect_trigger trigger h help $$ sh

echo nop > $T/current_tracer
echo > $T/set_ftrace_filter
site=$(grep '^security_file_open ' $T/enabled_functions)
check tracer-gone "$site" eval 'printf "%s\n" "$site" | grep -q "^security_file_open (1)"'
exit 0
