// SPDX-License-Identifier: GPL-2.0
/*
 * mqnvme: an out-of-tree PCIe NVMe blk-mq driver without nvme-core.
 *
 * This file holds the module parameters (all of them, documented in
 * Documentation/module-parameters.md) and module init/exit.
 */
#include <linux/blkdev.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "mqnvme.h"

/**
 * struct mqnvme_uint_param - an unsigned module parameter with a range
 * @val: the variable
 * @min: smallest value accepted
 * @max: largest value accepted
 */
struct mqnvme_uint_param {
	unsigned int *val;
	unsigned int min;
	unsigned int max;
};

static int mqnvme_param_set(const char *buf, const struct kernel_param *kp)
{
	const struct mqnvme_uint_param *p = kp->arg;
	unsigned int v;
	int ret;

	ret = kstrtouint(buf, 0, &v);
	if (ret) {
		pr_err(MQNVME_NAME ": %s=%s is not a number\n", kp->name, buf);
		return ret;
	}
	if (v < p->min || v > p->max) {
		pr_err(MQNVME_NAME ": %s=%u is out of range [%u, %u]\n",
		       kp->name, v, p->min, p->max);
		return -EINVAL;
	}
	*p->val = v;
	return 0;
}

static int mqnvme_param_get(char *buf, const struct kernel_param *kp)
{
	const struct mqnvme_uint_param *p = kp->arg;

	return sysfs_emit(buf, "%u\n", *p->val);
}

static const struct kernel_param_ops mqnvme_param_ops = {
	.set = mqnvme_param_set,
	.get = mqnvme_param_get,
};

#define MQNVME_PARAM(name, def, lo, hi, desc)				\
	unsigned int mqnvme_##name = def;				\
	static const struct mqnvme_uint_param mqnvme_##name##_param = {	\
		&mqnvme_##name, lo, hi };				\
	module_param_cb(name, &mqnvme_param_ops,			\
			(void *)&mqnvme_##name##_param, 0444);		\
	MODULE_PARM_DESC(name, desc " [" #lo ".." #hi ", default " #def "]")

MQNVME_PARAM(io_queue_depth, 1024, 2, MQNVME_MAX_QUEUE_DEPTH - 1,
	     "entries of each I/O queue (capped by CAP.MQES + 1)");
MQNVME_PARAM(admin_timeout, 60, 1, 3600, "admin command timeout in seconds");
MQNVME_PARAM(io_timeout, 30, 1, 3600, "I/O command timeout in seconds");
MQNVME_PARAM(shutdown_timeout, 5, 1, 3600,
	     "shortest wait for a controller shutdown in seconds (RTD3E may ask for more)");
MQNVME_PARAM(sgl_threshold, 32768, 0, MQNVME_MAX_TRANSFER,
	     "use SGLs when the average segment of a request is at least this many bytes and the controller supports them; 0 = never");
MQNVME_PARAM(max_segments, 128, 2, MQNVME_MAX_SEGMENTS,
	     "scatter/gather segments per request");
MQNVME_PARAM(inject, 0, 0, 15,
	     "testing only: pretend a broken controller (1 CSTS all ones, 2 MPSMIN 8 KiB, 4 no I/O queues, 8 enable timeout)");

int mqnvme_major;
extern struct pci_driver mqnvme_pci_driver;

static int __init mqnvme_init(void)
{
	int ret;

	mqnvme_major = register_blkdev(0, MQNVME_NAME);
	if (mqnvme_major < 0)
		return mqnvme_major;
	mqnvme_debugfs_init();
	ret = pci_register_driver(&mqnvme_pci_driver);
	if (ret) {
		mqnvme_debugfs_exit();
		unregister_blkdev(mqnvme_major, MQNVME_NAME);
	}
	return ret;
}

static void __exit mqnvme_exit(void)
{
	pci_unregister_driver(&mqnvme_pci_driver);
	mqnvme_debugfs_exit();
	unregister_blkdev(mqnvme_major, MQNVME_NAME);
}

module_init(mqnvme_init);
module_exit(mqnvme_exit);

MODULE_AUTHOR("mqnvme developers");
MODULE_DESCRIPTION("PCIe NVMe blk-mq driver with one queue pair per CPU");
MODULE_LICENSE("GPL");
