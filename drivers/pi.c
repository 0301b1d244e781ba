// SPDX-License-Identifier: GPL-2.0
/*
 * mqnvme: end-to-end data protection on the namespace disks. The metadata
 * format comes from Identify Namespace (and, with extended LBA formats,
 * its NVM command set part); pi_lib.c decides how it is served. Here:
 * the PRINFO bits and reference tag of each block command, the separate
 * metadata buffers of commands the driver builds itself, the guard CRC's
 * PCLMULQDQ path, and the log line that names the block of a failed PI
 * check.
 */
#include <linux/blk-integrity.h>
#include <linux/crc-t10dif.h>
#include <linux/crc64.h>
#include <linux/dma-mapping.h>
#include <linux/kmod.h>
#include <linux/slab.h>
#include <crypto/hash.h>
#ifdef CONFIG_X86
#include <asm/cpufeature.h>
#endif

#include "mqnvme.h"

/* How much of a failed read is read again to find the bad block. */
#define MQNVME_PI_DIAG_BYTES	SZ_128K

/**
 * mqnvme_pi_read_format - a namespace's metadata format
 * @ctrl: the controller
 * @nsid: the namespace
 * @id: its Identify Namespace data
 * @f: filled in
 *
 * The guard type comes from the extended LBA format (Identify CNS 05h,
 * NVM command set) when the controller has them (CTRATT.ELBAS), else it
 * is the 16-bit CRC.
 *
 * Return: 0, or the error of the Identify (then a 16-bit guard is assumed).
 */
int mqnvme_pi_read_format(struct mqnvme_ctrl *ctrl, u32 nsid,
			  struct nvme_id_ns *id, struct mqnvme_pi_format *f)
{
	u8 lbaf = nvme_lbaf_index(id->flbas);
	struct nvme_command c = { };
	struct nvme_id_ns_nvm *nvm;
	u32 elbaf;
	int ret;

	memset(f, 0, sizeof(*f));
	f->lba_shift = id->lbaf[lbaf].ds;
	f->ms = le16_to_cpu(id->lbaf[lbaf].ms);
	f->ext = id->flbas & NVME_NS_FLBAS_META_EXT;
	f->pi_type = id->dps & NVME_NS_DPS_PI_MASK;
	f->pi_first = id->dps & NVME_NS_DPS_PI_FIRST;
	f->guard_type = NVME_NVM_NS_16B_GUARD;
	if (!(ctrl->ctratt & NVME_CTRL_ATTR_ELBAS))
		return 0;

	nvm = kzalloc(sizeof(*nvm), GFP_KERNEL);
	if (!nvm)
		return -ENOMEM;
	c.identify.opcode = nvme_admin_identify;
	c.identify.nsid = cpu_to_le32(nsid);
	c.identify.cns = NVME_ID_CNS_CS_NS;
	c.identify.csi = NVME_CSI_NVM;
	ret = mqnvme_admin_sync(ctrl, &c, nvm, sizeof(*nvm), NULL);
	if (ret) {
		dev_warn(ctrl->dev, "namespace %u: Identify NVM Command Set Namespace failed (%d), assuming a 16-bit guard\n",
			 nsid, ret);
		goto out;
	}
	elbaf = le32_to_cpu(nvm->elbaf[lbaf]);
	f->sts = nvme_elbaf_sts(elbaf);
	f->guard_type = nvme_elbaf_guard_type(elbaf);
	if ((nvm->pic & NVME_ID_NS_NVM_QPIFS) &&
	    f->guard_type == NVME_NVM_NS_QTYPE_GUARD)
		f->guard_type = nvme_elbaf_qualified_guard_type(elbaf);
out:
	kfree(nvm);
	return ret;
}

/**
 * mqnvme_pi_crc_driver - the crypto driver that computes the guard CRCs
 * @guard64: of the 64-bit guard (CRC64), else of the 16-bit T10-DIF CRC
 * @buf: where the name goes
 * @size: bytes of @buf
 *
 * lib/crc-t10dif.c and lib/crc64-rocksoft.c use the highest-priority
 * driver of the same algorithm: the one this returns.
 *
 * Return: @buf.
 */
const char *mqnvme_pi_crc_driver(bool guard64, char *buf, size_t size)
{
	struct crypto_shash *tfm;

	tfm = crypto_alloc_shash(guard64 ? CRC64_ROCKSOFT_STRING :
				 CRC_T10DIF_STRING, 0, 0);
	if (IS_ERR(tfm)) {
		strscpy(buf, "none", size);
		return buf;
	}
	strscpy(buf, crypto_shash_driver_name(tfm), size);
	crypto_free_shash(tfm);
	return buf;
}

/*
 * The block layer computes T10-DIF guards with crc_t10dif(), which uses the
 * best "crct10dif" crypto driver registered: make sure the PCLMULQDQ one
 * is, or say why not.
 */
static void mqnvme_pi_load_pclmul(struct mqnvme_ctrl *ctrl)
{
#ifdef CONFIG_X86
	static unsigned long requested;

	if (!boot_cpu_has(X86_FEATURE_PCLMULQDQ)) {
		dev_warn_once(ctrl->dev, "the CPU has no PCLMULQDQ: PI guard CRCs are computed by the table-driven crct10dif-generic\n");
		return;
	}
	if (!test_and_set_bit(0, &requested))
		request_module("crypto-crct10dif-pclmul");
#else
	dev_info_once(ctrl->dev, "no PCLMULQDQ on this architecture: PI guard CRCs use the best crct10dif driver there is\n");
#endif
}

/**
 * mqnvme_pi_format_changed - log how a metadata format is now served
 * @ns: the namespace, its format just set
 */
void mqnvme_pi_format_changed(struct mqnvme_ns *ns)
{
	struct mqnvme_ctrl *ctrl = ns->ctrl;
	struct mqnvme_pi_setup *pi = &ns->pi;
	char crc[CRYPTO_MAX_ALG_NAME];

	if (pi->note)
		dev_warn(ctrl->dev, "%s: %s\n", ns->disk->disk_name, pi->note);
	if (!pi->pi_type) {
		dev_info(ctrl->dev, "%s: %u metadata bytes per block without protection information, integrity format nop\n",
			 ns->disk->disk_name, ns->ms);
		return;
	}
	if (!pi->guard64)
		mqnvme_pi_load_pclmul(ctrl);
	dev_info(ctrl->dev, "%s: PI type %u, %u-byte %s guard, %s metadata of %u bytes with the PI %s; %s; guard CRC by %s\n",
		 ns->disk->disk_name, pi->pi_type, pi->pi_size,
		 pi->guard64 ? "CRC64" : "CRC16",
		 ns->ext ? "interleaved" : "separate", ns->ms,
		 pi->pi_offset ? "last" : "first",
		 pi->pract ? "the controller inserts and strips it (PRACT)" :
			     "the host generates and verifies it",
		 mqnvme_pi_crc_driver(pi->guard64, crc, sizeof(crc)));
}

/* The metadata is only the PI: the controller can insert and strip it. */
static bool mqnvme_pi_strippable(struct mqnvme_ns *ns)
{
	return ns->pi.pi_type && ns->ms == ns->pi.pi_size;
}

/**
 * mqnvme_pi_setup_rw - protection fields of a Read, Write or Write Zeroes
 * @ns: the namespace (ns->ms non-zero)
 * @req: the request
 * @cmd: its command, built but for PRINFO and the reference tag
 *
 * With an integrity payload the controller checks the host's tuples;
 * without one PRACT has it insert (or check and strip) them, which only
 * works when the metadata is the PI tuple alone. Write Zeroes always uses
 * PRACT so that the zeroed blocks get valid tuples.
 *
 * Return: BLK_STS_OK, or BLK_STS_NOTSUPP for a request without the
 * metadata buffer its format needs.
 */
blk_status_t mqnvme_pi_setup_rw(struct mqnvme_ns *ns, struct request *req,
				struct nvme_command *cmd)
{
	u16 control = ns->pi.prchk;

	if (req_op(req) == REQ_OP_WRITE_ZEROES) {
		/* No tuples come from the host: nothing to check either. */
		if (!ns->pi.pi_type)
			return BLK_STS_OK;
		control = NVME_RW_PRINFO_PRACT;
	} else if (!blk_integrity_rq(req)) {
		if (!mqnvme_pi_strippable(ns)) {
			dev_err_ratelimited(ns->ctrl->dev, "%s: %s without metadata: the controller cannot make up %u metadata bytes per block (integrity/read_verify or write_generate turned off?)\n",
					    ns->disk->disk_name,
					    blk_op_str(req_op(req)), ns->ms);
			return BLK_STS_NOTSUPP;
		}
		control |= NVME_RW_PRINFO_PRACT;
	}
	if (ns->pi.pi_type == NVME_NS_DPS_PI_TYPE1 ||
	    ns->pi.pi_type == NVME_NS_DPS_PI_TYPE2)
		mqnvme_pi_set_ref(cmd, le64_to_cpu(cmd->rw.slba),
				  ns->pi.guard64);
	cmd->rw.control |= cpu_to_le16(control);
	return BLK_STS_OK;
}

/**
 * mqnvme_meta_alloc - a zeroed kernel metadata buffer mapped for the device
 * @ctrl: the controller
 * @len: bytes
 * @dma: its bus address, for MPTR
 *
 * Return: the buffer, or NULL.
 */
void *mqnvme_meta_alloc(struct mqnvme_ctrl *ctrl, size_t len, dma_addr_t *dma)
{
	void *meta = kzalloc(len, GFP_KERNEL);

	if (!meta)
		return NULL;
	*dma = dma_map_single(ctrl->dev, meta, len, DMA_BIDIRECTIONAL);
	if (dma_mapping_error(ctrl->dev, *dma)) {
		kfree(meta);
		return NULL;
	}
	return meta;
}

/**
 * mqnvme_meta_free - unmap and free a mqnvme_meta_alloc() buffer
 * @ctrl: the controller
 * @meta: the buffer, its content up to date for the CPU on return
 * @len: bytes
 * @dma: its bus address
 */
void mqnvme_meta_free(struct mqnvme_ctrl *ctrl, void *meta, size_t len,
		      dma_addr_t dma)
{
	dma_unmap_single(ctrl->dev, dma, len, DMA_BIDIRECTIONAL);
	kfree(meta);
}

/*
 * Read @nlb blocks from @slba again without any check and look at each
 * tuple to name the first block that is wrong, and what is wrong with it.
 */
static void mqnvme_pi_diag(struct mqnvme_ns *ns, u64 slba, u32 nlb)
{
	struct mqnvme_ctrl *ctrl = ns->ctrl;
	const char *name = ns->disk->disk_name;
	u32 bs = 1U << ns->lba_shift, stride = bs + (ns->ext ? ns->ms : 0);
	struct mqnvme_pi_result res;
	struct nvme_command c = { };
	void *data, *meta = NULL;
	dma_addr_t meta_dma = 0;
	u32 i;
	int ret;

	nlb = min_t(u32, nlb, MQNVME_PI_DIAG_BYTES / stride);
	if (!nlb)
		return;
	data = kmalloc_array(nlb, stride, GFP_KERNEL);
	if (!data)
		return;
	if (!ns->ext) {
		meta = mqnvme_meta_alloc(ctrl, nlb * ns->ms, &meta_dma);
		if (!meta)
			goto out_data;
	}
	c.rw.opcode = nvme_cmd_read;
	c.rw.nsid = cpu_to_le32(ns->nsid);
	c.rw.slba = cpu_to_le64(slba);
	c.rw.length = cpu_to_le16(nlb - 1);
	c.rw.metadata = cpu_to_le64(meta_dma);
	ret = mqnvme_sync_cmd(ns->disk->queue, &c, data, nlb * stride, NULL, 0);
	if (meta)
		dma_sync_single_for_cpu(ctrl->dev, meta_dma, nlb * ns->ms,
					DMA_BIDIRECTIONAL);
	if (ret) {
		dev_err_ratelimited(ctrl->dev, "%s: reading LBA %llu-%llu again without PI checks failed (%d)\n",
				    name, slba, slba + nlb - 1, ret);
		goto out_meta;
	}
	for (i = 0; i < nlb; i++) {
		void *blk = data + i * stride;
		void *md = ns->ext ? blk + bs : meta + i * ns->ms;

		if (mqnvme_pi_verify(&ns->pi, ns->lba_shift, ns->ms, blk, md, 1,
				     slba + i, &res))
			continue;
		dev_err_ratelimited(ctrl->dev, "%s: LBA %llu: PI %s check failed: stored 0x%llx, expected 0x%llx\n",
				    name, slba + i, mqnvme_pi_check_name(res.check),
				    res.stored, res.expected);
		goto out_meta;
	}
	dev_warn_ratelimited(ctrl->dev, "%s: LBA %llu-%llu: every PI tuple checks out when read again\n",
			     name, slba, slba + nlb - 1);
out_meta:
	if (meta)
		mqnvme_meta_free(ctrl, meta, nlb * ns->ms, meta_dma);
out_data:
	kfree(data);
}

static void mqnvme_pi_diag_work(struct work_struct *work)
{
	struct mqnvme_ns *ns = container_of(work, struct mqnvme_ns, pi_work);
	struct mqnvme_ctrl *ctrl = ns->ctrl;

	/*
	 * The command is built for the current format: scans and format
	 * commands, which change it, hold scan_lock. Never wait for it: a
	 * scan that removes this namespace waits for this work under it.
	 */
	if (!mutex_trylock(&ctrl->scan_lock)) {
		dev_warn_ratelimited(ctrl->dev, "%s: a scan or format is under way, the bad block of LBA %llu-%llu is not looked for\n",
				     ns->disk->disk_name, ns->pi_diag.slba,
				     ns->pi_diag.slba + ns->pi_diag.nlb - 1);
	} else {
		/* Formatted without PI since the read failed: nothing to do. */
		if (ns->pi.pi_type)
			mqnvme_pi_diag(ns, ns->pi_diag.slba, ns->pi_diag.nlb);
		mutex_unlock(&ctrl->scan_lock);
	}
	clear_bit(MQNVME_PI_WORK_BUSY, &ns->pi_busy);
}

/**
 * mqnvme_pi_error - a block request failed a PI check on the controller
 * @ns: its namespace
 * @req: the request (ends with BLK_STS_PROTECTION, EILSEQ to the caller)
 * @status: the NVMe status
 *
 * Logs the LBA range and the check; for a read, a work item then reads
 * the range again unchecked and names the first bad block.
 */
void mqnvme_pi_error(struct mqnvme_ns *ns, struct request *req, u16 status)
{
	u64 slba = blk_rq_pos(req) >> (ns->lba_shift - SECTOR_SHIFT);
	u32 nlb = blk_rq_bytes(req) >> ns->lba_shift;
	enum mqnvme_pi_check check = mqnvme_pi_status_check(status);

	pr_err_ratelimited("%s: %s of LBA %llu (%u blocks) failed: end-to-end %s check error (NVMe status 0x%03x)\n",
			   ns->disk->disk_name, blk_op_str(req_op(req)), slba,
			   nlb, mqnvme_pi_check_name(check),
			   status & NVME_SCT_SC_MASK);
	if (req_op(req) != REQ_OP_READ || !ns->pi.pi_type || !nlb ||
	    test_and_set_bit(MQNVME_PI_WORK_BUSY, &ns->pi_busy))
		return;
	ns->pi_diag.slba = slba;
	ns->pi_diag.nlb = nlb;
	queue_work(system_unbound_wq, &ns->pi_work);
}

/**
 * mqnvme_pi_ns_init - set up a new namespace's PI state
 * @ns: the namespace
 */
void mqnvme_pi_ns_init(struct mqnvme_ns *ns)
{
	INIT_WORK(&ns->pi_work, mqnvme_pi_diag_work);
}

/**
 * mqnvme_pi_ns_exit - wait for a namespace's PI work before it goes
 * @ns: the namespace
 */
void mqnvme_pi_ns_exit(struct mqnvme_ns *ns)
{
	cancel_work_sync(&ns->pi_work);
}
