// SPDX-License-Identifier: GPL-2.0
/*
 * mqnvme: the blk-mq request path. queue_rq/queue_rqs build the NVMe command
 * in the request's pdu, map its data with PRPs or an SGL and hand it to the
 * queue; completions are matched back by command id, batched where blk-mq
 * allows, and unmapped.
 */
#include <linux/blk-integrity.h>
#include <linux/blk-mq.h>
#include <linux/blk-mq-pci.h>
#include <linux/dma-mapping.h>
#include <linux/pci-p2pdma.h>

#include "mqnvme.h"

static void *mqnvme_pool_alloc(void *ctx, bool small, dma_addr_t *dma)
{
	struct mqnvme_ctrl *ctrl = ctx;

	return dma_pool_alloc(small ? ctrl->prp_small_pool :
				      ctrl->prp_page_pool, GFP_ATOMIC, dma);
}

static void mqnvme_free_lists(struct mqnvme_ctrl *ctrl, struct mqnvme_iod *iod)
{
	struct mqnvme_dptr_lists *lists = &iod->lists;
	dma_addr_t dma = le64_to_cpu(iod->use_sgl ? iod->cmd.common.dptr.sgl.addr :
					iod->cmd.common.dptr.prp2);
	int i;

	for (i = 0; i < lists->nr; i++) {
		dma_addr_t next = 0;

		if (!iod->use_sgl && i + 1 < lists->nr)
			next = mqnvme_prp_list_next(lists, i);
		dma_pool_free(lists->small ? ctrl->prp_small_pool :
					     ctrl->prp_page_pool,
			      lists->va[i], dma);
		dma = next;
	}
	lists->nr = 0;
}

static void mqnvme_unmap_data(struct request *req)
{
	struct mqnvme_ctrl *ctrl = req->mq_hctx->queue->tag_set->driver_data;
	struct mqnvme_iod *iod = mqnvme_req_iod(req);

	if (iod->meta_len) {
		dma_unmap_page(ctrl->dev, iod->meta_dma, iod->meta_len,
			       rq_dma_dir(req));
		iod->meta_len = 0;
	}
	if (iod->dsm_range) {
		dma_pool_free(ctrl->prp_page_pool, iod->dsm_range,
			      iod->first_dma);
		iod->dsm_range = NULL;
		return;
	}
	if (iod->dma_len) {
		dma_unmap_page(ctrl->dev, iod->first_dma, iod->dma_len,
			       rq_dma_dir(req));
		iod->dma_len = 0;
		return;
	}
	if (!iod->sgt.sgl)
		return;
	mqnvme_free_lists(ctrl, iod);
	if (iod->sgt.nents)
		dma_unmap_sgtable(ctrl->dev, &iod->sgt, rq_dma_dir(req), 0);
	mempool_free(iod->sgt.sgl, ctrl->iod_mempool);
	iod->sgt.sgl = NULL;
	iod->sgt.nents = 0;
}

static bool mqnvme_use_sgl(struct mqnvme_queue *q, struct request *req,
			   unsigned int nseg)
{
	unsigned int avg;

	/* PCIe admin commands must use PRPs. */
	if (!q->ctrl->sgls || !q->qid || !mqnvme_sgl_threshold)
		return false;
	avg = DIV_ROUND_UP(blk_rq_payload_bytes(req), nseg);
	return avg >= mqnvme_sgl_threshold;
}

/* A single bio_vec spanning at most two controller pages: PRP1/PRP2 only. */
static blk_status_t mqnvme_map_simple(struct mqnvme_queue *q,
				      struct request *req, struct bio_vec *bv,
				      bool use_sgl)
{
	struct mqnvme_iod *iod = mqnvme_req_iod(req);
	struct nvme_command *cmd = &iod->cmd;
	unsigned int offset = bv->bv_offset & (MQNVME_CTRL_PAGE_SIZE - 1);
	unsigned int first_prp_len = MQNVME_CTRL_PAGE_SIZE - offset;

	iod->first_dma = dma_map_bvec(q->ctrl->dev, bv, rq_dma_dir(req), 0);
	if (dma_mapping_error(q->ctrl->dev, iod->first_dma))
		return BLK_STS_RESOURCE;
	iod->dma_len = bv->bv_len;

	if (use_sgl) {
		cmd->common.flags |= NVME_CMD_SGL_METABUF;
		cmd->common.dptr.sgl.addr = cpu_to_le64(iod->first_dma);
		cmd->common.dptr.sgl.length = cpu_to_le32(iod->dma_len);
		cmd->common.dptr.sgl.type = NVME_SGL_FMT_DATA_DESC << 4;
		return BLK_STS_OK;
	}
	cmd->common.dptr.prp1 = cpu_to_le64(iod->first_dma);
	if (bv->bv_len > first_prp_len)
		cmd->common.dptr.prp2 = cpu_to_le64(iod->first_dma +
						    first_prp_len);
	return BLK_STS_OK;
}

static blk_status_t mqnvme_map_data(struct mqnvme_queue *q,
				    struct request *req)
{
	struct mqnvme_ctrl *ctrl = q->ctrl;
	struct mqnvme_iod *iod = mqnvme_req_iod(req);
	struct nvme_command *cmd = &iod->cmd;
	unsigned int nseg = blk_rq_nr_phys_segments(req);
	const struct mqnvme_list_pool pool = {
		.alloc = mqnvme_pool_alloc,
		.ctx = ctrl,
	};
	bool use_sgl = mqnvme_use_sgl(q, req, nseg);
	int rc;

	if (nseg == 1) {
		struct bio_vec bv = req_bvec(req);

		if (!is_pci_p2pdma_page(bv.bv_page) &&
		    (use_sgl || (bv.bv_offset & (MQNVME_CTRL_PAGE_SIZE - 1)) +
				bv.bv_len <= MQNVME_CTRL_PAGE_SIZE * 2))
			return mqnvme_map_simple(q, req, &bv, use_sgl);
	}

	iod->sgt.sgl = mempool_alloc(ctrl->iod_mempool, GFP_ATOMIC);
	if (!iod->sgt.sgl)
		return BLK_STS_RESOURCE;
	sg_init_table(iod->sgt.sgl, nseg);
	iod->sgt.orig_nents = blk_rq_map_sg(req->q, req, iod->sgt.sgl);
	if (!iod->sgt.orig_nents)
		goto out_ioerr;
	rc = dma_map_sgtable(ctrl->dev, &iod->sgt, rq_dma_dir(req),
			     DMA_ATTR_NO_WARN);
	if (rc) {
		iod->sgt.nents = 0;
		if (rc == -ENOMEM) {
			mqnvme_unmap_data(req);
			return BLK_STS_RESOURCE;
		}
		goto out_ioerr;
	}

	if (use_sgl) {
		iod->use_sgl = true;
		cmd->common.flags |= NVME_CMD_SGL_METABUF;
		rc = mqnvme_build_sgl(iod->sgt.sgl, iod->sgt.nents, &pool,
				      &iod->lists, &cmd->common.dptr);
	} else {
		rc = mqnvme_build_prps(iod->sgt.sgl, iod->sgt.nents,
				       blk_rq_payload_bytes(req), &pool,
				       &iod->lists, &cmd->common.dptr);
	}
	if (rc == -ENOMEM) {
		mqnvme_unmap_data(req);
		return BLK_STS_RESOURCE;
	}
	if (rc) {
		dev_err_ratelimited(ctrl->dev,
				    "request of %u bytes in %u segments cannot be described with %s\n",
				    blk_rq_payload_bytes(req), iod->sgt.nents,
				    use_sgl ? "an SGL" : "PRPs");
		goto out_ioerr;
	}
	return BLK_STS_OK;

out_ioerr:
	mqnvme_unmap_data(req);
	return BLK_STS_IOERR;
}

/* The integrity payload: one segment (max_integrity_segments), MPTR. */
static blk_status_t mqnvme_map_metadata(struct mqnvme_ctrl *ctrl,
					struct request *req)
{
	struct mqnvme_iod *iod = mqnvme_req_iod(req);
	struct bio_vec bv = rq_integrity_vec(req);
	dma_addr_t dma;

	dma = dma_map_bvec(ctrl->dev, &bv, rq_dma_dir(req), 0);
	if (dma_mapping_error(ctrl->dev, dma))
		return BLK_STS_RESOURCE;
	iod->meta_dma = dma;
	iod->meta_len = bv.bv_len;
	iod->cmd.rw.metadata = cpu_to_le64(dma);
	return BLK_STS_OK;
}

static inline u64 mqnvme_sect_to_lba(struct mqnvme_ns *ns, sector_t sector)
{
	return sector >> (ns->lba_shift - SECTOR_SHIFT);
}

static blk_status_t mqnvme_setup_discard(struct mqnvme_ctrl *ctrl,
					 struct mqnvme_ns *ns,
					 struct request *req)
{
	struct mqnvme_iod *iod = mqnvme_req_iod(req);
	unsigned short segments = blk_rq_nr_discard_segments(req);
	struct nvme_dsm_range *range;
	unsigned short n = 0;
	struct bio *bio;

	range = dma_pool_alloc(ctrl->prp_page_pool, GFP_ATOMIC,
			       &iod->first_dma);
	if (!range)
		return BLK_STS_RESOURCE;
	iod->dsm_range = range;

	__rq_for_each_bio(bio, req) {
		if (n == segments)
			break;
		range[n].cattr = 0;
		range[n].nlb = cpu_to_le32(bio->bi_iter.bi_size >> ns->lba_shift);
		range[n].slba =
			cpu_to_le64(mqnvme_sect_to_lba(ns, bio->bi_iter.bi_sector));
		n++;
	}
	if (n != segments || bio) {
		dev_err_ratelimited(ctrl->dev,
				    "discard request with %u segments but more bios\n",
				    segments);
		mqnvme_unmap_data(req);
		return BLK_STS_IOERR;
	}

	iod->cmd.dsm.opcode = nvme_cmd_dsm;
	iod->cmd.dsm.nsid = cpu_to_le32(ns->nsid);
	iod->cmd.dsm.nr = cpu_to_le32(segments - 1);
	iod->cmd.dsm.attributes = cpu_to_le32(NVME_DSMGMT_AD);
	iod->cmd.dsm.dptr.prp1 = cpu_to_le64(iod->first_dma);
	return BLK_STS_OK;
}

static blk_status_t mqnvme_setup_cmd(struct mqnvme_ctrl *ctrl,
				     struct request *req)
{
	struct mqnvme_ns *ns = req->q->queuedata;
	struct nvme_command *cmd = mqnvme_req_cmd(req);
	enum req_op op = req_op(req);
	blk_status_t ret;

	if (op == REQ_OP_DRV_IN || op == REQ_OP_DRV_OUT)
		return BLK_STS_OK;	/* filled in by the submitter */
	if (!ns)
		return BLK_STS_IOERR;

	memset(cmd, 0, sizeof(*cmd));
	switch (op) {
	case REQ_OP_FLUSH:
		cmd->common.opcode = nvme_cmd_flush;
		cmd->common.nsid = cpu_to_le32(ns->nsid);
		return BLK_STS_OK;
	case REQ_OP_DISCARD:
		return mqnvme_setup_discard(ctrl, ns, req);
	case REQ_OP_WRITE_ZEROES:
		cmd->write_zeroes.opcode = nvme_cmd_write_zeroes;
		cmd->write_zeroes.nsid = cpu_to_le32(ns->nsid);
		cmd->write_zeroes.slba =
			cpu_to_le64(mqnvme_sect_to_lba(ns, blk_rq_pos(req)));
		cmd->write_zeroes.length =
			cpu_to_le16((blk_rq_bytes(req) >> ns->lba_shift) - 1);
		break;
	case REQ_OP_READ:
	case REQ_OP_WRITE:
		cmd->rw.opcode = op == REQ_OP_WRITE ? nvme_cmd_write :
						      nvme_cmd_read;
		cmd->rw.nsid = cpu_to_le32(ns->nsid);
		cmd->rw.slba = cpu_to_le64(mqnvme_sect_to_lba(ns,
							      blk_rq_pos(req)));
		cmd->rw.length =
			cpu_to_le16((blk_rq_bytes(req) >> ns->lba_shift) - 1);
		if (req->cmd_flags & REQ_FUA)
			cmd->rw.control |= cpu_to_le16(NVME_RW_FUA);
		break;
	default:
		return BLK_STS_NOTSUPP;
	}
	if (ns->ms) {
		ret = mqnvme_pi_setup_rw(ns, req, cmd);
		if (ret)
			return ret;
	}
	return BLK_STS_OK;
}

static blk_status_t mqnvme_prep_rq(struct mqnvme_queue *q, struct request *req)
{
	struct mqnvme_iod *iod = mqnvme_req_iod(req);
	blk_status_t ret;

	/* A fresh request, not one requeued after a reset. */
	if (!(req->rq_flags & RQF_DONTPREP)) {
		iod->retries = 0;
		req->rq_flags |= RQF_DONTPREP;
	}
	iod->status = 0;
	iod->aborted = false;
	iod->use_sgl = false;
	iod->dma_len = 0;
	iod->dsm_range = NULL;
	iod->meta_len = 0;
	iod->sgt.sgl = NULL;
	iod->sgt.nents = 0;
	iod->lists.nr = 0;

	ret = mqnvme_setup_cmd(q->ctrl, req);
	if (ret)
		return ret;
	if (blk_rq_nr_phys_segments(req) && req_op(req) != REQ_OP_DISCARD) {
		ret = mqnvme_map_data(q, req);
		if (ret)
			return ret;
	}
	if (blk_integrity_rq(req)) {
		ret = mqnvme_map_metadata(q->ctrl, req);
		if (ret) {
			mqnvme_unmap_data(req);
			return ret;
		}
	}
	iod->genctr++;
	iod->cmd.common.command_id = mqnvme_cid(iod->genctr, req->tag);
	blk_mq_start_request(req);
	return BLK_STS_OK;
}

/*
 * inject=128: a reset's Doorbell Buffer Config is taken but never
 * answered, once (the bit clears itself): its bring-up meets a timeout.
 */
static bool mqnvme_inject_lost(struct mqnvme_queue *q, struct request *req)
{
	unsigned int old = READ_ONCE(mqnvme_inject);

	if (!(old & MQNVME_INJECT_LOSE_DBBUF) ||
	    mqnvme_req_iod(req)->cmd.common.opcode != nvme_admin_dbbuf ||
	    READ_ONCE(q->ctrl->state) != MQNVME_CTRL_CONNECTING ||
	    cmpxchg(&mqnvme_inject, old, old & ~MQNVME_INJECT_LOSE_DBBUF) != old)
		return false;
	dev_info(q->ctrl->dev, "inject: Doorbell Buffer Config lost\n");
	return true;
}

static blk_status_t mqnvme_queue_rq(struct blk_mq_hw_ctx *hctx,
				    const struct blk_mq_queue_data *bd)
{
	struct mqnvme_queue *q = hctx->driver_data;
	struct request *req = bd->rq;
	blk_status_t ret;

	/* A disabled queue fails what is still dispatched to it. */
	if (unlikely(!READ_ONCE(q->enabled)))
		return BLK_STS_IOERR;
	ret = mqnvme_prep_rq(q, req);
	if (unlikely(ret))
		return ret;
	if (unlikely(!q->qid && mqnvme_inject) && mqnvme_inject_lost(q, req))
		return BLK_STS_OK;
	mqnvme_submit_cmd(q, &mqnvme_req_iod(req)->cmd, bd->last);
	return BLK_STS_OK;
}

static void mqnvme_submit_list(struct mqnvme_queue *q, struct rq_list *list)
{
	struct request *req;

	if (rq_list_empty(list))
		return;
	spin_lock(&q->sq_lock);
	while ((req = rq_list_pop(list)))
		mqnvme_sq_copy_cmd(q, &mqnvme_req_iod(req)->cmd);
	mqnvme_write_sq_db(q, true);
	spin_unlock(&q->sq_lock);
}

static void mqnvme_queue_rqs(struct rq_list *rqlist)
{
	struct rq_list submit = { }, requeue = { };
	struct mqnvme_queue *q = NULL;
	struct request *req;

	while ((req = rq_list_pop(rqlist))) {
		if (q && q != req->mq_hctx->driver_data)
			mqnvme_submit_list(q, &submit);
		q = req->mq_hctx->driver_data;
		if (READ_ONCE(q->enabled) && mqnvme_prep_rq(q, req) == BLK_STS_OK)
			rq_list_add_tail(&submit, req);
		else
			rq_list_add_tail(&requeue, req);
	}
	if (q)
		mqnvme_submit_list(q, &submit);
	/* What could not be prepared goes back to blk-mq's one-by-one path. */
	*rqlist = requeue;
}

static void mqnvme_commit_rqs(struct blk_mq_hw_ctx *hctx)
{
	mqnvme_commit_sq(hctx->driver_data);
}

static void mqnvme_log_error(struct request *req)
{
	struct mqnvme_iod *iod = mqnvme_req_iod(req);
	struct mqnvme_ns *ns = req->q->queuedata;

	if (!ns || (req->rq_flags & RQF_QUIET))
		return;
	if (mqnvme_pi_status_check(iod->status)) {
		mqnvme_pi_error(ns, req, iod->status);
		return;
	}
	pr_err_ratelimited("%s: %s sector %llu len %u failed, NVMe status 0x%03x%s\n",
			   ns->disk->disk_name, blk_op_str(req_op(req)),
			   (unsigned long long)blk_rq_pos(req),
			   blk_rq_bytes(req), iod->status & NVME_SCT_SC_MASK,
			   iod->status & NVME_STATUS_DNR ? " (DNR)" : "");
}

/*
 * A file system I/O that failed without DNR (a Write Fault, a namespace not
 * ready, a command a reset took away: cancelled by the host or aborted with
 * its queue) goes back to blk-mq, up to max_retries times, as in nvme-core:
 * after a reset it runs again once the queues exist, so a reset loses
 * nothing and fails nothing. Passthrough commands return the status to
 * their caller instead.
 */
static bool mqnvme_should_retry(struct request *req, struct mqnvme_iod *iod)
{
	return !blk_rq_is_passthrough(req) &&
	       !(iod->status & NVME_STATUS_DNR) && !blk_noretry_request(req) &&
	       iod->retries < READ_ONCE(mqnvme_max_retries);
}

static void mqnvme_retry_rq(struct request *req, struct mqnvme_iod *iod)
{
	struct mqnvme_ctrl *ctrl = req->q->tag_set->driver_data;
	unsigned int delay = mqnvme_retry_delay_ms(iod->status, ctrl->crdt);

	atomic_inc(&ctrl->requeued);
	iod->retries++;
	blk_mq_requeue_request(req, !delay);
	if (delay)
		blk_mq_delay_kick_requeue_list(req->q, delay);
}

static void mqnvme_complete_rq(struct request *req)
{
	struct mqnvme_iod *iod = mqnvme_req_iod(req);

	mqnvme_unmap_data(req);
	if (unlikely(iod->status) && mqnvme_should_retry(req, iod)) {
		mqnvme_retry_rq(req, iod);
		return;
	}
	if (unlikely(iod->status) && !blk_rq_is_passthrough(req))
		mqnvme_log_error(req);
	blk_mq_end_request(req, mqnvme_status_to_blk(iod->status));
}

/**
 * mqnvme_complete_batch - finish a batch of successful completions
 * @iob: requests collected by blk_mq_add_to_batch()
 */
void mqnvme_complete_batch(struct io_comp_batch *iob)
{
	struct request *req;

	rq_list_for_each(&iob->req_list, req)
		mqnvme_unmap_data(req);
	blk_mq_end_request_batch(iob);
}

/**
 * mqnvme_handle_cqe - match one completion entry to its request
 * @q: the queue the entry was posted to
 * @iob: batch to add successful completions to, or NULL
 * @cqe: the entry
 *
 * Entries naming a tag that is not in flight, or carrying a stale
 * generation, are logged and dropped. The Asynchronous Event Request's
 * completion goes to aen.c.
 *
 * Return: false for the AER's completion (it was not counted as submitted).
 */
bool mqnvme_handle_cqe(struct mqnvme_queue *q, struct io_comp_batch *iob,
		       struct nvme_completion *cqe)
{
	u16 cid = READ_ONCE(cqe->command_id);
	struct mqnvme_iod *iod;
	struct request *req;

	if (unlikely(!q->qid && cid == MQNVME_AER_CID)) {
		mqnvme_aen_complete(q->ctrl, cqe);
		return false;
	}
	req = q->tags ? blk_mq_tag_to_rq(q->tags, mqnvme_cid_tag(cid)) : NULL;
	if (unlikely(!req || !blk_mq_request_started(req))) {
		dev_warn_ratelimited(q->ctrl->dev,
				     "completion for unknown command id 0x%x on queue %u\n",
				     cid, q->qid);
		return true;
	}
	iod = mqnvme_req_iod(req);
	if (unlikely(mqnvme_cid_gen(cid) != (iod->genctr & MQNVME_CID_GEN_MASK))) {
		dev_warn_ratelimited(q->ctrl->dev,
				     "stale completion (command id 0x%x, generation %u) on queue %u dropped\n",
				     cid, iod->genctr & MQNVME_CID_GEN_MASK,
				     q->qid);
		return true;
	}
	iod->status = le16_to_cpu(cqe->status) >> 1;
	iod->result = cqe->result;
	if (blk_should_fake_timeout(req->q))
		return true;
	if (blk_mq_complete_request_remote(req))
		return true;
	if (!blk_mq_add_to_batch(req, iob, iod->status != 0,
				 mqnvme_complete_batch))
		mqnvme_complete_rq(req);
	return true;
}

static bool mqnvme_cancel_request(struct request *req, void *data)
{
	struct mqnvme_iod *iod = mqnvme_req_iod(req);
	bool resetting = *(bool *)data;

	if (blk_mq_request_completed(req))
		return true;
	iod->status = NVME_SC_HOST_ABORTED_CMD;
	if (!resetting)
		iod->status |= NVME_STATUS_DNR;
	blk_mq_complete_request(req);
	return true;
}

/**
 * mqnvme_cancel_all - cancel every started request of the controller
 * @ctrl: a controller whose hardware no longer processes commands, its
 *        CQs reaped
 *
 * While a reset runs (resetting, or connecting again) file system I/O is
 * requeued (mqnvme_should_retry()); otherwise, and for passthrough
 * commands, the requests fail with a host aborted status. Checking that a
 * request is not completed yet and completing it is not atomic: every
 * canceller holds shutdown_lock.
 */
void mqnvme_cancel_all(struct mqnvme_ctrl *ctrl)
{
	enum mqnvme_ctrl_state state = READ_ONCE(ctrl->state);
	bool resetting = state == MQNVME_CTRL_RESETTING ||
			 (state == MQNVME_CTRL_CONNECTING && ctrl->tagset_allocated);

	lockdep_assert_held(&ctrl->shutdown_lock);
	if (ctrl->tagset_allocated)
		blk_mq_tagset_busy_iter(&ctrl->tagset, mqnvme_cancel_request,
					&resetting);
	if (ctrl->admin_q)
		blk_mq_tagset_busy_iter(&ctrl->admin_tagset,
					mqnvme_cancel_request, &resetting);
	if (ctrl->tagset_allocated)
		blk_mq_tagset_wait_completed_request(&ctrl->tagset);
	if (ctrl->admin_q)
		blk_mq_tagset_wait_completed_request(&ctrl->admin_tagset);
}

/*
 * First timeout of a command on a live controller: Abort it and give it
 * until the second expiry before resetting everything (nvme-pci). The
 * second expiry is the driver's own: a passthrough command's timeout_ms
 * sends the Abort when it expires, but the reset waits until the command
 * has also outlived twice the queue's timeout, so that no user's timeout
 * resets the controller for everyone.
 */
static bool mqnvme_timeout_abort(struct mqnvme_ctrl *ctrl, struct request *req)
{
	if (!mqnvme_abort_cmd(ctrl, req))
		return false;
	mqnvme_req_iod(req)->aborted = true;
	req->timeout = mqnvme_abort_rearm(req->timeout, req->q->rq_timeout);
	return true;
}

static enum blk_eh_timer_return mqnvme_timeout(struct request *req)
{
	struct mqnvme_queue *q = req->mq_hctx->driver_data;
	struct mqnvme_ctrl *ctrl = q->ctrl;
	struct mqnvme_iod *iod = mqnvme_req_iod(req);
	struct nvme_command *cmd = mqnvme_req_cmd(req);
	unsigned long flags;
	u32 csts;

	/* A lost interrupt: the completion may be sitting in the CQ. */
	spin_lock_irqsave(&q->cq_lock, flags);
	mqnvme_poll_cq_locked(q);
	spin_unlock_irqrestore(&q->cq_lock, flags);
	/*
	 * Found: completed here, or on its submitting CPU already (then it
	 * may even be idle again); anything but in flight means done.
	 */
	if (blk_mq_rq_state(req) != MQ_RQ_IN_FLIGHT) {
		dev_warn(ctrl->dev,
			 "tag %d on queue %u timed out, completion found by polling (lost interrupt?)\n",
			 req->tag, q->qid);
		return BLK_EH_DONE;
	}

	csts = readl(ctrl->bar + NVME_REG_CSTS);
	dev_warn(ctrl->dev,
		 "tag %d (command id 0x%x, opcode 0x%02x) on queue %u timed out%s, CSTS 0x%x, controller %s\n",
		 req->tag, cmd->common.command_id, cmd->common.opcode, q->qid,
		 iod->aborted ? " after its Abort" : "", csts,
		 mqnvme_state_name(READ_ONCE(ctrl->state)));

	switch (READ_ONCE(ctrl->state)) {
	case MQNVME_CTRL_LIVE:
		/* A function that is gone will not come back with a reset. */
		if (!pci_device_is_present(ctrl->pdev)) {
			mqnvme_ctrl_fail(ctrl, "command timeout, device gone");
			return BLK_EH_RESET_TIMER;
		}
		/*
		 * A failed controller, a command already aborted, or an Abort
		 * itself: reset. Otherwise Abort this command only; when no
		 * Abort can be sent now, the next expiry tries again.
		 */
		if (!(csts & NVME_CSTS_CFS) && csts != ~0U && !iod->aborted &&
		    !(!q->qid && cmd->common.opcode == nvme_admin_abort_cmd)) {
			if (!mqnvme_timeout_abort(ctrl, req))
				req->timeout = max(req->timeout,
						   req->q->rq_timeout);
			return BLK_EH_RESET_TIMER;
		}
		dev_warn(ctrl->dev, "command timeout: resetting the controller\n");
		/* The reset cancels this request (file system I/O is retried). */
		mqnvme_reset_ctrl(ctrl);
		return BLK_EH_RESET_TIMER;
	case MQNVME_CTRL_RESETTING:
	case MQNVME_CTRL_DEAD:
		/*
		 * The reset or dead work disables the controller and cancels
		 * this (a Delete it waits for, it stops waiting for itself).
		 */
		return BLK_EH_RESET_TIMER;
	default:
		/*
		 * Bring-up (probe, or a reset connecting again: that attempt
		 * fails) or teardown is waiting for this command: stop the
		 * hardware so it no longer touches memory, then fail it. If a
		 * disable or the reset's move to live holds the lock, that
		 * context decides; this expiry comes back.
		 */
		if (!mqnvme_ctrl_stop_hw(ctrl))
			return BLK_EH_RESET_TIMER;
		return BLK_EH_DONE;
	}
}

static int mqnvme_init_hctx(struct blk_mq_hw_ctx *hctx, void *data,
			    unsigned int hctx_idx)
{
	struct mqnvme_ctrl *ctrl = data;
	struct mqnvme_queue *q = &ctrl->queues[hctx_idx + 1];

	q->tags = ctrl->tagset.tags[hctx_idx];
	hctx->driver_data = q;
	return 0;
}

static int mqnvme_admin_init_hctx(struct blk_mq_hw_ctx *hctx, void *data,
				  unsigned int hctx_idx)
{
	struct mqnvme_ctrl *ctrl = data;
	struct mqnvme_queue *q = &ctrl->queues[0];

	q->tags = ctrl->admin_tagset.tags[0];
	hctx->driver_data = q;
	return 0;
}

static int mqnvme_init_request(struct blk_mq_tag_set *set, struct request *req,
			       unsigned int hctx_idx, unsigned int numa_node)
{
	struct mqnvme_iod *iod = mqnvme_req_iod(req);

	memset(iod, 0, sizeof(*iod));
	return 0;
}

static void mqnvme_map_queues(struct blk_mq_tag_set *set)
{
	struct mqnvme_ctrl *ctrl = set->driver_data;
	unsigned int nr_default = mqnvme_nr_default_queues(ctrl);
	struct blk_mq_queue_map *map = &set->map[HCTX_TYPE_DEFAULT];

	map->nr_queues = nr_default;
	map->queue_offset = 0;
	/* Follow the vectors' affinity when every queue has its own vector. */
	if (ctrl->nr_vectors > nr_default)
		blk_mq_pci_map_queues(map, ctrl->pdev, 1);
	else
		blk_mq_map_queues(map);
	if (set->nr_maps <= HCTX_TYPE_POLL)
		return;
	/*
	 * No separate read queues; polled queues follow the default ones. A
	 * reset may have taken them all (poll_queues written to 0): blk-mq
	 * then refuses polled I/O (EOPNOTSUPP), as with the in-tree driver.
	 */
	set->map[HCTX_TYPE_READ].nr_queues = 0;
	map = &set->map[HCTX_TYPE_POLL];
	map->nr_queues = ctrl->nr_poll_queues;
	map->queue_offset = nr_default;
	if (map->nr_queues)
		blk_mq_map_queues(map);
}

static int mqnvme_poll(struct blk_mq_hw_ctx *hctx, struct io_comp_batch *iob)
{
	return mqnvme_queue_poll(hctx->driver_data, iob);
}

const struct blk_mq_ops mqnvme_mq_admin_ops = {
	.queue_rq	= mqnvme_queue_rq,
	.complete	= mqnvme_complete_rq,
	.init_hctx	= mqnvme_admin_init_hctx,
	.init_request	= mqnvme_init_request,
	.timeout	= mqnvme_timeout,
};

const struct blk_mq_ops mqnvme_mq_ops = {
	.queue_rq	= mqnvme_queue_rq,
	.queue_rqs	= mqnvme_queue_rqs,
	.commit_rqs	= mqnvme_commit_rqs,
	.complete	= mqnvme_complete_rq,
	.init_hctx	= mqnvme_init_hctx,
	.init_request	= mqnvme_init_request,
	.map_queues	= mqnvme_map_queues,
	.poll		= mqnvme_poll,
	.timeout	= mqnvme_timeout,
};
