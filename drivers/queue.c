// SPDX-License-Identifier: GPL-2.0
/*
 * mqnvme: submission and completion rings, doorbells, and the three ways a
 * completion queue is reaped: its interrupt handler, the blk-mq poll hook of
 * HCTX_TYPE_POLL queues, and the hrtimer poller of queues without interrupt.
 */
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/io.h>

#include "mqnvme.h"

/**
 * mqnvme_queue_alloc - allocate the rings of queue @qid
 * @ctrl: the controller
 * @qid: queue id
 * @depth: entries in each ring
 *
 * Ring memory comes from the device's NUMA node. An existing allocation of
 * the same depth is kept.
 *
 * Return: 0 or -ENOMEM.
 */
int mqnvme_queue_alloc(struct mqnvme_ctrl *ctrl, unsigned int qid, u32 depth)
{
	struct mqnvme_queue *q = &ctrl->queues[qid];

	if (q->cqes && q->q_depth == depth)
		return 0;
	mqnvme_queue_free(ctrl, qid);

	q->cqes = dma_alloc_coherent(ctrl->dev, depth * sizeof(*q->cqes),
				     &q->cq_dma_addr, GFP_KERNEL);
	if (!q->cqes)
		return -ENOMEM;
	q->sq_cmds = dma_alloc_coherent(ctrl->dev, depth * sizeof(*q->sq_cmds),
					&q->sq_dma_addr, GFP_KERNEL);
	if (!q->sq_cmds) {
		mqnvme_queue_free(ctrl, qid);
		return -ENOMEM;
	}
	q->ctrl = ctrl;
	q->qid = qid;
	q->q_depth = depth;
	spin_lock_init(&q->sq_lock);
	spin_lock_init(&q->cq_lock);
	return 0;
}

/**
 * mqnvme_queue_free - free the rings of queue @qid
 * @ctrl: the controller
 * @qid: queue id; its interrupt must already be released
 */
void mqnvme_queue_free(struct mqnvme_ctrl *ctrl, unsigned int qid)
{
	struct mqnvme_queue *q = &ctrl->queues[qid];

	if (q->cqes)
		dma_free_coherent(ctrl->dev, q->q_depth * sizeof(*q->cqes),
				  q->cqes, q->cq_dma_addr);
	if (q->sq_cmds)
		dma_free_coherent(ctrl->dev, q->q_depth * sizeof(*q->sq_cmds),
				  q->sq_cmds, q->sq_dma_addr);
	q->cqes = NULL;
	q->sq_cmds = NULL;
	q->q_db = NULL;
}

/**
 * mqnvme_queue_init - reset the ring state before the queue is (re)created
 * @q: the queue
 * @vector: its interrupt vector index
 */
void mqnvme_queue_init(struct mqnvme_queue *q, u16 vector)
{
	struct mqnvme_ctrl *ctrl = q->ctrl;

	q->sq_tail = 0;
	q->last_sq_tail = 0;
	q->cq_head = 0;
	q->cq_phase = 1;
	q->cq_vector = vector;
	q->q_db = &ctrl->dbs[q->qid * 2 * ctrl->db_stride];
	q->dbbuf_sq_db = NULL;
	q->dbbuf_cq_db = NULL;
	q->dbbuf_sq_ei = NULL;
	q->dbbuf_cq_ei = NULL;
	memset(q->cqes, 0, q->q_depth * sizeof(*q->cqes));
	/*
	 * Commands cancelled when the queue last went down never completed:
	 * count them as done so that the poller sees an idle queue.
	 */
	WRITE_ONCE(q->completed, q->submitted);
	WRITE_ONCE(q->enabled, true);
}

/*
 * With shadow doorbells the new value goes to host memory and the MMIO write
 * is needed only when the controller's event index asks for it.
 */
static inline bool mqnvme_dbbuf_update(u16 value, __le32 *db, __le32 *ei)
{
	u16 old;

	if (!db)
		return true;
	/* The queue entries are visible before the shadow doorbell moves. */
	wmb();
	old = le32_to_cpu(*db);
	WRITE_ONCE(*db, cpu_to_le32(value));
	/* The shadow doorbell is visible before the event index is read. */
	mb();
	return mqnvme_dbbuf_need_event(le32_to_cpu(READ_ONCE(*ei)), value, old);
}

static inline bool mqnvme_cqe_pending(struct mqnvme_queue *q)
{
	struct nvme_completion *cqe = &q->cqes[q->cq_head];

	return (le16_to_cpu(READ_ONCE(cqe->status)) & 1) == q->cq_phase;
}

static bool mqnvme_process_cq(struct mqnvme_queue *q,
			      struct io_comp_batch *iob)
{
	bool found = false;

	lockdep_assert_held(&q->cq_lock);
	if (!q->cqes || !q->q_db)
		return false;
	while (mqnvme_cqe_pending(q)) {
		found = true;
		/* Read the entry only after its phase bit says it is new. */
		dma_rmb();
		if (mqnvme_handle_cqe(q, iob, &q->cqes[q->cq_head]))
			WRITE_ONCE(q->completed, q->completed + 1);
		if (++q->cq_head == q->q_depth) {
			q->cq_head = 0;
			q->cq_phase ^= 1;
		}
	}
	/*
	 * A level-triggered INTx line drops only when the controller sees a
	 * CQ head doorbell write: with shadow doorbells it might never see
	 * one, and the line would keep firing with nothing to reap.
	 */
	if (found && (mqnvme_dbbuf_update(q->cq_head, q->dbbuf_cq_db,
					  q->dbbuf_cq_ei) ||
		      q->ctrl->irq_mode == MQNVME_IRQ_INTX))
		writel(q->cq_head, q->q_db + q->ctrl->db_stride);
	return found;
}

/*
 * The poller of a queue without interrupt (irq_mode=poll): armed by the
 * submitter when it rings the doorbell, re-armed while commands are
 * outstanding, idle (no timer at all) when the queue is.
 */
enum { MQNVME_POLL_ARMED };

static bool mqnvme_queue_outstanding(struct mqnvme_queue *q)
{
	return READ_ONCE(q->enabled) &&
	       READ_ONCE(q->submitted) != READ_ONCE(q->completed);
}

static enum hrtimer_restart mqnvme_poll_timer_fn(struct hrtimer *timer)
{
	struct mqnvme_queue *q = container_of(timer, struct mqnvme_queue,
					      poll_timer);
	DEFINE_IO_COMP_BATCH(iob);
	bool found;

	spin_lock(&q->cq_lock);
	found = mqnvme_process_cq(q, &iob);
	q->polls++;
	spin_unlock(&q->cq_lock);
	if (!rq_list_empty(&iob.req_list))
		iob.complete(&iob);

	q->poll_ns = mqnvme_poll_next_ns(q->poll_ns, found);
	if (!mqnvme_queue_outstanding(q)) {
		/*
		 * Disarm, then look again: a submitter that found the timer
		 * armed did not start it, so its command must be seen here.
		 */
		clear_bit(MQNVME_POLL_ARMED, &q->poll_armed);
		/* Pairs with the barrier in mqnvme_poller_kick(). */
		smp_mb__after_atomic();
		if (!mqnvme_queue_outstanding(q) ||
		    test_and_set_bit(MQNVME_POLL_ARMED, &q->poll_armed))
			return HRTIMER_NORESTART;
	}
	hrtimer_forward_now(timer, ns_to_ktime(q->poll_ns));
	return HRTIMER_RESTART;
}

static void mqnvme_poller_kick(struct mqnvme_queue *q)
{
	/*
	 * Order the submitted count before the test of the armed bit; pairs
	 * with the barrier after the poller disarms.
	 */
	smp_mb__before_atomic();
	if (test_and_set_bit(MQNVME_POLL_ARMED, &q->poll_armed))
		return;
	q->poll_ns = MQNVME_POLL_MIN_NS;
	hrtimer_start(&q->poll_timer, ns_to_ktime(q->poll_ns),
		      HRTIMER_MODE_REL_PINNED);
}

static inline bool mqnvme_timer_polled(struct mqnvme_queue *q)
{
	return !q->use_irq && !q->hctx_poll;
}

/**
 * mqnvme_queue_setup_poller - initialise the completion poller of a slot
 * @q: a queue slot, once per controller before any use
 */
void mqnvme_queue_setup_poller(struct mqnvme_queue *q)
{
	hrtimer_init(&q->poll_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	q->poll_timer.function = mqnvme_poll_timer_fn;
}

/**
 * mqnvme_poll_cq_locked - reap the completion queue outside its interrupt
 * @q: the queue; the caller holds @q->cq_lock with interrupts disabled
 *
 * Return: true if any entry was consumed.
 */
bool mqnvme_poll_cq_locked(struct mqnvme_queue *q)
{
	return mqnvme_process_cq(q, NULL);
}

/**
 * mqnvme_queue_poll - the blk-mq poll hook of a HCTX_TYPE_POLL queue
 * @q: the queue
 * @iob: completion batch of the caller (io_uring IOPOLL), or NULL
 *
 * Return: 1 if completions were consumed, 0 otherwise.
 */
int mqnvme_queue_poll(struct mqnvme_queue *q, struct io_comp_batch *iob)
{
	unsigned long flags;
	bool found;

	if (!q->hctx_poll || !READ_ONCE(q->enabled) || !mqnvme_cqe_pending(q))
		return 0;
	/* The timeout handler reaps this CQ too, from process context. */
	spin_lock_irqsave(&q->cq_lock, flags);
	found = mqnvme_process_cq(q, iob);
	spin_unlock_irqrestore(&q->cq_lock, flags);
	return found;
}

static irqreturn_t mqnvme_irq(int irq, void *data)
{
	struct mqnvme_queue *q = data;
	DEFINE_IO_COMP_BATCH(iob);
	bool found;

	spin_lock(&q->cq_lock);
	/*
	 * Counted before the completions are handled: a waiter they wake (the
	 * interrupt ladder's delivery check) must already see the count.
	 */
	if (q->cqes && mqnvme_cqe_pending(q))
		WRITE_ONCE(q->irqs, q->irqs + 1);
	found = mqnvme_process_cq(q, &iob);
	spin_unlock(&q->cq_lock);
	if (!rq_list_empty(&iob.req_list))
		iob.complete(&iob);
	/* INTx is shared: say so when the interrupt was not ours. */
	return found ? IRQ_HANDLED : IRQ_NONE;
}

/**
 * mqnvme_queue_request_irq - install the completion handler of @q
 * @q: the queue; its vector may be shared with other queues
 *
 * Return: 0 or a negative errno.
 */
int mqnvme_queue_request_irq(struct mqnvme_queue *q)
{
	struct mqnvme_ctrl *ctrl = q->ctrl;
	int ret;

	ret = pci_request_irq(ctrl->pdev, q->cq_vector, mqnvme_irq, NULL, q,
			      MQNVME_NAME "%dq%d", ctrl->instance, q->qid);
	if (!ret)
		q->irq_requested = true;
	return ret;
}

/**
 * mqnvme_queue_mask_irq - stop or restart delivering @q's interrupt
 * @q: the queue; with a shared vector every queue on it is affected
 * @mask: disable rather than enable
 *
 * Fault injection for the lost-interrupt tests: a masked interrupt is
 * never seen by the handler, as if the message never arrived.
 */
void mqnvme_queue_mask_irq(struct mqnvme_queue *q, bool mask)
{
	int irq;

	if (!q->irq_requested || q->irq_masked == mask)
		return;
	irq = pci_irq_vector(q->ctrl->pdev, q->cq_vector);
	if (mask)
		disable_irq(irq);
	else
		enable_irq(irq);
	q->irq_masked = mask;
}

/**
 * mqnvme_queue_free_irq - stop the completion handler or poller of @q
 * @q: the queue, no longer accepting commands
 */
void mqnvme_queue_free_irq(struct mqnvme_queue *q)
{
	if (q->ctrl)
		hrtimer_cancel(&q->poll_timer);
	clear_bit(MQNVME_POLL_ARMED, &q->poll_armed);
	if (!q->irq_requested)
		return;
	/*
	 * A shared INTx line is enabled again for the other devices on it.
	 * An MSI/MSI-X vector is freed as it is: enabling it would resend an
	 * interrupt that came while it was masked, and that resend may land
	 * after the vector is gone ("unexpected IRQ trap").
	 */
	if (q->ctrl->pdev->msi_enabled || q->ctrl->pdev->msix_enabled)
		q->irq_masked = false;
	else
		mqnvme_queue_mask_irq(q, false);
	pci_free_irq(q->ctrl->pdev, q->cq_vector, q);
	q->irq_requested = false;
}

static void __mqnvme_sq_put(struct mqnvme_queue *q, struct nvme_command *cmd)
{
	lockdep_assert_held(&q->sq_lock);
	memcpy(&q->sq_cmds[q->sq_tail], cmd, sizeof(*cmd));
	if (++q->sq_tail == q->q_depth)
		q->sq_tail = 0;
}

/**
 * mqnvme_sq_copy_cmd - put a command into the next SQ slot
 * @q: the queue; the caller holds @q->sq_lock
 * @cmd: the command
 */
void mqnvme_sq_copy_cmd(struct mqnvme_queue *q, struct nvme_command *cmd)
{
	__mqnvme_sq_put(q, cmd);
	WRITE_ONCE(q->submitted, q->submitted + 1);
}

/**
 * mqnvme_write_sq_db - ring the SQ tail doorbell
 * @q: the queue; the caller holds @q->sq_lock
 * @write_sq: ring now; otherwise ring only if the next command would make
 *            the un-rung part of the ring wrap onto the last rung tail
 */
void mqnvme_write_sq_db(struct mqnvme_queue *q, bool write_sq)
{
	lockdep_assert_held(&q->sq_lock);
	if (!write_sq) {
		u16 next_tail = q->sq_tail + 1;

		if (next_tail == q->q_depth)
			next_tail = 0;
		if (next_tail != q->last_sq_tail)
			return;
	}
	if (mqnvme_dbbuf_update(q->sq_tail, q->dbbuf_sq_db, q->dbbuf_sq_ei))
		writel(q->sq_tail, q->q_db);
	q->last_sq_tail = q->sq_tail;
	if (mqnvme_timer_polled(q))
		mqnvme_poller_kick(q);
}

/**
 * mqnvme_submit_cmd - copy a command to the SQ and maybe ring the doorbell
 * @q: the queue
 * @cmd: the command
 * @write_db: this is the last command of a batch (bd->last)
 */
void mqnvme_submit_cmd(struct mqnvme_queue *q, struct nvme_command *cmd,
		       bool write_db)
{
	spin_lock(&q->sq_lock);
	mqnvme_sq_copy_cmd(q, cmd);
	mqnvme_write_sq_db(q, write_db);
	spin_unlock(&q->sq_lock);
}

/**
 * mqnvme_commit_sq - ring the doorbell for commands copied but not rung
 * @q: the queue
 */
void mqnvme_commit_sq(struct mqnvme_queue *q)
{
	spin_lock(&q->sq_lock);
	if (q->sq_tail != q->last_sq_tail)
		mqnvme_write_sq_db(q, true);
	spin_unlock(&q->sq_lock);
}

/**
 * mqnvme_sq_put_uncounted - put the Asynchronous Event Request on the SQ
 * @q: the admin queue; the caller holds @q->sq_lock and checked it enabled
 * @cmd: the request
 *
 * The controller keeps the AER until something happens, maybe forever, so
 * it is not counted as outstanding: the poller of a polled admin queue
 * would never go idle otherwise (aen.c looks for its completion instead).
 */
void mqnvme_sq_put_uncounted(struct mqnvme_queue *q, struct nvme_command *cmd)
{
	__mqnvme_sq_put(q, cmd);
	if (mqnvme_dbbuf_update(q->sq_tail, q->dbbuf_sq_db, q->dbbuf_sq_ei))
		writel(q->sq_tail, q->q_db);
	q->last_sq_tail = q->sq_tail;
}
