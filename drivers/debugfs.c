// SPDX-License-Identifier: GPL-2.0
/*
 * mqnvme: debugfs. /sys/kernel/debug/mqnvme/mqnvme<C>/queues lists every
 * queue with its vector, the CPUs blk-mq maps to it, how many commands it
 * carried and how its completions were reaped; "state" shows the controller
 * state; writing "mask <qid>" or "unmask <qid>" to "irq_fault" stops or
 * restarts the delivery of a queue's interrupt (the lost-interrupt tests).
 * Documentation/debugfs.md describes the files.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include "mqnvme.h"

static struct dentry *mqnvme_debugfs_root;

static int mqnvme_queues_show(struct seq_file *m, void *unused)
{
	struct mqnvme_ctrl *ctrl = m->private;
	unsigned int i, cpu;

	seq_puts(m, "qid vector depth submitted completed cpus type irqs polls\n");
	mutex_lock(&ctrl->shutdown_lock);
	for (i = 0; ctrl->queues && i <= ctrl->nr_io_queues; i++) {
		struct mqnvme_queue *q = &ctrl->queues[i];
		bool first = true;

		if (!q->cqes)
			continue;
		seq_printf(m, "%u ", q->qid);
		if (q->use_irq)
			seq_printf(m, "%u ", q->cq_vector);
		else
			seq_puts(m, "- ");
		seq_printf(m, "%u %llu %llu ", q->q_depth,
			   READ_ONCE(q->submitted), READ_ONCE(q->completed));
		if (i && ctrl->tagset_allocated) {
			const struct blk_mq_queue_map *map =
				&ctrl->tagset.map[q->hctx_poll ? HCTX_TYPE_POLL :
						  HCTX_TYPE_DEFAULT];

			for_each_possible_cpu(cpu) {
				if (map->mq_map[cpu] != i - 1)
					continue;
				seq_printf(m, "%s%u", first ? "" : ",", cpu);
				first = false;
			}
		}
		seq_printf(m, "%s %s %llu %llu\n", first ? "-" : "",
			   !i ? "admin" : q->hctx_poll ? "poll" : "default",
			   READ_ONCE(q->irqs), READ_ONCE(q->polls));
	}
	mutex_unlock(&ctrl->shutdown_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mqnvme_queues);

static int mqnvme_state_show(struct seq_file *m, void *unused)
{
	struct mqnvme_ctrl *ctrl = m->private;

	seq_printf(m, "%s\n", mqnvme_state_name(READ_ONCE(ctrl->state)));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mqnvme_state);

static ssize_t mqnvme_irq_fault_write(struct file *file,
				      const char __user *ubuf, size_t count,
				      loff_t *ppos)
{
	struct mqnvme_ctrl *ctrl = file->private_data;
	unsigned int qid;
	char buf[32], op[8];
	int ret = -EINVAL;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (sscanf(buf, "%7s %u", op, &qid) != 2)
		return -EINVAL;
	mutex_lock(&ctrl->shutdown_lock);
	if (READ_ONCE(ctrl->state) == MQNVME_CTRL_LIVE &&
	    qid <= ctrl->nr_io_queues && ctrl->queues[qid].irq_requested) {
		if (!strcmp(op, "mask") || !strcmp(op, "unmask")) {
			mqnvme_queue_mask_irq(&ctrl->queues[qid],
					      !strcmp(op, "mask"));
			ret = count;
		}
	} else {
		ret = -ENXIO;
	}
	mutex_unlock(&ctrl->shutdown_lock);
	return ret;
}

static const struct file_operations mqnvme_irq_fault_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= mqnvme_irq_fault_write,
	.llseek	= noop_llseek,
};

/* "sleep" (write only, testing): one suspend and resume of this function. */
static ssize_t mqnvme_sleep_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	struct mqnvme_ctrl *ctrl = file->private_data;
	char buf[8];
	int ret;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (strcmp(strim(buf), "cycle"))
		return -EINVAL;
	ret = mqnvme_pci_sleep_cycle(ctrl);
	return ret ? ret : count;
}

static const struct file_operations mqnvme_sleep_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= mqnvme_sleep_write,
	.llseek	= noop_llseek,
};

/**
 * mqnvme_debugfs_init - create /sys/kernel/debug/mqnvme
 */
void mqnvme_debugfs_init(void)
{
	mqnvme_debugfs_root = debugfs_create_dir(MQNVME_NAME, NULL);
}

/**
 * mqnvme_debugfs_exit - remove /sys/kernel/debug/mqnvme
 */
void mqnvme_debugfs_exit(void)
{
	debugfs_remove_recursive(mqnvme_debugfs_root);
}

/**
 * mqnvme_debugfs_add_ctrl - add the directory of a controller
 * @ctrl: the controller
 */
void mqnvme_debugfs_add_ctrl(struct mqnvme_ctrl *ctrl)
{
	char name[32];

	snprintf(name, sizeof(name), MQNVME_NAME "%d", ctrl->instance);
	ctrl->debugfs_dir = debugfs_create_dir(name, mqnvme_debugfs_root);
	debugfs_create_file("queues", 0444, ctrl->debugfs_dir, ctrl,
			    &mqnvme_queues_fops);
	debugfs_create_file("state", 0444, ctrl->debugfs_dir, ctrl,
			    &mqnvme_state_fops);
	debugfs_create_file("irq_fault", 0200, ctrl->debugfs_dir, ctrl,
			    &mqnvme_irq_fault_fops);
	debugfs_create_file("sleep", 0200, ctrl->debugfs_dir, ctrl,
			    &mqnvme_sleep_fops);
	debugfs_create_u32("resets", 0444, ctrl->debugfs_dir, &ctrl->resets);
	debugfs_create_u32("aens", 0444, ctrl->debugfs_dir, &ctrl->aens);
	debugfs_create_atomic_t("requeued", 0444, ctrl->debugfs_dir,
				&ctrl->requeued);
	debugfs_create_atomic_t("aborts", 0444, ctrl->debugfs_dir,
				&ctrl->aborts);
}

/**
 * mqnvme_debugfs_remove_ctrl - remove the directory of a controller
 * @ctrl: the controller
 */
void mqnvme_debugfs_remove_ctrl(struct mqnvme_ctrl *ctrl)
{
	debugfs_remove_recursive(ctrl->debugfs_dir);
	ctrl->debugfs_dir = NULL;
}
