# SPDX-License-Identifier: GPL-2.0
# mqnvme: out-of-tree PCIe NVMe driver. See README.md.
#
#   make            build mqnvme.ko for $(KDIR)
#   make run        install what is missing, build, show it working in a guest
#   make check      the whole test suite (what .ci/run calls)
#   make bench      mqnvme against the in-tree nvme driver in one guest
#   make install    the module (updates/) and the udev rule, for $(KDIR)

# The running kernel's build tree if it has one, else Debian's 6.12 headers
# (installed, or unpacked by scripts/deps.sh into the cache).
MQNVME_CACHE ?= /var/cache/mqnvme
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(lastword $(sort $(wildcard /usr/src/linux-headers-6.12*-amd64))) \
	$(lastword $(sort $(wildcard $(MQNVME_CACHE)/stock-kernel/*/usr/src/linux-headers-6.12*-amd64))))

all: modules

modules:
	@test -n "$(KDIR)" || { echo "no kernel headers: run scripts/deps.sh"; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

sparse:
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 C=2 modules

checkpatch:
	scripts/checkpatch.sh

# The module into /lib/modules/<kernel>/updates, then the udev rule.
install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=updates modules_install
	$(MAKE) install-udev

UDEVDIR ?= /usr/lib/udev/rules.d
install-udev:
	install -D -m 0644 scripts/udev/60-mqnvme.rules $(DESTDIR)$(UDEVDIR)/60-mqnvme.rules

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	rm -rf build/mod-*

run:
	scripts/deps.sh
	$(MAKE) modules
	qemu-tests/run.sh --demo

check:
	scripts/deps.sh --debug-kernel
	qemu-tests/run.sh --all

bench:
	scripts/deps.sh
	qemu-tests/bench.sh

.PHONY: all modules sparse checkpatch install install-udev clean run check bench
