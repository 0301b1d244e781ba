// SPDX-License-Identifier: GPL-2.0
/*
 * mqnvme: debugfs. /sys/kernel/debug/mqnvme/mqnvme<C>/queues lists every
 * queue with its vector, the CPUs blk-mq maps to it and how many commands
 * it carried; "state" shows the controller state.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "mqnvme.h"

static struct dentry *mqnvme_debugfs_root;

static int mqnvme_queues_show(struct seq_file *m, void *unused)
{
	struct mqnvme_ctrl *ctrl = m->private;
	unsigned int i, cpu;

	seq_puts(m, "qid vector depth submitted completed cpus\n");
	mutex_lock(&ctrl->shutdown_lock);
	for (i = 0; ctrl->queues && i <= ctrl->nr_io_queues; i++) {
		struct mqnvme_queue *q = &ctrl->queues[i];
		bool first = true;

		if (!q->cqes)
			continue;
		seq_printf(m, "%u %u %u %llu %llu ", q->qid, q->cq_vector,
			   q->q_depth, READ_ONCE(q->submitted),
			   READ_ONCE(q->completed));
		if (i && ctrl->tagset_allocated) {
			const struct blk_mq_queue_map *map =
				&ctrl->tagset.map[HCTX_TYPE_DEFAULT];

			for_each_possible_cpu(cpu) {
				if (map->mq_map[cpu] != i - 1)
					continue;
				seq_printf(m, "%s%u", first ? "" : ",", cpu);
				first = false;
			}
		}
		seq_puts(m, first ? "-\n" : "\n");
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
