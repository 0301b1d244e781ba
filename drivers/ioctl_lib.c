// SPDX-License-Identifier: GPL-2.0
/*
 * mqnvme: the pure logic of passthrough: the data and metadata lengths a
 * command moves by definition, and the admin commands a user may not send.
 */
#include <linux/kernel.h>
#include <linux/export.h>
#include <kunit/visibility.h>

#include "mqnvme_lib.h"

/* Bytes a "number of dwords, zero's based" field stands for. */
static long mqnvme_numd_bytes(u32 numd)
{
	return ((long)numd + 1) * 4;
}

static long mqnvme_features_xfer_len(u8 fid, u32 cdw11)
{
	switch (fid) {
	case NVME_FEAT_LBA_RANGE:
	case NVME_FEAT_HOST_MEM_BUF:
		return 4096;
	case NVME_FEAT_PLM_CONFIG:
	case NVME_FEAT_HOST_BEHAVIOR:
		return 512;
	case NVME_FEAT_AUTO_PST:
		return 256;
	case NVME_FEAT_TIMESTAMP:
		return 8;
	case NVME_FEAT_HOST_ID:
		/* EXHID: a 128-bit host identifier instead of 64 bits */
		return cdw11 & 1 ? 16 : 8;
	case NVME_FEAT_ARBITRATION:
	case NVME_FEAT_POWER_MGMT:
	case NVME_FEAT_TEMP_THRESH:
	case NVME_FEAT_ERR_RECOVERY:
	case NVME_FEAT_VOLATILE_WC:
	case NVME_FEAT_NUM_QUEUES:
	case NVME_FEAT_IRQ_COALESCE:
	case NVME_FEAT_IRQ_CONFIG:
	case NVME_FEAT_WRITE_ATOMIC:
	case NVME_FEAT_ASYNC_EVENT:
	case NVME_FEAT_KATO:
	case NVME_FEAT_HCTM:
	case NVME_FEAT_NOPSC:
	case NVME_FEAT_RRL:
	case NVME_FEAT_PLM_WINDOW:
	case NVME_FEAT_SW_PROGRESS:
	case NVME_FEAT_RESV_MASK:
	case NVME_FEAT_RESV_PERSIST:
	case NVME_FEAT_WRITE_PROTECT:
		return 0;
	default:
		return -1;
	}
}

/**
 * mqnvme_admin_xfer_len - bytes an admin command transfers by definition
 * @cmd: the command as userspace built it
 *
 * A controller transfers what the command says, whatever buffer the host
 * described: a passthrough buffer shorter than this would let it write past
 * the buffer (or read past it, leaking memory). Vendor specific commands
 * and features are not known.
 *
 * Return: the bytes, 0 for none, or -1 when not known.
 */
long mqnvme_admin_xfer_len(const struct nvme_command *cmd)
{
	u32 cdw10 = le32_to_cpu(cmd->common.cdw10);
	u32 cdw11 = le32_to_cpu(cmd->common.cdw11);

	switch (cmd->common.opcode) {
	case nvme_admin_identify:
		return NVME_IDENTIFY_DATA_SIZE;
	case nvme_admin_get_log_page:
		return mqnvme_numd_bytes((cdw10 >> 16) | (cdw11 & 0xffff) << 16);
	case nvme_admin_get_features:
	case nvme_admin_set_features:
		return mqnvme_features_xfer_len(cdw10 & 0xff, cdw11);
	case nvme_admin_download_fw:
	case nvme_admin_directive_send:
	case nvme_admin_directive_recv:
		return mqnvme_numd_bytes(cdw10);
	case nvme_admin_security_send:
	case nvme_admin_security_recv:
		return cdw11;
	case nvme_admin_ns_attach:
		return NVME_IDENTIFY_DATA_SIZE;	/* controller list */
	case nvme_admin_ns_mgmt:
		/* SEL 0 (create) sends the namespace's attributes. */
		return (cdw10 & 0xf) == 0 ? NVME_IDENTIFY_DATA_SIZE : 0;
	case nvme_admin_delete_sq:
	case nvme_admin_create_sq:
	case nvme_admin_delete_cq:
	case nvme_admin_create_cq:
	case nvme_admin_abort_cmd:
	case nvme_admin_activate_fw:
	case nvme_admin_async_event:
	case nvme_admin_keep_alive:
	case nvme_admin_dev_self_test:
	case nvme_admin_virtual_mgmt:
	case nvme_admin_dbbuf:
	case nvme_admin_format_nvm:
	case nvme_admin_sanitize_nvm:
		return 0;
	default:
		return -1;
	}
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_admin_xfer_len);

/* Blocks of a read, write, compare or verify: NLB is zero's based. */
static u32 mqnvme_rw_blocks(const struct nvme_command *cmd)
{
	return (u32)le16_to_cpu(cmd->rw.length) + 1;
}

static bool mqnvme_io_moves_blocks(u8 opcode)
{
	return opcode == nvme_cmd_read || opcode == nvme_cmd_write ||
	       opcode == nvme_cmd_compare;
}

/* The controller inserts or strips a PI-only metadata field itself. */
static bool mqnvme_io_pract_strips(const struct nvme_command *cmd,
				   const struct mqnvme_ns_format *fmt)
{
	return (le16_to_cpu(cmd->rw.control) & NVME_RW_PRINFO_PRACT) &&
	       fmt->pi_size && fmt->ms == fmt->pi_size;
}

/**
 * mqnvme_io_xfer_len - bytes an NVM command transfers by definition
 * @cmd: the command as userspace built it
 * @fmt: the namespace's format
 *
 * Reads, writes and compares move their blocks, with the metadata when it
 * is interleaved (unless PRACT inserts or strips a PI-only field).
 *
 * Return: the bytes, 0 for none, or -1 when not known.
 */
long mqnvme_io_xfer_len(const struct nvme_command *cmd,
			const struct mqnvme_ns_format *fmt)
{
	u32 cdw10 = le32_to_cpu(cmd->common.cdw10);
	u32 cdw12 = le32_to_cpu(cmd->common.cdw12);
	long len;

	switch (cmd->common.opcode) {
	case nvme_cmd_read:
	case nvme_cmd_write:
	case nvme_cmd_compare:
		len = (long)mqnvme_rw_blocks(cmd) << fmt->lba_shift;
		if (fmt->ext && !mqnvme_io_pract_strips(cmd, fmt))
			len += (long)mqnvme_rw_blocks(cmd) * fmt->ms;
		return len;
	case nvme_cmd_dsm:
		return ((cdw10 & 0xff) + 1) * sizeof(struct nvme_dsm_range);
	case MQNVME_CMD_COPY:
		/* Source range descriptor formats 0 (32 bytes) and 1 (40). */
		switch ((cdw12 >> 8) & 0xf) {
		case 0:
			return ((cdw12 & 0xff) + 1) * 32L;
		case 1:
			return ((cdw12 & 0xff) + 1) * 40L;
		default:
			return -1;
		}
	case nvme_cmd_resv_register:
		return 16;	/* CRKEY, NRKEY */
	case nvme_cmd_resv_acquire:
		return 16;	/* CRKEY, PRKEY */
	case nvme_cmd_resv_release:
		return 8;	/* CRKEY */
	case nvme_cmd_resv_report:
		return mqnvme_numd_bytes(cdw10);
	case nvme_cmd_flush:
	case nvme_cmd_write_uncor:
	case nvme_cmd_write_zeroes:
	case nvme_cmd_verify:
		return 0;
	default:
		return -1;
	}
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_io_xfer_len);

/**
 * mqnvme_io_meta_len - bytes of a separate metadata buffer an NVM command uses
 * @cmd: the command
 * @fmt: the namespace's format
 *
 * Return: the bytes MPTR must point to, 0 when the command uses none.
 */
u32 mqnvme_io_meta_len(const struct nvme_command *cmd,
		       const struct mqnvme_ns_format *fmt)
{
	if (!fmt->ms || fmt->ext || !mqnvme_io_moves_blocks(cmd->common.opcode))
		return 0;
	if (mqnvme_io_pract_strips(cmd, fmt))
		return 0;
	return mqnvme_rw_blocks(cmd) * fmt->ms;
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_io_meta_len);

/**
 * mqnvme_admin_cmd_reserved - an admin command only the driver may send
 * @cmd: the command
 *
 * Queue creation and deletion, shadow doorbells, asynchronous event
 * requests, and the features that set up the controller the way the driver
 * runs it (queue count, keep alive, host memory buffer, power state
 * transitions, host behavior) would break the driver behind its back:
 * refused even for root, as nvme-core does for the features.
 *
 * Return: true when userspace may not send @cmd.
 */
bool mqnvme_admin_cmd_reserved(const struct nvme_command *cmd)
{
	switch (cmd->common.opcode) {
	case nvme_admin_delete_sq:
	case nvme_admin_create_sq:
	case nvme_admin_delete_cq:
	case nvme_admin_create_cq:
	case nvme_admin_async_event:
	case nvme_admin_dbbuf:
		return true;
	case nvme_admin_set_features:
		switch (le32_to_cpu(cmd->common.cdw10) & 0xff) {
		case NVME_FEAT_NUM_QUEUES:
		case NVME_FEAT_KATO:
		case NVME_FEAT_HOST_MEM_BUF:
		case NVME_FEAT_AUTO_PST:
		case NVME_FEAT_HOST_BEHAVIOR:
			return true;
		}
		return false;
	default:
		return false;
	}
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_admin_cmd_reserved);
