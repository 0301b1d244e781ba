// SPDX-License-Identifier: GPL-2.0
/*
 * mqnvme: the admin queue's blk-mq tag set and request queue, synchronous
 * admin commands, and the admin commands bring-up and teardown need.
 */
#include <linux/blk-mq.h>
#include <linux/slab.h>

#include "mqnvme.h"

/**
 * mqnvme_admin_init - create the admin tag set and request queue
 * @ctrl: the controller, whose admin queue rings exist
 *
 * Return: 0 or a negative errno.
 */
int mqnvme_admin_init(struct mqnvme_ctrl *ctrl)
{
	struct blk_mq_tag_set *set = &ctrl->admin_tagset;
	struct request_queue *q;
	int ret;

	memset(set, 0, sizeof(*set));
	set->ops = &mqnvme_mq_admin_ops;
	set->nr_hw_queues = 1;
	set->queue_depth = MQNVME_AQ_BLK_MQ_DEPTH;
	set->timeout = mqnvme_admin_timeout * HZ;
	set->numa_node = dev_to_node(ctrl->dev);
	set->cmd_size = sizeof(struct mqnvme_iod);
	set->flags = BLK_MQ_F_NO_SCHED;
	set->driver_data = ctrl;
	ret = blk_mq_alloc_tag_set(set);
	if (ret)
		return ret;

	q = blk_mq_alloc_queue(set, NULL, NULL);
	if (IS_ERR(q)) {
		blk_mq_free_tag_set(set);
		return PTR_ERR(q);
	}
	ctrl->admin_q = q;
	return 0;
}

/**
 * mqnvme_admin_exit - destroy the admin request queue and tag set
 * @ctrl: the controller
 */
void mqnvme_admin_exit(struct mqnvme_ctrl *ctrl)
{
	if (!ctrl->admin_q)
		return;
	blk_mq_destroy_queue(ctrl->admin_q);
	blk_put_queue(ctrl->admin_q);
	blk_mq_free_tag_set(&ctrl->admin_tagset);
	ctrl->admin_q = NULL;
}

/**
 * mqnvme_sync_cmd - run one command on a request queue and wait for it
 * @q: the admin queue, or a namespace's disk queue for I/O commands
 * @cmd: the command (its command id is filled in)
 * @buf: kernel buffer for the data, or NULL
 * @len: bytes of @buf
 * @result: where to store completion dwords 0/1, or NULL
 * @timeout: request timeout in jiffies, 0 for the queue's default
 *
 * Return: 0 on success, the NVMe status (> 0) when the controller failed
 * the command, or a negative errno when it could not be run.
 */
int mqnvme_sync_cmd(struct request_queue *q, struct nvme_command *cmd,
		    void *buf, unsigned int len, union nvme_result *result,
		    unsigned int timeout)
{
	struct mqnvme_iod *iod;
	struct request *req;
	blk_status_t sts;
	int ret;

	req = blk_mq_alloc_request(q, nvme_is_write(cmd) ?
				   REQ_OP_DRV_OUT : REQ_OP_DRV_IN, 0);
	if (IS_ERR(req))
		return PTR_ERR(req);
	if (timeout)
		req->timeout = timeout;
	iod = mqnvme_req_iod(req);
	memcpy(&iod->cmd, cmd, sizeof(*cmd));
	if (buf && len) {
		ret = blk_rq_map_kern(q, req, buf, len, GFP_KERNEL);
		if (ret)
			goto out;
	}
	sts = blk_execute_rq(req, false);
	if (iod->status)
		ret = iod->status;
	else
		ret = blk_status_to_errno(sts);
	if (result)
		*result = iod->result;
out:
	blk_mq_free_request(req);
	return ret;
}

/**
 * mqnvme_admin_sync_timeout - run one admin command and wait for it
 * @ctrl: the controller
 * @cmd: the command (its command id is filled in)
 * @buf: kernel buffer for the data, or NULL
 * @len: bytes of @buf
 * @result: where to store completion dwords 0/1, or NULL
 * @timeout: request timeout in jiffies, 0 for the admin_timeout parameter
 *
 * Return: as mqnvme_sync_cmd().
 */
int mqnvme_admin_sync_timeout(struct mqnvme_ctrl *ctrl,
			      struct nvme_command *cmd, void *buf,
			      unsigned int len, union nvme_result *result,
			      unsigned int timeout)
{
	return mqnvme_sync_cmd(ctrl->admin_q, cmd, buf, len, result, timeout);
}

/**
 * mqnvme_admin_sync - run one admin command with the default timeout
 * @ctrl: the controller
 * @cmd: the command
 * @buf: kernel buffer for the data, or NULL
 * @len: bytes of @buf
 * @result: where to store completion dwords 0/1, or NULL
 *
 * Return: as mqnvme_admin_sync_timeout().
 */
int mqnvme_admin_sync(struct mqnvme_ctrl *ctrl, struct nvme_command *cmd,
		      void *buf, unsigned int len, union nvme_result *result)
{
	return mqnvme_admin_sync_timeout(ctrl, cmd, buf, len, result, 0);
}

/**
 * mqnvme_set_features_data - Set Features (09h), with a data structure
 * @ctrl: the controller
 * @fid: feature identifier
 * @dword11: the feature's value
 * @buf: the feature's data structure (a kernel buffer), or NULL
 * @len: its bytes
 * @result: where to store completion dword 0, or NULL
 *
 * Return: as mqnvme_admin_sync().
 */
int mqnvme_set_features_data(struct mqnvme_ctrl *ctrl, u8 fid, u32 dword11,
			     void *buf, unsigned int len,
			     union nvme_result *result)
{
	struct nvme_command c = { };

	c.features.opcode = nvme_admin_set_features;
	c.features.fid = cpu_to_le32(fid);
	c.features.dword11 = cpu_to_le32(dword11);
	return mqnvme_admin_sync(ctrl, &c, buf, len, result);
}

/**
 * mqnvme_set_features - Set Features (09h) without data
 * @ctrl: the controller
 * @fid: feature identifier
 * @dword11: the feature's value
 * @result: where to store completion dword 0, or NULL
 *
 * Return: as mqnvme_admin_sync().
 */
int mqnvme_set_features(struct mqnvme_ctrl *ctrl, u8 fid, u32 dword11,
			union nvme_result *result)
{
	return mqnvme_set_features_data(ctrl, fid, dword11, NULL, 0, result);
}

/**
 * mqnvme_get_log - Get Log Page (02h) into a kernel buffer
 * @ctrl: the controller
 * @lid: log page identifier
 * @nsid: namespace id, NVME_NSID_ALL for controller-wide logs
 * @retain: set RAE, so that reading does not clear an asynchronous event
 * @buf: where the log goes
 * @len: bytes to read, a multiple of 4
 *
 * Return: as mqnvme_admin_sync().
 */
int mqnvme_get_log(struct mqnvme_ctrl *ctrl, u8 lid, u32 nsid, bool retain,
		   void *buf, size_t len)
{
	u32 numd = len / 4 - 1;
	struct nvme_command c = { };

	c.get_log_page.opcode = nvme_admin_get_log_page;
	c.get_log_page.nsid = cpu_to_le32(nsid);
	c.get_log_page.lid = lid;
	c.get_log_page.lsp = retain ? 0x80 : 0;	/* RAE is bit 15 of dword 10 */
	c.get_log_page.numdl = cpu_to_le16(numd & 0xffff);
	c.get_log_page.numdu = cpu_to_le16(numd >> 16);
	return mqnvme_admin_sync(ctrl, &c, buf, len, NULL);
}

/**
 * mqnvme_identify - Identify (06h)
 * @ctrl: the controller
 * @cns: Controller or Namespace Structure
 * @nsid: namespace id, where @cns takes one
 * @buf: NVME_IDENTIFY_DATA_SIZE bytes
 *
 * Return: as mqnvme_admin_sync().
 */
int mqnvme_identify(struct mqnvme_ctrl *ctrl, u8 cns, u32 nsid, void *buf)
{
	struct nvme_command c = { };

	c.identify.opcode = nvme_admin_identify;
	c.identify.nsid = cpu_to_le32(nsid);
	c.identify.cns = cns;
	return mqnvme_admin_sync(ctrl, &c, buf, NVME_IDENTIFY_DATA_SIZE, NULL);
}

/**
 * mqnvme_set_queue_count - Set Features Number of Queues (07h)
 * @ctrl: the controller
 * @count: in: I/O queue pairs wanted; out: pairs granted
 *
 * Return: as mqnvme_admin_sync().
 */
int mqnvme_set_queue_count(struct mqnvme_ctrl *ctrl, unsigned int *count)
{
	u32 q = (*count - 1) | ((*count - 1) << 16);
	union nvme_result res;
	int ret;

	ret = mqnvme_set_features(ctrl, NVME_FEAT_NUM_QUEUES, q, &res);
	if (ret)
		return ret;
	*count = mqnvme_granted_queues(le32_to_cpu(res.u32));
	return 0;
}

static enum rq_end_io_ret
mqnvme_delete_endio(struct request *req, blk_status_t error)
{
	struct mqnvme_ctrl *ctrl = req->end_io_data;
	struct mqnvme_iod *iod = mqnvme_req_iod(req);

	ctrl->delete_status = iod->status ?: blk_status_to_errno(error);
	complete(&ctrl->delete_done);
	blk_mq_free_request(req);
	return RQ_END_IO_NONE;
}

/*
 * A disable holds shutdown_lock while it deletes the queues, so it cannot
 * count on the timeout handler (which takes that lock) to end a Delete
 * the controller never answers: it waits admin_timeout itself, then goes
 * on to disable the controller, which cancels the Delete (as nvme-pci).
 */
static int mqnvme_delete_queue(struct mqnvme_ctrl *ctrl, u8 opcode, u16 qid)
{
	struct request *req;

	req = blk_mq_alloc_request(ctrl->admin_q, REQ_OP_DRV_OUT, 0);
	if (IS_ERR(req))
		return PTR_ERR(req);
	memset(&mqnvme_req_iod(req)->cmd, 0, sizeof(struct nvme_command));
	mqnvme_req_iod(req)->cmd.delete_queue.opcode = opcode;
	mqnvme_req_iod(req)->cmd.delete_queue.qid = cpu_to_le16(qid);
	req->end_io = mqnvme_delete_endio;
	req->end_io_data = ctrl;
	reinit_completion(&ctrl->delete_done);
	blk_execute_rq_nowait(req, false);
	if (!wait_for_completion_io_timeout(&ctrl->delete_done,
					    ctrl->admin_q->rq_timeout)) {
		dev_warn(ctrl->dev, "Delete I/O %s Queue %u not answered in %u s, disabling the controller\n",
			 opcode == nvme_admin_delete_sq ? "Submission" :
			 "Completion", qid, ctrl->admin_q->rq_timeout / HZ);
		return -ETIMEDOUT;
	}
	return ctrl->delete_status;
}

/**
 * mqnvme_create_io_queue - Create I/O Completion then Submission Queue
 * @ctrl: the controller
 * @q: the queue, its rings allocated and its vector chosen
 *
 * Return: as mqnvme_admin_sync(); the CQ is deleted again if the SQ fails.
 */
int mqnvme_create_io_queue(struct mqnvme_ctrl *ctrl, struct mqnvme_queue *q)
{
	struct nvme_command c = { };
	int ret;

	c.create_cq.opcode = nvme_admin_create_cq;
	c.create_cq.prp1 = cpu_to_le64(q->cq_dma_addr);
	c.create_cq.cqid = cpu_to_le16(q->qid);
	c.create_cq.qsize = cpu_to_le16(q->q_depth - 1);
	c.create_cq.cq_flags = cpu_to_le16(NVME_QUEUE_PHYS_CONTIG |
					   (q->use_irq ? NVME_CQ_IRQ_ENABLED : 0));
	c.create_cq.irq_vector = cpu_to_le16(q->cq_vector);
	ret = mqnvme_admin_sync(ctrl, &c, NULL, 0, NULL);
	if (ret)
		return ret;

	memset(&c, 0, sizeof(c));
	c.create_sq.opcode = nvme_admin_create_sq;
	c.create_sq.prp1 = cpu_to_le64(q->sq_dma_addr);
	c.create_sq.sqid = cpu_to_le16(q->qid);
	c.create_sq.qsize = cpu_to_le16(q->q_depth - 1);
	c.create_sq.sq_flags = cpu_to_le16(NVME_QUEUE_PHYS_CONTIG |
					   NVME_SQ_PRIO_MEDIUM);
	c.create_sq.cqid = cpu_to_le16(q->qid);
	ret = mqnvme_admin_sync(ctrl, &c, NULL, 0, NULL);
	if (ret)
		mqnvme_delete_queue(ctrl, nvme_admin_delete_cq, q->qid);
	return ret;
}

/**
 * mqnvme_set_dbbuf - Doorbell Buffer Config (7Ch)
 * @ctrl: the controller, its shadow doorbell and event index pages allocated
 *
 * Return: as mqnvme_admin_sync().
 */
int mqnvme_set_dbbuf(struct mqnvme_ctrl *ctrl)
{
	struct nvme_command c = { };

	c.dbbuf.opcode = nvme_admin_dbbuf;
	c.dbbuf.prp1 = cpu_to_le64(ctrl->dbbuf_dbs_dma);
	c.dbbuf.prp2 = cpu_to_le64(ctrl->dbbuf_eis_dma);
	return mqnvme_admin_sync(ctrl, &c, NULL, 0, NULL);
}

static enum rq_end_io_ret
mqnvme_abort_endio(struct request *req, blk_status_t error)
{
	struct mqnvme_ctrl *ctrl = req->end_io_data;
	struct mqnvme_iod *iod = mqnvme_req_iod(req);
	u32 result = le32_to_cpu(iod->result.u32);

	atomic_inc(&ctrl->abort_limit);
	if (!iod->status && !error)
		dev_warn(ctrl->dev, "Abort of command id 0x%x on queue %u: %s\n",
			 iod->cmd.abort.cid, le16_to_cpu(iod->cmd.abort.sqid),
			 result & 1 ? "not aborted" : "aborted");
	else if (iod->status &&
		 (iod->status & NVME_SCT_SC_MASK) != NVME_SC_HOST_ABORTED_CMD &&
		 READ_ONCE(ctrl->state) == MQNVME_CTRL_LIVE) {
		/* An Abort the controller fails: escalate at once. */
		dev_warn(ctrl->dev, "Abort failed (NVMe status 0x%03x): resetting the controller\n",
			 iod->status & NVME_SCT_SC_MASK);
		mqnvme_reset_ctrl(ctrl);
	}
	blk_mq_free_request(req);
	return RQ_END_IO_NONE;
}

/**
 * mqnvme_abort_cmd - send an Abort (08h) for a timed-out command
 * @ctrl: the controller, live
 * @req: the request that timed out, still in flight
 *
 * Asynchronous: the timeout handler cannot wait. At most as many Aborts
 * are outstanding as the controller takes (Identify ACL + 1).
 *
 * Return: true if the Abort was sent.
 */
bool mqnvme_abort_cmd(struct mqnvme_ctrl *ctrl, struct request *req)
{
	struct mqnvme_queue *q = req->mq_hctx->driver_data;
	struct nvme_command *cmd;
	struct request *abort;

	if (atomic_dec_return(&ctrl->abort_limit) < 0) {
		atomic_inc(&ctrl->abort_limit);
		return false;
	}
	abort = blk_mq_alloc_request(ctrl->admin_q, REQ_OP_DRV_OUT,
				     BLK_MQ_REQ_NOWAIT);
	if (IS_ERR(abort)) {
		atomic_inc(&ctrl->abort_limit);
		return false;
	}
	cmd = &mqnvme_req_iod(abort)->cmd;
	memset(cmd, 0, sizeof(*cmd));
	cmd->abort.opcode = nvme_admin_abort_cmd;
	cmd->abort.cid = mqnvme_req_iod(req)->cmd.common.command_id;
	cmd->abort.sqid = cpu_to_le16(q->qid);
	abort->end_io = mqnvme_abort_endio;
	abort->end_io_data = ctrl;
	atomic_inc(&ctrl->aborts);
	blk_execute_rq_nowait(abort, false);
	return true;
}

/**
 * mqnvme_delete_io_queue - Delete I/O Submission then Completion Queue
 * @ctrl: the controller
 * @qid: queue id
 *
 * Commands still in the SQ are completed by the controller as aborted
 * before the CQ goes away.
 *
 * Return: as mqnvme_admin_sync(), or -ETIMEDOUT when the controller did
 * not answer within admin_timeout.
 */
int mqnvme_delete_io_queue(struct mqnvme_ctrl *ctrl, u16 qid)
{
	int ret = mqnvme_delete_queue(ctrl, nvme_admin_delete_sq, qid);

	if (ret)
		return ret;
	return mqnvme_delete_queue(ctrl, nvme_admin_delete_cq, qid);
}
