/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mqnvme: the pure logic of end-to-end data protection (T10 PI and NVMe
 * metadata formats), kept apart for the KUnit suite in kunit/.
 */
#ifndef MQNVME_PI_H
#define MQNVME_PI_H

#include <linux/blk-integrity.h>
#include <linux/blkdev.h>
#include <linux/nvme.h>
#include <linux/types.h>

/* Who produces and checks the protection information of block I/O. */
enum mqnvme_pi_mode {
	MQNVME_PI_HOST,		/* the block layer generates and verifies */
	MQNVME_PI_PRACT,	/* the controller inserts and strips (PRACT) */
};

/**
 * struct mqnvme_pi_format - a namespace's metadata format, as Identify says
 * @lba_shift: log2 of the logical block size
 * @ms: metadata bytes per block
 * @ext: the metadata is interleaved with the data (FLBAS bit 4)
 * @pi_type: DPS bits 2:0, 0 without protection information
 * @pi_first: DPS bit 3: the PI is the first bytes of the metadata
 * @guard_type: NVME_NVM_NS_16B_GUARD or another guard of the extended LBA
 *              format (Identify NVM command set namespace, ELBAF)
 * @sts: storage tag bits of the extended LBA format
 */
struct mqnvme_pi_format {
	u8 lba_shift;
	u16 ms;
	bool ext;
	u8 pi_type;
	bool pi_first;
	u8 guard_type;
	u8 sts;
};

/**
 * struct mqnvme_pi_setup - how the driver serves a metadata format
 * @bi: block-layer integrity (tuple_size 0: none registered)
 * @pi_type: the PI type in use, 0 when the PI is not used
 * @pi_size: bytes of one PI tuple (8, or 16 with the 64-bit guard)
 * @pi_offset: where the tuple sits in the metadata of a block
 * @guard64: the 64-bit CRC guard (CRC64-NVMe, pif=2)
 * @prchk: NVME_RW_PRINFO_PRCHK_* the controller checks on data commands
 * @pract: commands without a metadata buffer set PRACT (the controller
 *         inserts the PI on writes and strips it on reads)
 * @unusable: why block I/O is not possible, or NULL
 * @note: a remark for the log (a parameter that could not be honoured)
 */
struct mqnvme_pi_setup {
	struct blk_integrity bi;
	u8 pi_type;
	u8 pi_size;
	u8 pi_offset;
	bool guard64;
	u16 prchk;
	bool pract;
	const char *unusable;
	const char *note;
};

/* Which check of a PI tuple failed (also the ASCQ of sense 10h/xxh). */
enum mqnvme_pi_check {
	MQNVME_PI_OK		= 0,
	MQNVME_PI_GUARD		= 1,
	MQNVME_PI_APP		= 2,
	MQNVME_PI_REF		= 3,
};

/**
 * struct mqnvme_pi_result - the first block whose PI does not check out
 * @block: its index from the first block given
 * @check: what failed
 * @stored: the tag found in the metadata
 * @expected: what it should have been
 */
struct mqnvme_pi_result {
	u32 block;
	enum mqnvme_pi_check check;
	u64 stored;
	u64 expected;
};

void mqnvme_pi_setup(const struct mqnvme_pi_format *f,
		     enum mqnvme_pi_mode mode, struct mqnvme_pi_setup *s);
void mqnvme_pi_set_ref(struct nvme_command *c, u64 lba, bool guard64);
u64 mqnvme_pi_ref_mask(bool guard64);
void mqnvme_pi_generate(const struct mqnvme_pi_setup *s, u8 lba_shift,
			u16 ms, void *data, void *meta, u32 nlb, u64 ref);
bool mqnvme_pi_verify(const struct mqnvme_pi_setup *s, u8 lba_shift,
		      u16 ms, const void *data, const void *meta, u32 nlb,
		      u64 ref, struct mqnvme_pi_result *res);
const char *mqnvme_pi_check_name(enum mqnvme_pi_check check);
int mqnvme_pi_status_check(u16 status);
u16 mqnvme_pi_scsi_prchk(u8 protect, u8 pi_type);

#endif /* MQNVME_PI_H */
