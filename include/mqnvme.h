/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mqnvme: internal definitions shared by the files of the driver.
 */
#ifndef MQNVME_H
#define MQNVME_H

#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/cdev.h>
#include <linux/dmapool.h>
#include <linux/hrtimer.h>
#include <linux/list.h>
#include <linux/mempool.h>
#include <linux/mutex.h>
#include <linux/nvme.h>
#include <linux/pci.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/uuid.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "mqnvme_lib.h"
#include "mqnvme_pi.h"

#define MQNVME_NAME		"mqnvme"
/* Admin queue: 32 entries, blk-mq depth 30 (one slot kept for the AER). */
#define MQNVME_AQ_DEPTH		32
#define MQNVME_AQ_BLK_MQ_DEPTH	(MQNVME_AQ_DEPTH - 2)
/* The Asynchronous Event Request's command id: a tag blk-mq never hands out. */
#define MQNVME_AER_CID		MQNVME_AQ_BLK_MQ_DEPTH
/* Requeues of file system I/O that controller resets cancelled. */
/* Minors per namespace disk: the whole disk and 15 partitions. */
#define MQNVME_MINORS		16

/* Module parameters (main.c). */
extern unsigned int mqnvme_io_queue_depth;
extern unsigned int mqnvme_admin_timeout;
extern unsigned int mqnvme_io_timeout;
extern unsigned int mqnvme_shutdown_timeout;
extern unsigned int mqnvme_sgl_threshold;
extern unsigned int mqnvme_max_segments;
extern unsigned int mqnvme_max_retries;
extern unsigned int mqnvme_inject;
extern int mqnvme_irq_mode;
extern unsigned int mqnvme_poll_queues;
extern unsigned int mqnvme_irq_coalesce_time;
extern unsigned int mqnvme_irq_coalesce_thr;
extern int mqnvme_major;
extern enum mqnvme_pi_mode mqnvme_pi_mode;

/* Faults the driver can be told to pretend, for the refusal tests. */
enum mqnvme_inject_fault {
	MQNVME_INJECT_CSTS_ONES		= 1 << 0,
	MQNVME_INJECT_MPSMIN		= 1 << 1,
	MQNVME_INJECT_NO_QUEUES		= 1 << 2,
	MQNVME_INJECT_ENABLE_TIMEOUT	= 1 << 3,
	MQNVME_INJECT_MSIX_LOST		= 1 << 4,
	/* SG_IO sends what OACS/ONCS say the controller lacks. */
	MQNVME_INJECT_SCSI_CAPS		= 1 << 5,
	/*
	 * A disable skips Delete I/O SQ/CQ, as for a controller that stopped
	 * answering admin commands: what it fetched is never completed and
	 * the driver cancels (and, in a reset, requeues) it.
	 */
	MQNVME_INJECT_NO_QUEUE_DELETE	= 1 << 6,
	/*
	 * Once: the Doorbell Buffer Config of a reset's bring-up is lost (the
	 * controller never answers it), so the bring-up meets a timeout.
	 */
	MQNVME_INJECT_LOSE_DBBUF	= 1 << 7,
};

#define MQNVME_INJECT_ALL		((1U << 8) - 1)

enum mqnvme_ctrl_state {
	MQNVME_CTRL_NEW,
	MQNVME_CTRL_CONNECTING,
	MQNVME_CTRL_LIVE,
	MQNVME_CTRL_RESETTING,
	MQNVME_CTRL_DELETING,
	MQNVME_CTRL_DEAD,
};

/**
 * struct mqnvme_queue - one submission/completion queue pair
 * @ctrl: owning controller
 * @sq_lock: serialises SQ tail updates and doorbell writes
 * @sq_cmds: submission queue entries
 * @cq_lock: serialises completion processing (interrupt, timeout, poll)
 * @cqes: completion queue entries
 * @q_db: SQ tail doorbell; the CQ head doorbell is db_stride words later
 * @dbbuf_sq_db: shadow SQ tail doorbell, when the controller has them
 * @dbbuf_cq_db: shadow CQ head doorbell
 * @dbbuf_sq_ei: the controller's event index for the SQ tail
 * @dbbuf_cq_ei: the controller's event index for the CQ head
 * @tags: the blk-mq tags of this hardware queue
 * @q_depth: entries in each of the two rings
 * @sq_tail: next free SQ slot
 * @last_sq_tail: SQ tail last written to the doorbell
 * @cq_head: next CQ entry to look at
 * @cq_phase: phase tag expected at @cq_head
 * @qid: queue id, 0 for admin
 * @cq_vector: interrupt vector index (0 when @use_irq is false)
 * @enabled: created on the controller and accepting commands
 * @use_irq: completions are signalled on @cq_vector (CQ created with IEN)
 * @hctx_poll: a HCTX_TYPE_POLL queue: no interrupt, blk-mq polls it
 * @irq_requested: our handler is installed on @cq_vector
 * @irq_masked: @cq_vector is disabled (fault injection)
 * @submitted: commands written to the SQ (under @sq_lock)
 * @completed: completions consumed (under @cq_lock)
 * @irqs: interrupts that found completions
 * @polls: runs of the completion poller
 * @poll_timer: the completion poller of a queue without interrupt
 * @poll_armed: bit 0: @poll_timer is queued or about to be re-armed
 * @poll_ns: the poller's current interval
 */
struct mqnvme_queue {
	struct mqnvme_ctrl *ctrl;
	spinlock_t sq_lock;		/* SQ tail and doorbell */
	struct nvme_command *sq_cmds;
	u16 sq_tail;
	u16 last_sq_tail;
	u64 submitted;

	spinlock_t cq_lock ____cacheline_aligned_in_smp;	/* CQ head */
	struct nvme_completion *cqes;
	u16 cq_head;
	u8 cq_phase;
	u64 completed;
	u64 irqs;
	u64 polls;
	struct hrtimer poll_timer;
	unsigned long poll_armed;
	u32 poll_ns;

	u32 __iomem *q_db;
	__le32 *dbbuf_sq_db;
	__le32 *dbbuf_cq_db;
	__le32 *dbbuf_sq_ei;
	__le32 *dbbuf_cq_ei;
	struct blk_mq_tags *tags;
	dma_addr_t sq_dma_addr;
	dma_addr_t cq_dma_addr;
	u32 q_depth;
	u16 qid;
	u16 cq_vector;
	bool enabled;
	bool use_irq;
	bool hctx_poll;
	bool irq_requested;
	bool irq_masked;
};

/**
 * struct mqnvme_iod - per-request driver data, in the blk-mq pdu
 * @cmd: the command as it goes to the SQ
 * @status: NVMe status of the completion (phase bit removed)
 * @result: completion dword 0/1
 * @genctr: generation counter, bumped on every (re)issue
 * @retries: times the request was requeued after a reset cancelled it
 * @use_sgl: @lists describe an SGL rather than PRPs
 * @dma_len: non-zero when a single bio_vec was mapped directly
 * @first_dma: bus address of that single mapping, or of the DSM ranges
 * @dsm_range: Dataset Management range list (discard requests)
 * @meta_dma: bus address of the integrity payload (MPTR)
 * @meta_len: its length, 0 when none is mapped
 * @sgt: scatterlist mapping for multi-segment requests
 * @lists: PRP list pages or SGL segment
 */
struct mqnvme_iod {
	struct nvme_command cmd;
	u16 status;
	u8 genctr;
	u8 retries;
	bool aborted;
	bool use_sgl;
	union nvme_result result;
	unsigned int dma_len;
	dma_addr_t first_dma;
	struct nvme_dsm_range *dsm_range;
	dma_addr_t meta_dma;
	unsigned int meta_len;
	struct sg_table sgt;
	struct mqnvme_dptr_lists lists;
};

/* Bit of mqnvme_ns.pi_busy: the PI diagnosis work is queued or running. */
#define MQNVME_PI_WORK_BUSY	0

/**
 * struct mqnvme_ns - one namespace and its disk
 * @list: entry in the controller's namespace list
 * @ctrl: owning controller
 * @disk: the block device
 * @nsid: namespace id
 * @lba_shift: log2 of the logical block size
 * @ms: metadata bytes per block
 * @ext: the metadata is interleaved with the data (extended LBAs)
 * @pi: how its metadata and protection information are served (pi.c)
 * @pi_work: names the failing block of a read the controller refused
 *           for a PI check (pi.c)
 * @pi_diag: the LBA range @pi_work looks at
 * @pi_busy: bit MQNVME_PI_WORK_BUSY: @pi_work is queued or running
 * @scan_gen: the namespace scan that last found it active
 * @stopped: its queue is frozen and quiesced by a reset
 * @eui64: IEEE Extended Unique Identifier, zero when the namespace has none
 * @nguid: Namespace Globally Unique Identifier, zero when none
 * @uuid: Namespace UUID, null when none
 * @dpc: Identify Namespace DPC: the PI types it can be formatted with
 * @pi_type: the PI type it is formatted with (DPS), 0 without; the type
 *           in use is @pi.pi_type
 * @lbprz: deallocated blocks read as zeroes (DLFEAT)
 * @sg_timeout: SG_SET_TIMEOUT's default SG_IO timeout in jiffies, 0: 60 s
 * @sg_reserved_size: SG_SET_RESERVED_SIZE's value
 * @sg_d_sense: SG_IO sense in descriptor format (control mode page)
 * @sg_block_len: block length of the next FORMAT UNIT (MODE SELECT), 0
 *                for the current one
 */
struct mqnvme_ns {
	struct list_head list;
	struct mqnvme_ctrl *ctrl;
	struct gendisk *disk;
	u32 nsid;
	u8 lba_shift;
	u16 ms;
	bool ext;
	struct mqnvme_pi_setup pi;
	struct work_struct pi_work;
	struct mqnvme_pi_diag {
		u64 slba;
		u32 nlb;
	} pi_diag;
	unsigned long pi_busy;
	unsigned int scan_gen;
	bool stopped;
	u8 eui64[8];
	u8 nguid[16];
	uuid_t uuid;
	u8 csi;				/* command set, NVME_CSI_* */
	u8 dpc;
	u8 pi_type;
	bool lbprz;
	unsigned int sg_timeout;
	int sg_reserved_size;
	bool sg_d_sense;
	u32 sg_block_len;
};

/**
 * struct mqnvme_ctrl - one NVMe controller
 */
struct mqnvme_ctrl {
	struct pci_dev *pdev;
	struct device *dev;
	int instance;
	enum mqnvme_ctrl_state state;
	spinlock_t state_lock;		/* protects @state transitions */

	void __iomem *bar;
	unsigned long bar_mapped_size;
	u32 __iomem *dbs;
	u64 cap;
	u32 vs;
	u32 ctrl_config;
	u32 db_stride;
	u32 q_depth;

	struct mqnvme_queue *queues;
	unsigned int nr_queue_slots;	/* entries of @queues */
	unsigned int nr_io_queues;	/* default + poll */
	unsigned int nr_poll_queues;
	unsigned int online_queues;
	unsigned int nr_vectors;
	enum mqnvme_irq_mode irq_mode;	/* the rung in use */
	bool irq_mode_chosen;		/* resets keep @irq_mode */
	bool coalesce_reported;		/* its outcome is logged once */

	struct blk_mq_tag_set admin_tagset;
	struct request_queue *admin_q;
	struct blk_mq_tag_set tagset;
	bool tagset_allocated;

	/* Shadow doorbells (Doorbell Buffer Config), NULL when not in use. */
	__le32 *dbbuf_dbs;
	__le32 *dbbuf_eis;
	dma_addr_t dbbuf_dbs_dma;
	dma_addr_t dbbuf_eis_dma;
	size_t dbbuf_size;

	struct dma_pool *prp_page_pool;
	struct dma_pool *prp_small_pool;
	mempool_t *iod_mempool;

	struct mutex namespaces_lock;	/* protects @namespaces, @io_stopped */
	struct list_head namespaces;
	bool io_stopped;		/* a reset holds the disks' I/O */

	/*
	 * Serialises disabling and cancelling (teardown, resets, timeouts)
	 * and the reset's move to live, so a timeout during bring-up fails
	 * that attempt.
	 */
	struct mutex shutdown_lock;
	struct work_struct dead_work;
	struct work_struct reset_work;
	u32 resets;			/* resets done (debugfs) */
	atomic_t requeued;		/* requests requeued by resets (debugfs) */
	atomic_t aborts;		/* Aborts sent for timeouts (debugfs) */
	atomic_t abort_limit;		/* Aborts the controller still takes */
	struct completion delete_done;	/* bounded Delete I/O SQ/CQ */
	int delete_status;
	bool hw_failed;
	bool hw_enabled;
	bool held;			/* mqnvme_ctrl_hold() until released */
	struct dentry *debugfs_dir;

	/* The class device /dev/mqnvme<C>; its release frees the controller. */
	struct device class_dev;
	struct cdev cdev;
	bool cdev_added;
	/* Held for reading by every ioctl; remove() waits for them. */
	struct rw_semaphore ioctl_rwsem;
	/* Serialises namespace scans with commands that change formats. */
	struct mutex scan_lock;
	unsigned int scan_gen;		/* under @scan_lock */
	/* nsids refused for their command set, each logged once */
	struct xarray refused_ns;
	struct nvme_effects_log *effects;

	/* Asynchronous events (aen.c). */
	struct work_struct aen_work;
	struct delayed_work aen_poll_work;	/* polled admin queue only */
	unsigned long aen_flags;
	u32 aen_result;			/* of the last AER completion */
	u16 aen_status;
	u8 smart_logged;		/* critical warnings already logged */
	u64 errors_logged;		/* error log count already logged */
	u32 aens;			/* events received (debugfs) */

	/* From Identify Controller. */
	char serial[21];		/* NUL-terminated, trailing spaces cut */
	char model[41];
	char firmware_rev[9];
	u16 vid;
	u16 cntlid;
	u32 nn;
	u32 max_hw_sectors;
	u32 shutdown_timeout;
	u16 oncs;
	u16 oacs;
	u32 oaes;
	u32 ctratt;
	u8 vwc;
	u8 npss;
	u8 fwug;
	u16 crdt[3];			/* Command Retry Delay Times, 100 ms */
	bool sgls;

	/* FORMAT UNIT with IMMED through SG_IO (scsi.c). */
	struct work_struct format_work;
	struct mutex format_lock;	/* the fields below */
	bool format_running;
	bool format_failed;		/* reported once, as 3/31/00 */
	u32 format_nsid;
	u32 format_cdw10;
};

static inline unsigned int mqnvme_nr_default_queues(struct mqnvme_ctrl *ctrl)
{
	return ctrl->nr_io_queues - ctrl->nr_poll_queues;
}

static inline struct mqnvme_iod *mqnvme_req_iod(struct request *req)
{
	return blk_mq_rq_to_pdu(req);
}

static inline struct nvme_command *mqnvme_req_cmd(struct request *req)
{
	return &mqnvme_req_iod(req)->cmd;
}

/* ctrl.c: bring-up, teardown, state */
bool mqnvme_change_state(struct mqnvme_ctrl *ctrl,
			 enum mqnvme_ctrl_state new_state);
const char *mqnvme_state_name(enum mqnvme_ctrl_state state);
void mqnvme_ctrl_setup(struct mqnvme_ctrl *ctrl);
int mqnvme_ctrl_init(struct mqnvme_ctrl *ctrl);
int mqnvme_ctrl_enable_admin(struct mqnvme_ctrl *ctrl);
void mqnvme_ctrl_disable(struct mqnvme_ctrl *ctrl, bool shutdown);
void mqnvme_ctrl_free(struct mqnvme_ctrl *ctrl);
void mqnvme_ctrl_fail(struct mqnvme_ctrl *ctrl, const char *why);
bool mqnvme_ctrl_stop_hw(struct mqnvme_ctrl *ctrl);
int mqnvme_reset_ctrl(struct mqnvme_ctrl *ctrl);
bool mqnvme_ctrl_hold(struct mqnvme_ctrl *ctrl, const char *why,
		      bool shutdown);
void mqnvme_ctrl_release_hold(struct mqnvme_ctrl *ctrl);
int mqnvme_reset_ctrl_sync(struct mqnvme_ctrl *ctrl);
int mqnvme_subsystem_reset(struct mqnvme_ctrl *ctrl);

/* queue.c: rings, doorbells, interrupts, completions */
int mqnvme_queue_alloc(struct mqnvme_ctrl *ctrl, unsigned int qid, u32 depth);
void mqnvme_queue_free(struct mqnvme_ctrl *ctrl, unsigned int qid);
void mqnvme_queue_init(struct mqnvme_queue *q, u16 vector);
void mqnvme_queue_setup_poller(struct mqnvme_queue *q);
int mqnvme_queue_request_irq(struct mqnvme_queue *q);
void mqnvme_queue_free_irq(struct mqnvme_queue *q);
void mqnvme_queue_mask_irq(struct mqnvme_queue *q, bool mask);
int mqnvme_queue_poll(struct mqnvme_queue *q, struct io_comp_batch *iob);
void mqnvme_sq_copy_cmd(struct mqnvme_queue *q, struct nvme_command *cmd);
void mqnvme_sq_put_uncounted(struct mqnvme_queue *q, struct nvme_command *cmd);
void mqnvme_write_sq_db(struct mqnvme_queue *q, bool write_sq);
void mqnvme_submit_cmd(struct mqnvme_queue *q, struct nvme_command *cmd,
		       bool write_db);
void mqnvme_commit_sq(struct mqnvme_queue *q);
bool mqnvme_poll_cq_locked(struct mqnvme_queue *q);

/* admin.c: admin queue and synchronous admin commands */
int mqnvme_admin_init(struct mqnvme_ctrl *ctrl);
void mqnvme_admin_exit(struct mqnvme_ctrl *ctrl);
int mqnvme_admin_sync(struct mqnvme_ctrl *ctrl, struct nvme_command *cmd,
		      void *buf, unsigned int len, union nvme_result *result);
int mqnvme_sync_cmd(struct request_queue *q, struct nvme_command *cmd,
		    void *buf, unsigned int len, union nvme_result *result,
		    unsigned int timeout);
int mqnvme_admin_sync_timeout(struct mqnvme_ctrl *ctrl,
			      struct nvme_command *cmd, void *buf,
			      unsigned int len, union nvme_result *result,
			      unsigned int timeout);
int mqnvme_set_features_data(struct mqnvme_ctrl *ctrl, u8 fid, u32 dword11,
			     void *buf, unsigned int len,
			     union nvme_result *result);
int mqnvme_set_features(struct mqnvme_ctrl *ctrl, u8 fid, u32 dword11,
			union nvme_result *result);
int mqnvme_identify(struct mqnvme_ctrl *ctrl, u8 cns, u32 nsid, void *buf);
int mqnvme_get_log(struct mqnvme_ctrl *ctrl, u8 lid, u32 nsid, bool retain,
		   void *buf, size_t len);
int mqnvme_set_queue_count(struct mqnvme_ctrl *ctrl, unsigned int *count);
int mqnvme_create_io_queue(struct mqnvme_ctrl *ctrl, struct mqnvme_queue *q);
int mqnvme_delete_io_queue(struct mqnvme_ctrl *ctrl, u16 qid);
int mqnvme_set_dbbuf(struct mqnvme_ctrl *ctrl);
bool mqnvme_abort_cmd(struct mqnvme_ctrl *ctrl, struct request *req);

/* io.c: the blk-mq request path */
extern const struct blk_mq_ops mqnvme_mq_admin_ops;
extern const struct blk_mq_ops mqnvme_mq_ops;
void mqnvme_cancel_all(struct mqnvme_ctrl *ctrl);
bool mqnvme_handle_cqe(struct mqnvme_queue *q, struct io_comp_batch *iob,
		       struct nvme_completion *cqe);
void mqnvme_complete_batch(struct io_comp_batch *iob);

/* ns.c: namespaces and disks */
int mqnvme_rescan(struct mqnvme_ctrl *ctrl);
void mqnvme_remove_namespaces(struct mqnvme_ctrl *ctrl);
void mqnvme_mark_namespaces_dead(struct mqnvme_ctrl *ctrl);
void mqnvme_freeze_namespaces(struct mqnvme_ctrl *ctrl);
void mqnvme_stop_namespaces(struct mqnvme_ctrl *ctrl);
void mqnvme_resume_namespaces(struct mqnvme_ctrl *ctrl, bool update_queues);
void mqnvme_unfreeze_namespaces(struct mqnvme_ctrl *ctrl);
struct mqnvme_ns *mqnvme_get_single_ns(struct mqnvme_ctrl *ctrl, int *err);
void mqnvme_put_ns(struct mqnvme_ns *ns);

/* aen.c: Asynchronous Event Requests */
void mqnvme_aen_init(struct mqnvme_ctrl *ctrl);
void mqnvme_aen_start(struct mqnvme_ctrl *ctrl);
void mqnvme_aen_queue_down(struct mqnvme_ctrl *ctrl);
void mqnvme_aen_stop(struct mqnvme_ctrl *ctrl);
void mqnvme_aen_complete(struct mqnvme_ctrl *ctrl,
			 struct nvme_completion *cqe);

/* pi.c: protection information and metadata */
void mqnvme_pi_ns_init(struct mqnvme_ns *ns);
void mqnvme_pi_ns_exit(struct mqnvme_ns *ns);
void mqnvme_pi_format_changed(struct mqnvme_ns *ns);
int mqnvme_pi_read_format(struct mqnvme_ctrl *ctrl, u32 nsid,
			  struct nvme_id_ns *id, struct mqnvme_pi_format *f);
blk_status_t mqnvme_pi_setup_rw(struct mqnvme_ns *ns, struct request *req,
				struct nvme_command *cmd);
void mqnvme_pi_error(struct mqnvme_ns *ns, struct request *req, u16 status);
void *mqnvme_meta_alloc(struct mqnvme_ctrl *ctrl, size_t len, dma_addr_t *dma);
void mqnvme_meta_free(struct mqnvme_ctrl *ctrl, void *meta, size_t len,
		      dma_addr_t dma);
const char *mqnvme_pi_crc_driver(bool guard64, char *buf, size_t size);

/* ioctl.c: passthrough ioctls on the char device and the disks */
extern const struct file_operations mqnvme_ctrl_fops;
void mqnvme_effects_init(struct mqnvme_ctrl *ctrl, u8 lpa);
int mqnvme_bdev_ioctl(struct block_device *bdev, blk_mode_t mode,
		      unsigned int cmd, unsigned long arg);
bool mqnvme_ioctl_enter(struct mqnvme_ctrl *ctrl);
void mqnvme_ioctl_exit(struct mqnvme_ctrl *ctrl);
void mqnvme_passthru_start(struct mqnvme_ctrl *ctrl, u32 effects);
void mqnvme_passthru_end(struct mqnvme_ctrl *ctrl, u32 effects);
int mqnvme_rq_map_user_iter(struct request *req, struct iov_iter *iter);
void mqnvme_ns_format(struct mqnvme_ns *ns, struct mqnvme_ns_format *fmt);

/* scsi.c: SG_IO and the SCSI ioctls, translated to NVMe */
bool mqnvme_scsi_ioctl_cmd(unsigned int cmd);
int mqnvme_scsi_ioctl(struct block_device *bdev, blk_mode_t mode,
		      unsigned int cmd, void __user *argp);
void mqnvme_scsi_init_ctrl(struct mqnvme_ctrl *ctrl);
void mqnvme_scsi_stop_ctrl(struct mqnvme_ctrl *ctrl);

/* irq.c: the interrupt ladder, I/O vectors, coalescing */
int mqnvme_irq_setup_admin(struct mqnvme_ctrl *ctrl);
int mqnvme_irq_setup_io(struct mqnvme_ctrl *ctrl);
void mqnvme_irq_release(struct mqnvme_ctrl *ctrl);
u16 mqnvme_irq_queue_vector(struct mqnvme_ctrl *ctrl, unsigned int qid);
void mqnvme_irq_coalesce(struct mqnvme_ctrl *ctrl);
int mqnvme_irq_describe(struct mqnvme_ctrl *ctrl, char *buf, size_t size);

/* sysfs.c: the mqnvme class, the char device, controller and disk attributes */
extern const struct attribute_group *mqnvme_ns_groups[];
int mqnvme_class_init(void);
void mqnvme_class_exit(void);
int mqnvme_ctrl_device_init(struct mqnvme_ctrl *ctrl,
			    void (*release)(struct device *dev));
int mqnvme_sysfs_add_ctrl(struct mqnvme_ctrl *ctrl);
void mqnvme_sysfs_remove_ctrl(struct mqnvme_ctrl *ctrl);

/* pci.c */
extern struct pci_driver mqnvme_pci_driver;

/* pci.c */
int mqnvme_pci_sleep_cycle(struct mqnvme_ctrl *ctrl);

/* debugfs.c */
void mqnvme_debugfs_init(void);
void mqnvme_debugfs_exit(void);
void mqnvme_debugfs_add_ctrl(struct mqnvme_ctrl *ctrl);
void mqnvme_debugfs_remove_ctrl(struct mqnvme_ctrl *ctrl);

#endif /* MQNVME_H */
