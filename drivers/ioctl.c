// SPDX-License-Identifier: GPL-2.0
/*
 * mqnvme: the passthrough ioctls of include/uapi/linux/nvme_ioctl.h on the
 * controller char device /dev/mqnvme<C> and on the namespace block devices,
 * with nvme-core's ABI and permission rules (Documentation/ioctl.md).
 */
#include <linux/blk-mq.h>
#include <linux/capability.h>
#include <linux/compat.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/fs.h>
#include <linux/nvme_ioctl.h>
#include <linux/ptrace.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "mqnvme.h"

/* Resets in a row an ioctl waits through before it gives up (-ENODEV). */
#define MQNVME_IOCTL_RESET_WAITS	16

/* Bigger separate metadata buffers than a maximum transfer needs: -EINVAL. */
#define MQNVME_MAX_META_LEN	SZ_1M

enum {
	MQNVME_IOCTL_VEC	= 1 << 0,
	MQNVME_IOCTL_PARTITION	= 1 << 1,
};

/**
 * struct mqnvme_user_cmd - one passthrough command as userspace gave it
 * @cmd: the NVMe command, data pointers not yet filled in
 * @ubuf: user data buffer, or iovec array with MQNVME_IOCTL_VEC
 * @len: bytes of @ubuf, or iovec count with MQNVME_IOCTL_VEC
 * @umeta: user buffer for a separate metadata buffer
 * @meta_len: bytes of @umeta
 * @timeout_ms: 0 for the queue's default
 * @flags: MQNVME_IOCTL_*
 * @result: completion dwords 0/1 on return
 */
struct mqnvme_user_cmd {
	struct nvme_command cmd;
	u64 ubuf;
	u32 len;
	u64 umeta;
	u32 meta_len;
	u32 timeout_ms;
	unsigned int flags;
	u64 result;
};

/* Compat callers pass 32-bit pointers in 64-bit fields: drop the rest. */
static void __user *mqnvme_user_ptr(u64 val)
{
	if (in_compat_syscall())
		val = (compat_uptr_t)val;
	return (void __user *)(uintptr_t)val;
}

static struct nvme_effects_log mqnvme_no_effects;

/**
 * mqnvme_effects_init - read the Commands Supported and Effects log
 * @ctrl: the controller
 * @lpa: Log Page Attributes from Identify Controller
 *
 * Without the log (or when reading it fails) every command counts as not
 * known: unprivileged callers may then only send what needs no effects.
 * The effects of commands the standard defines (format and sanitize change
 * the namespace and need I/O stopped; writes change blocks) are added as
 * nvme-core does, since controllers under-report them.
 */
void mqnvme_effects_init(struct mqnvme_ctrl *ctrl, u8 lpa)
{
	struct nvme_effects_log *log;
	int ret;

	log = kzalloc(sizeof(*log), GFP_KERNEL);
	if (!log) {
		ctrl->effects = NULL;
		return;
	}
	if (lpa & NVME_CTRL_LPA_CMD_EFFECTS_LOG) {
		ret = mqnvme_get_log(ctrl, NVME_LOG_CMD_EFFECTS, NVME_NSID_ALL,
				     false, log, sizeof(*log));
		if (ret) {
			dev_warn(ctrl->dev, "Commands Supported and Effects log unreadable (%d): unprivileged passthrough limited\n",
				 ret);
			memset(log, 0, sizeof(*log));
		}
	}
	log->acs[nvme_admin_format_nvm] |= cpu_to_le32(NVME_CMD_EFFECTS_LBCC |
						       NVME_CMD_EFFECTS_NCC |
						       NVME_CMD_EFFECTS_CSE_MASK);
	log->acs[nvme_admin_sanitize_nvm] |= cpu_to_le32(NVME_CMD_EFFECTS_LBCC |
							 NVME_CMD_EFFECTS_CSE_MASK);
	log->acs[nvme_admin_security_recv] &=
		cpu_to_le32(~NVME_CMD_EFFECTS_CSE_MASK);
	log->iocs[nvme_cmd_write] |= cpu_to_le32(NVME_CMD_EFFECTS_LBCC);
	log->iocs[nvme_cmd_write_zeroes] |= cpu_to_le32(NVME_CMD_EFFECTS_LBCC);
	log->iocs[nvme_cmd_write_uncor] |= cpu_to_le32(NVME_CMD_EFFECTS_LBCC);
	kfree(ctrl->effects);
	ctrl->effects = log;
}

static u32 mqnvme_cmd_effects(struct mqnvme_ctrl *ctrl, struct mqnvme_ns *ns,
			      u8 opcode)
{
	const struct nvme_effects_log *log = ctrl->effects ?: &mqnvme_no_effects;
	u32 effects;

	if (ns)
		/* Stopping I/O for an I/O command would wait for itself. */
		return le32_to_cpu(log->iocs[opcode]) &
		       ~NVME_CMD_EFFECTS_CSE_MASK;
	effects = le32_to_cpu(log->acs[opcode]);
	if (effects & NVME_CMD_EFFECTS_CSER_MASK)
		effects &= ~NVME_CMD_EFFECTS_CSE_MASK;
	return effects;
}

static bool mqnvme_admin_cmd_allowed(struct nvme_command *c)
{
	/* What userspace needs to build I/O commands, nothing sensitive. */
	if (c->common.opcode == nvme_admin_identify) {
		switch (c->identify.cns) {
		case NVME_ID_CNS_NS:
		case NVME_ID_CNS_CS_NS:
		case NVME_ID_CNS_NS_CS_INDEP:
		case NVME_ID_CNS_CS_CTRL:
		case NVME_ID_CNS_CTRL:
			return true;
		}
	}
	return capable(CAP_SYS_ADMIN);
}

static bool mqnvme_io_cmd_allowed(struct mqnvme_ctrl *ctrl,
				  struct mqnvme_ns *ns, struct nvme_command *c,
				  bool open_for_write)
{
	u32 effects = mqnvme_cmd_effects(ctrl, ns, c->common.opcode);

	if (!(effects & NVME_CMD_EFFECTS_CSUPP))
		return capable(CAP_SYS_ADMIN);
	if (effects & ~(NVME_CMD_EFFECTS_CSUPP | NVME_CMD_EFFECTS_LBCC |
			NVME_CMD_EFFECTS_UUID_SEL |
			NVME_CMD_EFFECTS_SCOPE_MASK))
		return capable(CAP_SYS_ADMIN);
	if ((nvme_is_write(c) || (effects & NVME_CMD_EFFECTS_LBCC)) &&
	    !open_for_write)
		return capable(CAP_SYS_ADMIN);
	return true;
}

/*
 * The rules of nvme-core: partitions and vendor specific commands need
 * CAP_SYS_ADMIN; admin commands too, except the Identify that build I/O;
 * I/O commands by their effects, writes only on a writable open.
 */
static int mqnvme_cmd_permission(struct mqnvme_ctrl *ctrl, struct mqnvme_ns *ns,
				 struct nvme_command *c, unsigned int flags,
				 bool open_for_write)
{
	bool ok;

	if (!ns && mqnvme_admin_cmd_reserved(c))
		return -EACCES;
	if (flags & MQNVME_IOCTL_PARTITION)
		ok = capable(CAP_SYS_ADMIN);
	else if (c->common.opcode >= nvme_cmd_vendor_start ||
		 c->common.opcode == nvme_fabrics_command)
		ok = capable(CAP_SYS_ADMIN);
	else if (!ns)
		ok = mqnvme_admin_cmd_allowed(c);
	else
		ok = mqnvme_io_cmd_allowed(ctrl, ns, c, open_for_write);
	return ok ? 0 : -EACCES;
}

/**
 * mqnvme_ns_format - what the sizes of a namespace's commands depend on
 * @ns: the namespace
 * @fmt: filled in
 */
void mqnvme_ns_format(struct mqnvme_ns *ns, struct mqnvme_ns_format *fmt)
{
	fmt->lba_shift = ns->lba_shift;
	fmt->ms = ns->ms;
	fmt->ext = ns->ext;
	fmt->pi_size = ns->pi.pi_size;
}

/*
 * The buffers must hold what the command transfers by definition: the
 * controller does not know the buffer's length and would run past it.
 */
static int mqnvme_check_buffers(struct mqnvme_ns *ns, struct mqnvme_user_cmd *uc,
				u32 *meta_need)
{
	struct mqnvme_ns_format fmt;
	long need;

	*meta_need = 0;
	if (uc->len && !uc->ubuf)
		return -EFAULT;
	if (uc->meta_len && !uc->umeta)
		return -EFAULT;
	if (!ns) {
		if (uc->meta_len)
			return -EINVAL;	/* admin commands have no metadata */
		need = mqnvme_admin_xfer_len(&uc->cmd);
	} else {
		mqnvme_ns_format(ns, &fmt);
		need = mqnvme_io_xfer_len(&uc->cmd, &fmt);
		*meta_need = mqnvme_io_meta_len(&uc->cmd, &fmt);
		if (uc->meta_len && (!ns->ms || ns->ext))
			return -EINVAL;	/* no separate metadata here */
		if (uc->meta_len < *meta_need ||
		    uc->meta_len > MQNVME_MAX_META_LEN)
			return -EINVAL;
		if (uc->umeta & 3)
			return -EINVAL;	/* MPTR must be dword aligned */
	}
	/*
	 * A vectored buffer's length is checked once it is imported; an
	 * empty vector is no buffer at all, and without this check the
	 * command would go out with PRP1 = PRP2 = 0 (DMA to bus address 0).
	 */
	if (need > 0 &&
	    (uc->flags & MQNVME_IOCTL_VEC ? !uc->len : uc->len < need))
		return -EINVAL;
	return 0;
}

/*
 * A separate metadata buffer goes through a kernel bounce buffer: the
 * request carries no block-layer integrity payload, and the bounce keeps
 * the controller inside memory the driver owns.
 */
static void *mqnvme_map_meta(struct mqnvme_ctrl *ctrl, struct mqnvme_user_cmd *uc,
			     dma_addr_t *dma)
{
	void *meta;

	meta = mqnvme_meta_alloc(ctrl, uc->meta_len, dma);
	if (!meta)
		return ERR_PTR(-ENOMEM);
	if (nvme_is_write(&uc->cmd)) {
		if (copy_from_user(meta, mqnvme_user_ptr(uc->umeta),
				   uc->meta_len)) {
			mqnvme_meta_free(ctrl, meta, uc->meta_len, *dma);
			return ERR_PTR(-EFAULT);
		}
		dma_sync_single_for_device(ctrl->dev, *dma, uc->meta_len,
					   DMA_BIDIRECTIONAL);
	}
	uc->cmd.rw.metadata = cpu_to_le64(*dma);
	return meta;
}

static int mqnvme_unmap_meta(struct mqnvme_ctrl *ctrl,
			     struct mqnvme_user_cmd *uc, void *meta,
			     dma_addr_t dma, int status)
{
	int ret = 0;

	dma_sync_single_for_cpu(ctrl->dev, dma, uc->meta_len, DMA_BIDIRECTIONAL);
	if (status >= 0 && !nvme_is_write(&uc->cmd) &&
	    copy_to_user(mqnvme_user_ptr(uc->umeta), meta, uc->meta_len))
		ret = -EFAULT;
	mqnvme_meta_free(ctrl, meta, uc->meta_len, dma);
	return ret;
}

/**
 * mqnvme_passthru_start - stop what a command with @effects needs stopped
 * @ctrl: the controller
 * @effects: the command's NVME_CMD_EFFECTS_*
 *
 * Commands that change formats or namespaces run with all I/O stopped
 * and no namespace scan under way; mqnvme_passthru_end() undoes it.
 */
void mqnvme_passthru_start(struct mqnvme_ctrl *ctrl, u32 effects)
{
	if (!(effects & NVME_CMD_EFFECTS_CSE_MASK))
		return;
	mutex_lock(&ctrl->scan_lock);
	mqnvme_freeze_namespaces(ctrl);
}

/**
 * mqnvme_passthru_end - let I/O go after mqnvme_passthru_start(), rescan
 * @ctrl: the controller
 * @effects: as given to mqnvme_passthru_start()
 */
void mqnvme_passthru_end(struct mqnvme_ctrl *ctrl, u32 effects)
{
	if (effects & NVME_CMD_EFFECTS_CSE_MASK) {
		mqnvme_unfreeze_namespaces(ctrl);
		mutex_unlock(&ctrl->scan_lock);
	}
	if (effects & (NVME_CMD_EFFECTS_NIC | NVME_CMD_EFFECTS_NCC))
		mqnvme_rescan(ctrl);
}

/*
 * Linux 6.12's bio_map_user_iov() leaks the page array it allocated when
 * pinning fails outright (an unmapped address with more than UIO_FASTIOV
 * pages), so the buffer is faulted in first and a bad one gets -EFAULT
 * before the block layer pins anything.
 */
static int mqnvme_fault_in(struct iov_iter *iter)
{
	size_t count = iov_iter_count(iter);

	if (iov_iter_rw(iter) == ITER_DEST)
		return fault_in_iov_iter_writeable(iter, count) ? -EFAULT : 0;
	return fault_in_iov_iter_readable(iter, count) ? -EFAULT : 0;
}

/**
 * mqnvme_rq_map_user_iter - attach a user (or kernel vector) buffer to a request
 * @req: a passthrough request on the admin queue or a namespace's queue
 * @iter: the buffer, of the direction the request transfers
 *
 * Return: 0, -EFAULT for a buffer that cannot be faulted in, or the error
 * of blk_rq_map_user_iov(); unmap with blk_rq_unmap_user().
 */
int mqnvme_rq_map_user_iter(struct request *req, struct iov_iter *iter)
{
	struct mqnvme_ns *ns = req->q->queuedata;
	int ret;

	ret = mqnvme_fault_in(iter);
	if (ret)
		return ret;
	ret = blk_rq_map_user_iov(req->q, req, NULL, iter, GFP_KERNEL);
	if (!ret && ns)
		bio_set_dev(req->bio, ns->disk->part0);
	return ret;
}

static int mqnvme_map_user_data(struct request *req, struct mqnvme_ns *ns,
				struct mqnvme_user_cmd *uc)
{
	int dir = rq_data_dir(req) == WRITE ? ITER_SOURCE : ITER_DEST;
	struct iovec fast_iov[UIO_FASTIOV], *iov = NULL;
	struct mqnvme_ns_format fmt;
	struct iov_iter iter;
	long need;
	int ret;

	if (uc->flags & MQNVME_IOCTL_VEC) {
		iov = fast_iov;
		ret = import_iovec(dir, mqnvme_user_ptr(uc->ubuf), uc->len,
				   UIO_FASTIOV, &iov, &iter);
		if (ret < 0)
			return ret;
	} else {
		ret = import_ubuf(dir, mqnvme_user_ptr(uc->ubuf), uc->len,
				  &iter);
		if (ret)
			return ret;
	}
	/* An iovec shorter than the command's transfer is refused too. */
	if (ns) {
		mqnvme_ns_format(ns, &fmt);
		need = mqnvme_io_xfer_len(&uc->cmd, &fmt);
	} else {
		need = mqnvme_admin_xfer_len(&uc->cmd);
	}
	ret = -EINVAL;
	if (!iov_iter_count(&iter) ||
	    (need > 0 && iov_iter_count(&iter) < need) ||
	    iov_iter_count(&iter) >
	    (size_t)queue_max_hw_sectors(req->q) << SECTOR_SHIFT)
		goto out;
	ret = mqnvme_rq_map_user_iter(req, &iter);
out:
	kfree(iov);	/* NULL unless import_iovec() allocated it */
	return ret;
}

static int mqnvme_submit_user_cmd(struct mqnvme_ctrl *ctrl,
				  struct mqnvme_ns *ns,
				  struct mqnvme_user_cmd *uc)
{
	struct request_queue *q = ns ? ns->disk->queue : ctrl->admin_q;
	void *meta = NULL;
	dma_addr_t meta_dma = 0;
	struct mqnvme_iod *iod;
	struct request *req;
	struct bio *bio = NULL;
	blk_status_t sts;
	u32 effects, meta_need;
	int ret, status;

	ret = mqnvme_check_buffers(ns, uc, &meta_need);
	if (ret)
		return ret;
	if (uc->meta_len) {
		meta = mqnvme_map_meta(ctrl, uc, &meta_dma);
		if (IS_ERR(meta))
			return PTR_ERR(meta);
	}

	req = blk_mq_alloc_request(q, nvme_is_write(&uc->cmd) ?
				   REQ_OP_DRV_OUT : REQ_OP_DRV_IN, 0);
	if (IS_ERR(req)) {
		ret = PTR_ERR(req);
		goto out_meta;
	}
	if (uc->timeout_ms)
		req->timeout = msecs_to_jiffies(uc->timeout_ms);
	iod = mqnvme_req_iod(req);
	memcpy(&iod->cmd, &uc->cmd, sizeof(uc->cmd));
	if (uc->ubuf && uc->len) {
		ret = mqnvme_map_user_data(req, ns, uc);
		if (ret)
			goto out_free;
		bio = req->bio;
	}

	effects = mqnvme_cmd_effects(ctrl, ns, uc->cmd.common.opcode);
	mqnvme_passthru_start(ctrl, effects);
	sts = blk_execute_rq(req, false);
	/* The controller's status, or an errno when it never got there. */
	ret = iod->status ? iod->status : blk_status_to_errno(sts);
	uc->result = le64_to_cpu(iod->result.u64);
	mqnvme_passthru_end(ctrl, effects);
	if (bio && blk_rq_unmap_user(bio) && ret >= 0)
		ret = -EFAULT;
out_free:
	blk_mq_free_request(req);
out_meta:
	if (meta) {
		status = mqnvme_unmap_meta(ctrl, uc, meta, meta_dma, ret);
		if (status && ret >= 0)
			ret = status;
	}
	return ret;
}

static int mqnvme_validate_nsid(struct mqnvme_ctrl *ctrl, struct mqnvme_ns *ns,
				u32 nsid)
{
	if (ns && nsid != ns->nsid) {
		dev_err_ratelimited(ctrl->dev, "%s: nsid %u in the command is not the namespace's (%u)\n",
				    current->comm, nsid, ns->nsid);
		return -EINVAL;
	}
	return 0;
}

static void mqnvme_build_user_cmd(struct mqnvme_user_cmd *uc,
				  const struct nvme_passthru_cmd64 *p)
{
	struct nvme_command *c = &uc->cmd;

	memset(uc, 0, sizeof(*uc));
	c->common.opcode = p->opcode;
	c->common.nsid = cpu_to_le32(p->nsid);
	c->common.cdw2[0] = cpu_to_le32(p->cdw2);
	c->common.cdw2[1] = cpu_to_le32(p->cdw3);
	c->common.cdw10 = cpu_to_le32(p->cdw10);
	c->common.cdw11 = cpu_to_le32(p->cdw11);
	c->common.cdw12 = cpu_to_le32(p->cdw12);
	c->common.cdw13 = cpu_to_le32(p->cdw13);
	c->common.cdw14 = cpu_to_le32(p->cdw14);
	c->common.cdw15 = cpu_to_le32(p->cdw15);
	uc->ubuf = p->addr;
	uc->len = p->data_len;
	uc->umeta = p->metadata;
	uc->meta_len = p->metadata_len;
	uc->timeout_ms = p->timeout_ms;
}

/*
 * NVME_IOCTL_ADMIN_CMD / IO_CMD (32-bit result) and the 64-bit variants.
 * The two structures agree up to the result field.
 */
static int mqnvme_user_passthru(struct mqnvme_ctrl *ctrl, struct mqnvme_ns *ns,
				void __user *argp, bool is64, unsigned int flags,
				bool open_for_write)
{
	struct nvme_passthru_cmd64 p = { };
	struct mqnvme_user_cmd uc;
	int ret;

	if (copy_from_user(&p, argp, is64 ? sizeof(p) :
			   sizeof(struct nvme_passthru_cmd)))
		return -EFAULT;
	if (p.flags)
		return -EINVAL;
	ret = mqnvme_validate_nsid(ctrl, ns, p.nsid);
	if (ret)
		return ret;
	mqnvme_build_user_cmd(&uc, &p);
	uc.flags = flags;
	ret = mqnvme_cmd_permission(ctrl, ns, &uc.cmd, flags, open_for_write);
	if (ret)
		return ret;

	ret = mqnvme_submit_user_cmd(ctrl, ns, &uc);
	if (ret < 0)
		return ret;
	if (is64) {
		if (put_user(uc.result,
			     &((struct nvme_passthru_cmd64 __user *)argp)->result))
			return -EFAULT;
	} else if (put_user((u32)uc.result,
			    &((struct nvme_passthru_cmd __user *)argp)->result)) {
		return -EFAULT;
	}
	return ret;
}

#ifdef COMPAT_FOR_U64_ALIGNMENT
/* i386 aligns the u64 fields on 4 bytes: same fields, 4 bytes shorter. */
struct mqnvme_user_io32 {
	__u8	opcode;
	__u8	flags;
	__u16	control;
	__u16	nblocks;
	__u16	rsvd;
	__u64	metadata;
	__u64	addr;
	__u64	slba;
	__u32	dsmgmt;
	__u32	reftag;
	__u16	apptag;
	__u16	appmask;
} __packed;
#define MQNVME_IOCTL_SUBMIT_IO32 _IOW('N', 0x42, struct mqnvme_user_io32)
#endif

/* NVME_IOCTL_SUBMIT_IO: read, write or compare of whole blocks. */
static int mqnvme_submit_io(struct mqnvme_ns *ns, struct nvme_user_io __user *uio,
			    unsigned int flags, bool open_for_write)
{
	struct mqnvme_ctrl *ctrl = ns->ctrl;
	struct mqnvme_ns_format fmt;
	struct mqnvme_user_cmd uc;
	struct nvme_user_io io;
	struct nvme_command *c = &uc.cmd;
	int ret;

	/* The fields used sit at the same offsets in the compat layout. */
	if (copy_from_user(&io, uio, offsetofend(struct nvme_user_io, appmask)))
		return -EFAULT;
	if (io.flags)
		return -EINVAL;
	switch (io.opcode) {
	case nvme_cmd_write:
	case nvme_cmd_read:
	case nvme_cmd_compare:
		break;
	default:
		return -EINVAL;
	}

	memset(&uc, 0, sizeof(uc));
	c->rw.opcode = io.opcode;
	c->rw.nsid = cpu_to_le32(ns->nsid);
	c->rw.slba = cpu_to_le64(io.slba);
	c->rw.length = cpu_to_le16(io.nblocks);
	c->rw.control = cpu_to_le16(io.control);
	c->rw.dsmgmt = cpu_to_le32(io.dsmgmt);
	c->rw.reftag = cpu_to_le32(io.reftag);
	c->rw.lbat = cpu_to_le16(io.apptag);
	c->rw.lbatm = cpu_to_le16(io.appmask);

	mqnvme_ns_format(ns, &fmt);
	uc.ubuf = io.addr;
	uc.len = mqnvme_io_xfer_len(c, &fmt);
	uc.meta_len = mqnvme_io_meta_len(c, &fmt);
	uc.umeta = uc.meta_len ? io.metadata : 0;
	/* PRACT on a PI-only format: the controller inserts or strips it. */
	if (!uc.meta_len && io.metadata && ns->ms && !ns->ext)
		return -EINVAL;
	uc.flags = flags;
	ret = mqnvme_cmd_permission(ctrl, ns, c, flags, open_for_write);
	if (ret)
		return ret;
	return mqnvme_submit_user_cmd(ctrl, ns, &uc);
}

/* NVME_IOCTL_IO_CMD on the char device: only with exactly one namespace. */
static int mqnvme_ctrl_io_cmd(struct mqnvme_ctrl *ctrl, void __user *argp,
			      bool open_for_write)
{
	struct mqnvme_ns *ns;
	int ret;

	ns = mqnvme_get_single_ns(ctrl, &ret);
	if (!ns)
		return ret;
	dev_warn_once(ctrl->dev, "%s: NVME_IOCTL_IO_CMD on the char device is deprecated, use the namespace\n",
		      current->comm);
	ret = mqnvme_user_passthru(ctrl, ns, argp, false, 0, open_for_write);
	mqnvme_put_ns(ns);
	return ret;
}

/**
 * mqnvme_ioctl_enter - let an ioctl in while the controller is live
 * @ctrl: the controller
 *
 * Every ioctl holds ioctl_rwsem for reading: remove() takes it for writing
 * once, after which the state says the controller is going away. An ioctl
 * on a controller being reset waits for the reset and then runs.
 *
 * Return: true when the ioctl may run; then call mqnvme_ioctl_exit().
 */
bool mqnvme_ioctl_enter(struct mqnvme_ctrl *ctrl)
{
	unsigned long until = jiffies + HZ;
	enum mqnvme_ctrl_state state;
	int waits = 0;

	down_read(&ctrl->ioctl_rwsem);
	/* The next reset may begin as soon as one ends: wait for a few. */
	for (;;) {
		state = READ_ONCE(ctrl->state);
		if (state != MQNVME_CTRL_RESETTING &&
		    state != MQNVME_CTRL_CONNECTING)
			break;
		if (flush_work(&ctrl->reset_work)) {
			if (++waits >= MQNVME_IOCTL_RESET_WAITS)
				break;
		} else {
			/* RESETTING is set just before the work is queued. */
			if (time_after(jiffies, until))
				break;
			usleep_range(100, 200);
		}
	}
	if (READ_ONCE(ctrl->state) == MQNVME_CTRL_LIVE)
		return true;
	up_read(&ctrl->ioctl_rwsem);
	return false;
}

/**
 * mqnvme_ioctl_exit - the end of an ioctl that mqnvme_ioctl_enter() let in
 * @ctrl: the controller
 */
void mqnvme_ioctl_exit(struct mqnvme_ctrl *ctrl)
{
	up_read(&ctrl->ioctl_rwsem);
}

/*
 * @flags: MQNVME_IOCTL_PARTITION when the admin commands come through a
 * partition's node (they then need CAP_SYS_ADMIN, as in nvme-core).
 */
static long mqnvme_ctrl_ioctl(struct mqnvme_ctrl *ctrl, unsigned int cmd,
			      void __user *argp, unsigned int flags,
			      bool open_for_write)
{
	switch (cmd) {
	case NVME_IOCTL_ADMIN_CMD:
		return mqnvme_user_passthru(ctrl, NULL, argp, false, flags,
					    open_for_write);
	case NVME_IOCTL_ADMIN64_CMD:
		return mqnvme_user_passthru(ctrl, NULL, argp, true, flags,
					    open_for_write);
	case NVME_IOCTL_IO_CMD:
		return mqnvme_ctrl_io_cmd(ctrl, argp, open_for_write);
	case NVME_IOCTL_RESCAN:
		if (!capable(CAP_SYS_ADMIN))
			return -EACCES;
		return mqnvme_rescan(ctrl);
	case NVME_IOCTL_RESET:
		if (!capable(CAP_SYS_ADMIN))
			return -EACCES;
		dev_warn(ctrl->dev, "%s: resetting the controller\n",
			 current->comm);
		return mqnvme_reset_ctrl_sync(ctrl);
	case NVME_IOCTL_SUBSYS_RESET:
		if (!capable(CAP_SYS_ADMIN))
			return -EACCES;
		return mqnvme_subsystem_reset(ctrl);
	default:
		return -ENOTTY;
	}
}

static long mqnvme_dev_ioctl(struct file *file, unsigned int cmd,
			     unsigned long arg)
{
	struct mqnvme_ctrl *ctrl = file->private_data;
	long ret;

	if (!mqnvme_ioctl_enter(ctrl))
		return -ENODEV;
	ret = mqnvme_ctrl_ioctl(ctrl, cmd, (void __user *)arg, 0,
				file->f_mode & FMODE_WRITE);
	mqnvme_ioctl_exit(ctrl);
	return ret;
}

static int mqnvme_dev_open(struct inode *inode, struct file *file)
{
	struct mqnvme_ctrl *ctrl = container_of(inode->i_cdev,
						struct mqnvme_ctrl, cdev);

	if (READ_ONCE(ctrl->state) != MQNVME_CTRL_LIVE)
		return -EWOULDBLOCK;
	get_device(&ctrl->class_dev);
	file->private_data = ctrl;
	return 0;
}

static int mqnvme_dev_release(struct inode *inode, struct file *file)
{
	struct mqnvme_ctrl *ctrl = file->private_data;

	put_device(&ctrl->class_dev);
	return 0;
}

const struct file_operations mqnvme_ctrl_fops = {
	.owner		= THIS_MODULE,
	.open		= mqnvme_dev_open,
	.release	= mqnvme_dev_release,
	.unlocked_ioctl	= mqnvme_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

static long mqnvme_ns_ioctl(struct mqnvme_ns *ns, unsigned int cmd,
			    void __user *argp, unsigned int flags,
			    bool open_for_write)
{
	switch (cmd) {
	case NVME_IOCTL_ID:
		force_successful_syscall_return();
		return ns->nsid;
	case NVME_IOCTL_ADMIN_CMD:
	case NVME_IOCTL_ADMIN64_CMD:
		return mqnvme_ctrl_ioctl(ns->ctrl, cmd, argp, flags,
					 open_for_write);
	case NVME_IOCTL_IO_CMD:
		return mqnvme_user_passthru(ns->ctrl, ns, argp, false, flags,
					    open_for_write);
#ifdef COMPAT_FOR_U64_ALIGNMENT
	case MQNVME_IOCTL_SUBMIT_IO32:
#endif
	case NVME_IOCTL_SUBMIT_IO:
		return mqnvme_submit_io(ns, argp, flags, open_for_write);
	case NVME_IOCTL_IO64_CMD_VEC:
		flags |= MQNVME_IOCTL_VEC;
		fallthrough;
	case NVME_IOCTL_IO64_CMD:
		return mqnvme_user_passthru(ns->ctrl, ns, argp, true, flags,
					    open_for_write);
	default:
		return -ENOTTY;
	}
}

/**
 * mqnvme_bdev_ioctl - the nvme ioctls on a namespace block device
 * @bdev: the disk or one of its partitions
 * @mode: how it was opened
 * @cmd: the ioctl
 * @arg: its argument
 *
 * The SCSI ioctls (SG_IO and its companions) go to the translation of
 * scsi.c, the NVMe ones are handled here.
 *
 * Return: the NVMe status (> 0), 0, the nsid for NVME_IOCTL_ID, or a
 * negative errno; -ENOTTY for ioctls that are not ours.
 */
int mqnvme_bdev_ioctl(struct block_device *bdev, blk_mode_t mode,
		      unsigned int cmd, unsigned long arg)
{
	struct mqnvme_ns *ns = bdev->bd_disk->private_data;
	struct mqnvme_ctrl *ctrl = ns->ctrl;
	unsigned int flags = 0;
	long ret;

	if (mqnvme_scsi_ioctl_cmd(cmd))
		return mqnvme_scsi_ioctl(bdev, mode, cmd, (void __user *)arg);
	if (_IOC_TYPE(cmd) != 'N')
		return -ENOTTY;
	if (bdev_is_partition(bdev))
		flags |= MQNVME_IOCTL_PARTITION;
	if (!mqnvme_ioctl_enter(ctrl))
		return -ENODEV;
	ret = mqnvme_ns_ioctl(ns, cmd, (void __user *)arg, flags,
			      mode & BLK_OPEN_WRITE);
	mqnvme_ioctl_exit(ctrl);
	return ret;
}
