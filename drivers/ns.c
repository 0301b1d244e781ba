// SPDX-License-Identifier: GPL-2.0
/*
 * mqnvme: namespaces. Each active namespace becomes a gendisk named
 * mqnvme<C>n<nsid> on the driver's own block major.
 */
#include <linux/blkdev.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "mqnvme.h"

static DEFINE_IDA(mqnvme_minor_ida);

static void mqnvme_free_disk(struct gendisk *disk)
{
	struct mqnvme_ns *ns = disk->private_data;

	ida_free(&mqnvme_minor_ida, disk->first_minor / MQNVME_MINORS);
	kfree(ns);
}

static const struct block_device_operations mqnvme_bdev_ops = {
	.owner		= THIS_MODULE,
	.free_disk	= mqnvme_free_disk,
};

static void mqnvme_ns_limits(struct mqnvme_ctrl *ctrl, struct mqnvme_ns *ns,
			     struct queue_limits *lim)
{
	u32 lbs = 1U << ns->lba_shift;

	lim->logical_block_size = lbs;
	lim->physical_block_size = lbs;
	lim->io_min = lbs;
	lim->max_hw_sectors = ctrl->max_hw_sectors;
	lim->max_segments = mqnvme_max_segments;
	lim->virt_boundary_mask = MQNVME_CTRL_PAGE_SIZE - 1;
	lim->dma_alignment = 3;
	if (ctrl->vwc & NVME_CTRL_VWC_PRESENT)
		lim->features |= BLK_FEAT_WRITE_CACHE | BLK_FEAT_FUA;
	if (ctrl->oncs & NVME_CTRL_ONCS_DSM) {
		lim->max_hw_discard_sectors = UINT_MAX;
		lim->discard_granularity = lbs;
		lim->max_discard_segments = NVME_DSM_MAX_RANGES;
	}
	if (ctrl->oncs & NVME_CTRL_ONCS_WRITE_ZEROES)
		lim->max_write_zeroes_sectors =
			min_t(u32, ctrl->max_hw_sectors,
			      0x10000U << (ns->lba_shift - SECTOR_SHIFT));
}

static int mqnvme_add_ns(struct mqnvme_ctrl *ctrl, u32 nsid)
{
	struct queue_limits lim = { };
	struct nvme_id_ns *id;
	struct mqnvme_ns *ns;
	struct gendisk *disk;
	u64 capacity;
	u8 lbaf;
	int minor, ret;

	id = kzalloc(sizeof(*id), GFP_KERNEL);
	if (!id)
		return -ENOMEM;
	ret = mqnvme_identify(ctrl, NVME_ID_CNS_NS, nsid, id);
	if (ret) {
		dev_err(ctrl->dev, "Identify Namespace %u failed (%d)\n", nsid,
			ret);
		ret = ret < 0 ? ret : -EIO;
		goto out_free_id;
	}
	if (!id->ncap) {
		ret = 0;	/* allocated but not active */
		goto out_free_id;
	}

	ns = kzalloc(sizeof(*ns), GFP_KERNEL);
	if (!ns) {
		ret = -ENOMEM;
		goto out_free_id;
	}
	ns->ctrl = ctrl;
	ns->nsid = nsid;
	lbaf = nvme_lbaf_index(id->flbas);
	ns->lba_shift = id->lbaf[lbaf].ds;
	ns->ms = le16_to_cpu(id->lbaf[lbaf].ms);
	capacity = le64_to_cpu(id->nsze);
	if (lbaf > id->nlbaf || ns->lba_shift < SECTOR_SHIFT ||
	    ns->lba_shift > PAGE_SHIFT) {
		dev_err(ctrl->dev, "namespace %u: LBA format %u (2^%u-byte blocks) not usable, skipped\n",
			nsid, lbaf, ns->lba_shift);
		ret = 0;
		goto out_free_ns;
	}
	if (ns->ms) {
		dev_warn(ctrl->dev, "namespace %u: format with %u metadata bytes per block not served yet, capacity 0\n",
			 nsid, ns->ms);
		capacity = 0;
	}

	minor = ida_alloc_max(&mqnvme_minor_ida, (MINORMASK + 1) / MQNVME_MINORS - 1,
			      GFP_KERNEL);
	if (minor < 0) {
		ret = minor;
		goto out_free_ns;
	}

	mqnvme_ns_limits(ctrl, ns, &lim);
	disk = blk_mq_alloc_disk(&ctrl->tagset, &lim, ns);
	if (IS_ERR(disk)) {
		ret = PTR_ERR(disk);
		ida_free(&mqnvme_minor_ida, minor);
		goto out_free_ns;
	}
	disk->major = mqnvme_major;
	disk->first_minor = minor * MQNVME_MINORS;
	disk->minors = MQNVME_MINORS;
	disk->fops = &mqnvme_bdev_ops;
	disk->private_data = ns;
	snprintf(disk->disk_name, DISK_NAME_LEN, MQNVME_NAME "%dn%u",
		 ctrl->instance, nsid);
	set_capacity(disk, capacity << (ns->lba_shift - SECTOR_SHIFT));
	ns->disk = disk;

	ret = device_add_disk(ctrl->dev, disk, NULL);
	if (ret) {
		/* free_disk only runs for disks that were added. */
		put_disk(disk);
		ida_free(&mqnvme_minor_ida, minor);
		goto out_free_ns;
	}
	mutex_lock(&ctrl->namespaces_lock);
	list_add_tail(&ns->list, &ctrl->namespaces);
	mutex_unlock(&ctrl->namespaces_lock);
	kfree(id);
	return 0;

out_free_ns:
	kfree(ns);
out_free_id:
	kfree(id);
	return ret;
}

/**
 * mqnvme_scan_namespaces - create a disk for every active namespace
 * @ctrl: a live controller
 *
 * Uses the Active Namespace ID list (CNS 02h), or every id up to NN on
 * controllers older than NVMe 1.1.
 *
 * Return: 0 or the error of the first namespace that failed.
 */
int mqnvme_scan_namespaces(struct mqnvme_ctrl *ctrl)
{
	const unsigned int per_page = NVME_IDENTIFY_DATA_SIZE / sizeof(__le32);
	u32 prev = 0, nsid, i;
	__le32 *list;
	int ret = 0;

	if (ctrl->vs < NVME_VS(1, 1, 0)) {
		for (nsid = 1; nsid <= ctrl->nn && !ret; nsid++)
			ret = mqnvme_add_ns(ctrl, nsid);
		return ret;
	}

	list = kzalloc(NVME_IDENTIFY_DATA_SIZE, GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	for (;;) {
		ret = mqnvme_identify(ctrl, NVME_ID_CNS_NS_ACTIVE_LIST, prev,
				      list);
		if (ret) {
			dev_err(ctrl->dev, "Identify Active Namespace List failed (%d)\n",
				ret);
			ret = ret < 0 ? ret : -EIO;
			break;
		}
		for (i = 0; i < per_page; i++) {
			nsid = le32_to_cpu(list[i]);
			if (!nsid || nsid <= prev)
				goto out;
			ret = mqnvme_add_ns(ctrl, nsid);
			if (ret)
				goto out;
			prev = nsid;
		}
	}
out:
	kfree(list);
	return ret;
}

/**
 * mqnvme_remove_namespaces - delete every disk of the controller
 * @ctrl: the controller
 *
 * I/O already issued is waited for (or fails, if the controller is dead).
 */
void mqnvme_remove_namespaces(struct mqnvme_ctrl *ctrl)
{
	struct mqnvme_ns *ns, *next;
	LIST_HEAD(list);

	mutex_lock(&ctrl->namespaces_lock);
	list_splice_init(&ctrl->namespaces, &list);
	mutex_unlock(&ctrl->namespaces_lock);

	list_for_each_entry_safe(ns, next, &list, list) {
		list_del(&ns->list);
		del_gendisk(ns->disk);
		put_disk(ns->disk);	/* frees @ns once the last opener is gone */
	}
}

/**
 * mqnvme_mark_namespaces_dead - make every disk fail I/O immediately
 * @ctrl: a controller that was given up
 */
void mqnvme_mark_namespaces_dead(struct mqnvme_ctrl *ctrl)
{
	struct mqnvme_ns *ns;

	mutex_lock(&ctrl->namespaces_lock);
	list_for_each_entry(ns, &ctrl->namespaces, list)
		blk_mark_disk_dead(ns->disk);
	mutex_unlock(&ctrl->namespaces_lock);
}
