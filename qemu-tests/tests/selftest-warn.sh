# Positive control of the harness: a test whose only defect is a kernel
# WARNING must fail (this test passes when the harness failed it for that).
# after: irq-nomsi
# expect-fail: WARNING:
# timeout: 60 90

insmod "$mqselftest/mqnvme_selftest.ko" provoke=warn || fail "insmod mqnvme_selftest"
log "provoked a WARNING"
