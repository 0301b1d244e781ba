// SPDX-License-Identifier: GPL-2.0
/*
 * mqnvme: interrupts. The ladder MSI-X -> MSI -> INTx -> polling walked at
 * probe, the vectors of the I/O queues, and interrupt coalescing.
 *
 * A rung is kept only if it allocates a vector AND an admin command's
 * completion actually raises the interrupt; otherwise the driver logs why
 * and steps down. Polling, the last rung, needs no interrupt at all.
 */
#include <linux/interrupt.h>
#include <linux/pci.h>

#include "mqnvme.h"

/* How long the ladder waits for the admin vector to deliver. */
#define MQNVME_IRQ_CHECK_TIMEOUT	(2 * HZ)

static unsigned int mqnvme_irq_type(enum mqnvme_irq_mode mode)
{
	switch (mode) {
	case MQNVME_IRQ_MSIX:
		return PCI_IRQ_MSIX;
	case MQNVME_IRQ_MSI:
		return PCI_IRQ_MSI;
	case MQNVME_IRQ_INTX:
		return PCI_IRQ_INTX;
	default:
		return 0;
	}
}

static const char *mqnvme_irq_rung_name(enum mqnvme_irq_mode mode)
{
	static const char * const names[] = {
		[MQNVME_IRQ_MSIX] = "MSI-X", [MQNVME_IRQ_MSI] = "MSI",
		[MQNVME_IRQ_INTX] = "INTx", [MQNVME_IRQ_POLL] = "polling",
	};

	if (mode >= MQNVME_IRQ_MSIX && mode <= MQNVME_IRQ_POLL)
		return names[mode];
	return "unknown";
}

/**
 * mqnvme_irq_release - free the admin queue's handler and every vector
 * @ctrl: the controller; the I/O queues' handlers are already freed
 */
void mqnvme_irq_release(struct mqnvme_ctrl *ctrl)
{
	if (ctrl->queues)
		mqnvme_queue_free_irq(&ctrl->queues[0]);
	pci_free_irq_vectors(ctrl->pdev);
	ctrl->nr_vectors = 0;
}

/*
 * Run a harmless admin command (Get Features Arbitration) and see whether
 * its completion came through the interrupt handler. If the interrupt never
 * fires, the request times out after MQNVME_IRQ_CHECK_TIMEOUT and the
 * timeout handler finds the completion by polling the CQ.
 */
static int mqnvme_irq_check(struct mqnvme_ctrl *ctrl)
{
	struct mqnvme_queue *aq = &ctrl->queues[0];
	struct nvme_command c = { };
	u64 before = READ_ONCE(aq->irqs);
	int ret;

	c.features.opcode = nvme_admin_get_features;
	c.features.fid = cpu_to_le32(NVME_FEAT_ARBITRATION);
	ret = mqnvme_admin_sync_timeout(ctrl, &c, NULL, 0, NULL,
					MQNVME_IRQ_CHECK_TIMEOUT);
	if (ctrl->hw_failed)
		return -ENODEV;
	if (ret < 0)
		return ret;
	return READ_ONCE(aq->irqs) != before ? 0 : -ETIMEDOUT;
}

/*
 * Set up one rung: its vector first, then the controller enabled with the
 * admin queue on it (a controller may tie the admin CQ to the interrupt
 * mode in force at enable time; QEMU's does), then the delivery check.
 * On failure say why in @why; -ENODEV means the controller itself failed.
 */
static int mqnvme_irq_try(struct mqnvme_ctrl *ctrl, enum mqnvme_irq_mode mode,
			  const char **why)
{
	struct mqnvme_queue *aq = &ctrl->queues[0];
	struct pci_dev *pdev = ctrl->pdev;
	int ret;

	aq->use_irq = false;
	if (mode == MQNVME_IRQ_POLL) {
		/* Nothing may raise the line: nobody would acknowledge it. */
		pci_intx(pdev, 0);
		ret = mqnvme_ctrl_enable_admin(ctrl);
		if (ret)
			return -ENODEV;
		writel(~0U, ctrl->bar + NVME_REG_INTMS);
		return 0;
	}

	ret = pci_alloc_irq_vectors(pdev, 1, 1, mqnvme_irq_type(mode));
	if (ret < 0) {
		*why = "the function offers no such vector";
		return ret;
	}
	ctrl->nr_vectors = 1;
	if (mqnvme_ctrl_enable_admin(ctrl)) {
		mqnvme_irq_release(ctrl);
		return -ENODEV;
	}
	aq->use_irq = true;
	ret = mqnvme_queue_request_irq(aq);
	if (ret) {
		*why = "its handler could not be installed";
		goto out_release;
	}
	if (mode == MQNVME_IRQ_MSIX && (mqnvme_inject & MQNVME_INJECT_MSIX_LOST))
		mqnvme_queue_mask_irq(aq, true);
	ret = mqnvme_irq_check(ctrl);
	if (!ret)
		return 0;
	*why = ret == -ETIMEDOUT ?
	       "an admin completion raised no interrupt within 2 s" :
	       "the admin command to check it failed";
out_release:
	aq->use_irq = false;
	mqnvme_irq_release(ctrl);
	return ret;
}

/**
 * mqnvme_irq_setup_admin - walk the interrupt ladder and enable the controller
 * @ctrl: the controller, its admin queue allocated, no command outstanding
 *
 * Starts at the rung the irq_mode parameter names (auto: MSI-X), or after a
 * reset at the rung probe chose, and steps down until one allocates and
 * delivers; polling always works.
 *
 * Return: 0, or -ENODEV when the controller failed meanwhile.
 */
int mqnvme_irq_setup_admin(struct mqnvme_ctrl *ctrl)
{
	enum mqnvme_irq_mode mode = mqnvme_irq_mode;
	const char *why = NULL;
	int ret;

	if (mode == MQNVME_IRQ_AUTO)
		mode = MQNVME_IRQ_MSIX;
	if (ctrl->irq_mode_chosen)
		mode = ctrl->irq_mode;
	for (;; mode++) {
		ret = mqnvme_irq_try(ctrl, mode, &why);
		if (!ret)
			break;
		if (ret == -ENODEV || mode == MQNVME_IRQ_POLL)
			return ret;
		dev_warn(ctrl->dev, "%s: %s (%d), trying %s\n",
			 mqnvme_irq_rung_name(mode), why, ret,
			 mqnvme_irq_rung_name(mode + 1));
	}
	ctrl->irq_mode = mode;
	ctrl->irq_mode_chosen = true;
	return 0;
}

/**
 * mqnvme_irq_setup_io - allocate the vectors of the default I/O queues
 * @ctrl: the controller, its rung chosen and its queue counts known
 *
 * MSI-X and MSI get up to one vector per default queue besides the admin
 * vector, spread over the CPUs (the admin vector is not affinity managed).
 * With fewer, there are as many default queues as I/O vectors, as in
 * nvme-pci: a managed vector is shut down when its CPUs go offline, and
 * only a queue that serves exactly those CPUs (blk-mq drains it first) may
 * use it. With the admin vector alone every queue shares it (it is never
 * shut down); INTx keeps its single line and polling has no vector.
 *
 * Return: 0 or a negative errno.
 */
int mqnvme_irq_setup_io(struct mqnvme_ctrl *ctrl)
{
	struct irq_affinity affd = { .pre_vectors = 1 };
	unsigned int type = mqnvme_irq_type(ctrl->irq_mode);
	unsigned int nr_default = mqnvme_nr_default_queues(ctrl);
	int ret;

	if (ctrl->irq_mode != MQNVME_IRQ_MSIX && ctrl->irq_mode != MQNVME_IRQ_MSI)
		return 0;
	mqnvme_irq_release(ctrl);
	ret = pci_alloc_irq_vectors_affinity(ctrl->pdev, 1, nr_default + 1,
					     type | PCI_IRQ_AFFINITY, &affd);
	if (ret <= 0) {
		dev_err(ctrl->dev, "%s: no vector for the I/O queues (%d)\n",
			mqnvme_irq_rung_name(ctrl->irq_mode), ret);
		return ret < 0 ? ret : -EIO;
	}
	ctrl->nr_vectors = ret;
	if (ret > 1 && ret - 1 < nr_default)
		ctrl->nr_io_queues = ret - 1 + ctrl->nr_poll_queues;
	return mqnvme_queue_request_irq(&ctrl->queues[0]);
}

/**
 * mqnvme_irq_queue_vector - the vector of I/O queue @qid
 * @ctrl: the controller, its vectors allocated
 * @qid: I/O queue id
 *
 * A default queue has vector @qid when there are I/O vectors (as many as
 * default queues, mqnvme_irq_setup_io()); otherwise the admin vector.
 * Polled queues have none.
 *
 * Return: the vector index.
 */
u16 mqnvme_irq_queue_vector(struct mqnvme_ctrl *ctrl, unsigned int qid)
{
	if (qid > mqnvme_nr_default_queues(ctrl))
		return 0;
	return mqnvme_queue_vector(qid, ctrl->nr_vectors);
}

/**
 * mqnvme_irq_coalesce - apply the interrupt coalescing parameters
 * @ctrl: the controller, live or being brought up
 *
 * Set Features Interrupt Coalescing (08h) with the irq_coalesce_time and
 * irq_coalesce_thr parameters, when either is set, at probe and after every
 * reset. A controller that
 * refuses keeps working without; the log says so once.
 */
void mqnvme_irq_coalesce(struct mqnvme_ctrl *ctrl)
{
	unsigned int thr = mqnvme_irq_coalesce_thr;
	unsigned int time = mqnvme_irq_coalesce_time;
	int ret;

	if (!time && !thr)
		return;
	if (ctrl->irq_mode == MQNVME_IRQ_POLL) {
		dev_info(ctrl->dev, "interrupt coalescing not applied: no interrupts in polling mode\n");
		return;
	}
	/* TIME in 15:8, THR in 7:0 (zero-based). */
	ret = mqnvme_set_features(ctrl, NVME_FEAT_IRQ_COALESCE,
				  time << 8 | (thr ? thr - 1 : 0), NULL);
	/* Applied again after every reset, said once. */
	if (ctrl->coalesce_reported)
		return;
	ctrl->coalesce_reported = true;
	if (ret > 0)
		dev_warn(ctrl->dev, "interrupt coalescing (time %u x 100 us, threshold %u) refused by the controller (status 0x%x), running without\n",
			 time, thr, ret);
	else if (ret < 0)
		dev_warn(ctrl->dev, "interrupt coalescing could not be set (%d), running without\n",
			 ret);
	else
		dev_info(ctrl->dev, "interrupt coalescing: time %u x 100 us, threshold %u completions\n",
			 time, thr);
}

/**
 * mqnvme_irq_describe - the interrupt set-up in one line
 * @ctrl: the controller
 * @buf: where to write
 * @size: bytes of @buf
 *
 * The same line goes to the kernel log at probe and to the controller's
 * sysfs attribute "interrupts".
 *
 * Return: the number of characters written, as scnprintf().
 */
int mqnvme_irq_describe(struct mqnvme_ctrl *ctrl, char *buf, size_t size)
{
	return scnprintf(buf, size,
			 "mode=%s vectors=%u default=%u read=0 poll=%u\n",
			 mqnvme_irq_mode_name(ctrl->irq_mode), ctrl->nr_vectors,
			 mqnvme_nr_default_queues(ctrl), ctrl->nr_poll_queues);
}
