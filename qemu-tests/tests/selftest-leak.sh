# Positive control of the harness: memory a module leaks is found by the
# kmemleak scan after the test and fails it.
# kernels: debug
# after: irq-nomsi
# expect-fail: kmemleak found leaks
# timeout: 60 90

insmod "$mqselftest/mqnvme_selftest.ko" provoke=leak || fail "insmod mqnvme_selftest"
dmesg | grep -q "mqnvme_selftest: leaked 8 objects" || fail "the module did not leak its 8 objects"
log "leaked 8 objects"
