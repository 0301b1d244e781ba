// SPDX-License-Identifier: GPL-2.0
/*
 * mqnvme: the pure logic of bringing a controller up: queue counts, queue
 * depth, doorbell space, transfer limits and the ready and shutdown timeouts.
 */
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/export.h>
#include <kunit/visibility.h>

#include "mqnvme_lib.h"

/**
 * mqnvme_granted_queues - I/O queue pairs granted by Set Features (07h)
 * @nr_queues_result: completion dword 0 (NSQA in 15:0, NCQA in 31:16,
 *                    both zero-based)
 *
 * Return: the number of usable queue pairs.
 */
unsigned int mqnvme_granted_queues(u32 nr_queues_result)
{
	return min(nr_queues_result & 0xffff, nr_queues_result >> 16) + 1;
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_granted_queues);

/**
 * mqnvme_split_queues - how many I/O queue pairs of each type to run
 * @cpus: CPUs that want a queue of their own
 * @granted: queue pairs the controller granted
 * @poll_wanted: polled queue pairs asked for (the poll_queues parameter)
 * @nr_poll: out: polled queue pairs (HCTX_TYPE_POLL, no interrupt)
 *
 * One default queue pair per CPU, fewer when the controller grants fewer;
 * polled pairs come on top but never take the last default pair. The
 * number of interrupt vectors does not limit the queues: queues share
 * vectors when there are fewer vectors than queues.
 *
 * Return: the number of default queue pairs, at least 1.
 */
unsigned int mqnvme_split_queues(unsigned int cpus, unsigned int granted,
				 unsigned int poll_wanted,
				 unsigned int *nr_poll)
{
	granted = max(granted, 1U);
	*nr_poll = min(poll_wanted, granted - 1);
	return max(1U, min(cpus, granted - *nr_poll));
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_split_queues);

/**
 * mqnvme_q_depth - entries of each I/O queue
 * @cap: the CAP register
 * @io_queue_depth: the module parameter
 *
 * Return: min(CAP.MQES + 1, @io_queue_depth), at least 2.
 */
u32 mqnvme_q_depth(u64 cap, u32 io_queue_depth)
{
	return max(2U, min_t(u32, NVME_CAP_MQES(cap) + 1, io_queue_depth));
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_q_depth);

/**
 * mqnvme_db_bar_size - BAR bytes that cover the doorbells of @nr_queues
 * @nr_queues: queues including the admin queue
 * @db_stride: doorbell stride in 32-bit words (1 << CAP.DSTRD)
 *
 * Return: size in bytes.
 */
unsigned long mqnvme_db_bar_size(unsigned int nr_queues, u32 db_stride)
{
	return NVME_REG_DBS + (unsigned long)nr_queues * 2 * 4 * db_stride;
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_db_bar_size);

/**
 * mqnvme_max_hw_sectors - largest transfer in 512-byte sectors
 * @mdts: Identify Controller MDTS (a power of two of CAP.MPSMIN pages,
 *        0 = no limit)
 * @cap: the CAP register
 *
 * Return: sectors, capped at MQNVME_MAX_TRANSFER.
 */
u32 mqnvme_max_hw_sectors(u8 mdts, u64 cap)
{
	u32 max = MQNVME_MAX_TRANSFER >> SECTOR_SHIFT;
	unsigned int shift = mdts + 12 + NVME_CAP_MPSMIN(cap) - SECTOR_SHIFT;

	if (!mdts || shift >= 32)
		return max;
	return min_t(u32, max, 1U << shift);
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_max_hw_sectors);

/**
 * mqnvme_ready_timeout_ms - how long CSTS.RDY may take to follow CC.EN
 * @cap: the CAP register (CAP.TO is in 500 ms units)
 *
 * Return: milliseconds.
 */
unsigned int mqnvme_ready_timeout_ms(u64 cap)
{
	return (NVME_CAP_TIMEOUT(cap) + 1) * 500;
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_ready_timeout_ms);

/**
 * mqnvme_shutdown_timeout_s - how long CC.SHN may take
 * @rtd3e: Identify Controller RTD3E in microseconds (0 = not reported)
 * @param: the shutdown_timeout module parameter in seconds
 *
 * Return: seconds, the larger of RTD3E (rounded up, capped at 60) and @param.
 */
unsigned int mqnvme_shutdown_timeout_s(u32 rtd3e, unsigned int param)
{
	unsigned int t = min_t(u32, DIV_ROUND_UP(rtd3e, USEC_PER_SEC), 60);

	return max(t, param);
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_shutdown_timeout_s);
