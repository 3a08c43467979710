#!/bin/sh
# qemu-test: explicit
# The placeholder DKMS builds for a kernel sysrqmon does not compile for (module/unsupported.c,
# tests/dkms.sh): insmod fails with ENOEXEC and one line that names the version and the kernel;
# nothing stays loaded.
. /tests/lib.sh

mark
out=$(insmod "$KO" 2>&1)
rc=$?
check refused "status $rc: $out" [ "$rc" -ne 0 ]
check not-loaded "$(grep '^sysrqmon ' /proc/modules)" eval '! loaded'
line=$(new_klog | grep -m 1 'sysrqmon: version ')
check says-why "$line" eval 'printf "%s" "$line" | grep -qE "sysrqmon: version [^ ]+ does not build for kernel $(uname -r): this placeholder refuses to load"'
exit 0
