// SPDX-License-Identifier: GPL-2.0
/*
 * mqnvme: Asynchronous Event Requests. One AER is kept outstanding on the
 * admin queue while the controller is live. When it completes, a work item
 * reads the log page that clears the event (so the controller reports the
 * next one), acts on it, tells userspace with a uevent as nvme-core does
 * (NVME_AEN=0x...), and sends a new AER:
 *
 * - SMART/health critical warnings and error log entries are logged once:
 *   a warning bit again only after it cleared, an error entry only when
 *   the controller's error count moved on.
 * - Namespace Attribute Changed rescans the namespaces.
 * - A persistent internal error resets the controller.
 *
 * The AER is not a blk-mq request: it has the admin command id no tag
 * takes (MQNVME_AER_CID), no timeout, and it is simply gone when the
 * admin queue goes down; mqnvme_aen_start() sends it again after a reset.
 */
#include <linux/delay.h>
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/unaligned.h>
#include <linux/workqueue.h>

#include "mqnvme.h"

enum {
	MQNVME_AER_OUTSTANDING,		/* an AER is on the admin queue */
	MQNVME_AER_REFUSED,		/* the controller refused AERs */
	MQNVME_AEN_STOPPED,		/* the controller goes away */
};

/* A polled admin queue is looked at this often for the AER's completion. */
#define MQNVME_AEN_POLL_INTERVAL	HZ

/*
 * Under the admin SQ's lock, against mqnvme_aen_queue_down(): an AER only
 * goes to a live controller's enabled admin queue, and at most one.
 */
static void mqnvme_aen_submit(struct mqnvme_ctrl *ctrl)
{
	struct mqnvme_queue *q = &ctrl->queues[0];
	struct nvme_command c = { };

	c.common.opcode = nvme_admin_async_event;
	c.common.command_id = MQNVME_AER_CID;
	spin_lock(&q->sq_lock);
	if (READ_ONCE(ctrl->state) == MQNVME_CTRL_LIVE &&
	    READ_ONCE(q->enabled) &&
	    !test_bit(MQNVME_AER_REFUSED, &ctrl->aen_flags) &&
	    !test_and_set_bit(MQNVME_AER_OUTSTANDING, &ctrl->aen_flags))
		mqnvme_sq_put_uncounted(q, &c);
	spin_unlock(&q->sq_lock);
}

/**
 * mqnvme_aen_complete - the AER's completion entry arrived
 * @ctrl: the controller
 * @cqe: the entry, on the admin CQ (interrupt or poll context)
 */
void mqnvme_aen_complete(struct mqnvme_ctrl *ctrl, struct nvme_completion *cqe)
{
	WRITE_ONCE(ctrl->aen_status, le16_to_cpu(cqe->status) >> 1);
	WRITE_ONCE(ctrl->aen_result, le32_to_cpu(cqe->result.u32));
	clear_bit(MQNVME_AER_OUTSTANDING, &ctrl->aen_flags);
	if (!test_bit(MQNVME_AEN_STOPPED, &ctrl->aen_flags))
		queue_work(system_wq, &ctrl->aen_work);
}

/*
 * Reads the log page named in an event (RAE clear), which clears the event
 * so that the controller reports the next of its type.
 *
 * Return: the log, to be freed by the caller, or NULL (logged).
 */
static void *mqnvme_aen_read_log(struct mqnvme_ctrl *ctrl, u8 lid, size_t len)
{
	void *buf = kzalloc(len, GFP_KERNEL);
	int ret;

	if (!buf)
		return NULL;
	ret = mqnvme_get_log(ctrl, lid, NVME_NSID_ALL, false, buf, len);
	if (ret) {
		dev_warn_ratelimited(ctrl->dev, "log page 0x%02x unreadable (%d): its event stays masked\n",
				     lid, ret);
		kfree(buf);
		return NULL;
	}
	return buf;
}

static void mqnvme_aen_clear(struct mqnvme_ctrl *ctrl, u8 lid, size_t len)
{
	kfree(mqnvme_aen_read_log(ctrl, lid, len));
}

static void mqnvme_aen_smart(struct mqnvme_ctrl *ctrl)
{
	struct nvme_smart_log *log;
	char what[160];
	u8 warn, fresh;

	log = mqnvme_aen_read_log(ctrl, NVME_LOG_SMART, sizeof(*log));
	if (!log)
		return;
	warn = log->critical_warning;
	fresh = warn & ~ctrl->smart_logged;
	if (fresh) {
		mqnvme_smart_warnings_str(fresh, what, sizeof(what));
		dev_crit(ctrl->dev, "critical warning 0x%02x: %s (temperature %u K, available spare %u%%, threshold %u%%)\n",
			 warn, what, get_unaligned_le16(log->temperature),
			 log->avail_spare, log->spare_thresh);
	}
	if (ctrl->smart_logged & ~warn)
		dev_info(ctrl->dev, "critical warning now 0x%02x\n", warn);
	ctrl->smart_logged = warn;
	kfree(log);
}

static void mqnvme_aen_error(struct mqnvme_ctrl *ctrl, const char *name)
{
	struct nvme_error_slot *e;
	u64 count;

	e = mqnvme_aen_read_log(ctrl, NVME_LOG_ERROR, sizeof(*e));
	count = e ? le64_to_cpu(e->error_count) : ctrl->errors_logged;
	if (count != ctrl->errors_logged)
		dev_err(ctrl->dev, "asynchronous event: %s; error %llu: status 0x%x, queue %u, command id 0x%x, namespace %u, LBA %llu\n",
			name, count, le16_to_cpu(e->status_field) >> 1,
			le16_to_cpu(e->sqid), le16_to_cpu(e->cmdid),
			le32_to_cpu(e->nsid), le64_to_cpu(e->lba));
	else
		dev_err(ctrl->dev, "asynchronous event: %s\n", name);
	ctrl->errors_logged = count;
	kfree(e);
}

static void mqnvme_aen_uevent(struct mqnvme_ctrl *ctrl, u32 result)
{
	char *envp[2] = { NULL, NULL };

	if (!ctrl->cdev_added)
		return;
	envp[0] = kasprintf(GFP_KERNEL, "NVME_AEN=%#08x", result);
	if (!envp[0])
		return;
	kobject_uevent_env(&ctrl->class_dev.kobj, KOBJ_CHANGE, envp);
	kfree(envp[0]);
}

/*
 * While it activates firmware the controller pauses processing
 * (CSTS.PP): wait for that to end, up to the admin timeout, before the
 * log read that clears the event, so that it does not time out.
 */
static void mqnvme_aen_fw_activation(struct mqnvme_ctrl *ctrl)
{
	unsigned long end = jiffies + mqnvme_admin_timeout * HZ;
	u32 csts;

	while ((csts = readl(ctrl->bar + NVME_REG_CSTS)) != ~0U &&
	       (csts & NVME_CSTS_PP)) {
		if (time_after(jiffies, end) ||
		    READ_ONCE(ctrl->state) != MQNVME_CTRL_LIVE) {
			dev_warn(ctrl->dev, "processing still paused after firmware activation\n");
			break;
		}
		msleep(100);
	}
	mqnvme_aen_clear(ctrl, NVME_LOG_FW_SLOT,
			 sizeof(struct nvme_fw_slot_info_log));
}

/* Return: false when the controller must not get a new AER now. */
static bool mqnvme_aen_handle(struct mqnvme_ctrl *ctrl, u32 result)
{
	struct mqnvme_aen ev = mqnvme_aen_decode(result);
	const char *name = mqnvme_aen_name(&ev);

	switch (ev.type) {
	case NVME_AER_SMART:
		mqnvme_aen_smart(ctrl);
		return true;
	case NVME_AER_ERROR:
		mqnvme_aen_error(ctrl, name);
		if (ev.info != NVME_AER_ERROR_PERSIST_INT_ERR)
			return true;
		/* The reset sends a new AER once the controller is back. */
		mqnvme_aen_uevent(ctrl, result);
		mqnvme_reset_ctrl(ctrl);
		return false;
	case NVME_AER_NOTICE:
		switch (ev.info) {
		case NVME_AER_NOTICE_NS_CHANGED:
			dev_info(ctrl->dev, "namespace attributes changed, rescanning\n");
			/*
			 * The controller keeps a change that happens during
			 * the scan until the next AER: none is lost.
			 */
			mqnvme_aen_clear(ctrl, NVME_LOG_CHANGED_NS,
					 NVME_IDENTIFY_DATA_SIZE);
			mqnvme_rescan(ctrl);
			return true;
		case NVME_AER_NOTICE_FW_ACT_STARTING:
			dev_info(ctrl->dev, "firmware activation starting\n");
			mqnvme_aen_fw_activation(ctrl);
			return true;
		}
		break;
	}
	dev_info(ctrl->dev, "asynchronous event 0x%06x: %s\n", result, name);
	if (ev.lid)
		mqnvme_aen_clear(ctrl, ev.lid, 512);
	return true;
}

static void mqnvme_aen_work(struct work_struct *work)
{
	struct mqnvme_ctrl *ctrl = container_of(work, struct mqnvme_ctrl,
						aen_work);
	u16 status = READ_ONCE(ctrl->aen_status) & NVME_SCT_SC_MASK;
	u32 result = READ_ONCE(ctrl->aen_result);

	/* A reset under way sends a new AER when it is done. */
	if (test_bit(MQNVME_AEN_STOPPED, &ctrl->aen_flags) ||
	    READ_ONCE(ctrl->state) != MQNVME_CTRL_LIVE)
		return;
	switch (status) {
	case NVME_SC_SUCCESS:
		break;
	case NVME_SC_HOST_ABORTED_CMD:
	case NVME_SC_ABORT_REQ:
	case NVME_SC_ABORT_QUEUE:
		/* The queue went down (a reset resends), or a user's Abort. */
		mqnvme_aen_submit(ctrl);
		return;
	default:
		/* Async Event Request Limit Exceeded, Invalid Opcode, ... */
		if (!test_and_set_bit(MQNVME_AER_REFUSED, &ctrl->aen_flags))
			dev_warn(ctrl->dev, "controller refused the Asynchronous Event Request (status 0x%x): no events until a reset\n",
				 status);
		return;
	}
	WRITE_ONCE(ctrl->aens, ctrl->aens + 1);
	if (!mqnvme_aen_handle(ctrl, result))
		return;
	mqnvme_aen_uevent(ctrl, result);
	mqnvme_aen_submit(ctrl);
}

/*
 * Without an interrupt the admin queue's poller stops when no command is
 * outstanding, and the AER does not count: look for it here.
 */
static void mqnvme_aen_poll_work(struct work_struct *work)
{
	struct mqnvme_ctrl *ctrl = container_of(to_delayed_work(work),
						struct mqnvme_ctrl,
						aen_poll_work);
	struct mqnvme_queue *q = &ctrl->queues[0];
	unsigned long flags;

	if (READ_ONCE(ctrl->state) != MQNVME_CTRL_LIVE || q->use_irq)
		return;
	if (test_bit(MQNVME_AER_OUTSTANDING, &ctrl->aen_flags)) {
		spin_lock_irqsave(&q->cq_lock, flags);
		if (READ_ONCE(q->enabled))
			mqnvme_poll_cq_locked(q);
		spin_unlock_irqrestore(&q->cq_lock, flags);
	}
	schedule_delayed_work(&ctrl->aen_poll_work, MQNVME_AEN_POLL_INTERVAL);
}

/**
 * mqnvme_aen_init - set up the event work of a new controller
 * @ctrl: the controller
 */
void mqnvme_aen_init(struct mqnvme_ctrl *ctrl)
{
	INIT_WORK(&ctrl->aen_work, mqnvme_aen_work);
	INIT_DELAYED_WORK(&ctrl->aen_poll_work, mqnvme_aen_poll_work);
}

/**
 * mqnvme_aen_start - enable the events and send the AER
 * @ctrl: a controller that just became live (probe or reset)
 *
 * A controller that refuses the configuration still gets the AER: the
 * events it enables by default are reported then.
 */
void mqnvme_aen_start(struct mqnvme_ctrl *ctrl)
{
	u32 cfg = mqnvme_aen_config(ctrl->oaes, ctrl->vs);
	int ret;

	ret = mqnvme_set_features(ctrl, NVME_FEAT_ASYNC_EVENT, cfg, NULL);
	if (ret)
		dev_warn(ctrl->dev, "Asynchronous Event Configuration 0x%x refused (%d)\n",
			 cfg, ret);
	clear_bit(MQNVME_AER_REFUSED, &ctrl->aen_flags);
	mqnvme_aen_submit(ctrl);
	if (!ctrl->queues[0].use_irq)
		schedule_delayed_work(&ctrl->aen_poll_work,
				      MQNVME_AEN_POLL_INTERVAL);
}

/**
 * mqnvme_aen_queue_down - the admin queue is going down
 * @ctrl: the controller, its queues marked disabled
 *
 * The AER outstanding there is gone with it.
 */
void mqnvme_aen_queue_down(struct mqnvme_ctrl *ctrl)
{
	struct mqnvme_queue *q = &ctrl->queues[0];

	spin_lock(&q->sq_lock);
	clear_bit(MQNVME_AER_OUTSTANDING, &ctrl->aen_flags);
	spin_unlock(&q->sq_lock);
}

/**
 * mqnvme_aen_stop - wait for event handling to finish, for good
 * @ctrl: a controller no longer live (deleting)
 *
 * Called once its state says deleting, so that no rescan or reset starts
 * from an event, and again once its interrupts are gone: an AER that
 * completed in between queued the work again.
 */
void mqnvme_aen_stop(struct mqnvme_ctrl *ctrl)
{
	set_bit(MQNVME_AEN_STOPPED, &ctrl->aen_flags);
	cancel_delayed_work_sync(&ctrl->aen_poll_work);
	cancel_work_sync(&ctrl->aen_work);
}
