// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for mqnvme's protection information logic (drivers/pi_lib.c):
 * which metadata formats get which integrity profile, PRACT and PRCHK; the
 * reference tag of a command; PI tuples generated and checked for each
 * type and guard against vectors computed outside the kernel (CRC-16
 * T10-DIF and CRC-64 NVMe check values, pi_tool); reference tags across
 * split requests and partitions; the SCSI PROTECT field mapping.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/t10-pi.h>
#include <linux/unaligned.h>

#include "mqnvme_pi.h"

struct setup_case {
	const char *name;
	struct mqnvme_pi_format f;
	enum mqnvme_pi_mode mode;
	const char *profile;	/* blk_integrity_profile_name(), "none" */
	u8 tuple_size;
	u8 pi_offset;
	u8 tag_size;
	u16 prchk;
	bool pract;
	bool unusable;
	bool note;
};

#define G16	NVME_NVM_NS_16B_GUARD
#define G64	NVME_NVM_NS_64B_GUARD
#define CHK_ALL	(NVME_RW_PRINFO_PRCHK_GUARD | NVME_RW_PRINFO_PRCHK_REF)
#define CHK_G	NVME_RW_PRINFO_PRCHK_GUARD

static const struct setup_case setup_cases[] = {
	{ "no metadata", { 9, 0, false, 0, false, G16, 0 }, MQNVME_PI_HOST,
	  "none", 0, 0, 0, 0, false, false, false },
	{ "512+8 type 1", { 9, 8, false, 1, false, G16, 0 }, MQNVME_PI_HOST,
	  "T10-DIF-TYPE1-CRC", 8, 0, 2, CHK_ALL, false, false, false },
	{ "512+8 type 1 pract", { 9, 8, false, 1, false, G16, 0 },
	  MQNVME_PI_PRACT, "none", 0, 0, 0, CHK_ALL, true, false, false },
	{ "512+16 type 2 PI first", { 9, 16, false, 2, true, G16, 0 },
	  MQNVME_PI_HOST, "T10-DIF-TYPE1-CRC", 16, 0, 2, CHK_ALL, false, false,
	  false },
	{ "512+16 type 2 pract asked", { 9, 16, false, 2, true, G16, 0 },
	  MQNVME_PI_PRACT, "T10-DIF-TYPE1-CRC", 16, 0, 2, CHK_ALL, false,
	  false, true },
	{ "4096+64 type 1 PI last", { 12, 64, false, 1, false, G16, 0 },
	  MQNVME_PI_HOST, "T10-DIF-TYPE1-CRC", 64, 56, 2, CHK_ALL, false,
	  false, false },
	{ "512+8 type 3", { 9, 8, false, 3, false, G16, 0 }, MQNVME_PI_HOST,
	  "T10-DIF-TYPE3-CRC", 8, 0, 6, CHK_G, false, false, false },
	{ "metadata without PI", { 9, 8, false, 0, false, G16, 0 },
	  MQNVME_PI_HOST, "nop", 8, 0, 0, 0, false, false, false },
	{ "4096+16 CRC64 type 1", { 12, 16, false, 1, false, G64, 0 },
	  MQNVME_PI_HOST, "EXT-DIF-TYPE1-CRC64", 16, 0, 2, CHK_ALL, false,
	  false, false },
	{ "4096+16 CRC64 type 3", { 12, 16, false, 3, false, G64, 0 },
	  MQNVME_PI_HOST, "EXT-DIF-TYPE3-CRC64", 16, 0, 8, CHK_G, false, false,
	  false },
	{ "CRC64 guard in 8 bytes", { 12, 8, false, 1, false, G64, 0 },
	  MQNVME_PI_HOST, "nop", 8, 0, 0, 0, false, false, true },
	{ "storage tag", { 12, 16, false, 1, false, G64, 8 }, MQNVME_PI_HOST,
	  "nop", 16, 0, 0, 0, false, false, true },
	{ "interleaved PI only", { 9, 8, true, 1, false, G16, 0 },
	  MQNVME_PI_HOST, "none", 0, 0, 0, CHK_ALL, true, false, false },
	{ "interleaved 64 bytes", { 9, 64, true, 1, false, G16, 0 },
	  MQNVME_PI_HOST, "none", 0, 0, 0, 0, false, true, false },
	{ "interleaved without PI", { 9, 8, true, 0, false, G16, 0 },
	  MQNVME_PI_PRACT, "none", 0, 0, 0, 0, false, true, false },
	{ "separate 256 bytes", { 12, 256, false, 1, false, G16, 0 },
	  MQNVME_PI_HOST, "none", 0, 0, 0, 0, false, true, false },
};

static void pi_setup_formats(struct kunit *test)
{
	struct mqnvme_pi_setup s;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(setup_cases); i++) {
		const struct setup_case *c = &setup_cases[i];
		const char *profile;

		mqnvme_pi_setup(&c->f, c->mode, &s);
		profile = s.bi.tuple_size ? blk_integrity_profile_name(&s.bi) :
					    "none";
		KUNIT_EXPECT_STREQ_MSG(test, profile, c->profile, "%s", c->name);
		KUNIT_EXPECT_EQ_MSG(test, s.bi.tuple_size, c->tuple_size, "%s",
				    c->name);
		KUNIT_EXPECT_EQ_MSG(test, s.bi.pi_offset, c->pi_offset, "%s",
				    c->name);
		KUNIT_EXPECT_EQ_MSG(test, s.bi.tag_size, c->tag_size, "%s",
				    c->name);
		KUNIT_EXPECT_EQ_MSG(test, s.prchk, c->prchk, "%s", c->name);
		KUNIT_EXPECT_EQ_MSG(test, s.pract, c->pract, "%s", c->name);
		KUNIT_EXPECT_EQ_MSG(test, !!s.unusable, c->unusable, "%s",
				    c->name);
		KUNIT_EXPECT_EQ_MSG(test, !!s.note, c->note, "%s", c->name);
		if (s.bi.tuple_size)
			KUNIT_EXPECT_EQ_MSG(test, s.bi.interval_exp,
					    c->f.lba_shift, "%s", c->name);
	}
}

static void pi_ref_tag(struct kunit *test)
{
	struct nvme_command c = { };

	/* 16-bit guard: the low 32 bits of the LBA, CDW3 clear. */
	c.rw.cdw3 = cpu_to_le32(0xdead);
	mqnvme_pi_set_ref(&c, 0x123456789ULL, false);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.rw.reftag), 0x23456789U);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.rw.cdw3), 0U);
	/* 64-bit guard: 48 bits, the upper 16 in CDW3. */
	mqnvme_pi_set_ref(&c, 0xabcd123456789ULL, true);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.rw.reftag), 0x23456789U);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.rw.cdw3), 0xbcd1U);
	KUNIT_EXPECT_EQ(test, mqnvme_pi_ref_mask(false), 0xffffffffULL);
	KUNIT_EXPECT_EQ(test, mqnvme_pi_ref_mask(true), 0xffffffffffffULL);
}

/* Block i of the vectors: byte j is (j * 7 + 3) & 0xff. */
static void *pattern_block(struct kunit *test, u32 bs)
{
	u8 *p = kunit_kzalloc(test, bs, GFP_KERNEL);
	u32 j;

	KUNIT_ASSERT_NOT_NULL(test, p);
	for (j = 0; j < bs; j++)
		p[j] = (j * 7 + 3) & 0xff;
	return p;
}

static void setup_for(struct mqnvme_pi_setup *s, u8 shift, u16 ms, u8 type,
		      bool first, u8 guard)
{
	struct mqnvme_pi_format f = { shift, ms, false, type, first, guard, 0 };

	mqnvme_pi_setup(&f, MQNVME_PI_HOST, s);
}

/*
 * Known vectors, from pi_tool (CRC-16 T10-DIF, check value 0xd0db) and a
 * bitwise CRC-64/NVME (check value 0xae8b14860a799888) outside the kernel.
 */
static void pi_known_vectors(struct kunit *test)
{
	static const u8 md8[8] = { 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18 };
	struct mqnvme_pi_setup s;
	struct mqnvme_pi_result res;
	u8 meta16[16] = { }, meta24[24];
	void *b512 = pattern_block(test, 512);
	void *b4k = pattern_block(test, 4096);

	/* Type 1, 512 + 8, LBA 0x12345678. */
	setup_for(&s, 9, 8, 1, false, NVME_NVM_NS_16B_GUARD);
	mqnvme_pi_generate(&s, 9, 8, b512, meta16, 1, 0x12345678);
	KUNIT_EXPECT_EQ(test, get_unaligned_be16(meta16), 0xf958);
	KUNIT_EXPECT_EQ(test, get_unaligned_be16(meta16 + 2), 0);
	KUNIT_EXPECT_EQ(test, get_unaligned_be32(meta16 + 4), 0x12345678U);
	KUNIT_EXPECT_TRUE(test, mqnvme_pi_verify(&s, 9, 8, b512, meta16, 1,
						 0x12345678, &res));

	/* PI last in 16 bytes: the guard covers the 8 bytes before it. */
	setup_for(&s, 9, 16, 1, false, NVME_NVM_NS_16B_GUARD);
	KUNIT_EXPECT_EQ(test, s.pi_offset, 8);
	memcpy(meta16, md8, sizeof(md8));
	mqnvme_pi_generate(&s, 9, 16, b512, meta16, 1, 7);
	KUNIT_EXPECT_EQ(test, get_unaligned_be16(meta16 + 8), 0x9073);
	KUNIT_EXPECT_EQ(test, get_unaligned_be32(meta16 + 12), 7U);
	KUNIT_EXPECT_MEMEQ(test, meta16, md8, sizeof(md8));

	/* Type 3: no reference tag written. */
	setup_for(&s, 9, 8, 3, false, NVME_NVM_NS_16B_GUARD);
	mqnvme_pi_generate(&s, 9, 8, b512, meta16, 1, 99);
	KUNIT_EXPECT_EQ(test, get_unaligned_be16(meta16), 0xf958);
	KUNIT_EXPECT_EQ(test, get_unaligned_be32(meta16 + 4), 0U);

	/* CRC64, 4096 + 16, 48-bit reference tag. */
	setup_for(&s, 12, 16, 1, false, NVME_NVM_NS_64B_GUARD);
	mqnvme_pi_generate(&s, 12, 16, b4k, meta16, 1, 0xabcdef012345ULL);
	KUNIT_EXPECT_EQ(test, get_unaligned_be64(meta16), 0xeed96ec791f140cbULL);
	KUNIT_EXPECT_EQ(test, get_unaligned_be16(meta16 + 8), 0);
	KUNIT_EXPECT_EQ(test, get_unaligned_be48(meta16 + 10), 0xabcdef012345ULL);

	/* CRC64 with the PI last in 24 bytes: 8 bytes in the guard. */
	setup_for(&s, 12, 24, 1, false, NVME_NVM_NS_64B_GUARD);
	memcpy(meta24, md8, sizeof(md8));
	mqnvme_pi_generate(&s, 12, 24, b4k, meta24, 1, 1);
	KUNIT_EXPECT_EQ(test, get_unaligned_be64(meta24 + 8), 0x42c1d75568bf0a91ULL);
	KUNIT_EXPECT_TRUE(test, mqnvme_pi_verify(&s, 12, 24, b4k, meta24, 1, 1,
						 &res));
}

struct verify_case {
	const char *name;
	u8 shift;
	u16 ms;
	u8 type;
	bool first;
	u8 guard;
};

static const struct verify_case verify_cases[] = {
	{ "type 1, 512+8", 9, 8, 1, false, NVME_NVM_NS_16B_GUARD },
	{ "type 2, 512+16 PI first", 9, 16, 2, true, NVME_NVM_NS_16B_GUARD },
	{ "type 1, 4096+64 PI last", 12, 64, 1, false, NVME_NVM_NS_16B_GUARD },
	{ "type 3, 512+8", 9, 8, 3, false, NVME_NVM_NS_16B_GUARD },
	{ "type 1, CRC64 4096+16", 12, 16, 1, false, NVME_NVM_NS_64B_GUARD },
	{ "type 3, CRC64 4096+16", 12, 16, 3, false, NVME_NVM_NS_64B_GUARD },
};

/* Each check of each type, on block 5 of 8: found on that block only. */
static void pi_verify_catches(struct kunit *test)
{
	const u32 nlb = 8, bad = 5;
	struct mqnvme_pi_result res;
	struct mqnvme_pi_setup s;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(verify_cases); i++) {
		const struct verify_case *c = &verify_cases[i];
		u32 bs = 1U << c->shift;
		u8 *data = kunit_kzalloc(test, nlb * bs, GFP_KERNEL);
		u8 *meta = kunit_kzalloc(test, nlb * c->ms, GFP_KERNEL);
		u8 *pi;
		u32 j;

		KUNIT_ASSERT_NOT_NULL(test, data);
		KUNIT_ASSERT_NOT_NULL(test, meta);
		for (j = 0; j < nlb * bs; j++)
			data[j] = j * 13 + i;
		setup_for(&s, c->shift, c->ms, c->type, c->first, c->guard);
		mqnvme_pi_generate(&s, c->shift, c->ms, data, meta, nlb, 1000);
		KUNIT_EXPECT_TRUE_MSG(test, mqnvme_pi_verify(&s, c->shift, c->ms,
							     data, meta, nlb,
							     1000, &res),
				      "%s", c->name);
		pi = meta + bad * c->ms + s.pi_offset;

		/* A flipped data bit: the guard. */
		data[bad * bs + 17] ^= 0x10;
		KUNIT_EXPECT_FALSE_MSG(test, mqnvme_pi_verify(&s, c->shift, c->ms,
							      data, meta, nlb,
							      1000, &res),
				       "%s", c->name);
		KUNIT_EXPECT_EQ_MSG(test, res.block, bad, "%s", c->name);
		KUNIT_EXPECT_EQ_MSG(test, res.check, MQNVME_PI_GUARD, "%s",
				    c->name);
		data[bad * bs + 17] ^= 0x10;

		/* A damaged guard field. */
		pi[1] ^= 0xff;
		KUNIT_EXPECT_FALSE(test, mqnvme_pi_verify(&s, c->shift, c->ms,
							  data, meta, nlb, 1000,
							  &res));
		KUNIT_EXPECT_EQ(test, res.check, MQNVME_PI_GUARD);
		pi[1] ^= 0xff;

		/* A damaged reference tag: caught except with type 3. */
		pi[s.guard64 ? 15 : 7] ^= 0x01;
		if (c->type == 3) {
			KUNIT_EXPECT_TRUE_MSG(test, mqnvme_pi_verify(&s, c->shift,
								     c->ms, data, meta,
								     nlb, 1000, &res),
					      "%s", c->name);
		} else {
			KUNIT_EXPECT_FALSE(test, mqnvme_pi_verify(&s, c->shift,
								  c->ms, data,
								  meta, nlb, 1000,
								  &res));
			KUNIT_EXPECT_EQ(test, res.check, MQNVME_PI_REF);
			KUNIT_EXPECT_EQ(test, res.block, bad);
			KUNIT_EXPECT_EQ(test, res.expected, 1000ULL + bad);
		}
		pi[s.guard64 ? 15 : 7] ^= 0x01;

		/*
		 * Application tag escape: type 1/2 skip the block, type 3 only
		 * with an all-ones reference tag too.
		 */
		data[bad * bs] ^= 0xff;
		pi[s.guard64 ? 8 : 2] = 0xff;
		pi[s.guard64 ? 9 : 3] = 0xff;
		KUNIT_EXPECT_EQ_MSG(test, mqnvme_pi_verify(&s, c->shift, c->ms,
							   data, meta, nlb,
							   1000, &res),
				    c->type != 3, "%s", c->name);
		if (c->type == 3) {
			memset(pi + (s.guard64 ? 10 : 4), 0xff,
			       s.guard64 ? 6 : 4);
			KUNIT_EXPECT_TRUE(test, mqnvme_pi_verify(&s, c->shift,
								 c->ms, data,
								 meta, nlb, 1000,
								 &res));
		}
	}
}

/*
 * A request split in two: each part's tuples carry the LBAs they were
 * generated for, so each part checks out against its own first LBA and
 * not against the other's. A partition starting at LBA 2048: the block
 * layer generates with the absolute LBA, which the command must carry.
 */
static void pi_ref_split_and_partition(struct kunit *test)
{
	const u32 nlb = 16, cut = 7, part = 2048;
	struct mqnvme_pi_result res;
	struct mqnvme_pi_setup s;
	struct nvme_command c = { };
	u8 *data = kunit_kzalloc(test, nlb * 512, GFP_KERNEL);
	u8 *meta = kunit_kzalloc(test, nlb * 8, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, data);
	KUNIT_ASSERT_NOT_NULL(test, meta);
	setup_for(&s, 9, 8, 1, false, NVME_NVM_NS_16B_GUARD);
	mqnvme_pi_generate(&s, 9, 8, data, meta, nlb, part + 100);

	KUNIT_EXPECT_TRUE(test, mqnvme_pi_verify(&s, 9, 8, data, meta, cut,
						 part + 100, &res));
	KUNIT_EXPECT_TRUE(test, mqnvme_pi_verify(&s, 9, 8, data + cut * 512,
						 meta + cut * 8, nlb - cut,
						 part + 100 + cut, &res));
	/* The second part checked as if it started where the first did. */
	KUNIT_EXPECT_FALSE(test, mqnvme_pi_verify(&s, 9, 8, data + cut * 512,
						  meta + cut * 8, nlb - cut,
						  part + 100, &res));
	KUNIT_EXPECT_EQ(test, res.check, MQNVME_PI_REF);
	KUNIT_EXPECT_EQ(test, res.stored, (u64)part + 100 + cut);
	/* Partition-relative LBAs are wrong: the tags are absolute. */
	KUNIT_EXPECT_FALSE(test, mqnvme_pi_verify(&s, 9, 8, data, meta, nlb,
						  100, &res));
	KUNIT_EXPECT_EQ(test, res.block, 0U);
	/* The command of the second part names its own absolute LBA. */
	mqnvme_pi_set_ref(&c, part + 100 + cut, false);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.rw.reftag), part + 100 + cut);
	/* 32-bit tags wrap with the LBA. */
	mqnvme_pi_generate(&s, 9, 8, data, meta, 2, 0xffffffffULL);
	KUNIT_EXPECT_EQ(test, get_unaligned_be32(meta + 8), 0U);
	KUNIT_EXPECT_TRUE(test, mqnvme_pi_verify(&s, 9, 8, data, meta, 2,
						 0x1ffffffffULL, &res));
}

static void pi_status_and_scsi(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, mqnvme_pi_status_check(NVME_SC_GUARD_CHECK),
			MQNVME_PI_GUARD);
	KUNIT_EXPECT_EQ(test, mqnvme_pi_status_check(NVME_SC_APPTAG_CHECK |
						     NVME_STATUS_DNR),
			MQNVME_PI_APP);
	KUNIT_EXPECT_EQ(test, mqnvme_pi_status_check(NVME_SC_REFTAG_CHECK),
			MQNVME_PI_REF);
	KUNIT_EXPECT_EQ(test, mqnvme_pi_status_check(NVME_SC_READ_ERROR),
			MQNVME_PI_OK);
	KUNIT_EXPECT_STREQ(test, mqnvme_pi_check_name(MQNVME_PI_REF),
			   "reference tag");

	KUNIT_EXPECT_EQ(test, mqnvme_pi_scsi_prchk(0, 1), CHK_ALL);
	KUNIT_EXPECT_EQ(test, mqnvme_pi_scsi_prchk(1, 2), CHK_ALL);
	KUNIT_EXPECT_EQ(test, mqnvme_pi_scsi_prchk(5, 1), CHK_ALL);
	KUNIT_EXPECT_EQ(test, mqnvme_pi_scsi_prchk(2, 1),
			NVME_RW_PRINFO_PRCHK_REF);
	KUNIT_EXPECT_EQ(test, mqnvme_pi_scsi_prchk(3, 1), 0);
	KUNIT_EXPECT_EQ(test, mqnvme_pi_scsi_prchk(4, 1), CHK_G);
	KUNIT_EXPECT_EQ(test, mqnvme_pi_scsi_prchk(1, 3), CHK_G);
	KUNIT_EXPECT_EQ(test, mqnvme_pi_scsi_prchk(2, 3), 0);
	KUNIT_EXPECT_EQ(test, mqnvme_pi_scsi_prchk(6, 1), U16_MAX);
	KUNIT_EXPECT_EQ(test, mqnvme_pi_scsi_prchk(7, 1), U16_MAX);
}

static struct kunit_case mqnvme_pi_cases[] = {
	KUNIT_CASE(pi_setup_formats),
	KUNIT_CASE(pi_ref_tag),
	KUNIT_CASE(pi_known_vectors),
	KUNIT_CASE(pi_verify_catches),
	KUNIT_CASE(pi_ref_split_and_partition),
	KUNIT_CASE(pi_status_and_scsi),
	{}
};

static struct kunit_suite mqnvme_pi_suite = {
	.name = "mqnvme_pi",
	.test_cases = mqnvme_pi_cases,
};

kunit_test_suites(&mqnvme_pi_suite);
