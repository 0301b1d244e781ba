# Positive control of the harness: memory a module leaks is found by the
# kmemleak scan after the test and fails it.
# kernels: debug
# after: irq-nomsi
# expect-fail: kmemleak found leaks
# timeout: 60 90

insmod "$mqselftest/mqnvme_selftest.ko" provoke=leak || fail "insmod mqnvme_selftest"
log "leaked an object"
