// SPDX-License-Identifier: GPL-2.0
/*
 * mqnvme: namespaces. Each active namespace becomes a gendisk named
 * mqnvme<C>n<nsid> on the driver's own block major.
 */
#include <linux/blkdev.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/t10-pi.h>

#include "mqnvme.h"

static DEFINE_IDA(mqnvme_minor_ida);

static void mqnvme_free_disk(struct gendisk *disk)
{
	struct mqnvme_ns *ns = disk->private_data;

	ida_free(&mqnvme_minor_ida, disk->first_minor / MQNVME_MINORS);
	put_device(&ns->ctrl->class_dev);
	kfree(ns);
}

static const struct block_device_operations mqnvme_bdev_ops = {
	.owner		= THIS_MODULE,
	.ioctl		= mqnvme_bdev_ioctl,
	.compat_ioctl	= blkdev_compat_ptr_ioctl,
	.free_disk	= mqnvme_free_disk,
};

/**
 * struct mqnvme_ns_info - what Identify Namespace says, parsed
 * @lba_shift: log2 of the block size, 9 when the format is not usable
 * @ms: metadata bytes per block
 * @ext: metadata interleaved with the data
 * @pi: how the metadata is served
 * @capacity: usable blocks, 0 when the driver cannot serve the format
 * @lbaf: the LBA format index in use
 * @dpc: the PI types the namespace can be formatted with
 * @pi_type: the PI type it is formatted with (DPS), 0 without
 * @lbprz: deallocated blocks read as zeroes
 * @unusable: why the format is not served, or NULL
 */
struct mqnvme_ns_info {
	u8 lba_shift;
	u16 ms;
	bool ext;
	struct mqnvme_pi_setup pi;
	u8 dpc;
	u8 pi_type;
	bool lbprz;
	u64 capacity;
	u8 lbaf;
	const char *unusable;
};

static void mqnvme_ns_parse(struct mqnvme_ctrl *ctrl, u32 nsid,
			    struct nvme_id_ns *id, struct mqnvme_ns_info *info)
{
	u8 lbaf = nvme_lbaf_index(id->flbas);
	struct mqnvme_pi_format f;

	memset(info, 0, sizeof(*info));
	info->lbaf = lbaf;
	info->lba_shift = id->lbaf[lbaf].ds;
	info->ms = le16_to_cpu(id->lbaf[lbaf].ms);
	info->ext = info->ms && (id->flbas & NVME_NS_FLBAS_META_EXT);
	info->capacity = le64_to_cpu(id->nsze);
	info->dpc = id->dpc;
	info->pi_type = id->dps & NVME_NS_DPS_PI_MASK;
	/* DLFEAT 001b: a deallocated block reads as zeroes. */
	info->lbprz = (id->dlfeat & 0x7) == 0x1;
	if (lbaf > id->nlbaf || info->lba_shift < SECTOR_SHIFT ||
	    info->lba_shift > PAGE_SHIFT) {
		info->unusable = "its block size is not usable";
	} else if (info->ms) {
		mqnvme_pi_read_format(ctrl, nsid, id, &f);
		mqnvme_pi_setup(&f, mqnvme_pi_mode, &info->pi);
		info->unusable = info->pi.unusable;
	}
	if (info->unusable) {
		info->capacity = 0;
		if (info->lba_shift < SECTOR_SHIFT || info->lba_shift > PAGE_SHIFT)
			info->lba_shift = SECTOR_SHIFT;
	}
}

static void mqnvme_ns_limits(struct mqnvme_ctrl *ctrl,
			     struct mqnvme_ns_info *info,
			     struct queue_limits *lim)
{
	u8 lba_shift = info->lba_shift;
	u32 lbs = 1U << lba_shift;

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
			      0x10000U << (lba_shift - SECTOR_SHIFT));
	/* One integrity buffer per request: MPTR is a single address. */
	lim->integrity = info->pi.bi;
	lim->max_integrity_segments = info->pi.bi.tuple_size ? 1 : 0;
}

/*
 * EUI-64, NGUID, UUID and the command set: from Identify Namespace and its
 * descriptors (no CSI descriptor: the NVM command set).
 */
static void mqnvme_ns_read_ids(struct mqnvme_ctrl *ctrl, u32 nsid,
			       struct nvme_id_ns *id, struct mqnvme_ns *ids)
{
	struct nvme_command c = { };
	void *data;
	int pos;

	memset(ids->eui64, 0, sizeof(ids->eui64));
	memset(ids->nguid, 0, sizeof(ids->nguid));
	uuid_copy(&ids->uuid, &uuid_null);
	ids->csi = NVME_CSI_NVM;
	if (ctrl->vs >= NVME_VS(1, 1, 0))
		memcpy(ids->eui64, id->eui64, sizeof(ids->eui64));
	if (ctrl->vs >= NVME_VS(1, 2, 0))
		memcpy(ids->nguid, id->nguid, sizeof(ids->nguid));
	if (ctrl->vs < NVME_VS(1, 3, 0))
		return;

	data = kzalloc(NVME_IDENTIFY_DATA_SIZE, GFP_KERNEL);
	if (!data)
		return;
	c.identify.opcode = nvme_admin_identify;
	c.identify.nsid = cpu_to_le32(nsid);
	c.identify.cns = NVME_ID_CNS_NS_DESC_LIST;
	if (mqnvme_admin_sync(ctrl, &c, data, NVME_IDENTIFY_DATA_SIZE, NULL))
		goto out;
	for (pos = 0; pos + sizeof(struct nvme_ns_id_desc) <
		      NVME_IDENTIFY_DATA_SIZE;) {
		struct nvme_ns_id_desc *d = data + pos;
		unsigned int len = d->nidl;

		if (!len || pos + sizeof(*d) + len > NVME_IDENTIFY_DATA_SIZE)
			break;
		pos += sizeof(*d);
		if (d->nidt == NVME_NIDT_EUI64 && len == NVME_NIDT_EUI64_LEN)
			memcpy(ids->eui64, data + pos, len);
		else if (d->nidt == NVME_NIDT_NGUID && len == NVME_NIDT_NGUID_LEN)
			memcpy(ids->nguid, data + pos, len);
		else if (d->nidt == NVME_NIDT_UUID && len == NVME_NIDT_UUID_LEN)
			uuid_copy(&ids->uuid, data + pos);
		else if (d->nidt == NVME_NIDT_CSI && len == NVME_NIDT_CSI_LEN)
			ids->csi = *(u8 *)(data + pos);
		pos += len;
	}
out:
	kfree(data);
}

static bool mqnvme_ns_ids_equal(struct mqnvme_ns *a, struct mqnvme_ns *b)
{
	return !memcmp(a->eui64, b->eui64, sizeof(a->eui64)) &&
	       !memcmp(a->nguid, b->nguid, sizeof(a->nguid)) &&
	       uuid_equal(&a->uuid, &b->uuid);
}

static void mqnvme_ns_set_format(struct mqnvme_ns *ns,
				 struct mqnvme_ns_info *info)
{
	ns->lba_shift = info->lba_shift;
	ns->ms = info->ms;
	ns->ext = info->ext;
	ns->pi = info->pi;
	ns->dpc = info->dpc;
	ns->pi_type = info->pi_type;
	ns->lbprz = info->lbprz;
}

static void mqnvme_ns_log_format(struct mqnvme_ns *ns,
				 struct mqnvme_ns_info *info)
{
	if (info->unusable)
		dev_warn(ns->ctrl->dev, "namespace %u: LBA format %u (%u-byte blocks, %u metadata bytes) not served: %s; capacity 0, passthrough still works\n",
			 ns->nsid, info->lbaf, 1U << info->lba_shift, info->ms,
			 info->unusable);
	else if (info->ms)
		mqnvme_pi_format_changed(ns);
}

/* Hold the disk's I/O for a reset. Under namespaces_lock. */
/*
 * The freeze is not owned by the task that starts it (as in nvme-core): a
 * system sleep holds the I/O in one task and lets it go in another.
 */
static void mqnvme_stop_ns(struct mqnvme_ns *ns)
{
	blk_freeze_queue_start_non_owner(ns->disk->queue);
	blk_mq_quiesce_queue_nowait(ns->disk->queue);
	ns->stopped = true;
}

/* Undo mqnvme_stop_ns() without waiting. Under namespaces_lock. */
static void mqnvme_start_ns(struct mqnvme_ns *ns)
{
	if (!ns->stopped)
		return;
	blk_mq_unquiesce_queue(ns->disk->queue);
	blk_mq_unfreeze_queue_non_owner(ns->disk->queue);
	ns->stopped = false;
}

/* Off the controller's list; a disk a reset holds is let go first. */
static void mqnvme_unlist_ns(struct mqnvme_ns *ns)
{
	struct mqnvme_ctrl *ctrl = ns->ctrl;

	mutex_lock(&ctrl->namespaces_lock);
	mqnvme_start_ns(ns);
	list_del(&ns->list);
	mutex_unlock(&ctrl->namespaces_lock);
}

static int mqnvme_add_ns(struct mqnvme_ctrl *ctrl, u32 nsid,
			 struct mqnvme_ns *ids, struct mqnvme_ns_info *info)
{
	struct queue_limits lim = { };
	struct mqnvme_ns *ns;
	struct gendisk *disk;
	int minor, ret;

	ns = kzalloc(sizeof(*ns), GFP_KERNEL);
	if (!ns)
		return -ENOMEM;
	ns->ctrl = ctrl;
	ns->nsid = nsid;
	ns->scan_gen = ctrl->scan_gen;
	ns->sg_reserved_size = INT_MAX;
	memcpy(ns->eui64, ids->eui64, sizeof(ns->eui64));
	memcpy(ns->nguid, ids->nguid, sizeof(ns->nguid));
	uuid_copy(&ns->uuid, &ids->uuid);
	mqnvme_pi_ns_init(ns);
	mqnvme_ns_set_format(ns, info);

	minor = ida_alloc_max(&mqnvme_minor_ida, (MINORMASK + 1) / MQNVME_MINORS - 1,
			      GFP_KERNEL);
	if (minor < 0) {
		ret = minor;
		goto out_free_ns;
	}

	mqnvme_ns_limits(ctrl, info, &lim);
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
	set_capacity(disk, info->capacity << (ns->lba_shift - SECTOR_SHIFT));
	ns->disk = disk;
	mqnvme_ns_log_format(ns, info);

	/* On the list first: a reset under way must stop this disk too. */
	mutex_lock(&ctrl->namespaces_lock);
	list_add_tail(&ns->list, &ctrl->namespaces);
	if (ctrl->io_stopped)
		mqnvme_stop_ns(ns);
	mutex_unlock(&ctrl->namespaces_lock);

	/* The disk keeps the controller; free_disk drops it. */
	get_device(&ctrl->class_dev);
	ret = device_add_disk(ctrl->dev, disk, mqnvme_ns_groups);
	if (ret) {
		mqnvme_unlist_ns(ns);
		/* free_disk only runs for disks that were added. */
		put_device(&ctrl->class_dev);
		put_disk(disk);
		ida_free(&mqnvme_minor_ida, minor);
		goto out_free_ns;
	}
	return 0;

out_free_ns:
	kfree(ns);
	return ret;
}

/* Called with @ns off the controller's list. */
static void mqnvme_destroy_ns(struct mqnvme_ns *ns, bool gone)
{
	if (gone) {
		dev_info(ns->ctrl->dev, "namespace %u is gone, removing %s\n",
			 ns->nsid, ns->disk->disk_name);
		/* Fail what is queued now rather than wait for it. */
		blk_mark_disk_dead(ns->disk);
	}
	del_gendisk(ns->disk);
	/* No I/O completes any more: nothing can queue the PI work again. */
	mqnvme_pi_ns_exit(ns);
	put_disk(ns->disk);	/* frees @ns once the last opener is gone */
}

static void mqnvme_remove_ns(struct mqnvme_ns *ns)
{
	mqnvme_unlist_ns(ns);
	mqnvme_destroy_ns(ns, true);
}

/* A format change (nvme format, FORMAT UNIT): new block size and capacity. */
static int mqnvme_update_ns(struct mqnvme_ns *ns, struct mqnvme_ns_info *info)
{
	struct request_queue *q = ns->disk->queue;
	struct queue_limits lim;
	int ret;

	bool changed = ns->lba_shift != info->lba_shift || ns->ms != info->ms ||
		       ns->ext != info->ext || ns->pi_type != info->pi_type ||
		       memcmp(&ns->pi, &info->pi, sizeof(ns->pi));

	blk_mq_freeze_queue(q);
	lim = queue_limits_start_update(q);
	mqnvme_ns_limits(ns->ctrl, info, &lim);
	ret = queue_limits_commit_update(q, &lim);
	if (!ret) {
		mqnvme_ns_set_format(ns, info);
		set_capacity_and_notify(ns->disk, info->capacity <<
					(info->lba_shift - SECTOR_SHIFT));
	}
	blk_mq_unfreeze_queue(q);
	if (!ret && changed) {
		dev_info(ns->ctrl->dev, "namespace %u: format changed to %u-byte blocks, %u metadata bytes\n",
			 ns->nsid, 1U << info->lba_shift, info->ms);
		mqnvme_ns_log_format(ns, info);
	}
	return ret;
}

static struct mqnvme_ns *mqnvme_find_ns(struct mqnvme_ctrl *ctrl, u32 nsid)
{
	struct mqnvme_ns *ns, *found = NULL;

	mutex_lock(&ctrl->namespaces_lock);
	list_for_each_entry(ns, &ctrl->namespaces, list) {
		if (ns->nsid == nsid) {
			found = ns;
			break;
		}
	}
	mutex_unlock(&ctrl->namespaces_lock);
	return found;
}

/*
 * One active namespace id: a disk for a new namespace, new limits for a
 * changed format, a new disk when the identifiers say it is another
 * namespace under the same id. Called under scan_lock.
 */
static int mqnvme_scan_ns(struct mqnvme_ctrl *ctrl, u32 nsid)
{
	struct mqnvme_ns_info info;
	struct nvme_id_ns *id;
	struct mqnvme_ns *ids, *ns;
	int ret;

	id = kzalloc(sizeof(*id), GFP_KERNEL);
	ids = kzalloc(sizeof(*ids), GFP_KERNEL);
	if (!id || !ids) {
		ret = -ENOMEM;
		goto out;
	}
	ret = mqnvme_identify(ctrl, NVME_ID_CNS_NS, nsid, id);
	if (ret) {
		dev_err(ctrl->dev, "Identify Namespace %u failed (%d)\n", nsid,
			ret);
		/* Listed as active: an error is no reason to drop its disk. */
		ns = mqnvme_find_ns(ctrl, nsid);
		if (ns)
			ns->scan_gen = ctrl->scan_gen;
		ret = ret < 0 ? ret : -EIO;
		goto out;
	}
	if (!id->ncap)
		goto out;	/* allocated but not active: removed below */
	mqnvme_ns_read_ids(ctrl, nsid, id, ids);

	ns = mqnvme_find_ns(ctrl, nsid);
	if (ids->csi != NVME_CSI_NVM) {
		/*
		 * Zoned, key-value...: their writes follow other rules, so
		 * no disk (one that was NVM goes: it was replaced).
		 */
		if (xa_insert(&ctrl->refused_ns, nsid, xa_mk_value(ids->csi),
			      GFP_KERNEL) != -EBUSY)
			dev_warn(ctrl->dev,
				 "namespace %u: command set %u is not served, no disk\n",
				 nsid, ids->csi);
		if (ns)
			mqnvme_remove_ns(ns);
		goto out;
	}
	xa_erase(&ctrl->refused_ns, nsid);
	mqnvme_ns_parse(ctrl, nsid, id, &info);

	if (ns && !mqnvme_ns_ids_equal(ns, ids)) {
		dev_info(ctrl->dev, "namespace %u was replaced\n", nsid);
		mqnvme_remove_ns(ns);
		ns = NULL;
	}
	if (ns) {
		ns->scan_gen = ctrl->scan_gen;
		ret = mqnvme_update_ns(ns, &info);
	} else {
		ret = mqnvme_add_ns(ctrl, nsid, ids, &info);
	}
out:
	kfree(ids);
	kfree(id);
	return ret;
}

static int mqnvme_scan_list(struct mqnvme_ctrl *ctrl)
{
	const unsigned int per_page = NVME_IDENTIFY_DATA_SIZE / sizeof(__le32);
	u32 prev = 0, nsid, i;
	__le32 *list;
	int ret = 0;

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
			/* A namespace that fails is logged, the others go on. */
			mqnvme_scan_ns(ctrl, nsid);
			prev = nsid;
		}
	}
out:
	kfree(list);
	return ret;
}

/**
 * mqnvme_rescan - bring the disks in line with the controller's namespaces
 * @ctrl: the controller
 *
 * Namespaces that appeared get a disk, namespaces whose format changed get
 * their new block size and capacity, namespaces that are no longer active
 * lose their disk (I/O on it fails from then on). Uses the Active
 * Namespace ID list (CNS 02h), or every id up to NN before NVMe 1.1.
 *
 * Return: 0, -ENODEV when the controller is not live, or the error of the
 * namespace list (then no disk is removed).
 */
int mqnvme_rescan(struct mqnvme_ctrl *ctrl)
{
	struct mqnvme_ns *ns, *next;
	LIST_HEAD(gone);
	int ret = 0;
	u32 nsid;

	mutex_lock(&ctrl->scan_lock);
	if (READ_ONCE(ctrl->state) != MQNVME_CTRL_LIVE) {
		ret = -ENODEV;
		goto out;
	}
	ctrl->scan_gen++;
	if (ctrl->vs < NVME_VS(1, 1, 0)) {
		for (nsid = 1; nsid <= ctrl->nn; nsid++)
			mqnvme_scan_ns(ctrl, nsid);
	} else {
		ret = mqnvme_scan_list(ctrl);
		if (ret)
			goto out;
	}

	mutex_lock(&ctrl->namespaces_lock);
	list_for_each_entry_safe(ns, next, &ctrl->namespaces, list) {
		if (ns->scan_gen != ctrl->scan_gen) {
			mqnvme_start_ns(ns);
			list_move_tail(&ns->list, &gone);
		}
	}
	mutex_unlock(&ctrl->namespaces_lock);
	list_for_each_entry_safe(ns, next, &gone, list) {
		list_del(&ns->list);
		mqnvme_destroy_ns(ns, true);
	}
out:
	mutex_unlock(&ctrl->scan_lock);
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

	mutex_lock(&ctrl->scan_lock);
	mutex_lock(&ctrl->namespaces_lock);
	list_for_each_entry(ns, &ctrl->namespaces, list)
		mqnvme_start_ns(ns);
	list_splice_init(&ctrl->namespaces, &list);
	mutex_unlock(&ctrl->namespaces_lock);

	list_for_each_entry_safe(ns, next, &list, list) {
		list_del(&ns->list);
		mqnvme_destroy_ns(ns, false);
	}
	mutex_unlock(&ctrl->scan_lock);
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

/**
 * mqnvme_freeze_namespaces - stop I/O on every disk and wait for it to drain
 * @ctrl: the controller, its scan_lock held so that no disk comes or goes
 */
void mqnvme_freeze_namespaces(struct mqnvme_ctrl *ctrl)
{
	struct mqnvme_ns *ns;

	lockdep_assert_held(&ctrl->scan_lock);
	mutex_lock(&ctrl->namespaces_lock);
	list_for_each_entry(ns, &ctrl->namespaces, list)
		blk_freeze_queue_start(ns->disk->queue);
	mutex_unlock(&ctrl->namespaces_lock);
	/*
	 * Wait without namespaces_lock: a command stuck in the drain times out
	 * and the reset that recovers it needs the lock. scan_lock keeps the
	 * list as it is.
	 */
	list_for_each_entry(ns, &ctrl->namespaces, list)
		blk_mq_freeze_queue_wait(ns->disk->queue);
}

/**
 * mqnvme_unfreeze_namespaces - let I/O go again after mqnvme_freeze_namespaces()
 * @ctrl: the controller, its scan_lock still held
 */
void mqnvme_unfreeze_namespaces(struct mqnvme_ctrl *ctrl)
{
	struct mqnvme_ns *ns;

	lockdep_assert_held(&ctrl->scan_lock);
	mutex_lock(&ctrl->namespaces_lock);
	list_for_each_entry(ns, &ctrl->namespaces, list)
		blk_mq_unfreeze_queue(ns->disk->queue);
	mutex_unlock(&ctrl->namespaces_lock);
}

/**
 * mqnvme_get_single_ns - the controller's only namespace, referenced
 * @ctrl: the controller
 * @err: set to -ENOTTY without namespaces, -EINVAL with several
 *
 * Return: the namespace, to be released with mqnvme_put_ns(), or NULL.
 */
struct mqnvme_ns *mqnvme_get_single_ns(struct mqnvme_ctrl *ctrl, int *err)
{
	struct mqnvme_ns *ns = NULL;

	mutex_lock(&ctrl->namespaces_lock);
	if (list_empty(&ctrl->namespaces)) {
		*err = -ENOTTY;
	} else if (!list_is_singular(&ctrl->namespaces)) {
		dev_warn_ratelimited(ctrl->dev, "NVME_IOCTL_IO_CMD on the char device needs exactly one namespace\n");
		*err = -EINVAL;
	} else {
		ns = list_first_entry(&ctrl->namespaces, struct mqnvme_ns, list);
		get_device(disk_to_dev(ns->disk));
	}
	mutex_unlock(&ctrl->namespaces_lock);
	return ns;
}

/**
 * mqnvme_put_ns - drop the reference of mqnvme_get_single_ns()
 * @ns: the namespace
 */
void mqnvme_put_ns(struct mqnvme_ns *ns)
{
	put_device(disk_to_dev(ns->disk));
}

/**
 * mqnvme_stop_namespaces - hold every disk's I/O for a reset
 * @ctrl: the controller
 *
 * Each queue is frozen (new requests wait to enter) and quiesced (nothing
 * is dispatched, requeued requests stay put); disks added meanwhile start
 * out the same, until mqnvme_resume_namespaces().
 */
void mqnvme_stop_namespaces(struct mqnvme_ctrl *ctrl)
{
	struct mqnvme_ns *ns;

	mutex_lock(&ctrl->namespaces_lock);
	ctrl->io_stopped = true;
	list_for_each_entry(ns, &ctrl->namespaces, list)
		mqnvme_stop_ns(ns);
	mutex_unlock(&ctrl->namespaces_lock);
	blk_mq_wait_quiesce_done(&ctrl->tagset);
}

/**
 * mqnvme_resume_namespaces - let the I/O held by a reset run
 * @ctrl: the controller, its queues recreated (or given up)
 * @update_queues: the number of I/O queues changed
 *
 * Dispatches what waited; when the number of I/O queues changed, lets it
 * drain and tells blk-mq the new number; then lets new requests in.
 */
void mqnvme_resume_namespaces(struct mqnvme_ctrl *ctrl, bool update_queues)
{
	struct mqnvme_ns *ns;

	mutex_lock(&ctrl->namespaces_lock);
	list_for_each_entry(ns, &ctrl->namespaces, list)
		if (ns->stopped)
			blk_mq_unquiesce_queue(ns->disk->queue);
	/*
	 * A new number of hardware queues needs them drained first; else
	 * the controller goes live at once and timeouts of what was
	 * requeued are handled as on a live controller (Abort, then reset).
	 */
	if (update_queues) {
		list_for_each_entry(ns, &ctrl->namespaces, list)
			if (ns->stopped)
				blk_mq_freeze_queue_wait(ns->disk->queue);
		blk_mq_update_nr_hw_queues(&ctrl->tagset, ctrl->nr_io_queues);
	}
	list_for_each_entry(ns, &ctrl->namespaces, list) {
		if (ns->stopped)
			blk_mq_unfreeze_queue_non_owner(ns->disk->queue);
		ns->stopped = false;
	}
	ctrl->io_stopped = false;
	mutex_unlock(&ctrl->namespaces_lock);
}
