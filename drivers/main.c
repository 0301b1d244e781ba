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

unsigned int mqnvme_io_queue_depth = 1024;
static const struct mqnvme_uint_param mqnvme_io_queue_depth_range = {
	&mqnvme_io_queue_depth, 2, MQNVME_MAX_QUEUE_DEPTH - 1 };
module_param_cb(io_queue_depth, &mqnvme_param_ops, (void *)&mqnvme_io_queue_depth_range, 0444);
MODULE_PARM_DESC(io_queue_depth, "entries of each I/O queue, capped by CAP.MQES + 1 [2..4095, default 1024]");

unsigned int mqnvme_admin_timeout = 60;
static const struct mqnvme_uint_param mqnvme_admin_timeout_range = {
	&mqnvme_admin_timeout, 1, 3600 };
module_param_cb(admin_timeout, &mqnvme_param_ops, (void *)&mqnvme_admin_timeout_range, 0444);
MODULE_PARM_DESC(admin_timeout, "admin command timeout in seconds [1..3600, default 60]");

unsigned int mqnvme_io_timeout = 30;
static const struct mqnvme_uint_param mqnvme_io_timeout_range = {
	&mqnvme_io_timeout, 1, 3600 };
module_param_cb(io_timeout, &mqnvme_param_ops, (void *)&mqnvme_io_timeout_range, 0444);
MODULE_PARM_DESC(io_timeout, "I/O command timeout in seconds [1..3600, default 30]");

unsigned int mqnvme_shutdown_timeout = 5;
static const struct mqnvme_uint_param mqnvme_shutdown_timeout_range = {
	&mqnvme_shutdown_timeout, 1, 3600 };
module_param_cb(shutdown_timeout, &mqnvme_param_ops, (void *)&mqnvme_shutdown_timeout_range, 0444);
MODULE_PARM_DESC(shutdown_timeout, "shortest wait for a controller shutdown in seconds, RTD3E may ask for more [1..3600, default 5]");

unsigned int mqnvme_sgl_threshold = 32768;
static const struct mqnvme_uint_param mqnvme_sgl_threshold_range = {
	&mqnvme_sgl_threshold, 0, MQNVME_MAX_TRANSFER };
module_param_cb(sgl_threshold, &mqnvme_param_ops, (void *)&mqnvme_sgl_threshold_range, 0444);
MODULE_PARM_DESC(sgl_threshold, "use SGLs when the controller has them and a request's average segment is at least this many bytes; 0 = never [0..8388608, default 32768]");

unsigned int mqnvme_max_segments = 128;
static const struct mqnvme_uint_param mqnvme_max_segments_range = {
	&mqnvme_max_segments, 2, MQNVME_MAX_SEGMENTS };
module_param_cb(max_segments, &mqnvme_param_ops, (void *)&mqnvme_max_segments_range, 0444);
MODULE_PARM_DESC(max_segments, "scatter/gather segments per request [2..256, default 128]");

unsigned int mqnvme_max_retries = 5;
static const struct mqnvme_uint_param mqnvme_max_retries_range = {
	&mqnvme_max_retries, 0, 255 };
module_param_cb(max_retries, &mqnvme_param_ops, (void *)&mqnvme_max_retries_range, 0644);
MODULE_PARM_DESC(max_retries, "times a file system I/O that failed without DNR (or was cancelled by a reset) is retried, after the delay CRD names [0..255, default 5]");

unsigned int mqnvme_inject;
static const struct mqnvme_uint_param mqnvme_inject_range = {
	&mqnvme_inject, 0, MQNVME_INJECT_ALL };
module_param_cb(inject, &mqnvme_param_ops, (void *)&mqnvme_inject_range, 0644);
MODULE_PARM_DESC(inject, "testing only: pretend a broken controller: 1 CSTS all ones, 2 MPSMIN 8 KiB, 4 no I/O queue granted, 8 enable timeout, 16 MSI-X interrupts never arrive, 32 SG_IO sends commands OACS/ONCS lack, 64 disable without deleting the I/O queues, 128 once: a reset's Doorbell Buffer Config is never answered; writable, so that a later reset meets the fault [0..255, default 0]");

unsigned int mqnvme_poll_queues;
static const struct mqnvme_uint_param mqnvme_poll_queues_range = {
	&mqnvme_poll_queues, 0, 256 };
module_param_cb(poll_queues, &mqnvme_param_ops, (void *)&mqnvme_poll_queues_range, 0644);
MODULE_PARM_DESC(poll_queues, "extra I/O queue pairs without interrupt, polled by blk-mq (io_uring IOPOLL); writable: a controller's next reset applies it, up to the count it was probed with [0..256, default 0]");

unsigned int mqnvme_irq_coalesce_time;
static const struct mqnvme_uint_param mqnvme_irq_coalesce_time_range = {
	&mqnvme_irq_coalesce_time, 0, 255 };
module_param_cb(irq_coalesce_time, &mqnvme_param_ops,
		(void *)&mqnvme_irq_coalesce_time_range, 0444);
MODULE_PARM_DESC(irq_coalesce_time, "interrupt coalescing: aggregation time in 100 us units, 0 = none [0..255, default 0]");

unsigned int mqnvme_irq_coalesce_thr;
static const struct mqnvme_uint_param mqnvme_irq_coalesce_thr_range = {
	&mqnvme_irq_coalesce_thr, 0, 256 };
module_param_cb(irq_coalesce_thr, &mqnvme_param_ops, (void *)&mqnvme_irq_coalesce_thr_range, 0444);
MODULE_PARM_DESC(irq_coalesce_thr, "interrupt coalescing: completions aggregated per interrupt, 0 = none; coalescing is off unless this or irq_coalesce_time is set [0..256, default 0]");

int mqnvme_irq_mode = MQNVME_IRQ_AUTO;

static int mqnvme_irq_mode_set(const char *buf, const struct kernel_param *kp)
{
	int mode = mqnvme_irq_mode_parse(buf);

	if (mode < 0) {
		pr_err(MQNVME_NAME ": irq_mode=%s is not one of auto, msix, msi, intx, poll\n",
		       buf);
		return mode;
	}
	mqnvme_irq_mode = mode;
	return 0;
}

static int mqnvme_irq_mode_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", mqnvme_irq_mode_name(mqnvme_irq_mode));
}

static const struct kernel_param_ops mqnvme_irq_mode_ops = {
	.set = mqnvme_irq_mode_set,
	.get = mqnvme_irq_mode_get,
};
module_param_cb(irq_mode, &mqnvme_irq_mode_ops, NULL, 0444);
MODULE_PARM_DESC(irq_mode, "highest rung of the interrupt ladder msix > msi > intx > poll to try; auto = msix [auto|msix|msi|intx|poll, default auto]");

enum mqnvme_pi_mode mqnvme_pi_mode = MQNVME_PI_HOST;

static int mqnvme_pi_mode_set(const char *buf, const struct kernel_param *kp)
{
	if (sysfs_streq(buf, "host")) {
		mqnvme_pi_mode = MQNVME_PI_HOST;
	} else if (sysfs_streq(buf, "pract")) {
		mqnvme_pi_mode = MQNVME_PI_PRACT;
	} else {
		pr_err(MQNVME_NAME ": pi=%s is not one of host, pract\n", buf);
		return -EINVAL;
	}
	return 0;
}

static int mqnvme_pi_mode_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n",
			  mqnvme_pi_mode == MQNVME_PI_PRACT ? "pract" : "host");
}

static const struct kernel_param_ops mqnvme_pi_mode_ops = {
	.set = mqnvme_pi_mode_set,
	.get = mqnvme_pi_mode_get,
};
module_param_cb(pi, &mqnvme_pi_mode_ops, NULL, 0444);
MODULE_PARM_DESC(pi, "who protects blocks of namespaces formatted with protection information: host = the block layer generates and verifies the tuples (integrity profile), pract = the controller inserts and strips them (PRACT; only where the metadata is the PI tuple alone) [host|pract, default host]");

int mqnvme_major;

static int __init mqnvme_init(void)
{
	int ret;

	mqnvme_major = register_blkdev(0, MQNVME_NAME);
	if (mqnvme_major < 0)
		return mqnvme_major;
	ret = mqnvme_class_init();
	if (ret)
		goto out_blkdev;
	mqnvme_debugfs_init();
	ret = pci_register_driver(&mqnvme_pci_driver);
	if (ret)
		goto out_class;
	return 0;

out_class:
	mqnvme_debugfs_exit();
	mqnvme_class_exit();
out_blkdev:
	unregister_blkdev(mqnvme_major, MQNVME_NAME);
	return ret;
}

static void __exit mqnvme_exit(void)
{
	pci_unregister_driver(&mqnvme_pci_driver);
	mqnvme_debugfs_exit();
	mqnvme_class_exit();
	unregister_blkdev(mqnvme_major, MQNVME_NAME);
}

module_init(mqnvme_init);
module_exit(mqnvme_exit);

MODULE_AUTHOR("mqnvme developers");
MODULE_DESCRIPTION("PCIe NVMe blk-mq driver with one queue pair per CPU");
MODULE_LICENSE("GPL");
/* The PCLMULQDQ guard CRC for PI namespaces (pi.c asks for it too). */
MODULE_SOFTDEP("pre: crct10dif-pclmul");
