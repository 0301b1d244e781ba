#!/bin/bash
# One test in a guest, in a session of its own (guest-init.sh ends whatever
# is left of it afterwards): qemu-tests/lib.sh, then the test script
# $mqtest. MQ_BDFS names the test's own controllers, MQ_QID the prefix of
# its QEMU ids.
source qemu-tests/lib.sh
source "$mqtest"
