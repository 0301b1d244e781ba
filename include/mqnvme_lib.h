/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mqnvme: the pure logic of the driver (no hardware access), kept apart so
 * that the KUnit suites in kunit/ can exercise it directly.
 */
#ifndef MQNVME_LIB_H
#define MQNVME_LIB_H

#include <linux/bits.h>
#include <linux/types.h>
#include <linux/nvme.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>
#include <linux/blk_types.h>

/* The controller memory page size; CC.MPS is always programmed to 4 KiB. */
#define MQNVME_CTRL_PAGE_SHIFT	12
#define MQNVME_CTRL_PAGE_SIZE	BIT(MQNVME_CTRL_PAGE_SHIFT)

/* Largest transfer the driver ever builds, whatever MDTS allows. */
#define MQNVME_MAX_TRANSFER	SZ_8M
/* PRP entries of one list page; the last one chains to the next page. */
#define MQNVME_PRPS_PER_PAGE	(MQNVME_CTRL_PAGE_SIZE / sizeof(__le64))
/* PRP entries (or SGL descriptors) that fit the 256-byte small pool. */
#define MQNVME_SMALL_LIST_SIZE	256
#define MQNVME_SGLS_PER_PAGE	(MQNVME_CTRL_PAGE_SIZE / sizeof(struct nvme_sgl_desc))
/*
 * List pages a maximal transfer needs: PRP1 covers the first page, every
 * full list page holds MQNVME_PRPS_PER_PAGE - 1 entries plus the chain.
 */
#define MQNVME_MAX_LISTS \
	DIV_ROUND_UP(MQNVME_MAX_TRANSFER / MQNVME_CTRL_PAGE_SIZE, \
		     MQNVME_PRPS_PER_PAGE - 1)
/* Scatter/gather segments a request may carry (SGL list fits one page). */
#define MQNVME_MAX_SEGMENTS	MQNVME_SGLS_PER_PAGE

/*
 * Interrupt modes, best first: the ladder walks down from the one asked for
 * (auto starts at MSI-X) to polling, which always works.
 */
enum mqnvme_irq_mode {
	MQNVME_IRQ_AUTO,
	MQNVME_IRQ_MSIX,
	MQNVME_IRQ_MSI,
	MQNVME_IRQ_INTX,
	MQNVME_IRQ_POLL,
};

/* Completion poller intervals (irq_mode=poll), see mqnvme_poll_next_ns(). */
#define MQNVME_POLL_MIN_NS	10000U
#define MQNVME_POLL_MAX_NS	1000000U

/* Command identifier: 4-bit generation counter above a 12-bit blk-mq tag. */
#define MQNVME_CID_TAG_BITS	12
#define MQNVME_CID_TAG_MASK	((1U << MQNVME_CID_TAG_BITS) - 1)
#define MQNVME_CID_GEN_MASK	0xfU
#define MQNVME_MAX_QUEUE_DEPTH	BIT(MQNVME_CID_TAG_BITS)

static inline u16 mqnvme_cid(u8 genctr, unsigned int tag)
{
	return ((genctr & MQNVME_CID_GEN_MASK) << MQNVME_CID_TAG_BITS) |
	       (tag & MQNVME_CID_TAG_MASK);
}

static inline unsigned int mqnvme_cid_tag(u16 cid)
{
	return cid & MQNVME_CID_TAG_MASK;
}

static inline u8 mqnvme_cid_gen(u16 cid)
{
	return cid >> MQNVME_CID_TAG_BITS;
}

/**
 * struct mqnvme_list_pool - where PRP list pages and SGL segments come from
 * @alloc: returns a zeroed-or-not list of 256 bytes (@small) or one
 *         controller page, and its bus address in @dma; NULL on failure
 * @ctx: passed back to @alloc
 */
struct mqnvme_list_pool {
	void *(*alloc)(void *ctx, bool small, dma_addr_t *dma);
	void *ctx;
};

/**
 * struct mqnvme_dptr_lists - the descriptor lists built for one command
 * @nr: how many lists were allocated (0 when PRP1/PRP2 or one SGL
 *      descriptor in the command were enough)
 * @small: the single list came from the 256-byte pool
 * @va: CPU addresses of the lists, in chain order
 */
struct mqnvme_dptr_lists {
	u8 nr;
	bool small;
	void *va[MQNVME_MAX_LISTS];
};

/* io_lib.c: data pointers and completion status */
int mqnvme_build_prps(struct scatterlist *sgl, int nents, unsigned int len,
		      const struct mqnvme_list_pool *pool,
		      struct mqnvme_dptr_lists *lists, union nvme_data_ptr *dptr);
int mqnvme_build_sgl(struct scatterlist *sgl, int nents,
		     const struct mqnvme_list_pool *pool,
		     struct mqnvme_dptr_lists *lists, union nvme_data_ptr *dptr);
dma_addr_t mqnvme_prp_list_next(const struct mqnvme_dptr_lists *lists, int i);
unsigned int mqnvme_retry_delay_ms(u16 status, const u16 *crdt);
unsigned long mqnvme_abort_rearm(unsigned long timeout, unsigned long def);
blk_status_t mqnvme_status_to_blk(u16 status);

/* queue_lib.c */
bool mqnvme_dbbuf_need_event(u16 event_idx, u16 new_idx, u16 old_idx);
u32 mqnvme_poll_next_ns(u32 cur_ns, bool found);

/* ctrl_lib.c: bring-up arithmetic */
unsigned int mqnvme_granted_queues(u32 nr_queues_result);
unsigned int mqnvme_split_queues(unsigned int cpus, unsigned int granted,
				 unsigned int poll_wanted,
				 unsigned int *nr_poll);
u32 mqnvme_q_depth(u64 cap, u32 io_queue_depth);
unsigned long mqnvme_db_bar_size(unsigned int nr_queues, u32 db_stride);
u32 mqnvme_max_hw_sectors(u8 mdts, u64 cap);
unsigned int mqnvme_ready_timeout_ms(u64 cap);
unsigned int mqnvme_shutdown_timeout_s(u32 rtd3e, unsigned int param);

/* irq_lib.c */
unsigned int mqnvme_queue_vector(unsigned int qid, unsigned int vectors);
const char *mqnvme_irq_mode_name(enum mqnvme_irq_mode mode);
int mqnvme_irq_mode_parse(const char *s);

/* Copy (NVMe 2.0), which linux/nvme.h of 6.12 does not name. */
#define MQNVME_CMD_COPY		0x19

/**
 * struct mqnvme_ns_format - what a passthrough I/O command's sizes depend on
 * @lba_shift: log2 of the logical block size
 * @ms: metadata bytes per block
 * @ext: metadata interleaved with the data (extended LBAs)
 * @pi_size: bytes of protection information in the metadata, 0 without PI
 */
struct mqnvme_ns_format {
	u8 lba_shift;
	u16 ms;
	bool ext;
	u8 pi_size;
};

/* ioctl_lib.c: passthrough lengths and refusals */
long mqnvme_admin_xfer_len(const struct nvme_command *cmd);
long mqnvme_io_xfer_len(const struct nvme_command *cmd,
			const struct mqnvme_ns_format *fmt);
u32 mqnvme_io_meta_len(const struct nvme_command *cmd,
		       const struct mqnvme_ns_format *fmt);
bool mqnvme_admin_cmd_reserved(const struct nvme_command *cmd);

/**
 * struct mqnvme_aen - an Asynchronous Event Request's completion dword 0
 * @type: event type (NVME_AER_ERROR, NVME_AER_SMART, NVME_AER_NOTICE, ...)
 * @info: event information (the subtype within @type)
 * @lid: the log page that clears the event (read with RAE = 0)
 */
struct mqnvme_aen {
	u8 type;
	u8 info;
	u8 lid;
};

/*
 * The SMART/health critical warning bits the driver asks events for: bits
 * 0-4 (linux/nvme.h), and bit 5 (persistent memory region) from NVMe 1.4
 * on, which linux/nvme.h of 6.12 does not name.
 */
#define MQNVME_SMART_CRIT_ALL	(NVME_SMART_CRIT_SPARE | \
				 NVME_SMART_CRIT_TEMPERATURE | \
				 NVME_SMART_CRIT_RELIABILITY | \
				 NVME_SMART_CRIT_MEDIA | \
				 NVME_SMART_CRIT_VOLATILE_MEMORY)
#define MQNVME_SMART_CRIT_PMR	BIT(5)

/* aen_lib.c */
struct mqnvme_aen mqnvme_aen_decode(u32 result);
u32 mqnvme_aen_config(u32 oaes, u32 vs);
const char *mqnvme_aen_name(const struct mqnvme_aen *ev);
int mqnvme_smart_warnings_str(u8 bits, char *buf, size_t size);

#endif /* MQNVME_LIB_H */
