/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mqnvme: the pure logic of the SCSI-to-NVMe translation behind SG_IO
 * (drivers/scsi_lib.c): the command table, CDB decoding and checking,
 * the response data the driver builds itself, parameter lists, and the
 * mapping of NVMe status to sense data. No hardware access, so the KUnit
 * suites can drive every byte of it. Documentation/scsi.md has the table.
 */
#ifndef MQNVME_SCSI_H
#define MQNVME_SCSI_H

#include <linux/nvme.h>
#include <linux/types.h>
#include <scsi/scsi_proto.h>

/* Largest CDB SG_IO accepts (sg_io() of drivers/scsi/scsi_ioctl.c). */
#define MQNVME_SCSI_MAX_CDB	32
/* Sense data the driver builds: fixed 18 bytes, descriptor up to 40. */
#define MQNVME_SENSE_LEN	64
/* Room for the longest response built in memory (RSOC with timeouts). */
#define MQNVME_SCSI_RESP_LEN	4096
/* UNMAP block descriptors per command: one Dataset Management command. */
#define MQNVME_SCSI_MAX_UNMAP	NVME_DSM_MAX_RANGES
/* Blocks of one Verify / Write Zeroes command (16-bit 0's based NLB). */
#define MQNVME_SCSI_MAX_NLB	0x10000U
/* Entries of the self-test results log page (10h). */
#define MQNVME_SCSI_SELFTEST_ENTRIES	20

/* What the controller and namespace offer, as flags of mqnvme_scsi_lu. */
enum mqnvme_scsi_cap {
	MQNVME_SCSI_CAP_DSM	= 1 << 0,	/* Dataset Management: UNMAP */
	MQNVME_SCSI_CAP_WZ	= 1 << 1,	/* Write Zeroes: WRITE SAME */
	MQNVME_SCSI_CAP_COMPARE	= 1 << 2,	/* Compare: VERIFY BYTCHK */
	MQNVME_SCSI_CAP_FW	= 1 << 3,	/* firmware download: WRITE BUFFER */
	MQNVME_SCSI_CAP_SEC	= 1 << 4,	/* Security Send/Receive */
	MQNVME_SCSI_CAP_DST	= 1 << 5,	/* Device Self-test */
	MQNVME_SCSI_CAP_FORMAT	= 1 << 6,	/* Format NVM: FORMAT UNIT */
	MQNVME_SCSI_CAP_VWC	= 1 << 7,	/* volatile write cache present */
	MQNVME_SCSI_CAP_ALL	= (1 << 8) - 1,
};

/**
 * struct mqnvme_scsi_lu - what the translated answers depend on
 * @nblocks: capacity in logical blocks (0 when the format is not served)
 * @lba_shift: log2 of the logical block size
 * @caps: MQNVME_SCSI_CAP_* the controller offers
 * @pi_type: protection information type 1-3 the namespace is formatted
 *           with, 0 without
 * @dpc: Identify Namespace DPC (PI types the namespace can be formatted with)
 * @lbprz: deallocated blocks read as zeroes (DLFEAT)
 * @wce: the volatile write cache is enabled (Get Features 06h)
 * @d_sense: descriptor sense data (control mode page D_SENSE)
 * @max_xfer_blocks: largest transfer in logical blocks (MDTS and SG_IO)
 * @nsid: namespace id
 * @eui64: EUI-64, zero when none
 * @nguid: NGUID, zero when none
 * @model: Identify Controller MN, space padded, not terminated
 * @serial: Identify Controller SN, space padded, not terminated
 * @firmware: Identify Controller FR, space padded, not terminated
 */
struct mqnvme_scsi_lu {
	u64 nblocks;
	u8 lba_shift;
	u32 caps;
	u8 pi_type;
	u8 dpc;
	bool lbprz;
	bool wce;
	bool d_sense;
	u32 max_xfer_blocks;
	u32 nsid;
	u8 eui64[8];
	u8 nguid[16];
	char model[40];
	char serial[20];
	char firmware[8];
};

/* Sense-key specific data kinds of struct mqnvme_sense. */
enum mqnvme_sks {
	MQNVME_SKS_NONE,
	MQNVME_SKS_FIELD,	/* field pointer: @sks_field, @sks_bit, @sks_cd */
	MQNVME_SKS_PROGRESS,	/* progress indication: @sks_field */
};

/**
 * struct mqnvme_sense - the outcome of one translated command
 * @status: SAM status (GOOD, CHECK CONDITION, RESERVATION CONFLICT)
 * @key: sense key, with CHECK CONDITION
 * @asc: additional sense code
 * @ascq: additional sense code qualifier
 * @sks: what @sks_field holds
 * @sks_cd: the field pointer points into the CDB (else parameter data)
 * @sks_bit: bit of the byte the field pointer names, 0xff for the byte
 * @sks_field: field pointer (byte) or progress (0-65535)
 * @info_valid: @info holds the INFORMATION field (an LBA)
 * @info: INFORMATION
 */
struct mqnvme_sense {
	u8 status;
	u8 key;
	u8 asc;
	u8 ascq;
	u8 sks;
	bool sks_cd;
	u8 sks_bit;
	u16 sks_field;
	bool info_valid;
	u64 info;
};

/* Command table entry flags. */
enum mqnvme_scsi_cmd_flags {
	MQNVME_SCSI_SA		= 1 << 0,	/* service action in byte 1 */
	MQNVME_SCSI_SA16	= 1 << 1,	/* ... in byte 1, SERVICE ACTION IN(16) */
	MQNVME_SCSI_READY	= 1 << 2,	/* allowed while a format runs */
	/* changes data or settings: a writable open or CAP_SYS_RAWIO */
	MQNVME_SCSI_WRITES	= 1 << 3,
	/* becomes a state-changing NVMe admin command: CAP_SYS_ADMIN */
	MQNVME_SCSI_ADMIN	= 1 << 4,
};

/**
 * struct mqnvme_scsi_cmd - one SCSI command the translation accepts
 * @opcode: operation code
 * @sa: service action (with MQNVME_SCSI_SA)
 * @cdb_len: CDB length
 * @flags: MQNVME_SCSI_*
 * @caps: MQNVME_SCSI_CAP_* the command needs; without them it is an
 *        invalid operation code, and RSOC says it is not supported
 * @timeout_s: nominal timeout for REPORT SUPPORTED OPERATION CODES
 * @usage: CDB usage data: the bits each CDB byte may have set; any other
 *         set bit is an invalid field in the CDB
 */
struct mqnvme_scsi_cmd {
	u8 opcode;
	u8 sa;
	u8 cdb_len;
	u8 flags;
	u32 caps;
	u16 timeout_s;
	u8 usage[16];
};

/**
 * struct mqnvme_scsi_lba - the block range of a CDB
 * @lba: first logical block
 * @nlb: logical blocks (0 is no blocks; READ(6)/WRITE(6) 0 is 256)
 * @prot: RDPROTECT / WRPROTECT / VRPROTECT
 * @fua: force unit access
 * @bytchk: VERIFY: 0 medium only, 1 compare data, 3 compare one block
 * @unmap: WRITE SAME: deallocate
 * @ndob: WRITE SAME(16): no data-out buffer, zeroes
 */
struct mqnvme_scsi_lba {
	u64 lba;
	u32 nlb;
	u8 prot;
	bool fua;
	u8 bytchk;
	bool unmap;
	bool ndob;
};

/**
 * struct mqnvme_mode_select - what a MODE SELECT parameter list asks
 * @block_len: block length of the block descriptor, 0 without one
 * @wce: -1 no caching page, else the WCE bit asked for
 * @d_sense: -1 no control page, else the D_SENSE bit asked for
 */
struct mqnvme_mode_select {
	u32 block_len;
	int wce;
	int d_sense;
};

/**
 * struct mqnvme_scsi_health - what LOG SENSE pages are built from
 * @smart: the SMART / Health Information log
 * @temp_threshold_k: over-temperature threshold in Kelvin, 0 when unknown
 * @selftest: the Device Self-test log, NULL when the controller has none
 */
struct mqnvme_scsi_health {
	const struct nvme_smart_log *smart;
	u16 temp_threshold_k;
	const void *selftest;
};

/* NVMe's Device Self-test log (Get Log Page 06h), which 6.12 does not name. */
#define MQNVME_LOG_SELFTEST	0x06
#define MQNVME_SELFTEST_LOG_LEN	564

void mqnvme_sense_set(struct mqnvme_sense *s, u8 key, u8 asc, u8 ascq);
void mqnvme_sense_cdb_field(struct mqnvme_sense *s, u16 byte, u8 bit);
void mqnvme_sense_param_field(struct mqnvme_sense *s, u16 byte, u8 bit);
unsigned int mqnvme_sense_build(const struct mqnvme_sense *s, bool desc,
				u8 *buf);
void mqnvme_scsi_nvme_status(u16 status, struct mqnvme_sense *s);

const struct mqnvme_scsi_cmd *mqnvme_scsi_lookup(const u8 *cdb,
						 unsigned int len, u32 caps,
						 struct mqnvme_sense *s);
u8 mqnvme_scsi_privileges(const u8 *cdb);
bool mqnvme_scsi_check_cdb(const struct mqnvme_scsi_cmd *cmd, const u8 *cdb,
			   struct mqnvme_sense *s);
bool mqnvme_scsi_decode_lba(const u8 *cdb, struct mqnvme_scsi_lba *r);
bool mqnvme_scsi_check_range(const struct mqnvme_scsi_lu *lu,
			     const struct mqnvme_scsi_lba *r,
			     struct mqnvme_sense *s);
u32 mqnvme_scsi_alloc_len(const u8 *cdb);

int mqnvme_scsi_inquiry(const struct mqnvme_scsi_lu *lu, const u8 *cdb,
			u8 *buf, struct mqnvme_sense *s);
int mqnvme_scsi_read_capacity(const struct mqnvme_scsi_lu *lu, const u8 *cdb,
			      u8 *buf, struct mqnvme_sense *s);
int mqnvme_scsi_mode_sense(const struct mqnvme_scsi_lu *lu, const u8 *cdb,
			   u8 *buf, struct mqnvme_sense *s);
bool mqnvme_scsi_mode_select(const struct mqnvme_scsi_lu *lu, const u8 *cdb,
			     const u8 *param, unsigned int len,
			     struct mqnvme_mode_select *ms,
			     struct mqnvme_sense *s);
int mqnvme_scsi_log_sense(const struct mqnvme_scsi_lu *lu, const u8 *cdb,
			  const struct mqnvme_scsi_health *h, u8 *buf,
			  struct mqnvme_sense *s);
int mqnvme_scsi_report_luns(const u8 *cdb, u8 *buf, struct mqnvme_sense *s);
int mqnvme_scsi_report_opcodes(const struct mqnvme_scsi_lu *lu, const u8 *cdb,
			       u8 *buf, struct mqnvme_sense *s);
int mqnvme_scsi_request_sense(const u8 *cdb, const struct mqnvme_sense *pending,
			      u8 *buf);
int mqnvme_scsi_unmap_list(const struct mqnvme_scsi_lu *lu, const u8 *param,
			   unsigned int len, struct nvme_dsm_range *ranges,
			   struct mqnvme_sense *s);
int mqnvme_scsi_power_state(const u8 *cdb, u8 npss, bool *flush,
			    struct mqnvme_sense *s);
int mqnvme_scsi_pick_lbaf(const struct nvme_id_ns *id, u32 block_len,
			  u8 pi_type);

#endif /* MQNVME_SCSI_H */
