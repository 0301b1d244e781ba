// SPDX-License-Identifier: GPL-2.0
/*
 * mqnvme: the pure logic of end-to-end data protection. Which metadata
 * formats the block layer can carry and how (integrity profile, PRACT,
 * PRCHK), the reference tag of a command, and the PI tuples themselves,
 * generated and checked the way the controller and block/t10-pi.c do. The
 * guard CRCs are the kernel's: crc_t10dif() (the crct10dif-pclmul crypto
 * driver once it is loaded) and crc64_rocksoft().
 */
#include <kunit/visibility.h>
#include <linux/crc-t10dif.h>
#include <linux/crc64.h>
#include <linux/t10-pi.h>
#include <linux/unaligned.h>

#include "mqnvme_pi.h"

/* What the log says of formats served partly or not at all. */
enum {
	MQNVME_PI_NOTE_STS,
	MQNVME_PI_NOTE_EXT,
	MQNVME_PI_NOTE_BIG,
	MQNVME_PI_NOTE_PRACT,
};

static const char * const mqnvme_pi_notes[] = {
	[MQNVME_PI_NOTE_STS] =
		"PI with a storage tag or this guard type is not supported: metadata carried without checks",
	[MQNVME_PI_NOTE_EXT] =
		"metadata interleaved with the data (extended LBA) that is not only a PI tuple cannot be carried by the block layer",
	[MQNVME_PI_NOTE_BIG] =
		"the block layer carries at most 255 metadata bytes per block",
	[MQNVME_PI_NOTE_PRACT] =
		"pi=pract needs metadata of exactly one PI tuple, host-side PI used",
};

/* The PRCHK bits a PI type allows: type 3 has no reference tag to check. */
static u16 mqnvme_pi_type_prchk(u8 pi_type)
{
	if (pi_type == NVME_NS_DPS_PI_TYPE3)
		return NVME_RW_PRINFO_PRCHK_GUARD;
	return NVME_RW_PRINFO_PRCHK_GUARD | NVME_RW_PRINFO_PRCHK_REF;
}

/**
 * mqnvme_pi_setup - decide how a namespace's metadata format is served
 * @f: the format
 * @mode: host-side protection or PRACT, as the pi parameter asks
 * @s: filled in
 *
 * Separate metadata (MPTR) is carried by a block-layer integrity profile:
 * T10-DIF or EXT-DIF (CRC64) for PI, "nop" for metadata without PI. With
 * @mode PRACT and metadata that is exactly the PI tuple, no profile is
 * registered and the controller inserts and strips the PI. Interleaved
 * (extended LBA) metadata can only be served that way; any other format
 * is @s->unusable for block I/O (passthrough still reaches it).
 */
void mqnvme_pi_setup(const struct mqnvme_pi_format *f,
		     enum mqnvme_pi_mode mode, struct mqnvme_pi_setup *s)
{
	struct blk_integrity *bi = &s->bi;

	memset(s, 0, sizeof(*s));
	if (!f->ms)
		return;

	if (f->pi_type && f->pi_type <= NVME_NS_DPS_PI_TYPE3 && !f->sts) {
		if (f->guard_type == NVME_NVM_NS_16B_GUARD)
			s->pi_size = sizeof(struct t10_pi_tuple);
		else if (f->guard_type == NVME_NVM_NS_64B_GUARD)
			s->pi_size = sizeof(struct crc64_pi_tuple);
	}
	if (s->pi_size && f->ms >= s->pi_size) {
		s->pi_type = f->pi_type;
		s->guard64 = f->guard_type == NVME_NVM_NS_64B_GUARD;
		s->pi_offset = f->pi_first ? 0 : f->ms - s->pi_size;
		s->prchk = mqnvme_pi_type_prchk(s->pi_type);
	} else {
		s->pi_size = 0;
		if (f->pi_type)
			s->note = mqnvme_pi_notes[MQNVME_PI_NOTE_STS];
	}

	/* PI and nothing else: the controller can insert and strip it. */
	if (s->pi_type && f->ms == s->pi_size &&
	    (f->ext || mode == MQNVME_PI_PRACT)) {
		s->pract = true;
		return;
	}
	if (f->ext) {
		s->pi_type = 0;
		s->prchk = 0;
		s->unusable = mqnvme_pi_notes[MQNVME_PI_NOTE_EXT];
		return;
	}
	if (f->ms > U8_MAX) {
		s->pi_type = 0;
		s->prchk = 0;
		s->unusable = mqnvme_pi_notes[MQNVME_PI_NOTE_BIG];
		return;
	}
	if (mode == MQNVME_PI_PRACT && s->pi_type)
		s->note = mqnvme_pi_notes[MQNVME_PI_NOTE_PRACT];

	bi->tuple_size = f->ms;
	bi->pi_offset = s->pi_offset;
	bi->interval_exp = f->lba_shift;
	if (!s->pi_type)
		return;		/* "nop": the metadata is zeroed on writes */
	bi->flags = BLK_INTEGRITY_DEVICE_CAPABLE;
	bi->csum_type = s->guard64 ? BLK_INTEGRITY_CSUM_CRC64 :
				     BLK_INTEGRITY_CSUM_CRC;
	if (s->pi_type == NVME_NS_DPS_PI_TYPE3) {
		/* The reference tag is opaque: the block layer may use it. */
		bi->tag_size = sizeof(u16) + (s->guard64 ? 6 : sizeof(u32));
	} else {
		bi->flags |= BLK_INTEGRITY_REF_TAG;
		bi->tag_size = sizeof(u16);
	}
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_pi_setup);

/**
 * mqnvme_pi_ref_mask - the bits of a reference tag
 * @guard64: 64-bit guard format (48-bit reference tag), else 32 bits
 *
 * Return: the mask the LBA is cut to.
 */
u64 mqnvme_pi_ref_mask(bool guard64)
{
	return guard64 ? GENMASK_ULL(47, 0) : GENMASK_ULL(31, 0);
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_pi_ref_mask);

/**
 * mqnvme_pi_set_ref - the expected initial reference tag of a command
 * @c: a Read, Write, Compare, Verify or Write Zeroes command
 * @lba: its first LBA (type 1 and 2 tags follow the LBA)
 * @guard64: the 48-bit tag of the 64-bit guard format: its upper 16 bits
 *           go to CDW3 (no storage tag)
 */
void mqnvme_pi_set_ref(struct nvme_command *c, u64 lba, bool guard64)
{
	u64 ref = lba & mqnvme_pi_ref_mask(guard64);

	c->rw.reftag = cpu_to_le32(lower_32_bits(ref));
	c->rw.cdw3 = cpu_to_le32(upper_32_bits(ref));
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_pi_set_ref);

/* The guard of one block: its data, then the metadata before the PI. */
static u64 mqnvme_pi_guard(const struct mqnvme_pi_setup *s, const void *data,
			   u32 bs, const void *md)
{
	if (s->guard64) {
		u64 crc = crc64_rocksoft_update(0, data, bs);

		return crc64_rocksoft_update(crc, md, s->pi_offset);
	}
	return crc_t10dif_update(crc_t10dif(data, bs), md, s->pi_offset);
}

struct mqnvme_pi_tags {
	u64 guard;
	u16 app;
	u64 ref;
};

static void mqnvme_pi_get(const struct mqnvme_pi_setup *s, const void *md,
			  struct mqnvme_pi_tags *t)
{
	const void *pi = md + s->pi_offset;

	if (s->guard64) {
		const struct crc64_pi_tuple *p = pi;

		t->guard = be64_to_cpu(p->guard_tag);
		t->app = be16_to_cpu(p->app_tag);
		t->ref = get_unaligned_be48(p->ref_tag);
	} else {
		const struct t10_pi_tuple *p = pi;

		t->guard = be16_to_cpu(p->guard_tag);
		t->app = be16_to_cpu(p->app_tag);
		t->ref = be32_to_cpu(p->ref_tag);
	}
}

/**
 * mqnvme_pi_generate - write the PI tuples of @nlb blocks
 * @s: the namespace's protection (s->pi_type non-zero)
 * @lba_shift: log2 of the block size
 * @ms: metadata bytes per block (the tuple sits at s->pi_offset)
 * @data: the blocks
 * @meta: their metadata, @ms bytes each
 * @nlb: number of blocks
 * @ref: reference tag of the first block (types 1 and 2; type 3 writes 0)
 *
 * Application tags are 0, as the block layer writes them.
 */
void mqnvme_pi_generate(const struct mqnvme_pi_setup *s, u8 lba_shift,
			u16 ms, void *data, void *meta, u32 nlb, u64 ref)
{
	u32 bs = 1U << lba_shift, i;
	u64 mask = mqnvme_pi_ref_mask(s->guard64);

	for (i = 0; i < nlb; i++, data += bs, meta += ms) {
		u64 guard = mqnvme_pi_guard(s, data, bs, meta);
		u64 tag = s->pi_type == NVME_NS_DPS_PI_TYPE3 ? 0 :
			  (ref + i) & mask;
		void *pi = meta + s->pi_offset;

		if (s->guard64) {
			struct crc64_pi_tuple *p = pi;

			p->guard_tag = cpu_to_be64(guard);
			p->app_tag = 0;
			put_unaligned_be48(tag, p->ref_tag);
		} else {
			struct t10_pi_tuple *p = pi;

			p->guard_tag = cpu_to_be16(guard);
			p->app_tag = 0;
			p->ref_tag = cpu_to_be32(tag);
		}
	}
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_pi_generate);

/* The escape values that turn checking off for one block. */
static bool mqnvme_pi_escaped(const struct mqnvme_pi_setup *s,
			      const struct mqnvme_pi_tags *t)
{
	if (t->app != be16_to_cpu(T10_PI_APP_ESCAPE))
		return false;
	if (s->pi_type != NVME_NS_DPS_PI_TYPE3)
		return true;
	return t->ref == mqnvme_pi_ref_mask(s->guard64);
}

/**
 * mqnvme_pi_verify - check the PI tuples of @nlb blocks as the controller does
 * @s: the namespace's protection (s->pi_type non-zero)
 * @lba_shift: log2 of the block size
 * @ms: metadata bytes per block
 * @data: the blocks
 * @meta: their metadata
 * @nlb: number of blocks
 * @ref: expected reference tag of the first block (types 1 and 2)
 * @res: the first failure, when there is one
 *
 * The reference tag is checked before the guard, as block/t10-pi.c does;
 * blocks whose application tag (and for type 3 reference tag)
 * hold the escape value are skipped.
 *
 * Return: true when every block checks out.
 */
bool mqnvme_pi_verify(const struct mqnvme_pi_setup *s, u8 lba_shift,
		      u16 ms, const void *data, const void *meta, u32 nlb,
		      u64 ref, struct mqnvme_pi_result *res)
{
	u32 bs = 1U << lba_shift, i;
	u64 mask = mqnvme_pi_ref_mask(s->guard64);
	u64 guard_mask = s->guard64 ? U64_MAX : U16_MAX;
	struct mqnvme_pi_tags t;

	for (i = 0; i < nlb; i++, data += bs, meta += ms) {
		u64 want;

		mqnvme_pi_get(s, meta, &t);
		if (mqnvme_pi_escaped(s, &t))
			continue;
		res->block = i;
		want = (ref + i) & mask;
		if (s->pi_type != NVME_NS_DPS_PI_TYPE3 && t.ref != want) {
			res->check = MQNVME_PI_REF;
			res->stored = t.ref;
			res->expected = want;
			return false;
		}
		want = mqnvme_pi_guard(s, data, bs, meta) & guard_mask;
		if (t.guard != want) {
			res->check = MQNVME_PI_GUARD;
			res->stored = t.guard;
			res->expected = want;
			return false;
		}
	}
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_pi_verify);

/**
 * mqnvme_pi_check_name - what a failed PI check is called in the log
 * @check: the check
 *
 * Return: a name.
 */
const char *mqnvme_pi_check_name(enum mqnvme_pi_check check)
{
	switch (check) {
	case MQNVME_PI_GUARD:
		return "guard";
	case MQNVME_PI_APP:
		return "application tag";
	case MQNVME_PI_REF:
		return "reference tag";
	default:
		return "no";
	}
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_pi_check_name);

/**
 * mqnvme_pi_status_check - the PI check an NVMe status reports
 * @status: completion status without the phase bit
 *
 * Return: the check, MQNVME_PI_OK for any other status.
 */
int mqnvme_pi_status_check(u16 status)
{
	switch (status & NVME_SCT_SC_MASK) {
	case NVME_SC_GUARD_CHECK:
		return MQNVME_PI_GUARD;
	case NVME_SC_APPTAG_CHECK:
		return MQNVME_PI_APP;
	case NVME_SC_REFTAG_CHECK:
		return MQNVME_PI_REF;
	default:
		return MQNVME_PI_OK;
	}
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_pi_status_check);

/**
 * mqnvme_pi_scsi_prchk - PRCHK for an RDPROTECT/WRPROTECT/VRPROTECT field
 * @protect: the 3-bit field (SBC-3 tables for READ, WRITE, VERIFY)
 * @pi_type: the namespace's PI type
 *
 * 000b and 001b/101b check everything, 010b the reference tag only, 011b
 * nothing, 100b the guard only; the application tag is never checked (no
 * expected tag in these CDBs). Type 3 has no reference tag to check.
 *
 * Return: NVME_RW_PRINFO_PRCHK_* bits, or U16_MAX for the reserved values.
 */
u16 mqnvme_pi_scsi_prchk(u8 protect, u8 pi_type)
{
	u16 prchk;

	switch (protect) {
	case 0:
	case 1:
	case 5:
		prchk = NVME_RW_PRINFO_PRCHK_GUARD | NVME_RW_PRINFO_PRCHK_REF;
		break;
	case 2:
		prchk = NVME_RW_PRINFO_PRCHK_REF;
		break;
	case 3:
		prchk = 0;
		break;
	case 4:
		prchk = NVME_RW_PRINFO_PRCHK_GUARD;
		break;
	default:
		return U16_MAX;
	}
	return prchk & mqnvme_pi_type_prchk(pi_type);
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_pi_scsi_prchk);
