// SPDX-License-Identifier: GPL-2.0
/*
 * mqnvme: the "mqnvme" device class and the controller's sysfs attributes,
 * /sys/class/mqnvme/mqnvme<C>/ (Documentation/sysfs.md).
 */
#include <linux/device.h>
#include <linux/sysfs.h>

#include "mqnvme.h"

static const struct class mqnvme_class = {
	.name = MQNVME_NAME,
};

static ssize_t interrupts_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct mqnvme_ctrl *ctrl = dev_get_drvdata(dev);

	return mqnvme_irq_describe(ctrl, buf, PAGE_SIZE);
}
static DEVICE_ATTR_RO(interrupts);

static struct attribute *mqnvme_ctrl_attrs[] = {
	&dev_attr_interrupts.attr,
	NULL,
};
ATTRIBUTE_GROUPS(mqnvme_ctrl);

/**
 * mqnvme_class_init - register the mqnvme class
 *
 * Return: 0 or a negative errno.
 */
int mqnvme_class_init(void)
{
	return class_register(&mqnvme_class);
}

/**
 * mqnvme_class_exit - unregister the mqnvme class
 */
void mqnvme_class_exit(void)
{
	class_unregister(&mqnvme_class);
}

/**
 * mqnvme_sysfs_add_ctrl - create /sys/class/mqnvme/mqnvme<C>
 * @ctrl: a live controller
 *
 * Return: 0 or a negative errno.
 */
int mqnvme_sysfs_add_ctrl(struct mqnvme_ctrl *ctrl)
{
	struct device *dev;

	dev = device_create_with_groups(&mqnvme_class, ctrl->dev, MKDEV(0, 0),
					ctrl, mqnvme_ctrl_groups,
					MQNVME_NAME "%d", ctrl->instance);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	ctrl->class_dev = dev;
	return 0;
}

/**
 * mqnvme_sysfs_remove_ctrl - remove the controller's class device
 * @ctrl: the controller; no attribute method runs after this returns
 */
void mqnvme_sysfs_remove_ctrl(struct mqnvme_ctrl *ctrl)
{
	if (!ctrl->class_dev)
		return;
	device_unregister(ctrl->class_dev);
	ctrl->class_dev = NULL;
}
