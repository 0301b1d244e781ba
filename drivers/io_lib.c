// SPDX-License-Identifier: GPL-2.0
/*
 * mqnvme: the pure logic of the I/O path: data pointers (PRP lists and SGLs)
 * built from a DMA-mapped scatterlist, and what a completion's status means
 * (block layer status, retry delay, the timeout after an Abort).
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/export.h>
#include <kunit/visibility.h>

#include "mqnvme_lib.h"

static void *mqnvme_list_alloc(const struct mqnvme_list_pool *pool,
			       struct mqnvme_dptr_lists *lists, bool small,
			       dma_addr_t *dma)
{
	void *va;

	if (lists->nr >= MQNVME_MAX_LISTS)
		return NULL;
	va = pool->alloc(pool->ctx, small, dma);
	if (!va)
		return NULL;
	lists->small = small;
	lists->va[lists->nr++] = va;
	return va;
}

/*
 * Step to the next scatterlist entry once the current one is used up. PRPs
 * need it to start on a controller page, and the one before to have ended
 * exactly on one (*dma_len == 0).
 */
static int mqnvme_prp_next_seg(struct scatterlist **sg, u64 *dma, int *dma_len)
{
	if (*dma_len < 0)
		return -EINVAL;
	*sg = sg_next(*sg);
	if (!*sg)
		return -EINVAL;
	*dma = sg_dma_address(*sg);
	*dma_len = sg_dma_len(*sg);
	if (*dma & (MQNVME_CTRL_PAGE_SIZE - 1))
		return -EINVAL;
	return 0;
}

/**
 * mqnvme_build_prps - describe a DMA-mapped scatterlist with PRP entries
 * @sgl: the mapped scatterlist (sg_dma_address/sg_dma_len are used)
 * @nents: number of mapped entries in @sgl
 * @len: bytes to transfer
 * @pool: where list pages come from
 * @lists: records the list pages allocated, for freeing (nr starts at 0)
 * @dptr: the command's data pointer, PRP1 and PRP2 are written
 *
 * Every segment but the first must start on a controller page boundary and
 * every segment but the last must end on one (the queue's virt_boundary_mask
 * guarantees this for block-layer requests).
 *
 * Return: 0, -ENOMEM when a list page cannot be had (lists already taken
 * stay recorded in @lists), or -EINVAL for a scatterlist PRPs cannot express.
 */
int mqnvme_build_prps(struct scatterlist *sgl, int nents, unsigned int len,
		      const struct mqnvme_list_pool *pool,
		      struct mqnvme_dptr_lists *lists, union nvme_data_ptr *dptr)
{
	const unsigned int ps = MQNVME_CTRL_PAGE_SIZE;
	struct scatterlist *sg = sgl;
	u64 dma = sg_dma_address(sg);
	int dma_len = sg_dma_len(sg);
	unsigned int offset = dma & (ps - 1);
	int length = len;
	unsigned int nprps, i;
	dma_addr_t list_dma;
	__le64 *list;

	if (!len || nents < 1 || sg_dma_len(sg) == 0)
		return -EINVAL;
	dptr->prp1 = cpu_to_le64(dma);
	dptr->prp2 = 0;
	length -= ps - offset;
	if (length <= 0)
		return 0;

	dma_len -= ps - offset;
	if (dma_len > 0)
		dma += ps - offset;
	else if (mqnvme_prp_next_seg(&sg, &dma, &dma_len))
		return -EINVAL;

	if (length <= ps) {
		dptr->prp2 = cpu_to_le64(dma);
		return 0;
	}

	nprps = DIV_ROUND_UP(length, ps);
	list = mqnvme_list_alloc(pool, lists,
				 nprps <= MQNVME_SMALL_LIST_SIZE / sizeof(__le64),
				 &list_dma);
	if (!list)
		return -ENOMEM;
	dptr->prp2 = cpu_to_le64(list_dma);
	i = 0;
	for (;;) {
		if (i == MQNVME_PRPS_PER_PAGE) {
			__le64 *old = list;

			list = mqnvme_list_alloc(pool, lists, false, &list_dma);
			if (!list)
				return -ENOMEM;
			list[0] = old[i - 1];
			old[i - 1] = cpu_to_le64(list_dma);
			i = 1;
		}
		list[i++] = cpu_to_le64(dma);
		dma_len -= ps;
		dma += ps;
		length -= ps;
		if (length <= 0)
			return 0;
		if (dma_len <= 0 && mqnvme_prp_next_seg(&sg, &dma, &dma_len))
			return -EINVAL;
	}
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_build_prps);

static void mqnvme_sgl_data_desc(struct nvme_sgl_desc *desc,
				 struct scatterlist *sg)
{
	desc->addr = cpu_to_le64(sg_dma_address(sg));
	desc->length = cpu_to_le32(sg_dma_len(sg));
	desc->type = NVME_SGL_FMT_DATA_DESC << 4;
}

/**
 * mqnvme_build_sgl - describe a DMA-mapped scatterlist with an NVMe SGL
 * @sgl: the mapped scatterlist
 * @nents: number of mapped entries, at most MQNVME_MAX_SEGMENTS
 * @pool: where the segment list comes from
 * @lists: records the list allocated, for freeing
 * @dptr: the command's data pointer (SGL1)
 *
 * One entry is described in the command itself; more go to a single last
 * segment of data block descriptors.
 *
 * Return: 0, -ENOMEM, or -EINVAL when @nents is out of range.
 */
int mqnvme_build_sgl(struct scatterlist *sgl, int nents,
		     const struct mqnvme_list_pool *pool,
		     struct mqnvme_dptr_lists *lists, union nvme_data_ptr *dptr)
{
	struct nvme_sgl_desc *list;
	struct scatterlist *sg;
	dma_addr_t list_dma;
	int i;

	if (nents < 1 || nents > MQNVME_MAX_SEGMENTS)
		return -EINVAL;
	if (nents == 1) {
		mqnvme_sgl_data_desc(&dptr->sgl, sgl);
		return 0;
	}
	list = mqnvme_list_alloc(pool, lists,
				 nents <= MQNVME_SMALL_LIST_SIZE / sizeof(*list),
				 &list_dma);
	if (!list)
		return -ENOMEM;
	dptr->sgl.addr = cpu_to_le64(list_dma);
	dptr->sgl.length = cpu_to_le32(nents * sizeof(*list));
	dptr->sgl.type = NVME_SGL_FMT_LAST_SEG_DESC << 4;
	for_each_sg(sgl, sg, nents, i)
		mqnvme_sgl_data_desc(&list[i], sg);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_build_sgl);

/**
 * mqnvme_prp_list_next - bus address of the PRP list page after list @i
 * @lists: lists built by mqnvme_build_prps()
 * @i: index of a list that is not the last
 *
 * Return: the chain entry of list @i.
 */
dma_addr_t mqnvme_prp_list_next(const struct mqnvme_dptr_lists *lists, int i)
{
	const __le64 *list = lists->va[i];

	return le64_to_cpu(list[MQNVME_PRPS_PER_PAGE - 1]);
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_prp_list_next);

/**
 * mqnvme_retry_delay_ms - how long to wait before retrying a failed command
 * @status: status field without the phase bit (SCT/SC, CRD, More, DNR)
 * @crdt: Identify Controller CRDT1..3, in 100 ms units
 *
 * The controller names one of its three Command Retry Delay Times in the
 * status's CRD field (with ACRE enabled); CRD 0 is "retry at once".
 *
 * Return: milliseconds.
 */
unsigned int mqnvme_retry_delay_ms(u16 status, const u16 *crdt)
{
	unsigned int crd = (status & NVME_STATUS_CRD) >> 11;

	return crd ? crdt[crd - 1] * 100U : 0;
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_retry_delay_ms);

/**
 * mqnvme_abort_rearm - a timed-out command's time to the next expiry
 * @timeout: the timeout it just outlived, in jiffies (a user's
 *           passthrough timeout_ms, or the queue's)
 * @def: the queue's timeout (admin_timeout or io_timeout), in jiffies
 *
 * The first expiry sends an Abort; the second resets the controller. The
 * second comes when the command has outlived twice the queue's timeout, or
 * its own timeout plus the queue's when that is longer: a short user
 * timeout only brings the Abort forward, never the reset.
 *
 * Return: jiffies.
 */
unsigned long mqnvme_abort_rearm(unsigned long timeout, unsigned long def)
{
	return timeout < def ? 2 * def - timeout : def;
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_abort_rearm);

/**
 * mqnvme_status_to_blk - block layer status for an NVMe completion status
 * @status: status field without the phase bit (SCT/SC, CRD, More, DNR)
 *
 * Return: the blk_status_t the request ends with.
 */
blk_status_t mqnvme_status_to_blk(u16 status)
{
	switch (status & NVME_SCT_SC_MASK) {
	case NVME_SC_SUCCESS:
		return BLK_STS_OK;
	case NVME_SC_CAP_EXCEEDED:
		return BLK_STS_NOSPC;
	case NVME_SC_LBA_RANGE:
	case NVME_SC_CMD_INTERRUPTED:
	case NVME_SC_NS_NOT_READY:
		return BLK_STS_TARGET;
	case NVME_SC_BAD_ATTRIBUTES:
	case NVME_SC_INVALID_OPCODE:
	case NVME_SC_INVALID_FIELD:
	case NVME_SC_INVALID_NS:
		return BLK_STS_NOTSUPP;
	case NVME_SC_WRITE_FAULT:
	case NVME_SC_READ_ERROR:
	case NVME_SC_UNWRITTEN_BLOCK:
	case NVME_SC_ACCESS_DENIED:
	case NVME_SC_READ_ONLY:
	case NVME_SC_COMPARE_FAILED:
		return BLK_STS_MEDIUM;
	case NVME_SC_GUARD_CHECK:
	case NVME_SC_APPTAG_CHECK:
	case NVME_SC_REFTAG_CHECK:
	case NVME_SC_INVALID_PI:
		return BLK_STS_PROTECTION;
	case NVME_SC_RESERVATION_CONFLICT:
		return BLK_STS_RESV_CONFLICT;
	case NVME_SC_HOST_PATH_ERROR:
		return BLK_STS_TRANSPORT;
	default:
		return BLK_STS_IOERR;
	}
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_status_to_blk);
