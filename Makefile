# SPDX-License-Identifier: GPL-2.0
#
# sysrqmon: `make` builds the module and the tool; `make check` runs every
# test (static checks, unit tests, the QEMU suite); `make demo` shows the
# module at work in a QEMU guest; `make deb` builds the Debian packages.

VERSION := $(shell cat VERSION)

# The kernel to build against: KDIR when given, else the running kernel's
# build tree, else the newest installed Debian 6.1 headers. Computed when
# make starts: the targets that run deps (which may install the headers)
# do their work in a sub-make, which computes it again (see DEPS_FIRST).
RUNNING_KDIR := /lib/modules/$(shell uname -r)/build
KDIR ?= $(or $(patsubst %/Makefile,%,$(wildcard $(RUNNING_KDIR)/Makefile)), \
	     $(shell ls -dv /usr/src/linux-headers-6.1.*-amd64 2>/dev/null | tail -n 1))
KDIR := $(KDIR)

CACHE_DIR ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/sysrqmon

PREFIX ?= /usr
DESTDIR ?=
SBINDIR := $(PREFIX)/sbin
MANDIR := $(PREFIX)/share/man
UNITDIR ?= /lib/systemd/system
# The journal's message catalog: systemd's dpkg trigger watches this
# directory and runs journalctl --update-catalog (make install: run it).
CATALOGDIR ?= /usr/lib/systemd/catalog
COMPLETIONDIR := $(PREFIX)/share/bash-completion/completions
# Prometheus alert rules (docs/fleet.md).
DATADIR := $(PREFIX)/share/sysrqmon
UNITS := sysrqmon.service sysrqmon-metrics.service sysrqmon-metrics.timer
# 1: load the module at boot through /etc/modules-load.d as well.
LOAD_AT_BOOT ?= 0
KRELEASE = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' $(KDIR)/include/generated/utsrelease.h)
DKMS_SRC := $(DESTDIR)/usr/src/sysrqmon-$(VERSION)
# (Not sysrqmon.mod.c: modpost writes it in a tree where the module was built.)
DKMS_FILES := Kbuild VERSION dkms.conf $(wildcard include/uapi/*.h) module/Kbuild \
	      $(filter-out %.mod.c,$(wildcard module/*.c)) $(wildcard module/*.h)

# These first run deps, then themselves without it (TARGET-nodeps) in a
# sub-make, whose KDIR sees the headers deps installed; a KDIR given on the
# command line reaches the sub-make unchanged.
DEPS_FIRST := build check demo bench stress matrix

.PHONY: all module tools clean deps static install install-tools \
	uninstall dkms-install dkms-uninstall deb $(DEPS_FIRST) \
	$(DEPS_FIRST:=-nodeps)

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

$(DEPS_FIRST): deps
	$(MAKE) $@-nodeps

# `make build`: the packages first, then module and tool (tests/fresh.sh runs it on a
# machine where nothing is installed yet).
build-nodeps: all

check-nodeps:
	tests/check.sh "$(KDIR)"

demo-nodeps: all
	python3 tests/qemu/run.py --demo --module module/sysrqmon.ko --tool tools/sysrqmonctl --kdir "$(KDIR)"

install: all install-tools
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(DESTDIR) \
		INSTALL_MOD_DIR=updates CONFIG_MODULE_SIG_ALL= modules_install
	$(if $(DESTDIR),,depmod $(KRELEASE))
ifeq ($(LOAD_AT_BOOT),1)
	install -d $(DESTDIR)/etc/modules-load.d
	echo sysrqmon > $(DESTDIR)/etc/modules-load.d/sysrqmon.conf
endif

# The userspace part alone, no kernel headers needed: what the Debian
# package sysrqmon ships (debian/rules).
install-tools: tools
	install -D -m 0755 tools/sysrqmonctl $(DESTDIR)$(SBINDIR)/sysrqmonctl
	install -D -m 0644 tools/sysrqmonctl.8 $(DESTDIR)$(MANDIR)/man8/sysrqmonctl.8
	for u in $(UNITS); do \
		install -D -m 0644 tools/$$u $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done
	install -D -m 0644 tools/sysrqmon.modprobe.conf \
		$(DESTDIR)/etc/modprobe.d/sysrqmon.conf
	install -D -m 0644 tools/sysrqmon.rules.yml \
		$(DESTDIR)$(DATADIR)/sysrqmon.rules.yml
	install -D -m 0644 docs/sysrqmon-record.schema.json \
		$(DESTDIR)$(DATADIR)/sysrqmon-record.schema.json
	install -D -m 0644 tools/sysrqmon.catalog \
		$(DESTDIR)$(CATALOGDIR)/sysrqmon.catalog
	install -D -m 0644 tools/sysrqmonctl.bash-completion \
		$(DESTDIR)$(COMPLETIONDIR)/sysrqmonctl
	$(if $(DESTDIR),,-journalctl --update-catalog)

uninstall:
	rm -f $(DESTDIR)/lib/modules/$(KRELEASE)/updates/module/sysrqmon.ko
	$(if $(DESTDIR),,-depmod $(KRELEASE))
	rm -f $(DESTDIR)$(SBINDIR)/sysrqmonctl \
	      $(DESTDIR)$(MANDIR)/man8/sysrqmonctl.8 \
	      $(addprefix $(DESTDIR)$(UNITDIR)/,$(UNITS)) \
	      $(DESTDIR)/etc/modprobe.d/sysrqmon.conf \
	      $(DESTDIR)/etc/modules-load.d/sysrqmon.conf \
	      $(DESTDIR)$(DATADIR)/sysrqmon.rules.yml \
	      $(DESTDIR)$(DATADIR)/sysrqmon-record.schema.json \
	      $(DESTDIR)$(CATALOGDIR)/sysrqmon.catalog \
	      $(DESTDIR)$(COMPLETIONDIR)/sysrqmonctl
	$(if $(DESTDIR),,-journalctl --update-catalog)
	rmdir $(DESTDIR)$(DATADIR) 2>/dev/null || true

# Exactly the sources DKMS builds from, with the version filled in.
dkms-install:
	for f in $(DKMS_FILES); do install -D -m 0644 $$f $(DKMS_SRC)/$$f; done
	sed -i 's/#MODULE_VERSION#/$(VERSION)/' $(DKMS_SRC)/dkms.conf

dkms-uninstall:
	rm -rf $(DKMS_SRC)

# The Debian packages sysrqmon and sysrqmon-dkms (debian/), built by
# dpkg-buildpackage in a copy of the files git knows (tracked, and untracked
# but not ignored), so no build product of this tree gets in and the tree
# stays as it was. Output: build/deb/ (git-ignored).
DEB_DIR := build/deb
deb:
	@git rev-parse --git-dir > /dev/null 2>&1 || { echo "make deb packages the files git knows: run it in a git checkout, or dpkg-buildpackage -b in the tree" >&2; exit 1; }
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_DIR)/sysrqmon-$(VERSION)
	git ls-files -z --cached --others --exclude-standard | \
		tar --null -T - --ignore-failed-read -cf - | \
		tar -xf - -C $(DEB_DIR)/sysrqmon-$(VERSION)
	cd $(DEB_DIR)/sysrqmon-$(VERSION) && dpkg-buildpackage -us -uc -b
	rm -rf $(DEB_DIR)/sysrqmon-$(VERSION)
	@ls -1 $(DEB_DIR)/*.deb

# Overhead figures (QEMU, instruction-count mode and wall clock) on Debian 12's 6.1 and 6.12,
# side by side (bench/results.md): not a test.
bench-nodeps: all
	python3 tests/bench/bench.py --module module/sysrqmon.ko --tool tools/sysrqmonctl

# The long adversarial and reliability runs.
stress-nodeps: all
	tests/stress.sh

# Every kernel of the supported set and the three debug kernels, resumable per cell;
# RECORD=1 writes the table into docs/testing.md and the README.
matrix-nodeps: all
	tests/matrix.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C tools clean
