// SPDX-License-Identifier: GPL-2.0
/*
 * mqnvme: SG_IO on the namespace disks. SCSI commands are translated to
 * NVMe commands that go through the same blk-mq queues as file system I/O
 * (admin commands through the admin queue), so that sg3_utils, smartctl
 * -d scsi, sdparm, hdparm and fio's sg engine work on NVMe namespaces.
 * The ioctl side follows sg_io() of drivers/scsi/scsi_ioctl.c; what each
 * command does is in Documentation/scsi.md, the byte-level logic in
 * scsi_lib.c.
 */
#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/capability.h>
#include <linux/compat.h>
#include <linux/delay.h>
#include <linux/slab.h>
#include <linux/t10-pi.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <linux/unaligned.h>
#include <scsi/scsi_common.h>
#include <scsi/scsi.h>
#include <scsi/scsi_ioctl.h>
#include <scsi/scsi_proto.h>
#include <scsi/scsi_status.h>
#include <scsi/sg.h>

#include "mqnvme.h"
#include "mqnvme_scsi.h"

/* Optional Admin Command Support bits that linux/nvme.h of 6.12 lacks. */
#define MQNVME_OACS_FORMAT	BIT(1)
#define MQNVME_OACS_FW		BIT(2)
#define MQNVME_OACS_DST		BIT(4)

/* Version sg3_utils and friends ask for (SG_GET_VERSION_NUM). */
#define MQNVME_SG_VERSION	30527
/* Bounce buffers for emulated WRITE SAME / VERIFY and firmware chunks. */
#define MQNVME_SCSI_CHUNK	SZ_128K
/* How often a foreground self-test is checked for completion. */
#define MQNVME_SELFTEST_POLL_MS	200

/**
 * struct mqnvme_sgio - one SCSI command on its way through the translation
 * @ns: the namespace the disk belongs to
 * @ctrl: its controller
 * @cdb: the CDB
 * @cdb_len: bytes of @cdb the caller gave
 * @iter: the data buffer, @xfer_len bytes, not advanced by data transfers
 *        that map it into a request
 * @data_in: @iter receives data (SG_DXFER_FROM_DEV); else it supplies it
 * @xfer_len: dxfer_len
 * @done: bytes moved to or from @iter
 * @timeout: request timeout in jiffies
 * @sense: the outcome
 * @host_status: DID_* when the command did not complete on the controller
 * @lu: what the answers depend on
 * @resp: MQNVME_SCSI_RESP_LEN bytes for data the driver builds
 */
struct mqnvme_sgio {
	struct mqnvme_ns *ns;
	struct mqnvme_ctrl *ctrl;
	u8 cdb[MQNVME_SCSI_MAX_CDB];
	unsigned int cdb_len;
	struct iov_iter iter;
	bool data_in;
	unsigned int xfer_len;
	unsigned int done;
	unsigned int timeout;
	struct mqnvme_sense sense;
	u8 host_status;
	struct mqnvme_scsi_lu lu;
	u8 *resp;
};

static u32 mqnvme_scsi_caps(struct mqnvme_ctrl *ctrl)
{
	u32 caps = 0;

	if (ctrl->oncs & NVME_CTRL_ONCS_DSM)
		caps |= MQNVME_SCSI_CAP_DSM;
	if (ctrl->oncs & NVME_CTRL_ONCS_WRITE_ZEROES)
		caps |= MQNVME_SCSI_CAP_WZ;
	if (ctrl->oncs & NVME_CTRL_ONCS_COMPARE)
		caps |= MQNVME_SCSI_CAP_COMPARE;
	if (ctrl->oacs & MQNVME_OACS_FW)
		caps |= MQNVME_SCSI_CAP_FW;
	if (ctrl->oacs & NVME_CTRL_OACS_SEC_SUPP)
		caps |= MQNVME_SCSI_CAP_SEC;
	if (ctrl->oacs & MQNVME_OACS_DST)
		caps |= MQNVME_SCSI_CAP_DST;
	if (ctrl->oacs & MQNVME_OACS_FORMAT)
		caps |= MQNVME_SCSI_CAP_FORMAT;
	if (ctrl->vwc & NVME_CTRL_VWC_PRESENT)
		caps |= MQNVME_SCSI_CAP_VWC;
	if (mqnvme_inject & MQNVME_INJECT_SCSI_CAPS)
		caps = MQNVME_SCSI_CAP_ALL;
	return caps;
}

static void mqnvme_scsi_fill_lu(struct mqnvme_sgio *s)
{
	struct mqnvme_scsi_lu *lu = &s->lu;
	struct mqnvme_ctrl *ctrl = s->ctrl;
	struct mqnvme_ns *ns = s->ns;
	u32 max_bytes;

	memset(lu, 0, sizeof(*lu));
	lu->lba_shift = ns->lba_shift;
	lu->nblocks = get_capacity(ns->disk) >> (ns->lba_shift - SECTOR_SHIFT);
	lu->caps = mqnvme_scsi_caps(ctrl);
	lu->pi_type = ns->pi.guard64 ? 0 : ns->pi.pi_type;
	lu->dpc = ns->dpc;
	lu->lbprz = ns->lbprz;
	lu->d_sense = ns->sg_d_sense;
	lu->wce = ctrl->vwc & NVME_CTRL_VWC_PRESENT;
	max_bytes = queue_max_hw_sectors(ns->disk->queue) << SECTOR_SHIFT;
	lu->max_xfer_blocks = max_bytes >> ns->lba_shift;
	lu->nsid = ns->nsid;
	memcpy(lu->eui64, ns->eui64, sizeof(lu->eui64));
	memcpy(lu->nguid, ns->nguid, sizeof(lu->nguid));
	memset(lu->model, ' ', sizeof(lu->model));
	memcpy(lu->model, ctrl->model, strlen(ctrl->model));
	memset(lu->serial, ' ', sizeof(lu->serial));
	memcpy(lu->serial, ctrl->serial, strlen(ctrl->serial));
	memset(lu->firmware, ' ', sizeof(lu->firmware));
	memcpy(lu->firmware, ctrl->firmware_rev, strlen(ctrl->firmware_rev));
}

/* The data length, direction or buffer does not fit what the CDB says. */
static int mqnvme_sgio_mismatch(struct mqnvme_sgio *s)
{
	mqnvme_sense_set(&s->sense, ILLEGAL_REQUEST, 0x24, 0x00);
	return 0;
}

/* Data the driver built: at most @len, the allocation length, dxfer_len. */
static int mqnvme_sgio_data_in(struct mqnvme_sgio *s, const void *buf,
			       unsigned int len)
{
	size_t n;

	if (!s->data_in)
		return 0;
	n = min_t(size_t, len, s->xfer_len - s->done);
	if (copy_to_iter(buf, n, &s->iter) != n)
		return -EFAULT;
	s->done += n;
	return 0;
}

static int mqnvme_sgio_respond(struct mqnvme_sgio *s, int len)
{
	if (len < 0)
		return 0;	/* refused, @s->sense says why */
	return mqnvme_sgio_data_in(s, s->resp,
				   min_t(u32, len, mqnvme_scsi_alloc_len(s->cdb)));
}

/* Parameter data from the caller: exactly @len bytes, or a mismatch. */
static int mqnvme_sgio_data_out(struct mqnvme_sgio *s, void *buf,
				unsigned int len, bool *ok)
{
	*ok = false;
	if (s->data_in || s->xfer_len - s->done < len) {
		mqnvme_sgio_mismatch(s);
		return 0;
	}
	if (copy_from_iter(buf, len, &s->iter) != len)
		return -EFAULT;
	s->done += len;
	*ok = true;
	return 0;
}

/*
 * The outcome of one NVMe command: GOOD, a sense, or a host status when
 * the command never completed on the controller (timeout, dead device).
 */
static bool mqnvme_sgio_status(struct mqnvme_sgio *s, int ret)
{
	if (!ret)
		return true;
	if (ret > 0 && (ret & NVME_SCT_SC_MASK) != NVME_SC_HOST_ABORTED_CMD &&
	    (ret & NVME_SCT_SC_MASK) != NVME_SC_HOST_PATH_ERROR) {
		mqnvme_scsi_nvme_status(ret, &s->sense);
		return s->sense.status == SAM_STAT_GOOD;
	}
	memset(&s->sense, 0, sizeof(s->sense));
	if (ret == -ETIMEDOUT ||
	    (ret > 0 && !(ret & NVME_STATUS_DNR) &&
	     READ_ONCE(s->ctrl->state) != MQNVME_CTRL_DEAD))
		s->host_status = DID_TIME_OUT;
	else
		s->host_status = DID_NO_CONNECT;
	return false;
}

/* An admin command with a kernel buffer. */
static bool mqnvme_sgio_admin(struct mqnvme_sgio *s, struct nvme_command *c,
			      void *buf, unsigned int len, u32 *result)
{
	union nvme_result res = { };
	int ret;

	ret = mqnvme_admin_sync_timeout(s->ctrl, c, buf, len, &res, s->timeout);
	if (result)
		*result = le32_to_cpu(res.u32);
	return mqnvme_sgio_status(s, ret);
}

/*
 * A separate metadata buffer for a command whose namespace format transfers
 * metadata (the controller does not insert and strip it all): zeroed, as
 * the block layer writes metadata other than PI; for a Compare on a PI
 * namespace it holds the tuples the blocks of @data (the kernel buffer the
 * command compares) were written with, since the controller compares the
 * metadata too. NULL when none is needed, else to be given to
 * mqnvme_meta_free().
 */
static void *mqnvme_sgio_meta(struct mqnvme_sgio *s, struct nvme_command *c,
			      void *data, u32 *len, dma_addr_t *dma)
{
	struct mqnvme_ns *ns = s->ns;
	struct mqnvme_ns_format fmt;
	void *meta;

	mqnvme_ns_format(ns, &fmt);
	*len = mqnvme_io_meta_len(c, &fmt);
	if (!*len)
		return NULL;
	meta = mqnvme_meta_alloc(s->ctrl, *len, dma);
	if (!meta)
		return ERR_PTR(-ENOMEM);
	if (c->rw.opcode == nvme_cmd_compare && ns->pi.pi_type && data) {
		mqnvme_pi_generate(&ns->pi, ns->lba_shift, ns->ms, data, meta,
				   le16_to_cpu(c->rw.length) + 1,
				   le64_to_cpu(c->rw.slba));
		dma_sync_single_for_device(s->ctrl->dev, *dma, *len,
					   DMA_BIDIRECTIONAL);
	}
	c->rw.metadata = cpu_to_le64(*dma);
	return meta;
}

/* An I/O command with a kernel buffer (or none). */
static bool mqnvme_sgio_io(struct mqnvme_sgio *s, struct nvme_command *c,
			   void *buf, unsigned int len)
{
	dma_addr_t meta_dma = 0;
	u32 meta_len;
	void *meta;
	int ret;

	c->common.nsid = cpu_to_le32(s->ns->nsid);
	meta = mqnvme_sgio_meta(s, c, buf, &meta_len, &meta_dma);
	if (IS_ERR(meta))
		ret = PTR_ERR(meta);
	else
		ret = mqnvme_sync_cmd(s->ns->disk->queue, c, buf, len, NULL,
				      s->timeout);
	if (!IS_ERR_OR_NULL(meta))
		mqnvme_meta_free(s->ctrl, meta, meta_len, meta_dma);
	return mqnvme_sgio_status(s, ret);
}

/*
 * An I/O command moving @len bytes of the caller's buffer directly.
 * Return: 1 done (outcome in @s), or a negative errno for the ioctl.
 */
static int mqnvme_sgio_io_user(struct mqnvme_sgio *s, struct nvme_command *c,
			       unsigned int len)
{
	struct request_queue *q = s->ns->disk->queue;
	struct iov_iter iter = s->iter;
	struct mqnvme_iod *iod;
	dma_addr_t meta_dma = 0;
	struct request *req;
	struct bio *bio;
	blk_status_t sts;
	u32 meta_len;
	void *meta;
	int ret;

	c->common.nsid = cpu_to_le32(s->ns->nsid);
	meta = mqnvme_sgio_meta(s, c, NULL, &meta_len, &meta_dma);
	if (IS_ERR(meta))
		return PTR_ERR(meta);
	req = blk_mq_alloc_request(q, nvme_is_write(c) ? REQ_OP_DRV_OUT :
				   REQ_OP_DRV_IN, 0);
	if (IS_ERR(req)) {
		ret = PTR_ERR(req);
		goto out_meta;
	}
	req->timeout = s->timeout;
	iod = mqnvme_req_iod(req);
	memcpy(&iod->cmd, c, sizeof(*c));
	iov_iter_truncate(&iter, len);
	ret = mqnvme_rq_map_user_iter(req, &iter);
	if (ret)
		goto out;
	bio = req->bio;
	sts = blk_execute_rq(req, false);
	ret = iod->status ? iod->status : blk_status_to_errno(sts);
	if (blk_rq_unmap_user(bio) && ret >= 0) {
		ret = -EFAULT;
		goto out;
	}
	if (mqnvme_sgio_status(s, ret))
		s->done = len;
	ret = 1;
out:
	blk_mq_free_request(req);
out_meta:
	if (meta)
		mqnvme_meta_free(s->ctrl, meta, meta_len, meta_dma);
	return ret;
}

/*
 * A block command. On a namespace with PI, @protect (RDPROTECT, WRPROTECT
 * or VRPROTECT) picks what the controller checks; for reads and writes 0
 * also has it insert and strip the PI (PRACT), which then never travels
 * with the data.
 */
static void mqnvme_rw_cmd(struct mqnvme_sgio *s, struct nvme_command *c,
			  u8 opcode, u64 lba, u32 nlb, u8 protect)
{
	const struct mqnvme_pi_setup *pi = &s->ns->pi;
	u16 control;

	memset(c, 0, sizeof(*c));
	c->rw.opcode = opcode;
	c->rw.slba = cpu_to_le64(lba);
	c->rw.length = cpu_to_le16(nlb - 1);
	if (!pi->pi_type)
		return;
	control = mqnvme_pi_scsi_prchk(protect, pi->pi_type);
	switch (opcode) {
	case nvme_cmd_read:
	case nvme_cmd_write:
		if (!protect)
			control |= NVME_RW_PRINFO_PRACT;
		break;
	case nvme_cmd_write_zeroes:
		/* No tuples from the host: the controller writes them. */
		control = NVME_RW_PRINFO_PRACT;
		break;
	default:
		/* Verify and Compare check the stored tuples, no PRACT. */
		break;
	}
	if (pi->pi_type != NVME_NS_DPS_PI_TYPE3)
		mqnvme_pi_set_ref(c, lba, pi->guard64);
	c->rw.control = cpu_to_le16(control);
}

/*
 * RDPROTECT/WRPROTECT/VRPROTECT: refused without 8-byte PI (none, or the
 * 64-bit guard) and for the reserved values; commands that would move the
 * PI with the data (@moves_pi) also need it first in the metadata, where
 * the guard covers the data alone.
 */
static bool mqnvme_sgio_check_prot(struct mqnvme_sgio *s,
				   const struct mqnvme_scsi_lba *r,
				   bool moves_pi)
{
	if (!r->prot)
		return true;
	if (s->lu.pi_type &&
	    mqnvme_pi_scsi_prchk(r->prot, s->lu.pi_type) != U16_MAX &&
	    (!moves_pi || !s->ns->pi.pi_offset))
		return true;
	mqnvme_sense_cdb_field(&s->sense, 1, 7);
	return false;
}

static u32 mqnvme_sgio_max_chunk(struct mqnvme_sgio *s)
{
	return min_t(u32, MQNVME_SCSI_MAX_NLB, s->lu.max_xfer_blocks);
}

/*
 * READ or WRITE with RDPROTECT/WRPROTECT on separate metadata: the caller's
 * buffer holds each block followed by its 8-byte PI; the controller wants
 * the data in one buffer and the metadata (PI first) in another.
 */
static int mqnvme_sgio_rw_pi(struct mqnvme_sgio *s, struct nvme_command *c,
			     u32 nlb)
{
	const size_t pis = sizeof(struct t10_pi_tuple);
	u32 bs = 1U << s->lu.lba_shift, ms = s->ns->ms, i;
	bool write = nvme_is_write(c);
	dma_addr_t meta_dma;
	void *data, *meta;
	int ret = -ENOMEM;

	c->common.nsid = cpu_to_le32(s->ns->nsid);
	data = kvmalloc_array(nlb, bs, GFP_KERNEL);
	if (!data)
		return -ENOMEM;
	meta = mqnvme_meta_alloc(s->ctrl, nlb * ms, &meta_dma);
	if (!meta)
		goto out_data;
	ret = -EFAULT;
	for (i = 0; write && i < nlb; i++)
		if (copy_from_iter(data + i * bs, bs, &s->iter) != bs ||
		    copy_from_iter(meta + i * ms, pis, &s->iter) != pis)
			goto out_meta;
	dma_sync_single_for_device(s->ctrl->dev, meta_dma, nlb * ms,
				   DMA_BIDIRECTIONAL);
	c->rw.metadata = cpu_to_le64(meta_dma);
	ret = mqnvme_sync_cmd(s->ns->disk->queue, c, data, nlb * bs, NULL,
			      s->timeout);
	if (!mqnvme_sgio_status(s, ret)) {
		ret = 0;
		goto out_meta;
	}
	dma_sync_single_for_cpu(s->ctrl->dev, meta_dma, nlb * ms,
				DMA_BIDIRECTIONAL);
	ret = -EFAULT;
	for (i = 0; !write && i < nlb; i++)
		if (copy_to_iter(data + i * bs, bs, &s->iter) != bs ||
		    copy_to_iter(meta + i * ms, pis, &s->iter) != pis)
			goto out_meta;
	s->done = nlb * (bs + pis);
	ret = 0;
out_meta:
	mqnvme_meta_free(s->ctrl, meta, nlb * ms, meta_dma);
out_data:
	kvfree(data);
	return ret;
}

static int mqnvme_scsi_rw(struct mqnvme_sgio *s)
{
	bool write = s->cdb[0] == WRITE_6 || s->cdb[0] == WRITE_10 ||
		     s->cdb[0] == WRITE_12 || s->cdb[0] == WRITE_16;
	struct mqnvme_scsi_lba r;
	struct nvme_command c;
	unsigned int bytes;
	int ret;

	mqnvme_scsi_decode_lba(s->cdb, &r);
	if (!mqnvme_sgio_check_prot(s, &r, true) ||
	    !mqnvme_scsi_check_range(&s->lu, &r, &s->sense) || !r.nlb)
		return 0;
	if (r.nlb > s->lu.max_xfer_blocks)
		return mqnvme_sgio_mismatch(s);
	/* With RD/WRPROTECT each block travels with its 8-byte PI. */
	bytes = r.nlb * ((1U << s->lu.lba_shift) +
			 (r.prot ? sizeof(struct t10_pi_tuple) : 0));
	if (s->xfer_len < bytes || s->data_in == write)
		return mqnvme_sgio_mismatch(s);
	mqnvme_rw_cmd(s, &c, write ? nvme_cmd_write : nvme_cmd_read, r.lba,
		      r.nlb, r.prot);
	if (r.fua)
		c.rw.control |= cpu_to_le16(NVME_RW_FUA);
	if (r.prot && !s->ns->ext)
		ret = mqnvme_sgio_rw_pi(s, &c, r.nlb);
	else
		ret = mqnvme_sgio_io_user(s, &c, bytes);
	if (ret < 0)
		return ret;
	if (s->sense.status == SAM_STAT_CHECK_CONDITION &&
	    s->sense.key == MEDIUM_ERROR) {
		s->sense.info_valid = true;
		s->sense.info = r.lba;
	}
	return 0;
}

static int mqnvme_scsi_sync_cache(struct mqnvme_sgio *s)
{
	struct mqnvme_scsi_lba r;
	struct nvme_command c = { };

	mqnvme_scsi_decode_lba(s->cdb, &r);
	if (!mqnvme_scsi_check_range(&s->lu, &r, &s->sense))
		return 0;
	if (!(s->lu.caps & MQNVME_SCSI_CAP_VWC))
		return 0;	/* nothing cached, nothing to write */
	c.common.opcode = nvme_cmd_flush;
	mqnvme_sgio_io(s, &c, NULL, 0);
	return 0;
}

/* A kernel buffer of @nlb blocks (at most one chunk), @blk repeated. */
static void *mqnvme_sgio_pattern(struct mqnvme_sgio *s, const void *blk,
				 u32 *chunk)
{
	u32 bs = 1U << s->lu.lba_shift, i;
	void *buf;

	*chunk = max_t(u32, MQNVME_SCSI_CHUNK >> s->lu.lba_shift, 1);
	buf = kvmalloc(*chunk * bs, GFP_KERNEL);
	if (!buf)
		return NULL;
	for (i = 0; i < *chunk; i++)
		memcpy(buf + i * bs, blk, bs);
	return buf;
}

/*
 * The loops that cover a CDB's range a chunk at a time (a VERIFY or WRITE
 * SAME may span the whole disk) stop between chunks when their caller is
 * killed: the command in flight ends, no further one is sent.
 */
static int mqnvme_sgio_killed(void)
{
	return fatal_signal_pending(current) ? -EINTR : 0;
}

/* @opcode over the whole range with @buf repeated, a chunk at a time. */
static int mqnvme_sgio_repeat(struct mqnvme_sgio *s, u8 opcode,
			      const struct mqnvme_scsi_lba *r, const void *blk)
{
	u32 chunk, n, bs = 1U << s->lu.lba_shift;
	struct nvme_command c;
	u64 lba = r->lba;
	u32 left = r->nlb;
	void *buf;
	int ret = 0;

	buf = mqnvme_sgio_pattern(s, blk, &chunk);
	if (!buf)
		return -ENOMEM;
	chunk = min(chunk, mqnvme_sgio_max_chunk(s));
	for (; left; left -= n, lba += n) {
		ret = mqnvme_sgio_killed();
		if (ret)
			break;
		n = min(left, chunk);
		mqnvme_rw_cmd(s, &c, opcode, lba, n, 0);
		if (!mqnvme_sgio_io(s, &c, buf, n * bs)) {
			if (s->sense.key == MISCOMPARE)
				s->sense.info_valid = false;
			break;
		}
	}
	kvfree(buf);
	return ret;
}

/* Write Zeroes (deallocating with UNMAP) over the range, in pieces. */
static int mqnvme_sgio_write_zeroes(struct mqnvme_sgio *s,
				    const struct mqnvme_scsi_lba *r)
{
	u32 chunk = mqnvme_sgio_max_chunk(s), n, left = r->nlb;
	struct nvme_command c;
	u64 lba = r->lba;
	int ret = 0;

	for (; left; left -= n, lba += n) {
		ret = mqnvme_sgio_killed();
		if (ret)
			break;
		n = min(left, chunk);
		mqnvme_rw_cmd(s, &c, nvme_cmd_write_zeroes, lba, n, 0);
		if (r->unmap)
			c.write_zeroes.control = cpu_to_le16(NVME_WZ_DEAC);
		if (!mqnvme_sgio_io(s, &c, NULL, 0))
			break;
	}
	return ret;
}

static int mqnvme_scsi_write_same(struct mqnvme_sgio *s)
{
	u32 bs = 1U << s->lu.lba_shift;
	struct mqnvme_scsi_lba r;
	void *blk;
	bool ok;
	int ret;

	mqnvme_scsi_decode_lba(s->cdb, &r);
	if (s->cdb[1] & 0x10) {		/* ANCHOR */
		mqnvme_sense_cdb_field(&s->sense, 1, 4);
		return 0;
	}
	if (!r.nlb) {			/* WSNZ: a length is required */
		mqnvme_sense_cdb_field(&s->sense, s->cdb[0] == WRITE_SAME ?
				       7 : 10, 7);
		return 0;
	}
	/* The one block of data-out would carry a PI for every block. */
	if (r.prot) {
		mqnvme_sense_cdb_field(&s->sense, 1, 7);
		return 0;
	}
	if (!mqnvme_scsi_check_range(&s->lu, &r, &s->sense))
		return 0;
	if (r.ndob)
		return mqnvme_sgio_write_zeroes(s, &r);
	blk = kzalloc(bs, GFP_KERNEL);
	if (!blk)
		return -ENOMEM;
	ret = mqnvme_sgio_data_out(s, blk, bs, &ok);
	if (!ret && ok) {
		if (!memchr_inv(blk, 0, bs))
			ret = mqnvme_sgio_write_zeroes(s, &r);
		else
			ret = mqnvme_sgio_repeat(s, nvme_cmd_write, &r, blk);
	}
	kfree(blk);
	return ret;
}

static int mqnvme_scsi_verify(struct mqnvme_sgio *s)
{
	u32 chunk = mqnvme_sgio_max_chunk(s), n, left;
	u32 bs = 1U << s->lu.lba_shift;
	struct mqnvme_scsi_lba r;
	struct nvme_command c;
	void *blk;
	bool ok;
	u64 lba;
	int ret;

	mqnvme_scsi_decode_lba(s->cdb, &r);
	/*
	 * Compare without PRACT would want the PI interleaved with the data
	 * of an extended-LBA namespace: not translated.
	 */
	if (r.bytchk == 2 || (r.bytchk && !(s->lu.caps & MQNVME_SCSI_CAP_COMPARE)) ||
	    (r.bytchk && s->ns->ext && s->ns->pi.pi_type)) {
		mqnvme_sense_cdb_field(&s->sense, 1, 2);
		return 0;
	}
	/* Comparing data with PI is not translated: VRPROTECT needs BYTCHK 0. */
	if (!mqnvme_sgio_check_prot(s, &r, r.bytchk) ||
	    !mqnvme_scsi_check_range(&s->lu, &r, &s->sense) || !r.nlb)
		return 0;
	if (r.bytchk == 1) {
		/* Compare with the data-out buffer, as one command. */
		if (r.nlb > s->lu.max_xfer_blocks ||
		    s->xfer_len < r.nlb * bs || s->data_in)
			return mqnvme_sgio_mismatch(s);
		mqnvme_rw_cmd(s, &c, nvme_cmd_compare, r.lba, r.nlb, 0);
		if (!s->ns->pi.pi_type) {
			ret = mqnvme_sgio_io_user(s, &c, r.nlb * bs);
			return ret < 0 ? ret : 0;
		}
		/* The tuples to compare are computed from the data. */
		blk = kvmalloc_array(r.nlb, bs, GFP_KERNEL);
		if (!blk)
			return -ENOMEM;
		ret = mqnvme_sgio_data_out(s, blk, r.nlb * bs, &ok);
		if (!ret && ok)
			mqnvme_sgio_io(s, &c, blk, r.nlb * bs);
		kvfree(blk);
		return ret;
	}
	if (r.bytchk == 3) {
		/* Every block against the one block of data-out. */
		blk = kzalloc(bs, GFP_KERNEL);
		if (!blk)
			return -ENOMEM;
		ret = mqnvme_sgio_data_out(s, blk, bs, &ok);
		if (!ret && ok)
			ret = mqnvme_sgio_repeat(s, nvme_cmd_compare, &r, blk);
		kfree(blk);
		return ret;
	}
	for (lba = r.lba, left = r.nlb; left; left -= n, lba += n) {
		ret = mqnvme_sgio_killed();
		if (ret)
			return ret;
		n = min(left, chunk);
		mqnvme_rw_cmd(s, &c, nvme_cmd_verify, lba, n, r.prot);
		if (!mqnvme_sgio_io(s, &c, NULL, 0))
			break;
	}
	return 0;
}

static int mqnvme_scsi_unmap(struct mqnvme_sgio *s)
{
	unsigned int len = get_unaligned_be16(&s->cdb[7]);
	struct nvme_dsm_range *ranges;
	struct nvme_command c = { };
	u8 *param;
	bool ok;
	int ret, n;

	if (s->cdb[1] & 0x01) {		/* ANCHOR */
		mqnvme_sense_cdb_field(&s->sense, 1, 0);
		return 0;
	}
	if (!len)
		return 0;
	param = kzalloc(len, GFP_KERNEL);
	ranges = kcalloc(MQNVME_SCSI_MAX_UNMAP, sizeof(*ranges), GFP_KERNEL);
	ret = -ENOMEM;
	if (!param || !ranges)
		goto out;
	ret = mqnvme_sgio_data_out(s, param, len, &ok);
	if (ret || !ok)
		goto out;
	n = mqnvme_scsi_unmap_list(&s->lu, param, len, ranges, &s->sense);
	if (n > 0) {
		c.dsm.opcode = nvme_cmd_dsm;
		c.dsm.nr = cpu_to_le32(n - 1);
		c.dsm.attributes = cpu_to_le32(NVME_DSMGMT_AD);
		mqnvme_sgio_io(s, &c, ranges, n * sizeof(*ranges));
	}
out:
	kfree(ranges);
	kfree(param);
	return ret;
}

static int mqnvme_scsi_inquiry_cmd(struct mqnvme_sgio *s)
{
	return mqnvme_sgio_respond(s, mqnvme_scsi_inquiry(&s->lu, s->cdb,
							  s->resp, &s->sense));
}

static int mqnvme_scsi_read_capacity_cmd(struct mqnvme_sgio *s)
{
	int len = mqnvme_scsi_read_capacity(&s->lu, s->cdb, s->resp, &s->sense);

	if (s->cdb[0] == READ_CAPACITY)
		return len < 0 ? 0 : mqnvme_sgio_data_in(s, s->resp, len);
	return mqnvme_sgio_respond(s, len);
}

/* The current WCE bit, from Get Features Volatile Write Cache. */
static bool mqnvme_sgio_read_wce(struct mqnvme_sgio *s)
{
	struct nvme_command c = { };
	u32 result;

	if (!(s->lu.caps & MQNVME_SCSI_CAP_VWC)) {
		s->lu.wce = false;
		return true;
	}
	c.features.opcode = nvme_admin_get_features;
	c.features.fid = cpu_to_le32(NVME_FEAT_VOLATILE_WC);
	if (!mqnvme_sgio_admin(s, &c, NULL, 0, &result))
		return false;
	s->lu.wce = result & 0x1;
	return true;
}

static int mqnvme_scsi_mode_sense_cmd(struct mqnvme_sgio *s)
{
	if (!mqnvme_sgio_read_wce(s))
		return 0;
	return mqnvme_sgio_respond(s, mqnvme_scsi_mode_sense(&s->lu, s->cdb,
							     s->resp, &s->sense));
}

/* A block length for FORMAT UNIT must be one an LBA format offers. */
static bool mqnvme_sgio_check_block_len(struct mqnvme_sgio *s, u32 block_len,
					unsigned int off)
{
	struct nvme_id_ns *id;
	bool ok = false;
	int ret;

	id = kzalloc(sizeof(*id), GFP_KERNEL);
	if (!id)
		return false;
	ret = mqnvme_identify(s->ctrl, NVME_ID_CNS_NS, s->ns->nsid, id);
	if (mqnvme_sgio_status(s, ret)) {
		ok = mqnvme_scsi_pick_lbaf(id, block_len, 0) >= 0 ||
		     mqnvme_scsi_pick_lbaf(id, block_len, s->ns->pi_type) >= 0;
		if (!ok)
			mqnvme_sense_param_field(&s->sense, off, 7);
	}
	kfree(id);
	return ok;
}

static int mqnvme_scsi_mode_select_cmd(struct mqnvme_sgio *s)
{
	bool ten = s->cdb[0] == MODE_SELECT_10;
	unsigned int len = ten ? get_unaligned_be16(&s->cdb[7]) : s->cdb[4];
	struct mqnvme_mode_select ms;
	bool ok = true;
	u8 *param;
	int ret = 0;

	if (!mqnvme_sgio_read_wce(s))
		return 0;
	param = kzalloc(max(len, 1U), GFP_KERNEL);
	if (!param)
		return -ENOMEM;
	if (len)
		ret = mqnvme_sgio_data_out(s, param, len, &ok);
	if (ret || !ok ||
	    !mqnvme_scsi_mode_select(&s->lu, s->cdb, param, len, &ms, &s->sense))
		goto out;
	if (ms.block_len && ms.block_len != 1U << s->lu.lba_shift &&
	    !mqnvme_sgio_check_block_len(s, ms.block_len, ten ? 8 + 12 : 4 + 5))
		goto out;
	if (ms.wce >= 0 && ms.wce != s->lu.wce &&
	    !mqnvme_sgio_status(s, mqnvme_set_features(s->ctrl,
						       NVME_FEAT_VOLATILE_WC,
						       ms.wce, NULL)))
		goto out;
	if (ms.d_sense >= 0)
		s->ns->sg_d_sense = ms.d_sense;
	if (ms.block_len)
		s->ns->sg_block_len = ms.block_len;
out:
	kfree(param);
	return ret;
}

static int mqnvme_scsi_log_sense_cmd(struct mqnvme_sgio *s)
{
	struct mqnvme_scsi_health h = { };
	struct nvme_smart_log *smart;
	struct nvme_command c = { };
	void *selftest = NULL;
	u32 result;
	int ret = -ENOMEM;

	smart = kzalloc(sizeof(*smart), GFP_KERNEL);
	if (!smart)
		return -ENOMEM;
	if (s->lu.caps & MQNVME_SCSI_CAP_DST) {
		selftest = kzalloc(MQNVME_SELFTEST_LOG_LEN, GFP_KERNEL);
		if (!selftest)
			goto out;
	}
	ret = 0;
	if (!mqnvme_sgio_status(s, mqnvme_get_log(s->ctrl, NVME_LOG_SMART,
						  NVME_NSID_ALL, false, smart,
						  sizeof(*smart))))
		goto out;
	if (selftest &&
	    !mqnvme_sgio_status(s, mqnvme_get_log(s->ctrl, MQNVME_LOG_SELFTEST,
						  NVME_NSID_ALL, false, selftest,
						  MQNVME_SELFTEST_LOG_LEN)))
		goto out;
	c.features.opcode = nvme_admin_get_features;
	c.features.fid = cpu_to_le32(NVME_FEAT_TEMP_THRESH);
	if (!mqnvme_sgio_admin(s, &c, NULL, 0, &result))
		goto out;
	h.smart = smart;
	h.temp_threshold_k = result & 0xffff;
	h.selftest = selftest;
	ret = mqnvme_sgio_respond(s, mqnvme_scsi_log_sense(&s->lu, s->cdb, &h,
							   s->resp, &s->sense));
out:
	kfree(selftest);
	kfree(smart);
	return ret;
}

/* A FORMAT UNIT under way (or its failure) as sense, for TUR and REQUEST SENSE. */
static bool mqnvme_sgio_format_state(struct mqnvme_sgio *s,
				     struct mqnvme_sense *pending, bool consume)
{
	struct mqnvme_ctrl *ctrl = s->ctrl;
	struct nvme_id_ns *id;
	bool running, failed;

	mutex_lock(&ctrl->format_lock);
	running = ctrl->format_running;
	failed = ctrl->format_failed;
	if (failed && consume)
		ctrl->format_failed = false;
	mutex_unlock(&ctrl->format_lock);
	if (failed && !running) {
		mqnvme_sense_set(pending, MEDIUM_ERROR, 0x31, 0x00);
		return true;
	}
	if (!running)
		return false;
	mqnvme_sense_set(pending, NOT_READY, 0x04, 0x04);
	pending->sks = MQNVME_SKS_PROGRESS;
	/* Format Progress Indicator: the percentage still to go. */
	id = kzalloc(sizeof(*id), GFP_KERNEL);
	if (id && !mqnvme_identify(ctrl, NVME_ID_CNS_NS, s->ns->nsid, id) &&
	    (id->fpi & 0x80))
		pending->sks_field = min(65535U,
					 (100U - (id->fpi & 0x7f)) * 65536 / 100);
	kfree(id);
	return true;
}

static int mqnvme_scsi_tur(struct mqnvme_sgio *s)
{
	mqnvme_sgio_format_state(s, &s->sense, true);
	return 0;
}

static int mqnvme_scsi_request_sense_cmd(struct mqnvme_sgio *s)
{
	struct mqnvme_sense pending = { };
	union nvme_result res = { };
	struct nvme_command c = { };
	u8 sense[MQNVME_SENSE_LEN];
	int len;

	if (!mqnvme_sgio_format_state(s, &pending, true)) {
		/* A power state other than 0: LOW POWER CONDITION ON. */
		c.features.opcode = nvme_admin_get_features;
		c.features.fid = cpu_to_le32(NVME_FEAT_POWER_MGMT);
		if (!mqnvme_admin_sync_timeout(s->ctrl, &c, NULL, 0, &res,
					       s->timeout) &&
		    (le32_to_cpu(res.u32) & 0x1f))
			mqnvme_sense_set(&pending, NO_SENSE, 0x5e, 0x00);
	}
	len = mqnvme_scsi_request_sense(s->cdb, &pending, sense);
	return mqnvme_sgio_data_in(s, sense, min_t(u32, len, s->cdb[4]));
}

static int mqnvme_scsi_start_stop(struct mqnvme_sgio *s)
{
	struct nvme_command c = { };
	bool flush;
	u32 cur;
	int ps;

	ps = mqnvme_scsi_power_state(s->cdb, s->ctrl->npss, &flush, &s->sense);
	if (ps < 0)
		return 0;
	if (flush && (s->lu.caps & MQNVME_SCSI_CAP_VWC)) {
		c.common.opcode = nvme_cmd_flush;
		if (!mqnvme_sgio_io(s, &c, NULL, 0))
			return 0;
	}
	/* Already there (always, with a single power state): nothing to set. */
	memset(&c, 0, sizeof(c));
	c.features.opcode = nvme_admin_get_features;
	c.features.fid = cpu_to_le32(NVME_FEAT_POWER_MGMT);
	if (!mqnvme_sgio_admin(s, &c, NULL, 0, &cur) || (cur & 0x1f) == ps)
		return 0;
	mqnvme_sgio_status(s, mqnvme_set_features(s->ctrl, NVME_FEAT_POWER_MGMT,
						  ps, NULL));
	return 0;
}

static void mqnvme_format_work(struct work_struct *work)
{
	struct mqnvme_ctrl *ctrl = container_of(work, struct mqnvme_ctrl,
						format_work);
	const u32 effects = NVME_CMD_EFFECTS_CSE_MASK | NVME_CMD_EFFECTS_NCC |
			    NVME_CMD_EFFECTS_LBCC;
	struct nvme_command c = { };
	int ret;

	c.format.opcode = nvme_admin_format_nvm;
	c.format.nsid = cpu_to_le32(ctrl->format_nsid);
	c.format.cdw10 = cpu_to_le32(ctrl->format_cdw10);
	mqnvme_passthru_start(ctrl, effects);
	ret = mqnvme_admin_sync_timeout(ctrl, &c, NULL, 0, NULL, 0);
	mqnvme_passthru_end(ctrl, effects);
	if (ret)
		dev_err(ctrl->dev, "FORMAT UNIT of namespace %u failed (%d)\n",
			ctrl->format_nsid, ret);
	mutex_lock(&ctrl->format_lock);
	ctrl->format_running = false;
	ctrl->format_failed = ret != 0;
	mutex_unlock(&ctrl->format_lock);
}

/* The PI type FMTPINFO and PROTECTION FIELD USAGE ask for, or -1. */
static int mqnvme_format_pi_type(struct mqnvme_sgio *s, u8 pfu)
{
	switch (s->cdb[1] >> 6) {
	case 0:
		if (!pfu)
			return 0;
		break;
	case 2:
		if (!pfu)
			return 1;
		break;
	case 3:
		if (pfu <= 1)
			return pfu ? 3 : 2;
		break;
	default:
		mqnvme_sense_cdb_field(&s->sense, 1, 7);
		return -1;
	}
	mqnvme_sense_param_field(&s->sense, 0, 2);
	return -1;
}

static int mqnvme_scsi_format(struct mqnvme_sgio *s)
{
	struct mqnvme_ctrl *ctrl = s->ctrl;
	bool longlist = s->cdb[1] & 0x20, immed = false, ok;
	u8 hdr[8] = { };
	struct nvme_id_ns *id;
	u32 block_len;
	int lbaf, pi, ret;

	if (s->cdb[1] & 0x10) {		/* FMTDATA: a parameter list header */
		ret = mqnvme_sgio_data_out(s, hdr, longlist ? 8 : 4, &ok);
		if (ret || !ok)
			return ret;
		if (hdr[0] & 0xf8) {
			mqnvme_sense_param_field(&s->sense, 0, fls(hdr[0]) - 1);
			return 0;
		}
		if (hdr[1] & 0x08) {	/* IP: no initialization patterns */
			mqnvme_sense_param_field(&s->sense, 1, 3);
			return 0;
		}
		if (longlist ? get_unaligned_be32(&hdr[4]) :
			       get_unaligned_be16(&hdr[2])) {
			mqnvme_sense_param_field(&s->sense, longlist ? 4 : 2, 7);
			return 0;
		}
		immed = hdr[1] & 0x02;
	}
	pi = mqnvme_format_pi_type(s, hdr[0] & 0x07);
	if (pi < 0)
		return 0;
	block_len = s->ns->sg_block_len ?: 1U << s->lu.lba_shift;
	id = kzalloc(sizeof(*id), GFP_KERNEL);
	if (!id)
		return -ENOMEM;
	ret = mqnvme_identify(ctrl, NVME_ID_CNS_NS, s->ns->nsid, id);
	lbaf = mqnvme_scsi_pick_lbaf(id, block_len, pi);
	kfree(id);
	if (!mqnvme_sgio_status(s, ret))
		return 0;
	if (lbaf < 0) {
		mqnvme_sense_cdb_field(&s->sense, 1, 7);
		return 0;
	}
	mutex_lock(&ctrl->format_lock);
	if (ctrl->format_running) {
		mutex_unlock(&ctrl->format_lock);
		mqnvme_sense_set(&s->sense, NOT_READY, 0x04, 0x04);
		return 0;
	}
	ctrl->format_running = true;
	ctrl->format_failed = false;
	ctrl->format_nsid = s->ns->nsid;
	/* LBAF (and its upper bits), PI type; separate metadata, PI last. */
	ctrl->format_cdw10 = (lbaf & 0xf) | ((lbaf >> 4) << 12) | (pi << 5);
	mutex_unlock(&ctrl->format_lock);
	dev_info(ctrl->dev, "%s: FORMAT UNIT of namespace %u: LBA format %d, PI type %d%s\n",
		 current->comm, s->ns->nsid, lbaf, pi, immed ? ", immediate" : "");
	queue_work(system_long_wq, &ctrl->format_work);
	if (immed)
		return 0;
	flush_work(&ctrl->format_work);
	mutex_lock(&ctrl->format_lock);
	if (ctrl->format_failed) {
		ctrl->format_failed = false;
		mqnvme_sense_set(&s->sense, MEDIUM_ERROR, 0x31, 0x01);
	}
	mutex_unlock(&ctrl->format_lock);
	return 0;
}

/* WRITE BUFFER: firmware download (modes 05h, 0Eh) and activation (05h, 0Fh). */
static int mqnvme_scsi_write_buffer(struct mqnvme_sgio *s)
{
	u8 mode = s->cdb[1] & 0x1f, slot = s->cdb[2];
	u32 off = get_unaligned_be24(&s->cdb[3]);
	u32 len = get_unaligned_be24(&s->cdb[6]);
	u32 gran, chunk, n;
	struct nvme_command c;
	void *buf;
	bool ok = true;
	int ret = 0;

	if (mode != 0x05 && mode != 0x0e && mode != 0x0f) {
		mqnvme_sense_cdb_field(&s->sense, 1, 4);
		return 0;
	}
	if (slot > 7) {
		mqnvme_sense_cdb_field(&s->sense, 2, 7);
		return 0;
	}
	/* Firmware Update Granularity in 4 KiB units; FFh: none. */
	gran = s->ctrl->fwug && s->ctrl->fwug != 0xff ? s->ctrl->fwug * SZ_4K : 4;
	if (mode == 0x0f ? off || len : (off % gran) || (mode == 0x05 && off)) {
		mqnvme_sense_cdb_field(&s->sense, 3, 7);
		return 0;
	}
	if (mode != 0x0f && (!len || len % gran)) {
		mqnvme_sense_cdb_field(&s->sense, 6, 7);
		return 0;
	}
	chunk = min_t(u32, MQNVME_SCSI_CHUNK,
		      queue_max_hw_sectors(s->ctrl->admin_q) << SECTOR_SHIFT);
	chunk = rounddown(chunk, gran) ?: gran;
	buf = len ? kvmalloc(min(chunk, len), GFP_KERNEL) : NULL;
	if (len && !buf)
		return -ENOMEM;
	for (; len && ok; len -= n, off += n) {
		ret = mqnvme_sgio_killed();
		if (ret)
			break;
		n = min(chunk, len);
		ret = mqnvme_sgio_data_out(s, buf, n, &ok);
		if (ret || !ok)
			break;
		memset(&c, 0, sizeof(c));
		c.dlfw.opcode = nvme_admin_download_fw;
		c.dlfw.numd = cpu_to_le32(n / 4 - 1);
		c.dlfw.offset = cpu_to_le32(off / 4);
		ok = mqnvme_sgio_admin(s, &c, buf, n, NULL);
	}
	kvfree(buf);
	if (ret || !ok || mode == 0x0e)
		return ret;
	/* Commit: the downloaded image replaces the slot, active at reset. */
	memset(&c, 0, sizeof(c));
	c.common.opcode = nvme_admin_activate_fw;
	c.common.cdw10 = cpu_to_le32(slot | (1 << 3));
	ret = mqnvme_admin_sync_timeout(s->ctrl, &c, NULL, 0, NULL, s->timeout);
	switch (ret & NVME_SCT_SC_MASK) {
	case NVME_SC_FW_NEEDS_CONV_RESET:
	case NVME_SC_FW_NEEDS_SUBSYS_RESET:
	case NVME_SC_FW_NEEDS_RESET:
		if (ret > 0)
			ret = 0;	/* committed; active after a reset */
		break;
	}
	mqnvme_sgio_status(s, ret);
	return 0;
}

/* SECURITY PROTOCOL IN / OUT: Security Receive / Send. */
static int mqnvme_scsi_security(struct mqnvme_sgio *s)
{
	bool in = s->cdb[0] == SECURITY_PROTOCOL_IN, ok = true;
	u64 len = get_unaligned_be32(&s->cdb[6]);
	struct nvme_command c = { };
	void *buf = NULL;
	int ret = 0;

	if (s->cdb[4] & 0x80)		/* INC_512 */
		len *= 512;
	if (len > queue_max_hw_sectors(s->ctrl->admin_q) << SECTOR_SHIFT) {
		mqnvme_sense_cdb_field(&s->sense, 6, 7);
		return 0;
	}
	if (len) {
		buf = kvzalloc(len, GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
	}
	if (!in && len)
		ret = mqnvme_sgio_data_out(s, buf, len, &ok);
	if (ret || !ok)
		goto out;
	c.common.opcode = in ? nvme_admin_security_recv :
			       nvme_admin_security_send;
	c.common.cdw10 = cpu_to_le32(s->cdb[1] << 24 |
				     get_unaligned_be16(&s->cdb[2]) << 8);
	c.common.cdw11 = cpu_to_le32(len);
	if (mqnvme_sgio_admin(s, &c, buf, len, NULL) && in)
		ret = mqnvme_sgio_data_in(s, buf, len);
out:
	kvfree(buf);
	return ret;
}

/* Wait for a foreground self-test; its result as sense. */
static void mqnvme_sgio_selftest_wait(struct mqnvme_sgio *s)
{
	unsigned long end = jiffies + s->timeout;
	u8 *log;

	log = kzalloc(MQNVME_SELFTEST_LOG_LEN, GFP_KERNEL);
	if (!log) {
		mqnvme_sense_set(&s->sense, HARDWARE_ERROR, 0x44, 0x00);
		return;
	}
	for (;;) {
		if (!mqnvme_sgio_status(s, mqnvme_get_log(s->ctrl,
							  MQNVME_LOG_SELFTEST,
							  NVME_NSID_ALL, false,
							  log,
							  MQNVME_SELFTEST_LOG_LEN)))
			break;
		if (!log[0]) {
			/* Newest result: 0 passed, 1-2 aborted, others failed. */
			if ((log[4] & 0x0f) > 2 && (log[4] & 0x0f) != 0x0f)
				mqnvme_sense_set(&s->sense, HARDWARE_ERROR,
						 0x3e, 0x03);
			break;
		}
		if (time_after(jiffies, end) ||
		    msleep_interruptible(MQNVME_SELFTEST_POLL_MS)) {
			mqnvme_sense_set(&s->sense, ABORTED_COMMAND, 0x00, 0x00);
			break;
		}
	}
	kfree(log);
}

static int mqnvme_scsi_send_diag(struct mqnvme_sgio *s)
{
	static const u8 stc[8] = { 0, 1, 2, 0, 0xf, 1, 2, 0 };
	u8 code = s->cdb[1] >> 5;
	bool selftest = s->cdb[1] & 0x04, wait;
	struct nvme_command c = { };

	if (get_unaligned_be16(&s->cdb[3])) {	/* no diagnostic pages */
		mqnvme_sense_cdb_field(&s->sense, 3, 7);
		return 0;
	}
	if ((selftest && code) || code == 3 || code == 7) {
		mqnvme_sense_cdb_field(&s->sense, 1, 7);
		return 0;
	}
	if (!selftest && !code)
		return 0;
	wait = selftest || code >= 5;
	c.common.opcode = nvme_admin_dev_self_test;
	c.common.nsid = cpu_to_le32(s->ns->nsid);
	c.common.cdw10 = cpu_to_le32(selftest ? 1 : stc[code]);
	if (mqnvme_sgio_admin(s, &c, NULL, 0, NULL) && wait)
		mqnvme_sgio_selftest_wait(s);
	return 0;
}

/* Commands that need the medium: they fail while capacity is 0. */
static bool mqnvme_scsi_media_cmd(const u8 *cdb)
{
	struct mqnvme_scsi_lba r;

	switch (cdb[0]) {
	case TEST_UNIT_READY:
	case READ_CAPACITY:
	case SERVICE_ACTION_IN_16:
	case UNMAP:
		return true;
	default:
		return mqnvme_scsi_decode_lba(cdb, &r);
	}
}

static int mqnvme_scsi_exec(struct mqnvme_sgio *s)
{
	const struct mqnvme_scsi_cmd *cmd;
	bool running;

	mqnvme_scsi_fill_lu(s);
	cmd = mqnvme_scsi_lookup(s->cdb, s->cdb_len, s->lu.caps, &s->sense);
	if (!cmd || !mqnvme_scsi_check_cdb(cmd, s->cdb, &s->sense))
		return 0;
	if (!(cmd->flags & MQNVME_SCSI_READY) && cmd->opcode != TEST_UNIT_READY) {
		mutex_lock(&s->ctrl->format_lock);
		running = s->ctrl->format_running;
		mutex_unlock(&s->ctrl->format_lock);
		if (running) {
			mqnvme_sense_set(&s->sense, NOT_READY, 0x04, 0x04);
			return 0;
		}
	}
	if (!s->lu.nblocks && mqnvme_scsi_media_cmd(s->cdb)) {
		/* A format the driver does not serve (ns.c logs why). */
		mqnvme_sense_set(&s->sense, MEDIUM_ERROR, 0x31, 0x00);
		return 0;
	}
	switch (cmd->opcode) {
	case TEST_UNIT_READY:
		return mqnvme_scsi_tur(s);
	case REQUEST_SENSE:
		return mqnvme_scsi_request_sense_cmd(s);
	case FORMAT_UNIT:
		return mqnvme_scsi_format(s);
	case INQUIRY:
		return mqnvme_scsi_inquiry_cmd(s);
	case MODE_SELECT:
	case MODE_SELECT_10:
		return mqnvme_scsi_mode_select_cmd(s);
	case MODE_SENSE:
	case MODE_SENSE_10:
		return mqnvme_scsi_mode_sense_cmd(s);
	case START_STOP:
		return mqnvme_scsi_start_stop(s);
	case SEND_DIAGNOSTIC:
		return mqnvme_scsi_send_diag(s);
	case READ_CAPACITY:
	case SERVICE_ACTION_IN_16:
		return mqnvme_scsi_read_capacity_cmd(s);
	case READ_6:
	case READ_10:
	case READ_12:
	case READ_16:
	case WRITE_6:
	case WRITE_10:
	case WRITE_12:
	case WRITE_16:
		return mqnvme_scsi_rw(s);
	case VERIFY:
	case VERIFY_12:
	case VERIFY_16:
		return mqnvme_scsi_verify(s);
	case SYNCHRONIZE_CACHE:
	case SYNCHRONIZE_CACHE_16:
		return mqnvme_scsi_sync_cache(s);
	case WRITE_BUFFER:
		return mqnvme_scsi_write_buffer(s);
	case WRITE_SAME:
	case WRITE_SAME_16:
		return mqnvme_scsi_write_same(s);
	case UNMAP:
		return mqnvme_scsi_unmap(s);
	case LOG_SENSE:
		return mqnvme_scsi_log_sense_cmd(s);
	case REPORT_LUNS:
		return mqnvme_sgio_respond(s, mqnvme_scsi_report_luns(s->cdb,
								      s->resp,
								      &s->sense));
	case MAINTENANCE_IN:
		return mqnvme_sgio_respond(s,
					   mqnvme_scsi_report_opcodes(&s->lu,
								      s->cdb,
								      s->resp,
								      &s->sense));
	case SECURITY_PROTOCOL_IN:
	case SECURITY_PROTOCOL_OUT:
		return mqnvme_scsi_security(s);
	}
	mqnvme_sense_set(&s->sense, ILLEGAL_REQUEST, 0x20, 0x00);
	return 0;
}

static unsigned int mqnvme_sgio_timeout(struct mqnvme_ns *ns, u32 ms)
{
	unsigned int t = msecs_to_jiffies(ms);

	if (!t)
		t = ns->sg_timeout;
	if (!t)
		t = BLK_DEFAULT_SG_TIMEOUT;
	return max_t(unsigned int, t, BLK_MIN_SG_TIMEOUT);
}

static int mqnvme_sgio_run(struct mqnvme_sgio *s)
{
	int ret;

	s->resp = kzalloc(MQNVME_SCSI_RESP_LEN, GFP_KERNEL);
	if (!s->resp)
		return -ENOMEM;
	ret = mqnvme_scsi_exec(s);
	kfree(s->resp);
	return ret;
}

/*
 * scsi_cmd_allowed()'s rules (read CDBs for anyone who may open the disk,
 * write CDBs on a writable open, the rest CAP_SYS_RAWIO), then the
 * translation's own (mqnvme_scsi_privileges()): no command that changes
 * the medium without a writable open, no state-changing admin command
 * without CAP_SYS_ADMIN.
 */
static bool mqnvme_scsi_allowed(u8 *cdb, bool open_for_write)
{
	u8 need = mqnvme_scsi_privileges(cdb);

	if (!scsi_cmd_allowed(cdb, open_for_write))
		return false;
	if ((need & MQNVME_SCSI_WRITES) && !open_for_write &&
	    !capable(CAP_SYS_RAWIO))
		return false;
	return !(need & MQNVME_SCSI_ADMIN) || capable(CAP_SYS_ADMIN);
}

/* sg_io() of drivers/scsi/scsi_ioctl.c, translated. */
static int mqnvme_sg_io(struct mqnvme_ns *ns, struct sg_io_hdr *hdr,
			bool open_for_write)
{
	struct iovec fast_iov[UIO_FASTIOV], *iov = NULL;
	struct mqnvme_sgio *s;
	u8 sense[MQNVME_SENSE_LEN];
	unsigned long start;
	int ret, dir, len;

	if (hdr->interface_id != 'S')
		return -EINVAL;
	if (hdr->dxfer_len > (queue_max_hw_sectors(ns->disk->queue) << 9))
		return -EIO;
	if (hdr->dxfer_len) {
		switch (hdr->dxfer_direction) {
		case SG_DXFER_TO_DEV:
			dir = ITER_SOURCE;
			break;
		case SG_DXFER_FROM_DEV:
		case SG_DXFER_TO_FROM_DEV:
			dir = ITER_DEST;
			break;
		default:
			return -EINVAL;
		}
	}
	if (hdr->cmd_len < 6)
		return -EMSGSIZE;
	if (hdr->cmd_len > MQNVME_SCSI_MAX_CDB)
		return -EINVAL;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->ns = ns;
	s->ctrl = ns->ctrl;
	s->cdb_len = hdr->cmd_len;
	ret = -EFAULT;
	if (copy_from_user(s->cdb, hdr->cmdp, hdr->cmd_len))
		goto out;
	ret = -EPERM;
	if (!mqnvme_scsi_allowed(s->cdb, open_for_write))
		goto out;
	s->timeout = mqnvme_sgio_timeout(ns, hdr->timeout);
	s->xfer_len = hdr->dxfer_len;
	if (hdr->dxfer_len) {
		s->data_in = dir == ITER_DEST;
		if (hdr->iovec_count) {
			iov = fast_iov;
			ret = import_iovec(dir, hdr->dxferp, hdr->iovec_count,
					   UIO_FASTIOV, &iov, &s->iter);
			if (ret < 0) {
				iov = NULL;
				goto out;
			}
			/* The SG_IO howto: the shorter of the two wins. */
			iov_iter_truncate(&s->iter, hdr->dxfer_len);
			s->xfer_len = iov_iter_count(&s->iter);
		} else {
			ret = import_ubuf(dir, hdr->dxferp, hdr->dxfer_len,
					  &s->iter);
			if (ret)
				goto out;
		}
	}

	start = jiffies;
	ret = mqnvme_sgio_run(s);
	hdr->duration = jiffies_to_msecs(jiffies - start);
	if (ret)
		goto out;
	hdr->status = s->sense.status;
	hdr->masked_status = s->sense.status >> 1;
	hdr->msg_status = 0;
	hdr->host_status = s->host_status;
	hdr->driver_status = s->sense.status == SAM_STAT_CHECK_CONDITION ?
			     DRIVER_SENSE : 0;
	hdr->info = hdr->masked_status || hdr->host_status ||
		    hdr->driver_status ? SG_INFO_CHECK : 0;
	hdr->resid = hdr->dxfer_len - s->done;
	hdr->sb_len_wr = 0;
	if (s->sense.status == SAM_STAT_CHECK_CONDITION && hdr->sbp &&
	    hdr->mx_sb_len) {
		len = min_t(int, hdr->mx_sb_len,
			    mqnvme_sense_build(&s->sense, ns->sg_d_sense, sense));
		if (copy_to_user(hdr->sbp, sense, len))
			ret = -EFAULT;
		else
			hdr->sb_len_wr = len;
	}
out:
	if (iov != fast_iov)
		kfree(iov);
	kfree(s);
	return ret;
}

static int mqnvme_scsi_sg_io(struct mqnvme_ns *ns, bool open_for_write,
			     void __user *argp)
{
	struct sg_io_hdr hdr;
	int ret;

	ret = get_sg_io_hdr(&hdr, argp);
	if (ret)
		return ret;
	ret = mqnvme_sg_io(ns, &hdr, open_for_write);
	if (ret == -EFAULT)
		return ret;
	if (put_sg_io_hdr(&hdr, argp))
		return -EFAULT;
	return ret;
}

/* SCSI_IOCTL_SEND_COMMAND: the old interface smartctl falls back to. */
static int mqnvme_scsi_send_command(struct mqnvme_ns *ns, bool open_for_write,
				    struct scsi_ioctl_command __user *sic)
{
	unsigned int in_len, out_len, bytes, opcode;
	struct mqnvme_sgio *s;
	u8 sense[MQNVME_SENSE_LEN];
	struct kvec kv;
	void *buf = NULL;
	int ret;

	if (!sic)
		return -EINVAL;
	if (get_user(in_len, &sic->inlen) || get_user(out_len, &sic->outlen) ||
	    get_user(opcode, &sic->data[0]))
		return -EFAULT;
	if (in_len > PAGE_SIZE || out_len > PAGE_SIZE)
		return -EINVAL;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	bytes = max(in_len, out_len);
	ret = -ENOMEM;
	if (bytes) {
		buf = kzalloc(bytes, GFP_KERNEL);
		if (!buf)
			goto out;
	}
	s->ns = ns;
	s->ctrl = ns->ctrl;
	s->cdb_len = COMMAND_SIZE(opcode);
	ret = -EFAULT;
	if (copy_from_user(s->cdb, sic->data, s->cdb_len) ||
	    (in_len && copy_from_user(buf, sic->data + s->cdb_len, in_len)))
		goto out;
	ret = -EPERM;
	if (!mqnvme_scsi_allowed(s->cdb, open_for_write))
		goto out;
	s->timeout = mqnvme_sgio_timeout(ns, 0);
	s->data_in = !in_len;
	s->xfer_len = bytes;
	kv.iov_base = buf;
	kv.iov_len = bytes;
	iov_iter_kvec(&s->iter, s->data_in ? ITER_DEST : ITER_SOURCE, &kv, 1,
		      bytes);
	ret = mqnvme_sgio_run(s);
	if (ret)
		goto out;
	ret = s->sense.status;
	if (s->host_status)
		ret = s->host_status << 16;
	if (s->sense.status == SAM_STAT_CHECK_CONDITION) {
		/* At most 16 bytes of sense, as the SCSI midlayer gives. */
		mqnvme_sense_build(&s->sense, ns->sg_d_sense, sense);
		if (copy_to_user(sic->data, sense, 16))
			ret = -EFAULT;
	} else if (!ret && out_len && copy_to_user(sic->data, buf, out_len)) {
		ret = -EFAULT;
	}
out:
	kfree(buf);
	kfree(s);
	return ret;
}

/**
 * mqnvme_scsi_ioctl_cmd - is @cmd one of the SCSI ioctls handled here
 * @cmd: the ioctl number
 *
 * Return: true for SG_IO and the ioctls SCSI tools probe with.
 */
bool mqnvme_scsi_ioctl_cmd(unsigned int cmd)
{
	switch (cmd) {
	case SG_IO:
	case SG_GET_VERSION_NUM:
	case SG_SET_TIMEOUT:
	case SG_GET_TIMEOUT:
	case SG_GET_RESERVED_SIZE:
	case SG_SET_RESERVED_SIZE:
	case SG_EMULATED_HOST:
	case SCSI_IOCTL_SEND_COMMAND:
	case SCSI_IOCTL_GET_IDLUN:
	case SCSI_IOCTL_GET_BUS_NUMBER:
		return true;
	default:
		return false;
	}
}

static int mqnvme_scsi_ioctl_ns(struct mqnvme_ns *ns, bool open_for_write,
				unsigned int cmd, void __user *argp)
{
	int __user *ip = argp;
	unsigned int max = queue_max_bytes(ns->disk->queue);
	struct scsi_idlun idlun = { };
	int val;

	switch (cmd) {
	case SG_IO:
		return mqnvme_scsi_sg_io(ns, open_for_write, argp);
	case SCSI_IOCTL_SEND_COMMAND:
		return mqnvme_scsi_send_command(ns, open_for_write, argp);
	case SG_GET_VERSION_NUM:
		return put_user(MQNVME_SG_VERSION, ip);
	case SG_EMULATED_HOST:
		return put_user(1, ip);
	case SG_GET_TIMEOUT:
		return jiffies_to_clock_t(ns->sg_timeout);
	case SG_SET_TIMEOUT:
		if (get_user(val, ip))
			return -EFAULT;
		ns->sg_timeout = clock_t_to_jiffies(val);
		return 0;
	case SG_GET_RESERVED_SIZE:
		return put_user(min_t(unsigned int, ns->sg_reserved_size, max),
				ip);
	case SG_SET_RESERVED_SIZE:
		if (get_user(val, ip))
			return -EFAULT;
		if (val < 0)
			return -EINVAL;
		ns->sg_reserved_size = min_t(unsigned int, val, max);
		return 0;
	case SCSI_IOCTL_GET_IDLUN:
		/* Host: the controller; target: the namespace; LUN 0. */
		idlun.dev_id = ((ns->nsid - 1) & 0xff) |
			       ((ns->ctrl->instance & 0xff) << 24);
		idlun.host_unique_id = ns->ctrl->instance;
		return copy_to_user(argp, &idlun, sizeof(idlun)) ? -EFAULT : 0;
	case SCSI_IOCTL_GET_BUS_NUMBER:
		return put_user(ns->ctrl->instance, ip);
	default:
		return -ENOTTY;
	}
}

/**
 * mqnvme_scsi_ioctl - SG_IO and the other SCSI ioctls on a namespace disk
 * @bdev: the disk or a partition
 * @mode: how it was opened; write CDBs need a writable open
 * @cmd: an ioctl mqnvme_scsi_ioctl_cmd() accepts
 * @argp: its argument
 *
 * As with sd, a partition takes SCSI ioctls only from CAP_SYS_RAWIO: a
 * CDB addresses the whole namespace.
 *
 * Return: 0, a value the ioctl returns, or a negative errno.
 */
int mqnvme_scsi_ioctl(struct block_device *bdev, blk_mode_t mode,
		      unsigned int cmd, void __user *argp)
{
	struct mqnvme_ns *ns = bdev->bd_disk->private_data;
	int ret;

	if (bdev_is_partition(bdev) && !capable(CAP_SYS_RAWIO))
		return -ENOTTY;
	if (!mqnvme_ioctl_enter(ns->ctrl))
		return -ENODEV;
	ret = mqnvme_scsi_ioctl_ns(ns, mode & BLK_OPEN_WRITE, cmd, argp);
	mqnvme_ioctl_exit(ns->ctrl);
	return ret;
}

/**
 * mqnvme_scsi_init_ctrl - initialise the translation's controller state
 * @ctrl: a new controller
 */
void mqnvme_scsi_init_ctrl(struct mqnvme_ctrl *ctrl)
{
	mutex_init(&ctrl->format_lock);
	INIT_WORK(&ctrl->format_work, mqnvme_format_work);
}

/**
 * mqnvme_scsi_stop_ctrl - wait for a background FORMAT UNIT
 * @ctrl: a controller going away (no more ioctls start)
 */
void mqnvme_scsi_stop_ctrl(struct mqnvme_ctrl *ctrl)
{
	flush_work(&ctrl->format_work);
}
