# Positive control of the harness: a kernel message of level err that the
# test does not allow fails it, while an allowed one does not (the first
# line is allowed below, the second is not).
# after: irq-nomsi
# allow: mqnvme selftest: an allowed error
# expect-fail: kernel log: .*mqnvme selftest: an unexpected error
# timeout: 60 90

echo "<3>mqnvme selftest: an allowed error" >/dev/kmsg
echo "<3>mqnvme selftest: an unexpected error" >/dev/kmsg
log "logged two errors"
