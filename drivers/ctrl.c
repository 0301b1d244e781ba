// SPDX-License-Identifier: GPL-2.0
/*
 * mqnvme: controller bring-up and teardown: BAR mapping, CC/CSTS handshakes,
 * interrupt vectors, queue creation and deletion, and the controller state
 * machine.
 */
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/slab.h>
#include <linux/sched/signal.h>

#include "mqnvme.h"

static const char * const mqnvme_state_names[] = {
	[MQNVME_CTRL_NEW]		= "new",
	[MQNVME_CTRL_CONNECTING]	= "connecting",
	[MQNVME_CTRL_LIVE]		= "live",
	[MQNVME_CTRL_RESETTING]		= "resetting",
	[MQNVME_CTRL_DELETING]		= "deleting",
	[MQNVME_CTRL_DEAD]		= "dead",
};

/**
 * mqnvme_state_name - printable name of a controller state
 * @state: the state
 *
 * Return: a constant string.
 */
const char *mqnvme_state_name(enum mqnvme_ctrl_state state)
{
	if (state < ARRAY_SIZE(mqnvme_state_names))
		return mqnvme_state_names[state];
	return "unknown";
}

/*
 * The transitions, by target state:
 *
 *   connecting <- new (probe), resetting (reset work re-enables)
 *   live       <- connecting
 *   resetting  <- live (reset ioctl, sysfs, timeout recovery)
 *   dead       <- connecting, live, resetting (bring-up or reset failed)
 *   deleting   <- any but deleting (remove, shutdown, failed probe)
 */
static bool mqnvme_state_allowed(enum mqnvme_ctrl_state old,
				 enum mqnvme_ctrl_state new)
{
	switch (new) {
	case MQNVME_CTRL_CONNECTING:
		return old == MQNVME_CTRL_NEW || old == MQNVME_CTRL_RESETTING;
	case MQNVME_CTRL_LIVE:
		return old == MQNVME_CTRL_CONNECTING;
	case MQNVME_CTRL_RESETTING:
		return old == MQNVME_CTRL_LIVE;
	case MQNVME_CTRL_DEAD:
		return old == MQNVME_CTRL_CONNECTING || old == MQNVME_CTRL_LIVE ||
		       old == MQNVME_CTRL_RESETTING;
	case MQNVME_CTRL_DELETING:
		return old != MQNVME_CTRL_DELETING;
	default:
		return false;
	}
}

/**
 * mqnvme_change_state - move the controller to @new_state if allowed
 * @ctrl: the controller
 * @new_state: the state wanted
 *
 * Return: true if the transition was made.
 */
bool mqnvme_change_state(struct mqnvme_ctrl *ctrl,
			 enum mqnvme_ctrl_state new_state)
{
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&ctrl->state_lock, flags);
	ok = mqnvme_state_allowed(ctrl->state, new_state);
	if (ok)
		WRITE_ONCE(ctrl->state, new_state);
	spin_unlock_irqrestore(&ctrl->state_lock, flags);
	return ok;
}

static u32 mqnvme_csts(struct mqnvme_ctrl *ctrl)
{
	if (mqnvme_inject & MQNVME_INJECT_CSTS_ONES)
		return ~0U;
	return readl(ctrl->bar + NVME_REG_CSTS);
}

static int mqnvme_map_bar(struct mqnvme_ctrl *ctrl, unsigned long size)
{
	struct pci_dev *pdev = ctrl->pdev;
	unsigned int i;

	if (size <= ctrl->bar_mapped_size)
		return 0;
	if (size > pci_resource_len(pdev, 0)) {
		dev_err(ctrl->dev, "BAR0 (%llu bytes) cannot hold %lu bytes of registers and doorbells\n",
			(unsigned long long)pci_resource_len(pdev, 0), size);
		return -ENODEV;
	}
	if (ctrl->bar)
		iounmap(ctrl->bar);
	ctrl->bar = ioremap(pci_resource_start(pdev, 0), size);
	if (!ctrl->bar) {
		ctrl->bar_mapped_size = 0;
		return -ENOMEM;
	}
	ctrl->bar_mapped_size = size;
	ctrl->dbs = ctrl->bar + NVME_REG_DBS;
	/* Queues already set up keep ringing the right doorbells. */
	for (i = 0; ctrl->queues && i <= ctrl->nr_io_queues; i++)
		if (ctrl->queues[i].cqes)
			ctrl->queues[i].q_db =
				&ctrl->dbs[i * 2 * ctrl->db_stride];
	return 0;
}

static int mqnvme_wait_ready(struct mqnvme_ctrl *ctrl, u32 mask, u32 val,
			     unsigned int timeout_ms, const char *what,
			     bool enabling)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(timeout_ms);
	u32 csts;

	for (;;) {
		csts = mqnvme_csts(ctrl);
		if (csts == ~0U) {
			dev_err(ctrl->dev, "%s: controller does not respond (CSTS reads 0xffffffff)\n",
				what);
			return -ENODEV;
		}
		if (enabling && (mqnvme_inject & MQNVME_INJECT_ENABLE_TIMEOUT))
			csts &= ~NVME_CSTS_RDY;
		if (enabling && (csts & NVME_CSTS_CFS)) {
			dev_err(ctrl->dev, "%s: controller fatal status (CSTS 0x%x)\n",
				what, csts);
			return -ENODEV;
		}
		if ((csts & mask) == val)
			return 0;
		if (time_after(jiffies, deadline)) {
			dev_err(ctrl->dev, "%s: timed out after %u ms (CSTS 0x%x)\n",
				what, timeout_ms, csts);
			return -ENODEV;
		}
		if (fatal_signal_pending(current))
			return -EINTR;
		usleep_range(1000, 2000);
	}
}

/* CC.EN = 0 and wait for CSTS.RDY = 0. */
static int mqnvme_disable_hw(struct mqnvme_ctrl *ctrl)
{
	unsigned int tmo = mqnvme_ready_timeout_ms(ctrl->cap);
	u32 cc = readl(ctrl->bar + NVME_REG_CC);
	u32 csts = mqnvme_csts(ctrl);

	if (csts == ~0U)
		return -ENODEV;
	if (!(cc & NVME_CC_ENABLE) && !(csts & NVME_CSTS_RDY))
		return 0;
	/*
	 * EN may only be cleared once RDY has followed it to 1, unless the
	 * controller failed (CFS): then RDY will not come.
	 */
	if ((cc & NVME_CC_ENABLE) && !(csts & (NVME_CSTS_RDY | NVME_CSTS_CFS)))
		mqnvme_wait_ready(ctrl, NVME_CSTS_RDY, NVME_CSTS_RDY, tmo,
				  "wait for pending enable", false);
	ctrl->ctrl_config = cc & ~(NVME_CC_ENABLE | NVME_CC_SHN_MASK);
	writel(ctrl->ctrl_config, ctrl->bar + NVME_REG_CC);
	ctrl->hw_enabled = false;
	return mqnvme_wait_ready(ctrl, NVME_CSTS_RDY, 0, tmo, "disable", false);
}

static int mqnvme_enable_hw(struct mqnvme_ctrl *ctrl)
{
	ctrl->ctrl_config = NVME_CC_CSS_NVM |
			    (0 << NVME_CC_MPS_SHIFT) |	/* 4 KiB pages */
			    NVME_CC_AMS_RR | NVME_CC_SHN_NONE |
			    NVME_CC_IOSQES | NVME_CC_IOCQES | NVME_CC_ENABLE;
	writel(ctrl->ctrl_config, ctrl->bar + NVME_REG_CC);
	ctrl->hw_enabled = true;
	return mqnvme_wait_ready(ctrl, NVME_CSTS_RDY, NVME_CSTS_RDY,
				 mqnvme_ready_timeout_ms(ctrl->cap), "enable",
				 true);
}

static int mqnvme_shutdown_hw(struct mqnvme_ctrl *ctrl)
{
	u32 cc = readl(ctrl->bar + NVME_REG_CC);

	cc = (cc & ~NVME_CC_SHN_MASK) | NVME_CC_SHN_NORMAL;
	writel(cc, ctrl->bar + NVME_REG_CC);
	ctrl->hw_enabled = false;
	return mqnvme_wait_ready(ctrl, NVME_CSTS_SHST_MASK, NVME_CSTS_SHST_CMPLT,
				 ctrl->shutdown_timeout * MSEC_PER_SEC,
				 "shutdown", false);
}

static void mqnvme_reap_all(struct mqnvme_ctrl *ctrl)
{
	unsigned long flags;
	unsigned int i;

	for (i = 0; i <= ctrl->nr_io_queues; i++) {
		struct mqnvme_queue *q = &ctrl->queues[i];

		if (!q->cqes)
			continue;
		spin_lock_irqsave(&q->cq_lock, flags);
		mqnvme_poll_cq_locked(q);
		spin_unlock_irqrestore(&q->cq_lock, flags);
	}
}

static void mqnvme_disable_queues(struct mqnvme_ctrl *ctrl)
{
	unsigned int i;

	for (i = 0; i <= ctrl->nr_io_queues; i++)
		WRITE_ONCE(ctrl->queues[i].enabled, false);
}

/**
 * mqnvme_ctrl_stop_hw - stop a controller from the timeout handler
 * @ctrl: a controller that is being brought up or torn down
 *
 * Disables the hardware so it no longer touches host memory, takes what
 * it completed and fails everything else. Used where the context that
 * would normally disable the controller is itself waiting for a command.
 * Under shutdown_lock, taken only if free: its holder is a disable (which
 * cancels everything itself, and may be waiting for this very command) or
 * the reset's move to live (after which the state is no longer one this
 * applies to).
 *
 * Return: false if nothing was done: the lock was held, or the controller
 * is no longer being brought up or torn down.
 */
bool mqnvme_ctrl_stop_hw(struct mqnvme_ctrl *ctrl)
{
	enum mqnvme_ctrl_state state;

	if (!mutex_trylock(&ctrl->shutdown_lock))
		return false;
	state = READ_ONCE(ctrl->state);
	if (state != MQNVME_CTRL_NEW && state != MQNVME_CTRL_CONNECTING &&
	    state != MQNVME_CTRL_DELETING) {
		mutex_unlock(&ctrl->shutdown_lock);
		return false;
	}
	/* A reset's bring-up sees this and fails that attempt. */
	ctrl->hw_failed = true;
	mqnvme_disable_queues(ctrl);
	mqnvme_disable_hw(ctrl);
	mqnvme_reap_all(ctrl);
	mqnvme_cancel_all(ctrl);
	mutex_unlock(&ctrl->shutdown_lock);
	return true;
}

static void mqnvme_dead_work(struct work_struct *work)
{
	struct mqnvme_ctrl *ctrl = container_of(work, struct mqnvme_ctrl,
						dead_work);

	mqnvme_ctrl_disable(ctrl, false);
	mqnvme_mark_namespaces_dead(ctrl);
}

/**
 * mqnvme_ctrl_fail - give up on a live controller
 * @ctrl: the controller
 * @why: what went wrong, for the log
 *
 * The controller is disabled from a work item, every outstanding command
 * fails, and its disks fail all further I/O.
 */
void mqnvme_ctrl_fail(struct mqnvme_ctrl *ctrl, const char *why)
{
	if (!mqnvme_change_state(ctrl, MQNVME_CTRL_DEAD))
		return;
	ctrl->hw_failed = true;
	dev_err(ctrl->dev, "%s: disabling the controller, its namespaces fail all I/O\n",
		why);
	queue_work(system_unbound_wq, &ctrl->dead_work);
}

/*
 * Whether admin commands are pointless: the function is gone, failed
 * (CFS) or not ready. Deleting queues is then skipped.
 */
static bool mqnvme_ctrl_is_dead(struct mqnvme_ctrl *ctrl)
{
	u32 csts;

	if (ctrl->hw_failed || !ctrl->bar || !pci_device_is_present(ctrl->pdev))
		return true;
	csts = mqnvme_csts(ctrl);
	return csts == ~0U || (csts & NVME_CSTS_CFS) || !(csts & NVME_CSTS_RDY);
}

static void __mqnvme_ctrl_disable(struct mqnvme_ctrl *ctrl, bool shutdown,
				  bool for_reset)
{
	bool dead;
	int i;

	mutex_lock(&ctrl->shutdown_lock);
	dead = mqnvme_ctrl_is_dead(ctrl);

	/* A reset has stopped every disk's queue already. */
	if (ctrl->tagset_allocated && !for_reset)
		blk_mq_quiesce_tagset(&ctrl->tagset);
	if (!dead && ctrl->queues && READ_ONCE(ctrl->queues[0].enabled) &&
	    !(mqnvme_inject & MQNVME_INJECT_NO_QUEUE_DELETE)) {
		for (i = ctrl->online_queues; i >= 1; i--) {
			if (!READ_ONCE(ctrl->queues[i].enabled))
				continue;
			if (mqnvme_delete_io_queue(ctrl, i))
				break;
		}
	}
	ctrl->online_queues = 0;
	if (ctrl->admin_q)
		blk_mq_quiesce_queue(ctrl->admin_q);

	if (ctrl->queues) {
		mqnvme_disable_queues(ctrl);
		mqnvme_aen_queue_down(ctrl);
		if (!dead && ctrl->hw_enabled) {
			if (shutdown)
				mqnvme_shutdown_hw(ctrl);
			else
				mqnvme_disable_hw(ctrl);
		}
		for (i = 0; i <= ctrl->nr_io_queues; i++)
			mqnvme_queue_free_irq(&ctrl->queues[i]);
		mqnvme_reap_all(ctrl);
	}
	/* While resetting, cancelled file system I/O is requeued. */
	mqnvme_cancel_all(ctrl);
	mqnvme_irq_release(ctrl);

	if (ctrl->admin_q)
		blk_mq_unquiesce_queue(ctrl->admin_q);
	if (ctrl->tagset_allocated && !for_reset)
		blk_mq_unquiesce_tagset(&ctrl->tagset);
	mutex_unlock(&ctrl->shutdown_lock);
}

/**
 * mqnvme_ctrl_disable - stop the controller and fail what is outstanding
 * @ctrl: the controller
 * @shutdown: use a normal shutdown (CC.SHN) rather than CC.EN = 0
 *
 * Deletes the I/O queues when the controller still works, disables or
 * shuts it down, releases the interrupt vectors, completes what the
 * controller finished and cancels the rest. Safe to call more than once.
 */
void mqnvme_ctrl_disable(struct mqnvme_ctrl *ctrl, bool shutdown)
{
	__mqnvme_ctrl_disable(ctrl, shutdown, false);
}

static int mqnvme_alloc_pools(struct mqnvme_ctrl *ctrl)
{
	size_t sg_size = sizeof(struct scatterlist) * mqnvme_max_segments;

	ctrl->prp_page_pool = dma_pool_create("mqnvme prp list page", ctrl->dev,
					      MQNVME_CTRL_PAGE_SIZE,
					      MQNVME_CTRL_PAGE_SIZE, 0);
	ctrl->prp_small_pool = dma_pool_create("mqnvme prp list 256", ctrl->dev,
					       MQNVME_SMALL_LIST_SIZE,
					       MQNVME_SMALL_LIST_SIZE, 0);
	ctrl->iod_mempool = mempool_create_node(1, mempool_kmalloc,
						mempool_kfree, (void *)sg_size,
						GFP_KERNEL,
						dev_to_node(ctrl->dev));
	if (!ctrl->prp_page_pool || !ctrl->prp_small_pool || !ctrl->iod_mempool)
		return -ENOMEM;
	return 0;
}

/**
 * mqnvme_ctrl_enable_admin - (re)start the controller with an empty admin queue
 * @ctrl: the controller, no admin command outstanding
 *
 * Disables the controller, programs the admin queue and enables it again.
 * The interrupt ladder calls this once per rung: the controller binds the
 * admin CQ to the interrupt mode in force when it is enabled.
 *
 * Return: 0 or a negative errno.
 */
int mqnvme_ctrl_enable_admin(struct mqnvme_ctrl *ctrl)
{
	struct mqnvme_queue *aq = &ctrl->queues[0];
	u32 aqa = (MQNVME_AQ_DEPTH - 1) | ((MQNVME_AQ_DEPTH - 1) << 16);
	int ret;

	ret = mqnvme_disable_hw(ctrl);
	if (ret)
		return ret;

	ret = mqnvme_queue_alloc(ctrl, 0, MQNVME_AQ_DEPTH);
	if (ret)
		return ret;
	writel(aqa, ctrl->bar + NVME_REG_AQA);
	lo_hi_writeq(aq->sq_dma_addr, ctrl->bar + NVME_REG_ASQ);
	lo_hi_writeq(aq->cq_dma_addr, ctrl->bar + NVME_REG_ACQ);

	ret = mqnvme_enable_hw(ctrl);
	if (ret)
		return ret;
	mqnvme_queue_init(aq, 0);
	return 0;
}

static void mqnvme_copy_id_string(char *dst, const char *src, size_t len)
{
	memcpy(dst, src, len);
	while (len && (dst[len - 1] == ' ' || dst[len - 1] == '\0'))
		dst[--len] = '\0';
}

static int mqnvme_identify_ctrl(struct mqnvme_ctrl *ctrl)
{
	struct queue_limits lim;
	struct nvme_id_ctrl *id;
	u8 lpa;
	int ret;

	id = kzalloc(sizeof(*id), GFP_KERNEL);
	if (!id)
		return -ENOMEM;
	ret = mqnvme_identify(ctrl, NVME_ID_CNS_CTRL, 0, id);
	if (ret) {
		dev_err(ctrl->dev, "Identify Controller failed (%d)\n", ret);
		kfree(id);
		return ret < 0 ? ret : -EIO;
	}
	mqnvme_copy_id_string(ctrl->serial, id->sn, sizeof(id->sn));
	mqnvme_copy_id_string(ctrl->model, id->mn, sizeof(id->mn));
	mqnvme_copy_id_string(ctrl->firmware_rev, id->fr, sizeof(id->fr));
	ctrl->vid = le16_to_cpu(id->vid);
	ctrl->cntlid = le16_to_cpu(id->cntlid);
	ctrl->nn = le32_to_cpu(id->nn);
	ctrl->oncs = le16_to_cpu(id->oncs);
	ctrl->oacs = le16_to_cpu(id->oacs);
	ctrl->oaes = le32_to_cpu(id->oaes);
	ctrl->ctratt = le32_to_cpu(id->ctratt);
	ctrl->vwc = id->vwc;
	ctrl->npss = id->npss;
	ctrl->fwug = id->fwug;
	/* ACL is 0's based: Aborts the controller takes at a time. */
	atomic_set(&ctrl->abort_limit, id->acl + 1);
	ctrl->crdt[0] = le16_to_cpu(id->crdt1);
	ctrl->crdt[1] = le16_to_cpu(id->crdt2);
	ctrl->crdt[2] = le16_to_cpu(id->crdt3);
	ctrl->sgls = le32_to_cpu(id->sgls) & 0x3;
	ctrl->max_hw_sectors = mqnvme_max_hw_sectors(id->mdts, ctrl->cap);
	ctrl->shutdown_timeout =
		mqnvme_shutdown_timeout_s(le32_to_cpu(id->rtd3e),
					  mqnvme_shutdown_timeout);
	lpa = id->lpa;
	kfree(id);

	/* Passthrough admin commands map user buffers: PRP rules apply. */
	lim = queue_limits_start_update(ctrl->admin_q);
	lim.max_hw_sectors = ctrl->max_hw_sectors;
	lim.max_segments = mqnvme_max_segments;
	lim.virt_boundary_mask = MQNVME_CTRL_PAGE_SIZE - 1;
	lim.dma_alignment = 3;
	ret = queue_limits_commit_update(ctrl->admin_q, &lim);
	if (ret)
		return ret;
	mqnvme_effects_init(ctrl, lpa);
	return 0;
}

static int mqnvme_create_io_queues(struct mqnvme_ctrl *ctrl)
{
	unsigned int qid;
	int ret;

	for (qid = 1; qid <= ctrl->nr_io_queues; qid++) {
		struct mqnvme_queue *q = &ctrl->queues[qid];

		ret = mqnvme_queue_alloc(ctrl, qid, ctrl->q_depth);
		if (ret)
			return ret;
		mqnvme_queue_init(q, mqnvme_irq_queue_vector(ctrl, qid));
		WRITE_ONCE(q->enabled, false);
		q->hctx_poll = qid > mqnvme_nr_default_queues(ctrl);
		q->use_irq = ctrl->nr_vectors && !q->hctx_poll;
		ret = mqnvme_create_io_queue(ctrl, q);
		if (ret) {
			dev_err(ctrl->dev, "creating I/O queue %u failed (%d)\n",
				qid, ret);
			return ret < 0 ? ret : -EIO;
		}
		ctrl->online_queues = qid;
		WRITE_ONCE(q->enabled, true);
		if (q->use_irq) {
			ret = mqnvme_queue_request_irq(q);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static void mqnvme_free_dbbuf(struct mqnvme_ctrl *ctrl)
{
	unsigned int i;

	for (i = 1; ctrl->queues && i <= ctrl->nr_io_queues; i++) {
		ctrl->queues[i].dbbuf_sq_db = NULL;
		ctrl->queues[i].dbbuf_cq_db = NULL;
		ctrl->queues[i].dbbuf_sq_ei = NULL;
		ctrl->queues[i].dbbuf_cq_ei = NULL;
	}
	if (ctrl->dbbuf_dbs)
		dma_free_coherent(ctrl->dev, ctrl->dbbuf_size, ctrl->dbbuf_dbs,
				  ctrl->dbbuf_dbs_dma);
	if (ctrl->dbbuf_eis)
		dma_free_coherent(ctrl->dev, ctrl->dbbuf_size, ctrl->dbbuf_eis,
				  ctrl->dbbuf_eis_dma);
	ctrl->dbbuf_dbs = NULL;
	ctrl->dbbuf_eis = NULL;
}

/*
 * Shadow doorbells (emulated and virtual controllers offer them): the I/O
 * queues' doorbells live in host memory and MMIO is written only when the
 * controller's event index asks for it. The admin queue keeps MMIO.
 * Not having them is fine: the queues keep ringing in MMIO.
 */
static void mqnvme_setup_dbbuf(struct mqnvme_ctrl *ctrl)
{
	u32 stride = ctrl->db_stride;
	unsigned int i;
	int ret;

	if (!(ctrl->oacs & NVME_CTRL_OACS_DBBUF_SUPP))
		return;
	/* After a reset: fresh zeroed buffers, the queue count may differ. */
	mqnvme_free_dbbuf(ctrl);
	ctrl->dbbuf_size = mqnvme_db_bar_size(ctrl->nr_io_queues + 1, stride) -
			   NVME_REG_DBS;
	ctrl->dbbuf_dbs = dma_alloc_coherent(ctrl->dev, ctrl->dbbuf_size,
					     &ctrl->dbbuf_dbs_dma, GFP_KERNEL);
	ctrl->dbbuf_eis = dma_alloc_coherent(ctrl->dev, ctrl->dbbuf_size,
					     &ctrl->dbbuf_eis_dma, GFP_KERNEL);
	if (!ctrl->dbbuf_dbs || !ctrl->dbbuf_eis) {
		mqnvme_free_dbbuf(ctrl);
		return;
	}
	ret = mqnvme_set_dbbuf(ctrl);
	if (ret) {
		dev_warn(ctrl->dev, "Doorbell Buffer Config failed (%d), using MMIO doorbells\n",
			 ret);
		mqnvme_free_dbbuf(ctrl);
		return;
	}
	for (i = 1; i <= ctrl->nr_io_queues; i++) {
		struct mqnvme_queue *q = &ctrl->queues[i];

		q->dbbuf_sq_db = &ctrl->dbbuf_dbs[i * 2 * stride];
		q->dbbuf_cq_db = &ctrl->dbbuf_dbs[(i * 2 + 1) * stride];
		q->dbbuf_sq_ei = &ctrl->dbbuf_eis[i * 2 * stride];
		q->dbbuf_cq_ei = &ctrl->dbbuf_eis[(i * 2 + 1) * stride];
	}
}

static int mqnvme_alloc_tagset(struct mqnvme_ctrl *ctrl)
{
	struct blk_mq_tag_set *set = &ctrl->tagset;
	int ret;

	memset(set, 0, sizeof(*set));
	set->ops = &mqnvme_mq_ops;
	set->nr_hw_queues = ctrl->nr_io_queues;
	/* DEFAULT, READ (unused) and POLL when there are polled queues. */
	set->nr_maps = ctrl->nr_poll_queues ? HCTX_MAX_TYPES : 1;
	set->queue_depth = ctrl->q_depth - 1;
	set->timeout = mqnvme_io_timeout * HZ;
	set->numa_node = dev_to_node(ctrl->dev);
	set->cmd_size = sizeof(struct mqnvme_iod);
	set->flags = BLK_MQ_F_SHOULD_MERGE;
	set->driver_data = ctrl;
	ret = blk_mq_alloc_tag_set(set);
	if (!ret)
		ctrl->tagset_allocated = true;
	return ret;
}

/*
 * With retry delay times to offer, the controller may ask for a delay
 * before a retry (CRD in the status): Host Behavior Support's ACRE allows
 * it. Features go back to their defaults with every reset.
 */
static void mqnvme_configure_acre(struct mqnvme_ctrl *ctrl)
{
	struct nvme_feat_host_behavior *host;
	int ret;

	if (!ctrl->crdt[0])
		return;
	host = kzalloc(sizeof(*host), GFP_KERNEL);
	if (!host)
		return;
	host->acre = NVME_ENABLE_ACRE;
	ret = mqnvme_set_features_data(ctrl, NVME_FEAT_HOST_BEHAVIOR, 0, host,
				       sizeof(*host), NULL);
	if (ret)
		dev_info(ctrl->dev, "retry delays not enabled (Set Features Host Behavior Support: %d)\n",
			 ret);
	kfree(host);
}

/*
 * Everything after the admin queue: the I/O queue count, their vectors and
 * rings, shadow doorbells and interrupt coalescing. Run at probe and again
 * by every reset; the tag set is allocated the first time only.
 */
static int mqnvme_ctrl_start_io(struct mqnvme_ctrl *ctrl)
{
	unsigned int want, granted, nr_default, nr_poll, poll_wanted;
	int ret;

	/*
	 * A reset applies a new poll_queues, within the slots of the probe
	 * (none without polled queues then: the tag set has no POLL map).
	 */
	poll_wanted = min(READ_ONCE(mqnvme_poll_queues),
			  ctrl->nr_queue_slots - 1 - num_possible_cpus());
	want = num_possible_cpus() + poll_wanted;
	granted = want;
	ret = mqnvme_set_queue_count(ctrl, &granted);
	if (ret || (mqnvme_inject & MQNVME_INJECT_NO_QUEUES)) {
		dev_err(ctrl->dev, "controller refused: it granted no I/O queue (Set Features Number of Queues: %d)\n",
			ret);
		return -ENODEV;
	}

	nr_default = mqnvme_split_queues(num_possible_cpus(), granted,
					 poll_wanted, &nr_poll);
	ctrl->nr_poll_queues = nr_poll;
	ctrl->nr_io_queues = nr_default + nr_poll;
	ret = mqnvme_irq_setup_io(ctrl);
	if (ret)
		return ret;
	ret = mqnvme_map_bar(ctrl, mqnvme_db_bar_size(ctrl->nr_io_queues + 1,
						      ctrl->db_stride));
	if (ret)
		return ret;
	/* The CPU map first: queues sharing a vector follow it. */
	if (!ctrl->tagset_allocated) {
		ret = mqnvme_alloc_tagset(ctrl);
		if (ret)
			return ret;
	}
	ret = mqnvme_create_io_queues(ctrl);
	if (ret)
		return ret;
	mqnvme_setup_dbbuf(ctrl);
	mqnvme_irq_coalesce(ctrl);
	mqnvme_configure_acre(ctrl);
	return 0;
}

/*
 * Bring-up's last step, under shutdown_lock against the timeout handler:
 * live, unless a command timed out meanwhile (the handler then disabled
 * the controller, hw_failed), whether or not its step was optional.
 *
 * Return: 0 when live, -ETIMEDOUT, or 1 when the state no longer allows
 * it (removal started: remove() takes the controller down).
 */
static int mqnvme_go_live(struct mqnvme_ctrl *ctrl)
{
	int ret = 0;

	mutex_lock(&ctrl->shutdown_lock);
	if (ctrl->hw_failed)
		ret = -ETIMEDOUT;
	else if (!mqnvme_change_state(ctrl, MQNVME_CTRL_LIVE))
		ret = 1;
	mutex_unlock(&ctrl->shutdown_lock);
	return ret;
}

/**
 * mqnvme_ctrl_init - bring a controller from reset to live
 * @ctrl: the controller, its PCI function enabled and BAR0 requested
 *
 * Refusals (a controller that does not respond, needs pages larger than
 * the host's, grants no I/O queue or does not become ready) are logged in
 * one line and return -ENODEV.
 *
 * Return: 0 or a negative errno; the caller undoes what was done.
 */
int mqnvme_ctrl_init(struct mqnvme_ctrl *ctrl)
{
	unsigned int i;
	int ret;

	ret = mqnvme_map_bar(ctrl, NVME_REG_DBS + 4096);
	if (ret)
		return ret;
	if (mqnvme_csts(ctrl) == ~0U) {
		dev_err(ctrl->dev, "controller refused: it does not respond (CSTS reads 0xffffffff)\n");
		return -ENODEV;
	}
	ctrl->cap = lo_hi_readq(ctrl->bar + NVME_REG_CAP);
	if (mqnvme_inject & MQNVME_INJECT_MPSMIN)
		ctrl->cap |= 1ULL << 48;
	ctrl->vs = readl(ctrl->bar + NVME_REG_VS);
	if (NVME_CAP_MPSMIN(ctrl->cap) > MQNVME_CTRL_PAGE_SHIFT - 12) {
		dev_err(ctrl->dev, "controller refused: its smallest memory page (%u KiB) is larger than 4 KiB\n",
			1U << (NVME_CAP_MPSMIN(ctrl->cap) + 2));
		return -ENODEV;
	}
	if (!(NVME_CAP_CSS(ctrl->cap) & NVME_CAP_CSS_NVM)) {
		dev_err(ctrl->dev, "controller refused: it does not support the NVM command set\n");
		return -ENODEV;
	}
	ctrl->db_stride = 1U << NVME_CAP_STRIDE(ctrl->cap);
	ctrl->q_depth = mqnvme_q_depth(ctrl->cap, mqnvme_io_queue_depth);

	ctrl->nr_queue_slots = num_possible_cpus() + mqnvme_poll_queues + 1;
	ctrl->queues = kcalloc_node(ctrl->nr_queue_slots, sizeof(*ctrl->queues),
				    GFP_KERNEL, dev_to_node(ctrl->dev));
	if (!ctrl->queues)
		return -ENOMEM;
	for (i = 0; i < ctrl->nr_queue_slots; i++) {
		ctrl->queues[i].ctrl = ctrl;
		ctrl->queues[i].qid = i;
		mqnvme_queue_setup_poller(&ctrl->queues[i]);
	}
	ret = mqnvme_alloc_pools(ctrl);
	if (ret)
		return ret;

	mqnvme_change_state(ctrl, MQNVME_CTRL_CONNECTING);
	ret = mqnvme_queue_alloc(ctrl, 0, MQNVME_AQ_DEPTH);
	if (ret)
		return ret;
	ret = mqnvme_admin_init(ctrl);
	if (ret)
		return ret;
	if (readl(ctrl->bar + NVME_REG_CC) & NVME_CC_ENABLE)
		dev_info(ctrl->dev, "controller was left enabled (by firmware?), disabling it first\n");
	/* Enables the controller with the admin queue on a working interrupt. */
	ret = mqnvme_irq_setup_admin(ctrl);
	if (ret)
		return ret;
	ret = mqnvme_identify_ctrl(ctrl);
	if (ret)
		return ret;

	ret = mqnvme_ctrl_start_io(ctrl);
	if (ret)
		return ret;
	if (mqnvme_go_live(ctrl)) {
		dev_err(ctrl->dev, "controller refused: a command timed out during bring-up\n");
		return -ENODEV;
	}
	mqnvme_aen_start(ctrl);
	return 0;
}

/* Times a reset connects again when a command timed out while it did. */
#define MQNVME_RESET_ATTEMPTS	3

/*
 * One attempt to bring a disabled controller back: admin queue on the
 * interrupt mode chosen at probe, then the I/O queues, then the held I/O
 * runs. Under shutdown_lock the controller goes live, unless a command
 * timed out meanwhile: the timeout handler then disabled it (hw_failed),
 * and the attempt fails with -ETIMEDOUT.
 *
 * Return: 0 when live, 1 when removal started meanwhile (the controller is
 * left to remove()), or a negative errno with the disks stopped again.
 */
static int mqnvme_reset_connect(struct mqnvme_ctrl *ctrl)
{
	unsigned int old_nr = ctrl->nr_io_queues;
	unsigned int old_poll = ctrl->nr_poll_queues;
	int ret;

	ctrl->hw_failed = false;
	/* Recovery: a function whose bus mastering was lost gets it back. */
	pci_set_master(ctrl->pdev);
	ret = mqnvme_irq_setup_admin(ctrl);
	if (!ret)
		ret = mqnvme_ctrl_start_io(ctrl);
	/* Failures of optional steps are ignored; a timeout never is. */
	if (READ_ONCE(ctrl->hw_failed))
		return -ETIMEDOUT;
	if (ret)
		return ret;

	/* What was requeued or held back runs now, on the new queues. */
	mqnvme_resume_namespaces(ctrl, ctrl->nr_io_queues != old_nr ||
				 ctrl->nr_poll_queues != old_poll);
	ret = mqnvme_go_live(ctrl);
	if (ret < 0)
		mqnvme_stop_namespaces(ctrl);
	return ret;
}

/* The first half of a reset: hold every disk's I/O, disable (shut down). */
static void mqnvme_reset_stop(struct mqnvme_ctrl *ctrl, bool shutdown)
{
	mqnvme_stop_namespaces(ctrl);
	__mqnvme_ctrl_disable(ctrl, shutdown, true);
}

/*
 * The second half: connect again (mqnvme_reset_connect()), then let the
 * requeued and the held-back I/O run. An attempt during which a command
 * timed out is retried, up to MQNVME_RESET_ATTEMPTS; a controller that
 * does not come back is given up, never left live.
 */
static void mqnvme_reset_restart(struct mqnvme_ctrl *ctrl)
{
	unsigned int attempt;
	int ret;

	for (attempt = 1;; attempt++) {
		ret = -ENODEV;
		if (attempt == 1 &&
		    !mqnvme_change_state(ctrl, MQNVME_CTRL_CONNECTING))
			goto out_fail;		/* removal started */
		if (READ_ONCE(ctrl->state) != MQNVME_CTRL_CONNECTING)
			goto out_fail;
		ret = mqnvme_reset_connect(ctrl);
		if (ret > 0)
			return;
		if (!ret)
			break;
		if (ret != -ETIMEDOUT || attempt == MQNVME_RESET_ATTEMPTS)
			goto out_fail;
		dev_warn(ctrl->dev, "reset attempt %u failed: a command timed out while connecting, trying again\n",
			 attempt);
		__mqnvme_ctrl_disable(ctrl, false, true);
	}
	WRITE_ONCE(ctrl->resets, ctrl->resets + 1);
	dev_info(ctrl->dev, "reset done, %u I/O queues\n", ctrl->nr_io_queues);
	mqnvme_aen_start(ctrl);
	/* Namespaces may have changed while the controller was away. */
	mqnvme_rescan(ctrl);
	return;

out_fail:
	if (mqnvme_change_state(ctrl, MQNVME_CTRL_DEAD))
		dev_err(ctrl->dev, "reset failed (%d): disabling the controller, its namespaces fail all I/O\n",
			ret);
	ctrl->hw_failed = true;
	mqnvme_ctrl_disable(ctrl, false);
	/* Let the held I/O go (it fails) before marking the disks dead. */
	mqnvme_resume_namespaces(ctrl, false);
	if (READ_ONCE(ctrl->state) == MQNVME_CTRL_DEAD)
		mqnvme_mark_namespaces_dead(ctrl);
}

/*
 * The reset: stop every disk's queue (new I/O waits), disable the
 * controller (I/O it had is cancelled and requeued), connect again, then
 * let the requeued and the held-back I/O run. Namespace scans may run
 * meanwhile: a disk added during the reset starts stopped
 * (mqnvme_stop_namespaces()).
 */
static void mqnvme_reset_work(struct work_struct *work)
{
	struct mqnvme_ctrl *ctrl = container_of(work, struct mqnvme_ctrl,
						reset_work);

	if (READ_ONCE(ctrl->state) != MQNVME_CTRL_RESETTING)
		return;
	dev_info(ctrl->dev, "resetting the controller\n");
	mqnvme_reset_stop(ctrl, false);
	mqnvme_reset_restart(ctrl);
}

/**
 * mqnvme_ctrl_hold - stop a controller for an event the PCI or PM core runs
 * @ctrl: the controller
 * @why: the event, for the log
 * @shutdown: shut it down (CC.SHN: power is going) rather than disable it
 *
 * The first half of a reset, for a function level reset, a PCI error
 * recovery or a system sleep: a reset already running finishes first;
 * then the controller is "resetting" (no other reset starts), its disks'
 * I/O is held (what the controller had is requeued) and it is disabled.
 * mqnvme_ctrl_release_hold() brings it back, from any task.
 *
 * Return: true if held (@ctrl->held); false if there was nothing to hold
 * (a controller that is dead or going away).
 */
bool mqnvme_ctrl_hold(struct mqnvme_ctrl *ctrl, const char *why, bool shutdown)
{
	while (!mqnvme_change_state(ctrl, MQNVME_CTRL_RESETTING)) {
		enum mqnvme_ctrl_state state = READ_ONCE(ctrl->state);

		if (state != MQNVME_CTRL_RESETTING &&
		    state != MQNVME_CTRL_CONNECTING)
			return false;
		flush_work(&ctrl->reset_work);
		usleep_range(1000, 2000);
	}
	dev_info(ctrl->dev, "%s: %s the controller, holding its I/O\n", why,
		 shutdown ? "shutting down" : "stopping");
	mqnvme_reset_stop(ctrl, shutdown);
	ctrl->held = true;
	return true;
}

/**
 * mqnvme_ctrl_release_hold - bring back a controller mqnvme_ctrl_hold() held
 * @ctrl: the controller
 *
 * As the second half of a reset: live again with the held I/O running, or
 * given up (dead) when it does not come back. Nothing when not held.
 */
void mqnvme_ctrl_release_hold(struct mqnvme_ctrl *ctrl)
{
	if (!ctrl->held)
		return;
	ctrl->held = false;
	mqnvme_reset_restart(ctrl);
}

/**
 * mqnvme_reset_ctrl - schedule a reset of a live controller
 * @ctrl: the controller
 *
 * Return: 0, or -EBUSY when it is not live (resetting, bringing up, going
 * away or dead).
 */
int mqnvme_reset_ctrl(struct mqnvme_ctrl *ctrl)
{
	if (!mqnvme_change_state(ctrl, MQNVME_CTRL_RESETTING))
		return -EBUSY;
	if (!queue_work(system_unbound_wq, &ctrl->reset_work))
		return -EBUSY;
	return 0;
}

/**
 * mqnvme_subsystem_reset - NVM Subsystem Reset, then a controller reset
 * @ctrl: the controller
 *
 * Return: as mqnvme_reset_ctrl_sync(), or -ENOTTY when the controller does
 * not support NVM Subsystem Resets (CAP.NSSRS).
 */
int mqnvme_subsystem_reset(struct mqnvme_ctrl *ctrl)
{
	if (!NVME_CAP_NSSRC(ctrl->cap))
		return -ENOTTY;
	if (!mqnvme_change_state(ctrl, MQNVME_CTRL_RESETTING))
		return -EBUSY;
	dev_warn(ctrl->dev, "NVM subsystem reset\n");
	writel(NVME_SUBSYS_RESET, ctrl->bar + NVME_REG_NSSR);
	queue_work(system_unbound_wq, &ctrl->reset_work);
	flush_work(&ctrl->reset_work);
	return READ_ONCE(ctrl->state) == MQNVME_CTRL_LIVE ? 0 : -ENETRESET;
}

/**
 * mqnvme_reset_ctrl_sync - reset a live controller and wait for the result
 * @ctrl: the controller
 *
 * Return: 0 when it is live again, -EBUSY when it was not live, or
 * -ENETRESET when the reset failed.
 */
int mqnvme_reset_ctrl_sync(struct mqnvme_ctrl *ctrl)
{
	int ret = mqnvme_reset_ctrl(ctrl);

	if (ret)
		return ret;
	flush_work(&ctrl->reset_work);
	return READ_ONCE(ctrl->state) == MQNVME_CTRL_LIVE ? 0 : -ENETRESET;
}

/**
 * mqnvme_ctrl_free - release what mqnvme_ctrl_init() set up
 * @ctrl: a controller already disabled with mqnvme_ctrl_disable()
 */
void mqnvme_ctrl_free(struct mqnvme_ctrl *ctrl)
{
	unsigned int i;

	if (ctrl->tagset_allocated) {
		blk_mq_free_tag_set(&ctrl->tagset);
		ctrl->tagset_allocated = false;
	}
	mqnvme_admin_exit(ctrl);
	mqnvme_free_dbbuf(ctrl);
	if (ctrl->queues) {
		for (i = 0; i < ctrl->nr_queue_slots; i++)
			mqnvme_queue_free(ctrl, i);
		kfree(ctrl->queues);
		ctrl->queues = NULL;
	}
	mempool_destroy(ctrl->iod_mempool);
	dma_pool_destroy(ctrl->prp_small_pool);
	dma_pool_destroy(ctrl->prp_page_pool);
	if (ctrl->bar)
		iounmap(ctrl->bar);
	ctrl->bar = NULL;
}

/**
 * mqnvme_ctrl_setup - initialise the software state of a new controller
 * @ctrl: zeroed controller with pdev and dev set
 */
void mqnvme_ctrl_setup(struct mqnvme_ctrl *ctrl)
{
	spin_lock_init(&ctrl->state_lock);
	mutex_init(&ctrl->shutdown_lock);
	mutex_init(&ctrl->namespaces_lock);
	mutex_init(&ctrl->scan_lock);
	xa_init(&ctrl->refused_ns);
	init_rwsem(&ctrl->ioctl_rwsem);
	INIT_LIST_HEAD(&ctrl->namespaces);
	INIT_WORK(&ctrl->dead_work, mqnvme_dead_work);
	INIT_WORK(&ctrl->reset_work, mqnvme_reset_work);
	init_completion(&ctrl->delete_done);
	mqnvme_aen_init(ctrl);
	mqnvme_scsi_init_ctrl(ctrl);
	ctrl->state = MQNVME_CTRL_NEW;
}
