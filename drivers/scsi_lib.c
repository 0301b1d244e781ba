// SPDX-License-Identifier: GPL-2.0
/*
 * mqnvme: the pure logic of the SCSI translation (see include/mqnvme_scsi.h):
 * which CDBs are accepted and with which bits, what the data the driver
 * answers itself looks like, how parameter lists are checked, and which
 * sense each NVMe status becomes. Field by field after SPC-4 / SBC-3 and
 * the NVM Express SCSI Translation Reference; Documentation/scsi.md.
 */
#include <linux/bitops.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include <kunit/visibility.h>
#include <scsi/scsi_common.h>

#include "mqnvme_scsi.h"

/*
 * Additional sense codes used below (SPC-4 annex D), as ASC, ASCQ:
 * 00,00 none; 04,00/04/09 not ready, format / self-test in progress;
 * 0b,08 power loss expected; 10,01-03 PI guard / app tag / ref tag check;
 * 11,00 unrecovered read error; 1a,00 parameter list length error;
 * 1d,00 miscompare during verify; 20,00 invalid command operation code;
 * 20,02 access denied; 20,09 invalid LU identifier; 21,00 LBA out of range;
 * 24,00 invalid field in CDB; 26,00 invalid field in parameter list;
 * 27,00 write protected; 31,00/01 medium format corrupted, format failed;
 * 39,00 saving parameters not supported; 44,00 internal target failure;
 * 5d,00 failure prediction threshold exceeded.
 */

void mqnvme_sense_set(struct mqnvme_sense *s, u8 key, u8 asc, u8 ascq)
{
	memset(s, 0, sizeof(*s));
	s->status = SAM_STAT_CHECK_CONDITION;
	s->key = key;
	s->asc = asc;
	s->ascq = ascq;
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_sense_set);

static void mqnvme_sense_field(struct mqnvme_sense *s, bool cdb, u16 byte,
			       u8 bit)
{
	if (cdb)
		mqnvme_sense_set(s, ILLEGAL_REQUEST, 0x24, 0x00);
	else
		mqnvme_sense_set(s, ILLEGAL_REQUEST, 0x26, 0x00);
	s->sks = MQNVME_SKS_FIELD;
	s->sks_cd = cdb;
	s->sks_field = byte;
	s->sks_bit = bit;
}

/**
 * mqnvme_sense_cdb_field - ILLEGAL REQUEST, INVALID FIELD IN CDB
 * @s: the outcome
 * @byte: CDB byte of the field
 * @bit: its most significant bit, 0xff for the whole byte
 */
void mqnvme_sense_cdb_field(struct mqnvme_sense *s, u16 byte, u8 bit)
{
	mqnvme_sense_field(s, true, byte, bit);
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_sense_cdb_field);

/**
 * mqnvme_sense_param_field - ILLEGAL REQUEST, INVALID FIELD IN PARAMETER LIST
 * @s: the outcome
 * @byte: parameter list byte of the field
 * @bit: its most significant bit, 0xff for the whole byte
 */
void mqnvme_sense_param_field(struct mqnvme_sense *s, u16 byte, u8 bit)
{
	mqnvme_sense_field(s, false, byte, bit);
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_sense_param_field);

static void mqnvme_param_list_length(struct mqnvme_sense *s)
{
	mqnvme_sense_set(s, ILLEGAL_REQUEST, 0x1a, 0x00);
}

/*
 * The three sense-key specific bytes of a field pointer or a progress.
 * Not scsi_set_sense_field_pointer(): it knows no progress indication, and
 * in fixed format it raises the additional sense length to 18, where SPC-4
 * has 10 for the 18 bytes this driver returns.
 */
static void mqnvme_sense_sks(const struct mqnvme_sense *s, u8 *sks)
{
	sks[0] = 0x80;	/* SKSV */
	if (s->sks == MQNVME_SKS_FIELD) {
		if (s->sks_cd)
			sks[0] |= 0x40;
		if (s->sks_bit < 8)
			sks[0] |= 0x08 | s->sks_bit;
	}
	put_unaligned_be16(s->sks_field, &sks[1]);
}

/**
 * mqnvme_sense_build - sense data for an outcome
 * @s: the outcome, CHECK CONDITION or a REQUEST SENSE answer
 * @desc: descriptor format (72h), else fixed (70h)
 * @buf: MQNVME_SENSE_LEN bytes
 *
 * Return: the sense data length: 18 for fixed format, 8 plus the
 * descriptors (INFORMATION, sense-key specific) for descriptor format.
 */
unsigned int mqnvme_sense_build(const struct mqnvme_sense *s, bool desc, u8 *buf)
{
	u8 *d;

	memset(buf, 0, MQNVME_SENSE_LEN);
	scsi_build_sense_buffer(desc, buf, s->key, s->asc, s->ascq);
	if (s->info_valid)
		scsi_set_sense_information(buf, MQNVME_SENSE_LEN, s->info);
	if (!desc) {
		if (s->sks != MQNVME_SKS_NONE)
			mqnvme_sense_sks(s, &buf[15]);
		return 18;
	}
	if (s->sks != MQNVME_SKS_NONE) {
		d = &buf[8 + buf[7]];
		d[0] = 0x02;	/* sense key specific descriptor */
		d[1] = 0x06;
		mqnvme_sense_sks(s, &d[4]);
		buf[7] += 8;
	}
	return 8 + buf[7];
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_sense_build);

/**
 * mqnvme_scsi_nvme_status - the SCSI outcome of an NVMe completion status
 * @status: status field of the completion, phase bit removed
 * @s: filled in; GOOD for success, RESERVATION CONFLICT without sense
 *
 * The mapping of Documentation/scsi.md: protection information errors are
 * ABORTED COMMAND 10h/01h-03h as sd.c expects, statuses without a SCSI
 * equivalent are ABORTED COMMAND when the controller says a retry may
 * work and HARDWARE ERROR, INTERNAL TARGET FAILURE when it does not.
 */
void mqnvme_scsi_nvme_status(u16 status, struct mqnvme_sense *s)
{
	switch (status & NVME_SCT_SC_MASK) {
	case NVME_SC_SUCCESS:
		memset(s, 0, sizeof(*s));
		return;
	case NVME_SC_RESERVATION_CONFLICT:
		memset(s, 0, sizeof(*s));
		s->status = SAM_STAT_RESERVATION_CONFLICT;
		return;
	case NVME_SC_INVALID_OPCODE:
		mqnvme_sense_set(s, ILLEGAL_REQUEST, 0x20, 0x00);
		return;
	case NVME_SC_INVALID_FIELD:
		mqnvme_sense_set(s, ILLEGAL_REQUEST, 0x24, 0x00);
		return;
	case NVME_SC_INVALID_NS:
		mqnvme_sense_set(s, ILLEGAL_REQUEST, 0x20, 0x09);
		return;
	case NVME_SC_LBA_RANGE:
		mqnvme_sense_set(s, ILLEGAL_REQUEST, 0x21, 0x00);
		return;
	case NVME_SC_ACCESS_DENIED:
		mqnvme_sense_set(s, ILLEGAL_REQUEST, 0x20, 0x02);
		return;
	case NVME_SC_INVALID_FORMAT:
		mqnvme_sense_set(s, ILLEGAL_REQUEST, 0x31, 0x01);
		return;
	case NVME_SC_DATA_XFER_ERROR:
		mqnvme_sense_set(s, MEDIUM_ERROR, 0x00, 0x00);
		return;
	case NVME_SC_INTERNAL:
		mqnvme_sense_set(s, HARDWARE_ERROR, 0x44, 0x00);
		return;
	case NVME_SC_POWER_LOSS:
		mqnvme_sense_set(s, ABORTED_COMMAND, 0x0b, 0x08);
		return;
	case NVME_SC_ABORT_REQ:
	case NVME_SC_ABORT_QUEUE:
	case NVME_SC_FUSED_FAIL:
	case NVME_SC_FUSED_MISSING:
		mqnvme_sense_set(s, ABORTED_COMMAND, 0x00, 0x00);
		return;
	case NVME_SC_NS_NOT_READY:
		mqnvme_sense_set(s, NOT_READY, 0x04, 0x00);
		return;
	case NVME_SC_FORMAT_IN_PROGRESS:
		mqnvme_sense_set(s, NOT_READY, 0x04, 0x04);
		return;
	case NVME_SC_SELT_TEST_IN_PROGRESS:
		mqnvme_sense_set(s, NOT_READY, 0x04, 0x09);
		return;
	case NVME_SC_NS_WRITE_PROTECTED:
	case NVME_SC_READ_ONLY:
		mqnvme_sense_set(s, DATA_PROTECT, 0x27, 0x00);
		return;
	case NVME_SC_WRITE_FAULT:
		mqnvme_sense_set(s, MEDIUM_ERROR, 0x03, 0x00);
		return;
	case NVME_SC_READ_ERROR:
		mqnvme_sense_set(s, MEDIUM_ERROR, 0x11, 0x00);
		return;
	case NVME_SC_GUARD_CHECK:
		mqnvme_sense_set(s, ABORTED_COMMAND, 0x10, 0x01);
		return;
	case NVME_SC_APPTAG_CHECK:
		mqnvme_sense_set(s, ABORTED_COMMAND, 0x10, 0x02);
		return;
	case NVME_SC_REFTAG_CHECK:
		mqnvme_sense_set(s, ABORTED_COMMAND, 0x10, 0x03);
		return;
	case NVME_SC_COMPARE_FAILED:
		mqnvme_sense_set(s, MISCOMPARE, 0x1d, 0x00);
		return;
	case NVME_SC_UNWRITTEN_BLOCK:
		mqnvme_sense_set(s, MEDIUM_ERROR, 0x21, 0x06);
		return;
	default:
		if (status & NVME_STATUS_DNR)
			mqnvme_sense_set(s, HARDWARE_ERROR, 0x44, 0x00);
		else
			mqnvme_sense_set(s, ABORTED_COMMAND, 0x00, 0x00);
	}
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_scsi_nvme_status);

/*
 * The command table. usage[] is the CDB usage data of REPORT SUPPORTED
 * OPERATION CODES and, at the same time, what is checked: a bit set
 * outside it is an invalid field. The control byte (last) must be 0.
 * Commands with a service action hold it in place of its usage bits, as
 * SPC-4 wants; mqnvme_scsi_lookup() has matched it already.
 */
static const struct mqnvme_scsi_cmd mqnvme_scsi_cmds[] = {
	{ TEST_UNIT_READY, 0, 6, 0, 0, 10,
	  { TEST_UNIT_READY, 0, 0, 0, 0, 0 } },
	{ REQUEST_SENSE, 0, 6, MQNVME_SCSI_READY, 0, 10,
	  { REQUEST_SENSE, 0x01, 0, 0, 0xff, 0 } },
	{ FORMAT_UNIT, 0, 6, MQNVME_SCSI_WRITES | MQNVME_SCSI_ADMIN,
	  MQNVME_SCSI_CAP_FORMAT, 3600,
	  { FORMAT_UNIT, 0xff, 0, 0, 0, 0 } },
	{ READ_6, 0, 6, 0, 0, 30,
	  { READ_6, 0x1f, 0xff, 0xff, 0xff, 0 } },
	{ WRITE_6, 0, 6, MQNVME_SCSI_WRITES, 0, 30,
	  { WRITE_6, 0x1f, 0xff, 0xff, 0xff, 0 } },
	{ INQUIRY, 0, 6, MQNVME_SCSI_READY, 0, 10,
	  { INQUIRY, 0x01, 0xff, 0xff, 0xff, 0 } },
	{ MODE_SELECT, 0, 6, MQNVME_SCSI_WRITES | MQNVME_SCSI_ADMIN, 0, 10,
	  { MODE_SELECT, 0x11, 0, 0, 0xff, 0 } },
	{ MODE_SENSE, 0, 6, 0, 0, 10,
	  { MODE_SENSE, 0x08, 0xff, 0xff, 0xff, 0 } },
	{ START_STOP, 0, 6, MQNVME_SCSI_ADMIN, 0, 60,
	  { START_STOP, 0x01, 0, 0x0f, 0xf7, 0 } },
	{ SEND_DIAGNOSTIC, 0, 6, MQNVME_SCSI_WRITES | MQNVME_SCSI_ADMIN,
	  MQNVME_SCSI_CAP_DST, 3600,
	  { SEND_DIAGNOSTIC, 0xf7, 0, 0xff, 0xff, 0 } },
	{ READ_CAPACITY, 0, 10, 0, 0, 10,
	  { READ_CAPACITY, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0x01, 0 } },
	{ READ_10, 0, 10, 0, 0, 30,
	  { READ_10, 0xfc, 0xff, 0xff, 0xff, 0xff, 0x3f, 0xff, 0xff, 0 } },
	{ WRITE_10, 0, 10, MQNVME_SCSI_WRITES, 0, 30,
	  { WRITE_10, 0xf8, 0xff, 0xff, 0xff, 0xff, 0x3f, 0xff, 0xff, 0 } },
	{ VERIFY, 0, 10, 0, 0, 30,
	  { VERIFY, 0xf6, 0xff, 0xff, 0xff, 0xff, 0x3f, 0xff, 0xff, 0 } },
	{ SYNCHRONIZE_CACHE, 0, 10, 0, 0, 60,
	  { SYNCHRONIZE_CACHE, 0x02, 0xff, 0xff, 0xff, 0xff, 0x3f, 0xff,
	    0xff, 0 } },
	{ WRITE_BUFFER, 0, 10, MQNVME_SCSI_WRITES | MQNVME_SCSI_ADMIN,
	  MQNVME_SCSI_CAP_FW, 120,
	  { WRITE_BUFFER, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0 } },
	{ WRITE_SAME, 0, 10, MQNVME_SCSI_WRITES, MQNVME_SCSI_CAP_WZ, 60,
	  { WRITE_SAME, 0xf8, 0xff, 0xff, 0xff, 0xff, 0x3f, 0xff, 0xff, 0 } },
	{ UNMAP, 0, 10, MQNVME_SCSI_WRITES, MQNVME_SCSI_CAP_DSM, 60,
	  { UNMAP, 0x01, 0, 0, 0, 0, 0x3f, 0xff, 0xff, 0 } },
	{ LOG_SENSE, 0, 10, 0, 0, 10,
	  { LOG_SENSE, 0x03, 0xff, 0xff, 0, 0xff, 0xff, 0xff, 0xff, 0 } },
	{ MODE_SELECT_10, 0, 10, MQNVME_SCSI_WRITES | MQNVME_SCSI_ADMIN, 0, 10,
	  { MODE_SELECT_10, 0x11, 0, 0, 0, 0, 0, 0xff, 0xff, 0 } },
	{ MODE_SENSE_10, 0, 10, 0, 0, 10,
	  { MODE_SENSE_10, 0x18, 0xff, 0xff, 0, 0, 0, 0xff, 0xff, 0 } },
	{ READ_16, 0, 16, 0, 0, 30,
	  { READ_16, 0xfc, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0x3f, 0 } },
	{ WRITE_16, 0, 16, MQNVME_SCSI_WRITES, 0, 30,
	  { WRITE_16, 0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0x3f, 0 } },
	{ VERIFY_16, 0, 16, 0, 0, 30,
	  { VERIFY_16, 0xf6, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0x3f, 0 } },
	{ SYNCHRONIZE_CACHE_16, 0, 16, 0, 0, 60,
	  { SYNCHRONIZE_CACHE_16, 0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x3f, 0 } },
	{ WRITE_SAME_16, 0, 16, MQNVME_SCSI_WRITES, MQNVME_SCSI_CAP_WZ, 60,
	  { WRITE_SAME_16, 0xf9, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0xff, 0x3f, 0 } },
	{ SERVICE_ACTION_IN_16, SAI_READ_CAPACITY_16, 16,
	  MQNVME_SCSI_SA, 0, 10,
	  { SERVICE_ACTION_IN_16, SAI_READ_CAPACITY_16, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0 } },
	{ REPORT_LUNS, 0, 12, MQNVME_SCSI_READY, 0, 10,
	  { REPORT_LUNS, 0, 0xff, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0 } },
	{ SECURITY_PROTOCOL_IN, 0, 12, 0, MQNVME_SCSI_CAP_SEC, 30,
	  { SECURITY_PROTOCOL_IN, 0xff, 0xff, 0xff, 0x80, 0, 0xff, 0xff,
	    0xff, 0xff, 0, 0 } },
	{ MAINTENANCE_IN, MI_REPORT_SUPPORTED_OPERATION_CODES, 12,
	  MQNVME_SCSI_SA | MQNVME_SCSI_READY, 0, 10,
	  { MAINTENANCE_IN, MI_REPORT_SUPPORTED_OPERATION_CODES, 0x87, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0 } },
	{ READ_12, 0, 12, 0, 0, 30,
	  { READ_12, 0xfc, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0x3f, 0 } },
	{ WRITE_12, 0, 12, MQNVME_SCSI_WRITES, 0, 30,
	  { WRITE_12, 0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0x3f, 0 } },
	{ VERIFY_12, 0, 12, 0, 0, 30,
	  { VERIFY_12, 0xf6, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0x3f, 0 } },
	{ SECURITY_PROTOCOL_OUT, 0, 12, MQNVME_SCSI_WRITES | MQNVME_SCSI_ADMIN,
	  MQNVME_SCSI_CAP_SEC, 30,
	  { SECURITY_PROTOCOL_OUT, 0xff, 0xff, 0xff, 0x80, 0, 0xff, 0xff,
	    0xff, 0xff, 0, 0 } },
};

static bool mqnvme_scsi_has_sa(u8 opcode)
{
	return opcode == SERVICE_ACTION_IN_16 || opcode == MAINTENANCE_IN;
}

static const struct mqnvme_scsi_cmd *mqnvme_scsi_find(u8 opcode, u8 sa)
{
	const struct mqnvme_scsi_cmd *c;

	for (c = mqnvme_scsi_cmds; c < mqnvme_scsi_cmds +
	     ARRAY_SIZE(mqnvme_scsi_cmds); c++) {
		if (c->opcode != opcode)
			continue;
		if (!(c->flags & MQNVME_SCSI_SA) || c->sa == sa)
			return c;
	}
	return NULL;
}

/**
 * mqnvme_scsi_lookup - the table entry of a CDB
 * @cdb: the CDB
 * @len: its length as the caller gave it (at least 6)
 * @caps: what the controller offers (MQNVME_SCSI_CAP_*)
 * @s: the refusal when there is no entry
 *
 * Unknown operation codes, ATA PASS-THROUGH among them, and commands the
 * controller cannot serve are INVALID COMMAND OPERATION CODE; an unknown
 * service action is an invalid field; a CDB shorter than its operation
 * code's length is an invalid field as well.
 *
 * Return: the entry, or NULL with @s set.
 */
const struct mqnvme_scsi_cmd *mqnvme_scsi_lookup(const u8 *cdb,
						 unsigned int len, u32 caps,
						 struct mqnvme_sense *s)
{
	const struct mqnvme_scsi_cmd *c;

	c = mqnvme_scsi_find(cdb[0], cdb[1] & 0x1f);
	if (!c || (c->caps & ~caps)) {
		if (c || !mqnvme_scsi_has_sa(cdb[0]))
			mqnvme_sense_set(s, ILLEGAL_REQUEST, 0x20, 0x00);
		else
			mqnvme_sense_cdb_field(s, 1, 4);
		return NULL;
	}
	if (len < c->cdb_len) {
		mqnvme_sense_set(s, ILLEGAL_REQUEST, 0x24, 0x00);
		return NULL;
	}
	return c;
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_scsi_lookup);

/**
 * mqnvme_scsi_privileges - what a CDB needs beyond scsi_cmd_allowed()
 * @cdb: the CDB
 *
 * MQNVME_SCSI_WRITES: the command writes, deallocates, formats or changes
 * settings, and needs a writable open (or CAP_SYS_RAWIO) even where
 * scsi_cmd_allowed() lets a reader send it: that takes opcode 42h for the
 * CD command READ SUB-CHANNEL, and for a disk it is UNMAP.
 * MQNVME_SCSI_ADMIN: the translation sends a state-changing NVMe admin
 * command (Format NVM, Set Features, Firmware Image Download, Security
 * Send, Device Self-test), which needs CAP_SYS_ADMIN as the admin
 * passthrough ioctls do, whatever the open mode.
 *
 * Return: the table entry's MQNVME_SCSI_WRITES and MQNVME_SCSI_ADMIN
 * flags; 0 for a CDB without an entry (the lookup refuses it).
 */
u8 mqnvme_scsi_privileges(const u8 *cdb)
{
	const struct mqnvme_scsi_cmd *c = mqnvme_scsi_find(cdb[0], cdb[1] & 0x1f);

	return c ? c->flags & (MQNVME_SCSI_WRITES | MQNVME_SCSI_ADMIN) : 0;
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_scsi_privileges);

/**
 * mqnvme_scsi_check_cdb - refuse reserved and unsupported bits
 * @cmd: the table entry
 * @cdb: the CDB, @cmd->cdb_len bytes
 * @s: INVALID FIELD IN CDB with a pointer to the first bad bit
 *
 * Return: true when every set bit is one the command uses.
 */
bool mqnvme_scsi_check_cdb(const struct mqnvme_scsi_cmd *cmd, const u8 *cdb,
			   struct mqnvme_sense *s)
{
	unsigned int i;
	u8 bad;

	for (i = 1; i < cmd->cdb_len; i++) {
		bad = cdb[i] & ~cmd->usage[i];
		if (bad) {
			mqnvme_sense_cdb_field(s, i, fls(bad) - 1);
			return false;
		}
	}
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_scsi_check_cdb);

/**
 * mqnvme_scsi_decode_lba - the block range and flags of a CDB
 * @cdb: READ, WRITE, VERIFY, WRITE SAME or SYNCHRONIZE CACHE of any size
 * @r: filled in
 *
 * Return: false for a CDB without a block range.
 */
bool mqnvme_scsi_decode_lba(const u8 *cdb, struct mqnvme_scsi_lba *r)
{
	memset(r, 0, sizeof(*r));
	switch (cdb[0]) {
	case READ_6:
	case WRITE_6:
		r->lba = get_unaligned_be24(&cdb[1]) & 0x1fffff;
		r->nlb = cdb[4] ? cdb[4] : 256;
		return true;
	case READ_10:
	case WRITE_10:
	case VERIFY:
	case WRITE_SAME:
	case SYNCHRONIZE_CACHE:
		r->lba = get_unaligned_be32(&cdb[2]);
		r->nlb = get_unaligned_be16(&cdb[7]);
		break;
	case READ_12:
	case WRITE_12:
	case VERIFY_12:
		r->lba = get_unaligned_be32(&cdb[2]);
		r->nlb = get_unaligned_be32(&cdb[6]);
		break;
	case READ_16:
	case WRITE_16:
	case VERIFY_16:
	case WRITE_SAME_16:
	case SYNCHRONIZE_CACHE_16:
		r->lba = get_unaligned_be64(&cdb[2]);
		r->nlb = get_unaligned_be32(&cdb[10]);
		break;
	default:
		return false;
	}
	switch (cdb[0]) {
	case SYNCHRONIZE_CACHE:
	case SYNCHRONIZE_CACHE_16:
		break;
	case VERIFY:
	case VERIFY_12:
	case VERIFY_16:
		r->prot = cdb[1] >> 5;
		r->bytchk = (cdb[1] >> 1) & 3;
		break;
	case WRITE_SAME:
	case WRITE_SAME_16:
		r->prot = cdb[1] >> 5;
		r->unmap = cdb[1] & 0x08;
		r->ndob = cdb[0] == WRITE_SAME_16 && (cdb[1] & 0x01);
		break;
	default:
		r->prot = cdb[1] >> 5;
		r->fua = cdb[1] & 0x08;
	}
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_scsi_decode_lba);

/**
 * mqnvme_scsi_check_range - LOGICAL BLOCK ADDRESS OUT OF RANGE, or not
 * @lu: the logical unit
 * @r: the range; its first block must exist even when it has no blocks
 * @s: the refusal
 *
 * Return: true when the range lies within the capacity.
 */
bool mqnvme_scsi_check_range(const struct mqnvme_scsi_lu *lu,
			     const struct mqnvme_scsi_lba *r,
			     struct mqnvme_sense *s)
{
	if (r->lba < lu->nblocks && r->nlb <= lu->nblocks - r->lba)
		return true;
	mqnvme_sense_set(s, ILLEGAL_REQUEST, 0x21, 0x00);
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_scsi_check_range);

/**
 * mqnvme_scsi_alloc_len - the ALLOCATION LENGTH of a data-in CDB
 * @cdb: the CDB
 *
 * Return: the bytes the caller allows; READ CAPACITY(10), which has no such
 * field, returns its 8 bytes.
 */
u32 mqnvme_scsi_alloc_len(const u8 *cdb)
{
	switch (cdb[0]) {
	case INQUIRY:
		return get_unaligned_be16(&cdb[3]);
	case REQUEST_SENSE:
	case MODE_SENSE:
		return cdb[4];
	case MODE_SENSE_10:
	case LOG_SENSE:
		return get_unaligned_be16(&cdb[7]);
	case READ_CAPACITY:
		return 8;
	case SERVICE_ACTION_IN_16:
		return get_unaligned_be32(&cdb[10]);
	case REPORT_LUNS:
	case MAINTENANCE_IN:
	case SECURITY_PROTOCOL_IN:
		return get_unaligned_be32(&cdb[6]);
	default:
		return 0;
	}
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_scsi_alloc_len);

static bool mqnvme_nonzero(const u8 *p, size_t len)
{
	return memchr_inv(p, 0, len);
}

/* Space-padded @src (not terminated) into @dst, @len bytes. */
static void mqnvme_scsi_ascii(u8 *dst, const char *src, size_t srclen,
			      size_t len)
{
	memset(dst, ' ', len);
	memcpy(dst, src, min(srclen, len));
}

static int mqnvme_inquiry_std(const struct mqnvme_scsi_lu *lu, u8 *buf)
{
	const char *fr = lu->firmware;
	int end = sizeof(lu->firmware);

	buf[0] = TYPE_DISK;
	buf[2] = 0x06;			/* SPC-4 */
	buf[3] = 0x02;			/* response data format 2 */
	buf[4] = 96 - 5;
	if (lu->dpc & 0x07)
		buf[5] = 0x01;		/* PROTECT */
	buf[7] = 0x02;			/* CMDQUE */
	mqnvme_scsi_ascii(&buf[8], "NVMe", 4, 8);
	mqnvme_scsi_ascii(&buf[16], lu->model, sizeof(lu->model), 16);
	/* The last four characters of the firmware revision that are not blank. */
	while (end > 0 && (fr[end - 1] == ' ' || !fr[end - 1]))
		end--;
	mqnvme_scsi_ascii(&buf[32], fr + max(end - 4, 0), min(end, 4), 4);
	/* Version descriptors: SAM-5, SPC-4, SBC-3. */
	put_unaligned_be16(0x00a0, &buf[58]);
	put_unaligned_be16(0x0460, &buf[60]);
	put_unaligned_be16(0x04c0, &buf[62]);
	return 96;
}

static const u8 mqnvme_vpd_pages[] = { 0x00, 0x80, 0x83, 0x86, 0xb0, 0xb1, 0xb2 };

/* "xxxx_xxxx_..." of @len bytes, ended by '.'. */
static int mqnvme_vpd_hex_serial(u8 *p, const u8 *id, int len)
{
	int i, n = 0;

	for (i = 0; i < len; i++) {
		if (i && !(i % 2))
			p[n++] = '_';
		n += sprintf((char *)&p[n], "%02X", id[i]);
	}
	p[n++] = '.';
	return n;
}

static int mqnvme_vpd_serial(const struct mqnvme_scsi_lu *lu, u8 *p)
{
	int end = sizeof(lu->serial);

	if (mqnvme_nonzero(lu->nguid, sizeof(lu->nguid)))
		return mqnvme_vpd_hex_serial(p, lu->nguid, sizeof(lu->nguid));
	if (mqnvme_nonzero(lu->eui64, sizeof(lu->eui64)))
		return mqnvme_vpd_hex_serial(p, lu->eui64, sizeof(lu->eui64));
	/* No namespace identifier: the serial number and the nsid. */
	while (end > 0 && (lu->serial[end - 1] == ' ' || !lu->serial[end - 1]))
		end--;
	memcpy(p, lu->serial, end);
	return end + sprintf((char *)&p[end], "_%08X", lu->nsid);
}

static int mqnvme_designator(u8 *p, u8 code_set, u8 type, const void *id,
			     int len)
{
	p[0] = code_set;
	p[1] = type;		/* association: logical unit */
	p[3] = len;
	memcpy(&p[4], id, len);
	return 4 + len;
}

static int mqnvme_vpd_devid(const struct mqnvme_scsi_lu *lu, u8 *p)
{
	const u8 *uid = NULL;
	int n = 0, uid_len = 0, i, sl;
	u8 t10[8 + 40 + 20 + 8];
	u8 name[4 + 32 + 4];

	if (mqnvme_nonzero(lu->nguid, sizeof(lu->nguid))) {
		uid = lu->nguid;
		uid_len = sizeof(lu->nguid);
		n += mqnvme_designator(&p[n], 0x01, 0x02, uid, uid_len);
	}
	if (mqnvme_nonzero(lu->eui64, sizeof(lu->eui64))) {
		n += mqnvme_designator(&p[n], 0x01, 0x02, lu->eui64,
				       sizeof(lu->eui64));
		if (!uid) {
			uid = lu->eui64;
			uid_len = sizeof(lu->eui64);
		}
	}
	if (uid) {
		/* SCSI name string "eui." + hex, NUL-padded to 4 bytes. */
		memset(name, 0, sizeof(name));
		memcpy(name, "eui.", 4);
		for (i = 0; i < uid_len; i++)
			sprintf((char *)&name[4 + 2 * i], "%02X", uid[i]);
		sl = round_up(4 + 2 * uid_len + 1, 4);
		n += mqnvme_designator(&p[n], 0x03, 0x08, name, sl);
	}
	/* T10 vendor id: vendor, model, serial, nsid; unique without ids. */
	mqnvme_scsi_ascii(t10, "NVMe", 4, 8);
	mqnvme_scsi_ascii(&t10[8], lu->model, sizeof(lu->model), 40);
	mqnvme_scsi_ascii(&t10[48], lu->serial, sizeof(lu->serial), 20);
	snprintf((char *)name, sizeof(name), "%08X", lu->nsid);
	memcpy(&t10[68], name, 8);
	n += mqnvme_designator(&p[n], 0x02, 0x01, t10, sizeof(t10));
	return n;
}

/* SPT of the Extended INQUIRY Data page from the PI types DPC offers. */
static u8 mqnvme_spt(u8 dpc)
{
	static const u8 spt[8] = { 0, 0, 2, 1, 4, 3, 5, 7 };

	return spt[dpc & 0x07];
}

static int mqnvme_vpd_ext(const struct mqnvme_scsi_lu *lu, u8 *p)
{
	if (lu->dpc & 0x07)
		p[0] = mqnvme_spt(lu->dpc) << 3;
	if (lu->pi_type == 1 || lu->pi_type == 2)
		p[0] |= 0x05;		/* GRD_CHK, REF_CHK */
	else if (lu->pi_type == 3)
		p[0] |= 0x04;		/* GRD_CHK */
	p[1] = 0x01;			/* SIMPSUP */
	if (lu->caps & MQNVME_SCSI_CAP_VWC)
		p[2] = 0x01;		/* V_SUP */
	return 0x3c;
}

static int mqnvme_vpd_limits(const struct mqnvme_scsi_lu *lu, u8 *p)
{
	p[0] = 0x01;			/* WSNZ: WRITE SAME needs a length */
	put_unaligned_be32(lu->max_xfer_blocks, &p[4]);
	put_unaligned_be32(lu->max_xfer_blocks, &p[8]);
	if (lu->caps & MQNVME_SCSI_CAP_DSM) {
		put_unaligned_be32(U32_MAX, &p[16]);
		put_unaligned_be32(MQNVME_SCSI_MAX_UNMAP, &p[20]);
		put_unaligned_be32(1, &p[24]);
	}
	return 0x3c;
}

static int mqnvme_vpd_provisioning(const struct mqnvme_scsi_lu *lu, u8 *p)
{
	if (lu->caps & MQNVME_SCSI_CAP_DSM) {
		p[1] = 0x80;		/* LBPU */
		p[2] = 0x02;		/* thin provisioned */
	}
	if (lu->caps & MQNVME_SCSI_CAP_WZ)
		p[1] |= 0x60;		/* LBPWS, LBPWS10 */
	/* As READ CAPACITY(16): only where blocks can be deallocated. */
	if (lu->lbprz && (lu->caps & MQNVME_SCSI_CAP_DSM))
		p[1] |= 0x04;		/* LBPRZ 001b: deallocated reads 0 */
	return 4;
}

/**
 * mqnvme_scsi_inquiry - standard INQUIRY data or a VPD page
 * @lu: the logical unit
 * @cdb: INQUIRY
 * @buf: MQNVME_SCSI_RESP_LEN zeroed bytes
 * @s: the refusal
 *
 * Return: the full length of the data (before allocation length), or -1
 * with @s set.
 */
int mqnvme_scsi_inquiry(const struct mqnvme_scsi_lu *lu, const u8 *cdb,
			u8 *buf, struct mqnvme_sense *s)
{
	u8 *p = &buf[4];
	int len;

	if (!(cdb[1] & 0x01)) {
		if (cdb[2]) {
			mqnvme_sense_cdb_field(s, 2, 7);
			return -1;
		}
		return mqnvme_inquiry_std(lu, buf);
	}
	switch (cdb[2]) {
	case 0x00:
		memcpy(p, mqnvme_vpd_pages, sizeof(mqnvme_vpd_pages));
		len = sizeof(mqnvme_vpd_pages);
		break;
	case 0x80:
		len = mqnvme_vpd_serial(lu, p);
		break;
	case 0x83:
		len = mqnvme_vpd_devid(lu, p);
		break;
	case 0x86:
		len = mqnvme_vpd_ext(lu, p);
		break;
	case 0xb0:
		len = mqnvme_vpd_limits(lu, p);
		break;
	case 0xb1:
		put_unaligned_be16(0x0001, p);	/* non-rotating medium */
		len = 0x3c;
		break;
	case 0xb2:
		len = mqnvme_vpd_provisioning(lu, p);
		break;
	default:
		mqnvme_sense_cdb_field(s, 2, 7);
		return -1;
	}
	buf[0] = TYPE_DISK;
	buf[1] = cdb[2];
	put_unaligned_be16(len, &buf[2]);
	return 4 + len;
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_scsi_inquiry);

/**
 * mqnvme_scsi_read_capacity - READ CAPACITY(10) or (16) data
 * @lu: the logical unit
 * @cdb: the CDB
 * @buf: MQNVME_SCSI_RESP_LEN zeroed bytes
 * @s: the refusal
 *
 * Return: 8 or 32, or -1 with @s set.
 */
int mqnvme_scsi_read_capacity(const struct mqnvme_scsi_lu *lu, const u8 *cdb,
			      u8 *buf, struct mqnvme_sense *s)
{
	u64 last = lu->nblocks ? lu->nblocks - 1 : 0;
	u32 bs = 1U << lu->lba_shift;

	if (cdb[0] == READ_CAPACITY) {
		/* PMI 0 with an LBA is an invalid field (SBC-3). */
		if (!(cdb[8] & 0x01) && get_unaligned_be32(&cdb[2])) {
			mqnvme_sense_cdb_field(s, 2, 7);
			return -1;
		}
		put_unaligned_be32(min_t(u64, last, U32_MAX), buf);
		put_unaligned_be32(bs, &buf[4]);
		return 8;
	}
	if (!(cdb[14] & 0x01) && get_unaligned_be64(&cdb[2])) {
		mqnvme_sense_cdb_field(s, 2, 7);
		return -1;
	}
	put_unaligned_be64(last, buf);
	put_unaligned_be32(bs, &buf[4 + 4]);
	if (lu->pi_type)
		buf[12] = ((lu->pi_type - 1) << 1) | 0x01;	/* P_TYPE, PROT_EN */
	if (lu->caps & MQNVME_SCSI_CAP_DSM) {
		buf[14] = 0x80;				/* LBPME */
		if (lu->lbprz)
			buf[14] |= 0x40;		/* LBPRZ */
	}
	return 32;
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_scsi_read_capacity);

/* Mode page values: current, changeable, default (PC 0, 1, 2). */
enum { MQNVME_PC_CURRENT, MQNVME_PC_CHANGEABLE, MQNVME_PC_DEFAULT };

static int mqnvme_mode_page(const struct mqnvme_scsi_lu *lu, u8 page, int pc,
			    u8 *p)
{
	switch (page) {
	case 0x01:			/* read-write error recovery */
		p[0] = 0x01;
		p[1] = 0x0a;
		if (pc != MQNVME_PC_CHANGEABLE)
			p[2] = 0xc0;	/* AWRE, ARRE */
		return 12;
	case 0x08:			/* caching */
		p[0] = 0x08;
		p[1] = 0x12;
		if (pc == MQNVME_PC_CHANGEABLE)
			p[2] = lu->caps & MQNVME_SCSI_CAP_VWC ? 0x04 : 0;
		else if (pc == MQNVME_PC_CURRENT)
			p[2] = lu->wce ? 0x04 : 0;
		else
			p[2] = lu->caps & MQNVME_SCSI_CAP_VWC ? 0x04 : 0;
		return 20;
	case 0x0a:			/* control */
		p[0] = 0x0a;
		p[1] = 0x0a;
		if (pc == MQNVME_PC_CHANGEABLE) {
			p[2] = 0x04;	/* D_SENSE */
			return 12;
		}
		p[2] = 0x02;		/* GLTSD */
		if (pc == MQNVME_PC_CURRENT && lu->d_sense)
			p[2] |= 0x04;
		p[3] = 0x10;		/* unrestricted reordering */
		put_unaligned_be16(0xffff, &p[8]);	/* busy timeout: none */
		return 12;
	case 0x1a:			/* power condition: no timers */
		p[0] = 0x1a;
		p[1] = 0x26;
		return 40;
	case 0x1c:			/* informational exceptions control */
		p[0] = 0x1c;
		p[1] = 0x0a;
		if (pc != MQNVME_PC_CHANGEABLE)
			p[3] = 0x06;	/* MRIE: report on request */
		return 12;
	default:
		return 0;
	}
}

static const u8 mqnvme_mode_pages[] = { 0x01, 0x08, 0x0a, 0x1a, 0x1c };

/**
 * mqnvme_scsi_mode_sense - MODE SENSE(6) or (10) data
 * @lu: the logical unit
 * @cdb: the CDB
 * @buf: MQNVME_SCSI_RESP_LEN zeroed bytes
 * @s: the refusal
 *
 * Pages 01h, 08h, 0Ah, 1Ah, 1Ch and all of them (3Fh), with current,
 * changeable and default values, short or long block descriptors.
 *
 * Return: the full length, or -1 with @s set.
 */
int mqnvme_scsi_mode_sense(const struct mqnvme_scsi_lu *lu, const u8 *cdb,
			   u8 *buf, struct mqnvme_sense *s)
{
	bool ten = cdb[0] == MODE_SENSE_10;
	bool llbaa = ten && (cdb[1] & 0x10);
	int pc = cdb[2] >> 6, page = cdb[2] & 0x3f, sub = cdb[3];
	int hdr = ten ? 8 : 4, bdlen = 0, n, i;
	u8 *bd;

	if (pc == 3) {
		mqnvme_sense_set(s, ILLEGAL_REQUEST, 0x39, 0x00);
		return -1;
	}
	/* No subpages; FFh asks for all subpages, which are the pages. */
	if (sub && sub != 0xff) {
		mqnvme_sense_cdb_field(s, 3, 7);
		return -1;
	}
	if (!(cdb[1] & 0x08))
		bdlen = llbaa ? 16 : 8;
	bd = &buf[hdr];
	if (bdlen == 16) {
		put_unaligned_be64(lu->nblocks, bd);
		put_unaligned_be32(1U << lu->lba_shift, &bd[12]);
	} else if (bdlen) {
		put_unaligned_be32(min_t(u64, lu->nblocks, U32_MAX), bd);
		put_unaligned_be24(1U << lu->lba_shift, &bd[5]);
	}
	n = hdr + bdlen;
	if (page == 0x3f) {
		for (i = 0; i < ARRAY_SIZE(mqnvme_mode_pages); i++)
			n += mqnvme_mode_page(lu, mqnvme_mode_pages[i], pc,
					      &buf[n]);
	} else {
		i = mqnvme_mode_page(lu, page, pc, &buf[n]);
		if (!i) {
			mqnvme_sense_cdb_field(s, 2, 5);
			return -1;
		}
		n += i;
	}
	if (ten) {
		put_unaligned_be16(n - 2, buf);
		buf[3] = 0x10;		/* DPOFUA */
		buf[4] = bdlen == 16 ? 0x01 : 0;	/* LONGLBA */
		put_unaligned_be16(bdlen, &buf[6]);
	} else {
		buf[0] = n - 1;
		buf[2] = 0x10;
		buf[3] = bdlen;
	}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_scsi_mode_sense);

/* One page of a MODE SELECT list against its current and changeable values. */
static bool mqnvme_mode_select_page(const struct mqnvme_scsi_lu *lu,
				    const u8 *p, unsigned int off,
				    struct mqnvme_mode_select *ms,
				    struct mqnvme_sense *s)
{
	u8 cur[64] = { }, chg[64] = { };
	int len, i;
	u8 bad;

	if (p[off] & 0x40) {		/* SPF: no subpages here */
		mqnvme_sense_param_field(s, off, 6);
		return false;
	}
	len = mqnvme_mode_page(lu, p[off] & 0x3f, MQNVME_PC_CURRENT, cur);
	if (!len) {
		mqnvme_sense_param_field(s, off, 5);
		return false;
	}
	mqnvme_mode_page(lu, p[off] & 0x3f, MQNVME_PC_CHANGEABLE, chg);
	if (p[off + 1] != len - 2) {
		mqnvme_sense_param_field(s, off + 1, 7);
		return false;
	}
	for (i = 2; i < len; i++) {
		bad = (p[off + i] ^ cur[i]) & ~chg[i];
		if (bad) {
			mqnvme_sense_param_field(s, off + i, fls(bad) - 1);
			return false;
		}
	}
	if (cur[0] == 0x08)
		ms->wce = !!(p[off + 2] & 0x04);
	else if (cur[0] == 0x0a)
		ms->d_sense = !!(p[off + 2] & 0x04);
	return true;
}

/**
 * mqnvme_scsi_mode_select - check a MODE SELECT(6)/(10) parameter list
 * @lu: the logical unit (current values)
 * @cdb: the CDB
 * @param: the parameter list
 * @len: its length (the CDB's PARAMETER LIST LENGTH)
 * @ms: what is asked, filled in
 * @s: the refusal
 *
 * Only changeable bits may differ from the current values (WCE, D_SENSE);
 * a block descriptor sets the block length of the next FORMAT UNIT.
 *
 * Return: true when the list is valid.
 */
bool mqnvme_scsi_mode_select(const struct mqnvme_scsi_lu *lu, const u8 *cdb,
			     const u8 *param, unsigned int len,
			     struct mqnvme_mode_select *ms,
			     struct mqnvme_sense *s)
{
	bool ten = cdb[0] == MODE_SELECT_10;
	unsigned int hdr = ten ? 8 : 4, bdlen, off;
	bool longlba;

	ms->block_len = 0;
	ms->wce = -1;
	ms->d_sense = -1;
	if (cdb[1] & 0x01) {		/* SP: nothing can be saved */
		mqnvme_sense_cdb_field(s, 1, 0);
		return false;
	}
	if (!(cdb[1] & 0x10)) {		/* PF 0: vendor specific pages */
		mqnvme_sense_cdb_field(s, 1, 4);
		return false;
	}
	if (!len)
		return true;
	if (len < hdr) {
		mqnvme_param_list_length(s);
		return false;
	}
	bdlen = ten ? get_unaligned_be16(&param[6]) : param[3];
	longlba = ten && (param[4] & 0x01);
	if (hdr + bdlen > len) {
		mqnvme_param_list_length(s);
		return false;
	}
	if (bdlen) {
		const u8 *bd = &param[hdr];

		if (bdlen != (longlba ? 16 : 8)) {
			mqnvme_sense_param_field(s, ten ? 6 : 3, 7);
			return false;
		}
		ms->block_len = longlba ? get_unaligned_be32(&bd[12]) :
					  get_unaligned_be24(&bd[5]);
		if (ms->block_len < 512 || ms->block_len > 65536 ||
		    !is_power_of_2(ms->block_len)) {
			mqnvme_sense_param_field(s, hdr + (longlba ? 12 : 5), 7);
			return false;
		}
	}
	for (off = hdr + bdlen; off < len; off += 2 + param[off + 1]) {
		if (off + 2 > len || off + 2 + param[off + 1] > len) {
			mqnvme_param_list_length(s);
			return false;
		}
		if (!mqnvme_mode_select_page(lu, param, off, ms, s))
			return false;
	}
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_scsi_mode_select);

/* Degrees Celsius from Kelvin, for a one-byte unsigned field. */
static u8 mqnvme_celsius(int kelvin)
{
	if (!kelvin)
		return 0xff;		/* unknown */
	return clamp(kelvin - 273, 0, 254);
}

static int mqnvme_log_param(u8 *p, u16 code, u8 control, const u8 *val,
			    int len)
{
	put_unaligned_be16(code, p);
	p[2] = control;
	p[3] = len;
	memcpy(&p[4], val, len);
	return 4 + len;
}

/*
 * SELF-TEST RESULTS (SPC-4) of an NVMe Device Self-test Result: aborts by
 * the host other than by a Device Self-test command (namespace removal,
 * Format NVM, sanitize) are 2h, a failed segment 1 or 2 is 5h or 6h, any
 * other failed segment 7h; fatal errors, unknown aborts and reserved
 * values are an unknown error (3h).
 */
static u8 mqnvme_selftest_result(u8 result, u8 segment)
{
	switch (result) {
	case 0x0:
	case 0x1:
	case 0x2:
		return result;
	case 0x3:
	case 0x4:
	case 0x9:
		return 0x2;
	case 0x6:
		return 0x4;
	case 0x7:
		return segment == 1 ? 0x5 : segment == 2 ? 0x6 : 0x7;
	default:
		return 0x3;
	}
}

static int mqnvme_log_selftest(const struct mqnvme_scsi_health *h, u8 *p)
{
	const u8 *log = h->selftest;
	struct mqnvme_sense sk;
	int i, n = 0;

	for (i = 0; i < MQNVME_SCSI_SELFTEST_ENTRIES; i++) {
		const u8 *e = &log[4 + 28 * i];
		u8 v[16] = { }, code = e[0] >> 4, result = e[0] & 0x0f;

		if (result != 0x0f) {	/* entry in use */
			v[0] = (code == 2 ? 2 : 1) << 5;
			v[0] |= mqnvme_selftest_result(result, e[1]);
			/* The failed segment; NVMe's is valid with result 7h. */
			if (result == 0x7)
				v[1] = e[1];
			put_unaligned_be16(min_t(u64, get_unaligned_le64(&e[4]),
						 U16_MAX), &v[2]);
			put_unaligned_be64(e[2] & 0x02 ?
					   get_unaligned_le64(&e[16]) : U64_MAX,
					   &v[4]);
			if (e[2] & 0x08) {
				mqnvme_scsi_nvme_status((e[24] & 7) << 8 | e[25],
							&sk);
				v[12] = sk.key;
				v[13] = sk.asc;
				v[14] = sk.ascq;
			}
		}
		n += mqnvme_log_param(&p[n], i + 1, 0x03, v, sizeof(v));
	}
	return n;
}

/**
 * mqnvme_scsi_log_sense - LOG SENSE pages
 * @lu: the logical unit
 * @cdb: the CDB
 * @h: SMART log, temperature threshold and self-test log
 * @buf: MQNVME_SCSI_RESP_LEN zeroed bytes
 * @s: the refusal
 *
 * Pages 00h (supported pages, and with subpages), 0Dh temperature, 10h
 * self-test results (with a self-test log), 2Fh informational exceptions;
 * cumulative values (PC 01b) only.
 *
 * Return: the full length, or -1 with @s set.
 */
int mqnvme_scsi_log_sense(const struct mqnvme_scsi_lu *lu, const u8 *cdb,
			  const struct mqnvme_scsi_health *h, u8 *buf,
			  struct mqnvme_sense *s)
{
	int page = cdb[2] & 0x3f, sub = cdb[3], n = 4;
	u8 v[4] = { }, temp;

	if (cdb[1] & 0x03) {		/* SP, PPC */
		mqnvme_sense_cdb_field(s, 1, fls(cdb[1] & 0x03) - 1);
		return -1;
	}
	if ((cdb[2] >> 6) != 1) {
		mqnvme_sense_cdb_field(s, 2, 7);
		return -1;
	}
	if (sub && !(page == 0 && sub == 0xff)) {
		mqnvme_sense_cdb_field(s, 3, 7);
		return -1;
	}
	if (get_unaligned_be16(&cdb[5])) {	/* parameter pointer */
		mqnvme_sense_cdb_field(s, 5, 7);
		return -1;
	}
	temp = mqnvme_celsius(get_unaligned_le16(h->smart->temperature));
	switch (page) {
	case 0x00:
		buf[n++] = 0x00;
		if (sub) {
			buf[0] = 0x40;		/* SPF */
			buf[1] = 0xff;
			buf[n++] = 0x00;
			buf[n++] = 0x00;
			buf[n++] = 0xff;
			buf[n++] = 0x0d;
			buf[n++] = 0x00;
			if (h->selftest) {
				buf[n++] = 0x10;
				buf[n++] = 0x00;
			}
			buf[n++] = 0x2f;
			buf[n++] = 0x00;
			break;
		}
		buf[n++] = 0x0d;
		if (h->selftest)
			buf[n++] = 0x10;
		buf[n++] = 0x2f;
		break;
	case 0x0d:
		v[1] = temp;
		n += mqnvme_log_param(&buf[n], 0x0000, 0x03, v, 2);
		v[1] = mqnvme_celsius(h->temp_threshold_k);
		n += mqnvme_log_param(&buf[n], 0x0001, 0x03, v, 2);
		break;
	case 0x10:
		if (!h->selftest)
			goto unsupported;
		n += mqnvme_log_selftest(h, &buf[n]);
		break;
	case 0x2f:
		/* IE ASC/ASCQ: failure prediction threshold exceeded. */
		if (h->smart->critical_warning) {
			v[0] = 0x5d;
			v[1] = 0x00;
		}
		v[2] = temp;
		n += mqnvme_log_param(&buf[n], 0x0000, 0x03, v, 3);
		break;
	default:
		goto unsupported;
	}
	buf[0] |= page;
	put_unaligned_be16(n - 4, &buf[2]);
	return n;
unsupported:
	mqnvme_sense_cdb_field(s, 2, 5);
	return -1;
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_scsi_log_sense);

/**
 * mqnvme_scsi_report_luns - REPORT LUNS: the namespace is LUN 0, alone
 * @cdb: the CDB
 * @buf: MQNVME_SCSI_RESP_LEN zeroed bytes
 * @s: the refusal
 *
 * Return: the full length, or -1 with @s set.
 */
int mqnvme_scsi_report_luns(const u8 *cdb, u8 *buf, struct mqnvme_sense *s)
{
	int luns;

	if (get_unaligned_be32(&cdb[6]) < 4) {
		mqnvme_sense_cdb_field(s, 6, 7);
		return -1;
	}
	switch (cdb[2]) {
	case 0x00:
	case 0x02:
		luns = 1;
		break;
	case 0x01:			/* well known logical units: none */
		luns = 0;
		break;
	default:
		mqnvme_sense_cdb_field(s, 2, 7);
		return -1;
	}
	put_unaligned_be32(luns * 8, buf);
	return 8 + luns * 8;
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_scsi_report_luns);

static bool mqnvme_cmd_supported(const struct mqnvme_scsi_lu *lu,
				 const struct mqnvme_scsi_cmd *c)
{
	return c && !(c->caps & ~lu->caps);
}

static int mqnvme_rsoc_timeouts(const struct mqnvme_scsi_cmd *c, u8 *p)
{
	put_unaligned_be16(0x0a, p);
	put_unaligned_be32(c->timeout_s, &p[4]);
	put_unaligned_be32(c->timeout_s, &p[8]);
	return 12;
}

static int mqnvme_rsoc_one(const struct mqnvme_scsi_lu *lu,
			   const struct mqnvme_scsi_cmd *c, bool rctd, u8 *buf)
{
	int n = 4;

	if (!mqnvme_cmd_supported(lu, c)) {
		buf[1] = 0x01;		/* not supported */
		return 4;
	}
	buf[1] = 0x03 | (rctd ? 0x80 : 0);	/* supported as the standard says */
	put_unaligned_be16(c->cdb_len, &buf[2]);
	memcpy(&buf[4], c->usage, c->cdb_len);
	n += c->cdb_len;
	if (rctd)
		n += mqnvme_rsoc_timeouts(c, &buf[n]);
	return n;
}

/**
 * mqnvme_scsi_report_opcodes - REPORT SUPPORTED OPERATION CODES
 * @lu: the logical unit (what the controller offers)
 * @cdb: the CDB
 * @buf: MQNVME_SCSI_RESP_LEN zeroed bytes
 * @s: the refusal
 *
 * Reporting options 0 (all commands), 1 (one operation code), 2 (code and
 * service action) and 3 (either), with timeouts descriptors on RCTD; lists
 * exactly the commands the translation accepts on this controller.
 *
 * Return: the full length, or -1 with @s set.
 */
int mqnvme_scsi_report_opcodes(const struct mqnvme_scsi_lu *lu, const u8 *cdb,
			       u8 *buf, struct mqnvme_sense *s)
{
	bool rctd = cdb[2] & 0x80, has_sa = mqnvme_scsi_has_sa(cdb[3]);
	const struct mqnvme_scsi_cmd *c;
	u16 sa = get_unaligned_be16(&cdb[4]);
	int n = 4;

	switch (cdb[2] & 0x07) {
	case 0:
		for (c = mqnvme_scsi_cmds; c < mqnvme_scsi_cmds +
		     ARRAY_SIZE(mqnvme_scsi_cmds); c++) {
			if (!mqnvme_cmd_supported(lu, c))
				continue;
			buf[n] = c->opcode;
			put_unaligned_be16(c->flags & MQNVME_SCSI_SA ? c->sa : 0,
					   &buf[n + 2]);
			buf[n + 5] = (c->flags & MQNVME_SCSI_SA ? 0x01 : 0) |
				     (rctd ? 0x02 : 0);
			put_unaligned_be16(c->cdb_len, &buf[n + 6]);
			n += 8;
			if (rctd)
				n += mqnvme_rsoc_timeouts(c, &buf[n]);
		}
		put_unaligned_be32(n - 4, buf);
		return n;
	case 1:
		if (has_sa)
			break;
		return mqnvme_rsoc_one(lu, mqnvme_scsi_find(cdb[3], 0), rctd,
				       buf);
	case 2:
		if (!has_sa)
			break;
		fallthrough;
	case 3:
		if (!has_sa)
			return mqnvme_rsoc_one(lu, mqnvme_scsi_find(cdb[3], 0),
					       rctd, buf);
		c = sa <= 0x1f ? mqnvme_scsi_find(cdb[3], sa) : NULL;
		return mqnvme_rsoc_one(lu, c, rctd, buf);
	default:
		break;
	}
	mqnvme_sense_cdb_field(s, 2, 2);
	return -1;
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_scsi_report_opcodes);

/**
 * mqnvme_scsi_request_sense - REQUEST SENSE data
 * @cdb: the CDB (DESC picks the format)
 * @pending: what to report: NO SENSE, or a format in progress
 * @buf: MQNVME_SENSE_LEN bytes
 *
 * Return: the sense data length.
 */
int mqnvme_scsi_request_sense(const u8 *cdb, const struct mqnvme_sense *pending,
			      u8 *buf)
{
	return mqnvme_sense_build(pending, cdb[1] & 0x01, buf);
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_scsi_request_sense);

/**
 * mqnvme_scsi_unmap_list - Dataset Management ranges from an UNMAP list
 * @lu: the logical unit
 * @param: the parameter list
 * @len: its length (PARAMETER LIST LENGTH)
 * @ranges: MQNVME_SCSI_MAX_UNMAP entries, filled in
 * @s: the refusal
 *
 * Every range is checked before anything is deallocated; descriptors
 * with no blocks are skipped.
 *
 * Return: the number of ranges, or -1 with @s set.
 */
int mqnvme_scsi_unmap_list(const struct mqnvme_scsi_lu *lu, const u8 *param,
			   unsigned int len, struct nvme_dsm_range *ranges,
			   struct mqnvme_sense *s)
{
	struct mqnvme_scsi_lba r = { };
	unsigned int i, n = 0, bd_len;

	if (!len)
		return 0;
	if (len < 8) {
		mqnvme_param_list_length(s);
		return -1;
	}
	bd_len = get_unaligned_be16(&param[2]);
	if (bd_len > len - 8 ||
	    get_unaligned_be16(param) < bd_len + 6) {
		mqnvme_param_list_length(s);
		return -1;
	}
	if (bd_len / 16 > MQNVME_SCSI_MAX_UNMAP) {
		mqnvme_sense_param_field(s, 2, 7);
		return -1;
	}
	for (i = 0; i < bd_len / 16; i++) {
		const u8 *d = &param[8 + 16 * i];

		r.lba = get_unaligned_be64(d);
		r.nlb = get_unaligned_be32(&d[8]);
		if (!r.nlb)
			continue;
		if (!mqnvme_scsi_check_range(lu, &r, s))
			return -1;
		ranges[n].cattr = 0;
		ranges[n].nlb = cpu_to_le32(r.nlb);
		ranges[n].slba = cpu_to_le64(r.lba);
		n++;
	}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_scsi_unmap_list);

/**
 * mqnvme_scsi_power_state - the NVMe power state a START STOP UNIT asks
 * @cdb: the CDB
 * @npss: Identify Controller NPSS (0's based: states 0..@npss)
 * @flush: set when the cache must be flushed first
 * @s: the refusal
 *
 * Return: the power state, or -1 with @s set.
 */
int mqnvme_scsi_power_state(const u8 *cdb, u8 npss, bool *flush,
			    struct mqnvme_sense *s)
{
	bool start = cdb[4] & 0x01, no_flush = cdb[4] & 0x04;
	int ps;

	if (cdb[4] & 0x02) {		/* LOEJ: nothing to eject */
		mqnvme_sense_cdb_field(s, 4, 1);
		return -1;
	}
	switch (cdb[4] >> 4) {
	case 0x0:			/* START_VALID */
		ps = start ? 0 : npss;
		break;
	case 0x1:			/* ACTIVE */
	case 0x7:			/* LU_CONTROL */
		ps = 0;
		break;
	case 0x2:			/* IDLE */
	case 0xa:			/* FORCE_IDLE_0 */
		ps = min_t(int, 1, npss);
		break;
	case 0x3:			/* STANDBY */
	case 0xb:			/* FORCE_STANDBY_0 */
		ps = npss;
		break;
	default:
		mqnvme_sense_cdb_field(s, 4, 7);
		return -1;
	}
	*flush = ps && !no_flush;
	return ps;
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_scsi_power_state);

/**
 * mqnvme_scsi_pick_lbaf - the LBA format a FORMAT UNIT asks for
 * @id: Identify Namespace
 * @block_len: logical block size wanted
 * @pi_type: protection type wanted, 0 for none
 *
 * Without PI the format with that block size and the least metadata;
 * with PI the one with the least metadata that still holds the 8-byte
 * tuple, when the namespace can be formatted with that type at all.
 *
 * Return: the format index, or -1 when there is none.
 */
int mqnvme_scsi_pick_lbaf(const struct nvme_id_ns *id, u32 block_len,
			  u8 pi_type)
{
	int i, best = -1;
	u16 ms, best_ms = U16_MAX;

	if (pi_type && !(id->dpc & BIT(pi_type - 1)))
		return -1;
	for (i = 0; i <= id->nlbaf && i < ARRAY_SIZE(id->lbaf); i++) {
		if (id->lbaf[i].ds >= 32 || BIT(id->lbaf[i].ds) != block_len)
			continue;
		ms = le16_to_cpu(id->lbaf[i].ms);
		if (pi_type && ms < 8)
			continue;
		if (best < 0 || ms < best_ms) {
			best = i;
			best_ms = ms;
		}
	}
	return best;
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_scsi_pick_lbaf);
