# Positive control of the harness: a KASAN report (an out-of-bounds read in
# a module) fails a test that otherwise passes.
# kernels: debug
# after: irq-nomsi
# expect-fail: BUG: KASAN: slab-out-of-bounds
# timeout: 60 90

insmod "$mqselftest/mqnvme_selftest.ko" provoke=kasan || fail "insmod mqnvme_selftest"
log "provoked a KASAN report"
