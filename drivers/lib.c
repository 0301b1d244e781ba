// SPDX-License-Identifier: GPL-2.0
/*
 * mqnvme: pure logic shared by the driver and its KUnit suites: data pointer
 * construction (PRP lists and SGLs) from a DMA-mapped scatterlist, and the
 * arithmetic of queues, vectors, doorbells, timeouts and status codes.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/export.h>
#include <linux/string.h>
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
 * mqnvme_queue_vector - interrupt vector of queue @qid
 * @qid: queue id, 0 for the admin queue
 * @vectors: vectors allocated
 *
 * Return: the vector index: the admin queue uses vector 0, I/O queue n
 * vector n, and everything shares vector 0 when there is only one.
 */
unsigned int mqnvme_queue_vector(unsigned int qid, unsigned int vectors)
{
	if (vectors <= 1 || qid == 0)
		return 0;
	return 1 + (qid - 1) % (vectors - 1);
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_queue_vector);

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

static const char * const mqnvme_irq_mode_names[] = {
	[MQNVME_IRQ_AUTO]	= "auto",
	[MQNVME_IRQ_MSIX]	= "msix",
	[MQNVME_IRQ_MSI]	= "msi",
	[MQNVME_IRQ_INTX]	= "intx",
	[MQNVME_IRQ_POLL]	= "poll",
};

/**
 * mqnvme_irq_mode_name - the name of an interrupt mode
 * @mode: the mode
 *
 * Return: the name the irq_mode parameter and sysfs use, or "unknown".
 */
const char *mqnvme_irq_mode_name(enum mqnvme_irq_mode mode)
{
	if ((unsigned int)mode < ARRAY_SIZE(mqnvme_irq_mode_names))
		return mqnvme_irq_mode_names[mode];
	return "unknown";
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_irq_mode_name);

/**
 * mqnvme_irq_mode_parse - parse the irq_mode parameter
 * @s: auto, msix, msi, intx or poll, with an optional trailing newline
 *
 * Return: the mode, or -EINVAL.
 */
int mqnvme_irq_mode_parse(const char *s)
{
	return sysfs_match_string(mqnvme_irq_mode_names, s);
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_irq_mode_parse);

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

/* Bytes a "number of dwords, zero's based" field stands for. */
static long mqnvme_numd_bytes(u32 numd)
{
	return ((long)numd + 1) * 4;
}

static long mqnvme_features_xfer_len(u8 fid, u32 cdw11)
{
	switch (fid) {
	case NVME_FEAT_LBA_RANGE:
	case NVME_FEAT_HOST_MEM_BUF:
		return 4096;
	case NVME_FEAT_PLM_CONFIG:
	case NVME_FEAT_HOST_BEHAVIOR:
		return 512;
	case NVME_FEAT_AUTO_PST:
		return 256;
	case NVME_FEAT_TIMESTAMP:
		return 8;
	case NVME_FEAT_HOST_ID:
		/* EXHID: a 128-bit host identifier instead of 64 bits */
		return cdw11 & 1 ? 16 : 8;
	case NVME_FEAT_ARBITRATION:
	case NVME_FEAT_POWER_MGMT:
	case NVME_FEAT_TEMP_THRESH:
	case NVME_FEAT_ERR_RECOVERY:
	case NVME_FEAT_VOLATILE_WC:
	case NVME_FEAT_NUM_QUEUES:
	case NVME_FEAT_IRQ_COALESCE:
	case NVME_FEAT_IRQ_CONFIG:
	case NVME_FEAT_WRITE_ATOMIC:
	case NVME_FEAT_ASYNC_EVENT:
	case NVME_FEAT_KATO:
	case NVME_FEAT_HCTM:
	case NVME_FEAT_NOPSC:
	case NVME_FEAT_RRL:
	case NVME_FEAT_PLM_WINDOW:
	case NVME_FEAT_SW_PROGRESS:
	case NVME_FEAT_RESV_MASK:
	case NVME_FEAT_RESV_PERSIST:
	case NVME_FEAT_WRITE_PROTECT:
		return 0;
	default:
		return -1;
	}
}

/**
 * mqnvme_admin_xfer_len - bytes an admin command transfers by definition
 * @cmd: the command as userspace built it
 *
 * A controller transfers what the command says, whatever buffer the host
 * described: a passthrough buffer shorter than this would let it write past
 * the buffer (or read past it, leaking memory). Vendor specific commands
 * and features are not known.
 *
 * Return: the bytes, 0 for none, or -1 when not known.
 */
long mqnvme_admin_xfer_len(const struct nvme_command *cmd)
{
	u32 cdw10 = le32_to_cpu(cmd->common.cdw10);
	u32 cdw11 = le32_to_cpu(cmd->common.cdw11);

	switch (cmd->common.opcode) {
	case nvme_admin_identify:
		return NVME_IDENTIFY_DATA_SIZE;
	case nvme_admin_get_log_page:
		return mqnvme_numd_bytes((cdw10 >> 16) | (cdw11 & 0xffff) << 16);
	case nvme_admin_get_features:
	case nvme_admin_set_features:
		return mqnvme_features_xfer_len(cdw10 & 0xff, cdw11);
	case nvme_admin_download_fw:
	case nvme_admin_directive_send:
	case nvme_admin_directive_recv:
		return mqnvme_numd_bytes(cdw10);
	case nvme_admin_security_send:
	case nvme_admin_security_recv:
		return cdw11;
	case nvme_admin_ns_attach:
		return NVME_IDENTIFY_DATA_SIZE;	/* controller list */
	case nvme_admin_ns_mgmt:
		/* SEL 0 (create) sends the namespace's attributes. */
		return (cdw10 & 0xf) == 0 ? NVME_IDENTIFY_DATA_SIZE : 0;
	case nvme_admin_delete_sq:
	case nvme_admin_create_sq:
	case nvme_admin_delete_cq:
	case nvme_admin_create_cq:
	case nvme_admin_abort_cmd:
	case nvme_admin_activate_fw:
	case nvme_admin_async_event:
	case nvme_admin_keep_alive:
	case nvme_admin_dev_self_test:
	case nvme_admin_virtual_mgmt:
	case nvme_admin_dbbuf:
	case nvme_admin_format_nvm:
	case nvme_admin_sanitize_nvm:
		return 0;
	default:
		return -1;
	}
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_admin_xfer_len);

/* Blocks of a read, write, compare or verify: NLB is zero's based. */
static u32 mqnvme_rw_blocks(const struct nvme_command *cmd)
{
	return (u32)le16_to_cpu(cmd->rw.length) + 1;
}

static bool mqnvme_io_moves_blocks(u8 opcode)
{
	return opcode == nvme_cmd_read || opcode == nvme_cmd_write ||
	       opcode == nvme_cmd_compare;
}

/* The controller inserts or strips a PI-only metadata field itself. */
static bool mqnvme_io_pract_strips(const struct nvme_command *cmd,
				   const struct mqnvme_ns_format *fmt)
{
	return (le16_to_cpu(cmd->rw.control) & NVME_RW_PRINFO_PRACT) &&
	       fmt->pi_size && fmt->ms == fmt->pi_size;
}

/**
 * mqnvme_io_xfer_len - bytes an NVM command transfers by definition
 * @cmd: the command as userspace built it
 * @fmt: the namespace's format
 *
 * Reads, writes and compares move their blocks, with the metadata when it
 * is interleaved (unless PRACT inserts or strips a PI-only field).
 *
 * Return: the bytes, 0 for none, or -1 when not known.
 */
long mqnvme_io_xfer_len(const struct nvme_command *cmd,
			const struct mqnvme_ns_format *fmt)
{
	u32 cdw10 = le32_to_cpu(cmd->common.cdw10);
	u32 cdw12 = le32_to_cpu(cmd->common.cdw12);
	long len;

	switch (cmd->common.opcode) {
	case nvme_cmd_read:
	case nvme_cmd_write:
	case nvme_cmd_compare:
		len = (long)mqnvme_rw_blocks(cmd) << fmt->lba_shift;
		if (fmt->ext && !mqnvme_io_pract_strips(cmd, fmt))
			len += (long)mqnvme_rw_blocks(cmd) * fmt->ms;
		return len;
	case nvme_cmd_dsm:
		return ((cdw10 & 0xff) + 1) * sizeof(struct nvme_dsm_range);
	case MQNVME_CMD_COPY:
		/* Source range descriptor formats 0 (32 bytes) and 1 (40). */
		switch ((cdw12 >> 8) & 0xf) {
		case 0:
			return ((cdw12 & 0xff) + 1) * 32L;
		case 1:
			return ((cdw12 & 0xff) + 1) * 40L;
		default:
			return -1;
		}
	case nvme_cmd_resv_register:
		return 16;	/* CRKEY, NRKEY */
	case nvme_cmd_resv_acquire:
		return 16;	/* CRKEY, PRKEY */
	case nvme_cmd_resv_release:
		return 8;	/* CRKEY */
	case nvme_cmd_resv_report:
		return mqnvme_numd_bytes(cdw10);
	case nvme_cmd_flush:
	case nvme_cmd_write_uncor:
	case nvme_cmd_write_zeroes:
	case nvme_cmd_verify:
		return 0;
	default:
		return -1;
	}
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_io_xfer_len);

/**
 * mqnvme_io_meta_len - bytes of a separate metadata buffer an NVM command uses
 * @cmd: the command
 * @fmt: the namespace's format
 *
 * Return: the bytes MPTR must point to, 0 when the command uses none.
 */
u32 mqnvme_io_meta_len(const struct nvme_command *cmd,
		       const struct mqnvme_ns_format *fmt)
{
	if (!fmt->ms || fmt->ext || !mqnvme_io_moves_blocks(cmd->common.opcode))
		return 0;
	if (mqnvme_io_pract_strips(cmd, fmt))
		return 0;
	return mqnvme_rw_blocks(cmd) * fmt->ms;
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_io_meta_len);

/**
 * mqnvme_admin_cmd_reserved - an admin command only the driver may send
 * @cmd: the command
 *
 * Queue creation and deletion, shadow doorbells, asynchronous event
 * requests, and the features that set up the controller the way the driver
 * runs it (queue count, keep alive, host memory buffer, power state
 * transitions, host behavior) would break the driver behind its back:
 * refused even for root, as nvme-core does for the features.
 *
 * Return: true when userspace may not send @cmd.
 */
bool mqnvme_admin_cmd_reserved(const struct nvme_command *cmd)
{
	switch (cmd->common.opcode) {
	case nvme_admin_delete_sq:
	case nvme_admin_create_sq:
	case nvme_admin_delete_cq:
	case nvme_admin_create_cq:
	case nvme_admin_async_event:
	case nvme_admin_dbbuf:
		return true;
	case nvme_admin_set_features:
		switch (le32_to_cpu(cmd->common.cdw10) & 0xff) {
		case NVME_FEAT_NUM_QUEUES:
		case NVME_FEAT_KATO:
		case NVME_FEAT_HOST_MEM_BUF:
		case NVME_FEAT_AUTO_PST:
		case NVME_FEAT_HOST_BEHAVIOR:
			return true;
		}
		return false;
	default:
		return false;
	}
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_admin_cmd_reserved);

/**
 * mqnvme_aen_decode - split an Asynchronous Event Request's result
 * @result: completion dword 0
 *
 * Return: the event type, its information and the log page that clears it.
 */
struct mqnvme_aen mqnvme_aen_decode(u32 result)
{
	struct mqnvme_aen ev = {
		.type = result & 0x7,
		.info = (result >> 8) & 0xff,
		.lid = (result >> 16) & 0xff,
	};

	return ev;
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_aen_decode);

/**
 * mqnvme_aen_config - the Asynchronous Event Configuration (feature 0Bh)
 * @oaes: Optional Asynchronous Events Supported, from Identify Controller
 * @vs: the controller's version register
 *
 * Every SMART/health critical warning its version defines (the PMR bit is
 * reserved before 1.4), plus the notices the driver acts on when the
 * controller offers them: namespace attribute changes (a rescan) and
 * firmware activation (logged).
 *
 * Return: the feature's dword 11.
 */
u32 mqnvme_aen_config(u32 oaes, u32 vs)
{
	u32 crit = MQNVME_SMART_CRIT_ALL;

	if (vs >= NVME_VS(1, 4, 0))
		crit |= MQNVME_SMART_CRIT_PMR;
	return crit | (oaes & (NVME_AEN_CFG_NS_ATTR | NVME_AEN_CFG_FW_ACT));
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_aen_config);

/**
 * mqnvme_aen_name - what an asynchronous event is, for the log
 * @ev: the decoded event
 *
 * Return: a constant string; "unknown event" for what the standard does
 * not define.
 */
const char *mqnvme_aen_name(const struct mqnvme_aen *ev)
{
	static const char * const errors[] = {
		"write to an invalid doorbell register",
		"invalid doorbell write value",
		"diagnostic failure",
		"persistent internal error",
		"transient internal error",
		"firmware image load error",
	};
	static const char * const smart[] = {
		"NVM subsystem reliability",
		"temperature threshold",
		"spare below threshold",
	};
	static const char * const notices[] = {
		"namespace attribute changed",
		"firmware activation starting",
		"telemetry log changed",
		"asymmetric namespace access change",
		"predictable latency event aggregate log change",
		"LBA status information alert",
		"endurance group event aggregate log page change",
	};

	switch (ev->type) {
	case NVME_AER_ERROR:
		if (ev->info < ARRAY_SIZE(errors))
			return errors[ev->info];
		break;
	case NVME_AER_SMART:
		if (ev->info < ARRAY_SIZE(smart))
			return smart[ev->info];
		break;
	case NVME_AER_NOTICE:
		if (ev->info < ARRAY_SIZE(notices))
			return notices[ev->info];
		if (ev->info == NVME_AER_NOTICE_DISC_CHANGED)
			return "discovery log page change";
		break;
	case NVME_AER_CSS:
		return "I/O command set specific event";
	case NVME_AER_VS:
		return "vendor specific event";
	}
	return "unknown event";
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_aen_name);

/**
 * mqnvme_smart_warnings_str - the SMART critical warning bits in words
 * @bits: Critical Warning of the SMART / Health Information log
 * @buf: where to write, NUL-terminated
 * @size: bytes of @buf
 *
 * Return: the length written (as scnprintf()).
 */
int mqnvme_smart_warnings_str(u8 bits, char *buf, size_t size)
{
	static const char * const names[] = {
		"available spare below threshold",
		"temperature outside a threshold",
		"reliability degraded",
		"media read-only",
		"volatile memory backup failed",
		"persistent memory region read-only",
	};
	unsigned int i;
	int len = 0;

	buf[0] = '\0';
	for (i = 0; i < 8; i++) {
		if (!(bits & BIT(i)))
			continue;
		if (i < ARRAY_SIZE(names))
			len += scnprintf(buf + len, size - len, "%s%s",
					 len ? ", " : "", names[i]);
		else
			len += scnprintf(buf + len, size - len, "%sbit %u",
					 len ? ", " : "", i);
	}
	return len;
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_smart_warnings_str);
