// SPDX-License-Identifier: GPL-2.0
/*
 * mqnvme: the "mqnvme" device class, the controller's class device and
 * char device /dev/mqnvme<C>, and the sysfs attributes of controllers and
 * namespace disks (Documentation/sysfs.md).
 */
#include <linux/cdev.h>
#include <linux/crypto.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "mqnvme.h"

/* Controller instances, and so char device minors. */
#define MQNVME_MAX_CTRLS	1024

static dev_t mqnvme_chr_devt;

static const struct class mqnvme_class = {
	.name = MQNVME_NAME,
};

static struct mqnvme_ctrl *mqnvme_dev_to_ctrl(struct device *dev)
{
	return container_of(dev, struct mqnvme_ctrl, class_dev);
}

static ssize_t interrupts_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return mqnvme_irq_describe(mqnvme_dev_to_ctrl(dev), buf, PAGE_SIZE);
}
static DEVICE_ATTR_RO(interrupts);

/*
 * Identify strings padded with spaces to their field's width, as the
 * controller reports them and nvme-core shows them.
 */
static ssize_t model_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%-40s\n", mqnvme_dev_to_ctrl(dev)->model);
}
static DEVICE_ATTR_RO(model);

static ssize_t serial_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%-20s\n", mqnvme_dev_to_ctrl(dev)->serial);
}
static DEVICE_ATTR_RO(serial);

static ssize_t firmware_rev_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%-8s\n", mqnvme_dev_to_ctrl(dev)->firmware_rev);
}
static DEVICE_ATTR_RO(firmware_rev);

static ssize_t cntlid_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%u\n", mqnvme_dev_to_ctrl(dev)->cntlid);
}
static DEVICE_ATTR_RO(cntlid);

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct mqnvme_ctrl *ctrl = mqnvme_dev_to_ctrl(dev);

	return sysfs_emit(buf, "%s\n",
			  mqnvme_state_name(READ_ONCE(ctrl->state)));
}
static DEVICE_ATTR_RO(state);

static ssize_t address_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", pci_name(mqnvme_dev_to_ctrl(dev)->pdev));
}
static DEVICE_ATTR_RO(address);

/* Like the in-tree driver: the admin queue counts too. */
static ssize_t queue_count_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", mqnvme_dev_to_ctrl(dev)->nr_io_queues + 1);
}
static DEVICE_ATTR_RO(queue_count);

static ssize_t sqsize_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%u\n", mqnvme_dev_to_ctrl(dev)->q_depth - 1);
}
static DEVICE_ATTR_RO(sqsize);

static ssize_t numa_node_show(struct device *dev, struct device_attribute *attr,
			      char *buf)
{
	return sysfs_emit(buf, "%d\n", dev_to_node(mqnvme_dev_to_ctrl(dev)->dev));
}
static DEVICE_ATTR_RO(numa_node);

static ssize_t rescan_controller_store(struct device *dev,
				       struct device_attribute *attr,
				       const char *buf, size_t count)
{
	int ret = mqnvme_rescan(mqnvme_dev_to_ctrl(dev));

	return ret ? ret : count;
}
static DEVICE_ATTR_WO(rescan_controller);

static ssize_t reset_controller_store(struct device *dev,
				      struct device_attribute *attr,
				      const char *buf, size_t count)
{
	int ret = mqnvme_reset_ctrl_sync(mqnvme_dev_to_ctrl(dev));

	return ret ? ret : count;
}
static DEVICE_ATTR_WO(reset_controller);

static struct attribute *mqnvme_ctrl_attrs[] = {
	&dev_attr_interrupts.attr,
	&dev_attr_model.attr,
	&dev_attr_serial.attr,
	&dev_attr_firmware_rev.attr,
	&dev_attr_cntlid.attr,
	&dev_attr_state.attr,
	&dev_attr_address.attr,
	&dev_attr_queue_count.attr,
	&dev_attr_sqsize.attr,
	&dev_attr_numa_node.attr,
	&dev_attr_rescan_controller.attr,
	&dev_attr_reset_controller.attr,
	NULL,
};
ATTRIBUTE_GROUPS(mqnvme_ctrl);

static struct mqnvme_ns *mqnvme_dev_to_ns(struct device *dev)
{
	return dev_to_disk(dev)->private_data;
}

static ssize_t nsid_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%u\n", mqnvme_dev_to_ns(dev)->nsid);
}
static DEVICE_ATTR_RO(nsid);

/* The same identifier, in the same order of preference, as nvme-core. */
static ssize_t wwid_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct mqnvme_ns *ns = mqnvme_dev_to_ns(dev);
	struct mqnvme_ctrl *ctrl = ns->ctrl;

	if (!uuid_is_null(&ns->uuid))
		return sysfs_emit(buf, "uuid.%pU\n", &ns->uuid);
	if (memchr_inv(ns->nguid, 0, sizeof(ns->nguid)))
		return sysfs_emit(buf, "eui.%16phN\n", ns->nguid);
	if (memchr_inv(ns->eui64, 0, sizeof(ns->eui64)))
		return sysfs_emit(buf, "eui.%8phN\n", ns->eui64);
	return sysfs_emit(buf, "nvme.%04x-%*phN-%*phN-%08x\n", ctrl->vid,
			  (int)strlen(ctrl->serial), ctrl->serial,
			  (int)strlen(ctrl->model), ctrl->model, ns->nsid);
}
static DEVICE_ATTR_RO(wwid);

static ssize_t eui_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	return sysfs_emit(buf, "%8ph\n", mqnvme_dev_to_ns(dev)->eui64);
}
static DEVICE_ATTR_RO(eui);

static ssize_t nguid_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%pU\n", mqnvme_dev_to_ns(dev)->nguid);
}
static DEVICE_ATTR_RO(nguid);

/* Without a UUID the NGUID stands in, as nvme-core does. */
static ssize_t uuid_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct mqnvme_ns *ns = mqnvme_dev_to_ns(dev);

	if (uuid_is_null(&ns->uuid))
		return sysfs_emit(buf, "%pU\n", ns->nguid);
	return sysfs_emit(buf, "%pU\n", &ns->uuid);
}
static DEVICE_ATTR_RO(uuid);

static ssize_t metadata_bytes_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", mqnvme_dev_to_ns(dev)->ms);
}
static DEVICE_ATTR_RO(metadata_bytes);

/* Who protects the blocks: host (block layer), pract (controller), none. */
static ssize_t pi_mode_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct mqnvme_ns *ns = mqnvme_dev_to_ns(dev);

	if (!ns->pi.pi_type)
		return sysfs_emit(buf, "none\n");
	return sysfs_emit(buf, "%s\n", ns->pi.pract ? "pract" : "host");
}
static DEVICE_ATTR_RO(pi_mode);

/* The crypto driver of the guard CRC (crct10dif-pclmul when active). */
static ssize_t pi_crc_driver_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	struct mqnvme_ns *ns = mqnvme_dev_to_ns(dev);
	char name[CRYPTO_MAX_ALG_NAME];

	if (!ns->pi.pi_type)
		return sysfs_emit(buf, "none\n");
	return sysfs_emit(buf, "%s\n",
			  mqnvme_pi_crc_driver(ns->pi.guard64, name,
					       sizeof(name)));
}
static DEVICE_ATTR_RO(pi_crc_driver);

static struct attribute *mqnvme_ns_attrs[] = {
	&dev_attr_nsid.attr,
	&dev_attr_wwid.attr,
	&dev_attr_eui.attr,
	&dev_attr_nguid.attr,
	&dev_attr_uuid.attr,
	&dev_attr_metadata_bytes.attr,
	&dev_attr_pi_mode.attr,
	&dev_attr_pi_crc_driver.attr,
	NULL,
};

/* Identifiers the namespace does not have are not shown. */
static umode_t mqnvme_ns_attr_visible(struct kobject *kobj,
				      struct attribute *a, int n)
{
	struct mqnvme_ns *ns = mqnvme_dev_to_ns(kobj_to_dev(kobj));
	bool has_nguid = memchr_inv(ns->nguid, 0, sizeof(ns->nguid));

	if (a == &dev_attr_uuid.attr && uuid_is_null(&ns->uuid) && !has_nguid)
		return 0;
	if (a == &dev_attr_nguid.attr && !has_nguid)
		return 0;
	if (a == &dev_attr_eui.attr &&
	    !memchr_inv(ns->eui64, 0, sizeof(ns->eui64)))
		return 0;
	return a->mode;
}

static const struct attribute_group mqnvme_ns_group = {
	.attrs = mqnvme_ns_attrs,
	.is_visible = mqnvme_ns_attr_visible,
};

const struct attribute_group *mqnvme_ns_groups[] = {
	&mqnvme_ns_group,
	NULL,
};

/**
 * mqnvme_class_init - register the mqnvme class and char device region
 *
 * Return: 0 or a negative errno.
 */
int mqnvme_class_init(void)
{
	int ret;

	ret = alloc_chrdev_region(&mqnvme_chr_devt, 0, MQNVME_MAX_CTRLS,
				  MQNVME_NAME);
	if (ret)
		return ret;
	ret = class_register(&mqnvme_class);
	if (ret)
		unregister_chrdev_region(mqnvme_chr_devt, MQNVME_MAX_CTRLS);
	return ret;
}

/**
 * mqnvme_class_exit - unregister the mqnvme class and char device region
 */
void mqnvme_class_exit(void)
{
	class_unregister(&mqnvme_class);
	unregister_chrdev_region(mqnvme_chr_devt, MQNVME_MAX_CTRLS);
}

/**
 * mqnvme_ctrl_device_init - initialise the class device that owns @ctrl
 * @ctrl: a new controller with @instance allocated
 * @release: frees @ctrl once the last reference (open files, disks) is gone
 *
 * From here on the controller is freed with put_device(&ctrl->class_dev).
 *
 * Return: 0, or -EBUSY when @ctrl->instance has no minor.
 */
int mqnvme_ctrl_device_init(struct mqnvme_ctrl *ctrl,
			    void (*release)(struct device *dev))
{
	struct device *dev = &ctrl->class_dev;

	if (ctrl->instance >= MQNVME_MAX_CTRLS)
		return -EBUSY;
	device_initialize(dev);
	dev->class = &mqnvme_class;
	dev->parent = ctrl->dev;
	dev->devt = MKDEV(MAJOR(mqnvme_chr_devt), ctrl->instance);
	dev->groups = mqnvme_ctrl_groups;
	dev->release = release;
	cdev_init(&ctrl->cdev, &mqnvme_ctrl_fops);
	ctrl->cdev.owner = THIS_MODULE;
	return dev_set_name(dev, MQNVME_NAME "%d", ctrl->instance);
}

/**
 * mqnvme_sysfs_add_ctrl - add /dev/mqnvme<C> and /sys/class/mqnvme/mqnvme<C>
 * @ctrl: a live controller
 *
 * Return: 0 or a negative errno.
 */
int mqnvme_sysfs_add_ctrl(struct mqnvme_ctrl *ctrl)
{
	int ret = cdev_device_add(&ctrl->cdev, &ctrl->class_dev);

	if (!ret)
		ctrl->cdev_added = true;
	return ret;
}

/**
 * mqnvme_sysfs_remove_ctrl - remove the char device and its attributes
 * @ctrl: the controller; no attribute method runs after this returns,
 *	  files already open keep a reference until they are closed
 */
void mqnvme_sysfs_remove_ctrl(struct mqnvme_ctrl *ctrl)
{
	if (!ctrl->cdev_added)
		return;
	cdev_device_del(&ctrl->cdev, &ctrl->class_dev);
	ctrl->cdev_added = false;
}
