// SPDX-License-Identifier: GPL-2.0
/*
 * mqnvme: the pure logic of a queue pair: shadow doorbell events and the
 * completion poller's interval.
 */
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/export.h>
#include <kunit/visibility.h>

#include "mqnvme_lib.h"

/**
 * mqnvme_dbbuf_need_event - must a shadow doorbell update be rung in MMIO?
 * @event_idx: the controller's event index for this doorbell
 * @new_idx: the value just written to the shadow doorbell
 * @old_idx: the value the shadow doorbell held before
 *
 * The controller asks for an MMIO write when the doorbell moves past the
 * event index it published (Doorbell Buffer Config, NVMe 1.3).
 *
 * Return: true when @event_idx lies in [@old_idx, @new_idx), modulo 2^16.
 */
bool mqnvme_dbbuf_need_event(u16 event_idx, u16 new_idx, u16 old_idx)
{
	return (u16)(new_idx - event_idx - 1) < (u16)(new_idx - old_idx);
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_dbbuf_need_event);

/**
 * mqnvme_poll_next_ns - the completion poller's next interval
 * @cur_ns: the interval that just ended
 * @found: that poll consumed completions
 *
 * The poller starts at MQNVME_POLL_MIN_NS after a submission and stays
 * there while completions keep coming; empty polls stretch the interval by
 * a quarter each, up to MQNVME_POLL_MAX_NS, so a long command (a format, a
 * slow backend) costs at most NSEC_PER_SEC / MQNVME_POLL_MAX_NS wake-ups
 * a second, and an idle queue none at all.
 *
 * Return: the next interval in nanoseconds.
 */
u32 mqnvme_poll_next_ns(u32 cur_ns, bool found)
{
	if (found || cur_ns < MQNVME_POLL_MIN_NS)
		return MQNVME_POLL_MIN_NS;
	return min_t(u32, cur_ns + cur_ns / 4, MQNVME_POLL_MAX_NS);
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_poll_next_ns);
