# SPDX-License-Identifier: GPL-2.0
#
# sysrqmon: `make` builds the module and the tool; `make check` runs every
# test (static checks, unit tests, the QEMU suite); `make demo` shows the
# module at work in a QEMU guest.

VERSION := $(shell cat VERSION)

# The kernel to build against: KDIR when given, else the running kernel's
# build tree, else the newest installed Debian 6.1 headers.
RUNNING_KDIR := /lib/modules/$(shell uname -r)/build
KDIR ?= $(or $(wildcard $(RUNNING_KDIR)/Makefile:%/Makefile=%), \
	     $(shell ls -dv /usr/src/linux-headers-6.1.*-amd64 2>/dev/null | tail -n 1))
KDIR := $(patsubst %/Makefile,%,$(KDIR))

CACHE_DIR ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/sysrqmon

.PHONY: all module tools clean check demo deps static

all: module tools

module:
	@test -n "$(KDIR)" || { echo "No kernel headers found: install linux-headers-amd64 or set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tools:
	$(MAKE) -C tools

deps:
	tests/deps.sh

static: module
	tests/static.sh "$(KDIR)"

check: deps
	tests/check.sh "$(KDIR)"

demo: deps all
	python3 tests/qemu/run.py --demo --module module/sysrqmon.ko --tool tools/sysrqmonctl --kdir "$(KDIR)"

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C tools clean
