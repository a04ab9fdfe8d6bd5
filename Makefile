# SPDX-License-Identifier: GPL-2.0-only
#
# bulwark: build the module, run the checks and the VM tests.
#
#   make                    build bulwark.ko against KDIR
#   make check              install what is needed, build for every
#                           supported kernel, lint, run the VM selftests
#   make demo               boot a VM and replay the attacks
#   make bench              measure the cost, loaded against unloaded
#   make stress             the stress test in a VM per kernel, for
#                           STRESS_SECONDS (default 600) each
#   make fuzz               run the policy-parser fuzzers for FUZZ_SECONDS
#                           (default 300) each
#   make install            install bulwark.ko into the running kernel's tree
#   make dkms-install       register, build and install with DKMS
#   make deb                build the bulwark-dkms and bulwark-tools packages
#                           (debian/, debhelper, dh-dkms) into DEB_OUT
#   make rpm                build the same two packages as RPMs into RPM_OUT

KDIR ?= /lib/modules/$(shell uname -r)/build
STRESS_SECONDS ?= 600
FUZZ_SECONDS ?= 300
BULWARK_CACHE ?= /var/cache/bulwark
export BULWARK_CACHE
DEB_OUT ?= build/deb
RPM_OUT ?= build/rpm

VERSION := $(shell sed -n 's/^\#define BULWARK_VERSION "\(.*\)"/\1/p' module/common.h)

.PHONY: all modules clean check demo bench stress fuzz install dkms-install deb rpm \
	selftests

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	rm -rf build

install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	depmod -a

# The source tree without build products; dkms signs the module with its
# MOK key (see Documentation/install.rst).
dkms-install:
	rm -rf /usr/src/bulwark-$(VERSION)
	sh scripts/dkms-src.sh /usr/src/bulwark-$(VERSION)
	if [ -z "$$(dkms status -m bulwark -v $(VERSION))" ]; then \
		dkms add -m bulwark -v $(VERSION); fi
	dkms build -m bulwark -v $(VERSION)
	dkms install -m bulwark -v $(VERSION)

# The source package is built from the release tarball (scripts/dist.sh)
# in build/deb-src, with debian/ beside it; the source and binary packages
# and the .changes go to DEB_OUT.
deb:
	rm -rf build/deb-src
	mkdir -p build/deb-src $(DEB_OUT)
	sh scripts/dist.sh --orig build/deb-src >/dev/null
	tar -xJf build/deb-src/bulwark_$(VERSION).orig.tar.xz -C build/deb-src
	cp -R debian build/deb-src/bulwark-$(VERSION)/
	cd build/deb-src/bulwark-$(VERSION) && dpkg-buildpackage -us -uc -sa
	rm -rf build/deb-src/bulwark-$(VERSION)
	mv build/deb-src/* $(DEB_OUT)/
	rmdir build/deb-src
	ls $(DEB_OUT)/*_$(VERSION)-*.deb

rpm:
	sh scripts/mkrpm.sh $(RPM_OUT)

selftests:
	$(MAKE) -C selftests

check:
	sh scripts/check.sh

demo:
	sh scripts/demo.sh

bench:
	sh scripts/bench.sh

stress:
	sh scripts/stress.sh $(STRESS_SECONDS)

fuzz:
	sh scripts/fuzz.sh $(FUZZ_SECONDS)
