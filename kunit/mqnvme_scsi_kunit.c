// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for the pure logic of the SCSI translation (drivers/scsi_lib.c,
 * include/mqnvme_scsi.h): CDB decoding and checking and the parameter lists
 * (mqnvme_scsi_cdb), the data the driver answers itself (mqnvme_scsi_resp),
 * and sense data and the NVMe status mapping (mqnvme_scsi_sense). Every
 * expectation is an exact byte or value after SPC-4 / SBC-3. Part of
 * mqnvme_kunit.ko; results in debugfs kunit/<suite>/results.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include <scsi/scsi_proto.h>

#include "mqnvme_scsi.h"

/*
 * The helpers below hold the expectations that many cases share. They are
 * noinline and take the caller's line, so that a failure names the case and
 * the stack frames stay small on KASAN kernels.
 */

/* Poison @s so that a field the code under test forgot to set stands out. */
static void sense_poison(struct mqnvme_sense *s)
{
	memset(s, 0xa5, sizeof(*s));
}

/* CHECK CONDITION @key/@asc/@ascq without sense-key specific data. */
static noinline void expect_sense(struct kunit *test,
				  const struct mqnvme_sense *s, u8 key, u8 asc,
				  u8 ascq, int line, int i)
{
	KUNIT_EXPECT_EQ_MSG(test, s->status, SAM_STAT_CHECK_CONDITION,
			    "line %d case %d", line, i);
	KUNIT_EXPECT_EQ_MSG(test, s->key, key, "line %d case %d", line, i);
	KUNIT_EXPECT_EQ_MSG(test, s->asc, asc, "line %d case %d", line, i);
	KUNIT_EXPECT_EQ_MSG(test, s->ascq, ascq, "line %d case %d", line, i);
	KUNIT_EXPECT_EQ_MSG(test, s->sks, MQNVME_SKS_NONE, "line %d case %d",
			    line, i);
	KUNIT_EXPECT_FALSE_MSG(test, s->info_valid, "line %d case %d", line, i);
}

/* ... in a loop over cases, @i the case */
#define EXPECT_SENSE_I(test, s, key, asc, ascq, i) \
	expect_sense(test, s, key, asc, ascq, __LINE__, i)
#define EXPECT_SENSE(test, s, key, asc, ascq) \
	expect_sense(test, s, key, asc, ascq, __LINE__, -1)

/*
 * INVALID FIELD IN CDB (@cd) or IN PARAMETER LIST with a field pointer to
 * @byte, bit @bit (0xff: the whole byte).
 */
static noinline void expect_field(struct kunit *test,
				  const struct mqnvme_sense *s, bool cd,
				  u16 byte, u8 bit, int line, int i)
{
	KUNIT_EXPECT_EQ_MSG(test, s->status, SAM_STAT_CHECK_CONDITION,
			    "line %d case %d", line, i);
	KUNIT_EXPECT_EQ_MSG(test, s->key, ILLEGAL_REQUEST, "line %d case %d",
			    line, i);
	KUNIT_EXPECT_EQ_MSG(test, s->asc, cd ? 0x24 : 0x26, "line %d case %d",
			    line, i);
	KUNIT_EXPECT_EQ_MSG(test, s->ascq, 0x00, "line %d case %d", line, i);
	KUNIT_EXPECT_EQ_MSG(test, s->sks, MQNVME_SKS_FIELD, "line %d case %d",
			    line, i);
	KUNIT_EXPECT_EQ_MSG(test, s->sks_cd, cd, "line %d case %d", line, i);
	KUNIT_EXPECT_EQ_MSG(test, s->sks_field, byte, "line %d case %d",
			    line, i);
	KUNIT_EXPECT_EQ_MSG(test, s->sks_bit, bit, "line %d case %d", line, i);
	KUNIT_EXPECT_FALSE_MSG(test, s->info_valid, "line %d case %d", line, i);
}

#define EXPECT_CDB_FIELD_I(test, s, byte, bit, i) \
	expect_field(test, s, true, byte, bit, __LINE__, i)
#define EXPECT_CDB_FIELD(test, s, byte, bit) \
	expect_field(test, s, true, byte, bit, __LINE__, -1)
#define EXPECT_PARAM_FIELD_I(test, s, byte, bit, i) \
	expect_field(test, s, false, byte, bit, __LINE__, i)
#define EXPECT_PARAM_FIELD(test, s, byte, bit) \
	expect_field(test, s, false, byte, bit, __LINE__, -1)

/* @len bytes at @buf + @off are @exp. */
static noinline void expect_bytes(struct kunit *test, const u8 *buf,
				  unsigned int off, const void *exp,
				  unsigned int len, int line)
{
	KUNIT_EXPECT_MEMEQ_MSG(test, &buf[off], exp, len,
			       "line %d, bytes %u..%u", line, off,
			       off + len - 1);
}

#define EXPECT_BYTES(test, buf, off, exp, len) \
	expect_bytes(test, buf, off, exp, len, __LINE__)

/* Bytes @from up to @to (excluded) of @buf are zero. */
static noinline void expect_zero(struct kunit *test, const u8 *buf,
				 unsigned int from, unsigned int to, int line)
{
	KUNIT_EXPECT_NULL_MSG(test, memchr_inv(&buf[from], 0, to - from),
			      "line %d, bytes %u..%u not zero", line, from,
			      to - 1);
}

#define EXPECT_ZERO(test, buf, from, to) \
	expect_zero(test, buf, from, to, __LINE__)

static u8 *resp_buf(struct kunit *test)
{
	u8 *buf = kunit_kzalloc(test, MQNVME_SCSI_RESP_LEN, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	return buf;
}

/* Space-padded @src into @dst of @len bytes, as Identify Controller has it. */
static void pad(char *dst, const char *src, size_t len)
{
	memset(dst, ' ', len);
	memcpy(dst, src, min(strlen(src), len));
}

/* A 8 GiB namespace of 4 KiB blocks on a controller that has everything. */
static void lu_init(struct mqnvme_scsi_lu *lu)
{
	memset(lu, 0, sizeof(*lu));
	lu->nblocks = 0x200000;
	lu->lba_shift = 12;
	lu->caps = MQNVME_SCSI_CAP_ALL;
	lu->max_xfer_blocks = 512;
	lu->nsid = 0x1234;
	pad(lu->model, "Samsung SSD 980 PRO 1TB", sizeof(lu->model));
	pad(lu->serial, "S5GXNF0R123456", sizeof(lu->serial));
	pad(lu->firmware, "5B2QGXA7", sizeof(lu->firmware));
}

static const u8 test_nguid[16] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
};

static const u8 test_eui64[8] = {
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
};

/* ---------------------------------------------------------------------- */
/* mqnvme_scsi_cdb: CDB decoding, checks, ranges, parameter lists          */
/* ---------------------------------------------------------------------- */

struct lba_case {
	u8 cdb[16];
	u64 lba;
	u32 nlb;
	u8 prot;
	bool fua;
	u8 bytchk;
	bool unmap;
	bool ndob;
};

static noinline void check_lba_case(struct kunit *test,
				    const struct lba_case *c, int i)
{
	struct mqnvme_scsi_lba r;

	memset(&r, 0xa5, sizeof(r));
	KUNIT_ASSERT_TRUE_MSG(test, mqnvme_scsi_decode_lba(c->cdb, &r),
			      "case %d", i);
	KUNIT_EXPECT_EQ_MSG(test, r.lba, c->lba, "case %d", i);
	KUNIT_EXPECT_EQ_MSG(test, r.nlb, c->nlb, "case %d", i);
	KUNIT_EXPECT_EQ_MSG(test, r.prot, c->prot, "case %d", i);
	KUNIT_EXPECT_EQ_MSG(test, r.fua, c->fua, "case %d", i);
	KUNIT_EXPECT_EQ_MSG(test, r.bytchk, c->bytchk, "case %d", i);
	KUNIT_EXPECT_EQ_MSG(test, r.unmap, c->unmap, "case %d", i);
	KUNIT_EXPECT_EQ_MSG(test, r.ndob, c->ndob, "case %d", i);
}

static void check_lba_cases(struct kunit *test, const struct lba_case *c,
			    int n)
{
	int i;

	for (i = 0; i < n; i++)
		check_lba_case(test, &c[i], i);
}

/* READ/WRITE 6, 10, 12, 16: LBA, length, RDPROTECT/WRPROTECT and FUA. */
static void cdb_decode_rw(struct kunit *test)
{
	static const struct lba_case cases[] = {
		/* READ(6): a 21-bit LBA (byte 1 bits 7-5 are not part of it) */
		{ { READ_6, 0xff, 0xfe, 0xfd, 0x00, 0x00 },
		  0x1ffefd, 256 },
		{ { READ_6, 0xe0, 0x00, 0x00, 0x01, 0x00 }, 0, 1 },
		{ { WRITE_6, 0x01, 0x02, 0x03, 0xff, 0x00 }, 0x10203, 255 },
		{ { WRITE_6, 0x00, 0x00, 0x00, 0x00, 0x00 }, 0, 256 },
		/* byte 1 011 1 1 000: RDPROTECT 3, DPO, FUA */
		{ { READ_10, 0x78, 0x12, 0x34, 0x56, 0x78, 0x00, 0xab, 0xcd,
		    0x00 }, 0x12345678, 0xabcd, 3, true },
		/* DPO alone is not FUA; TL 0 is no blocks for (10) */
		{ { WRITE_10, 0x10, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00,
		    0x00 }, 0xffffffff, 0 },
		{ { READ_12, 0xe0, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba,
		    0x98, 0x00, 0x00 }, 0x89abcdef, 0xfedcba98, 7 },
		{ { WRITE_12, 0x08, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
		    0x02, 0x00, 0x00 }, 1, 2, 0, true },
		{ { READ_16, 0x28, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd,
		    0xef, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00 },
		  0x0123456789abcdefULL, 0x10000, 1, true },
		{ { WRITE_16, 0x40, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		    0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00 },
		  U64_MAX, U32_MAX, 2 },
	};

	check_lba_cases(test, cases, ARRAY_SIZE(cases));
}

/* VERIFY 10/12/16: VRPROTECT and BYTCHK, never FUA (bit 3 is reserved). */
static void cdb_decode_verify(struct kunit *test)
{
	static const struct lba_case cases[] = {
		/* 010 0 0 11 0: VRPROTECT 2, BYTCHK 11b */
		{ { VERIFY, 0x46, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x08,
		    0x00 }, 0x1000, 8, 2, false, 3 },
		{ { VERIFY, 0x0a, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x01,
		    0x00 }, 1, 1, 0, false, 1 },
		{ { VERIFY_12, 0x02, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x01,
		    0x00, 0x00, 0x00 }, 5, 256, 0, false, 1 },
		/* 111 0 0 10 0: VRPROTECT 7, BYTCHK 10b */
		{ { VERIFY_16, 0xe4, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
		    0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00 },
		  0x100000000ULL, 0x20, 7, false, 2 },
		{ { VERIFY_16, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		    0x07, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00 }, 7, 3 },
	};

	check_lba_cases(test, cases, ARRAY_SIZE(cases));
}

/* WRITE SAME 10/16: UNMAP (bit 3, not FUA), NDOB only in the 16-byte CDB. */
static void cdb_decode_write_same(struct kunit *test)
{
	static const struct lba_case cases[] = {
		{ { WRITE_SAME, 0x08, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x20,
		    0x00 }, 0x10, 0x20, 0, false, 0, true, false },
		/* bit 0 of WRITE SAME(10) is reserved, not NDOB */
		{ { WRITE_SAME, 0x21, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x20,
		    0x00 }, 0x10, 0x20, 1, false, 0, false, false },
		{ { WRITE_SAME_16, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		    0x10, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00 },
		  0x1000, 0x100, 0, false, 0, true, true },
		{ { WRITE_SAME_16, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		    0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00 },
		  1, 0x10000, 0, false, 0, false, true },
		{ { WRITE_SAME_16, 0x68, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		    0x00, 0x02, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00 },
		  2, 4, 3, false, 0, true, false },
	};

	check_lba_cases(test, cases, ARRAY_SIZE(cases));
}

/* SYNCHRONIZE CACHE 10/16: a range, nothing else of byte 1. */
static void cdb_decode_sync_cache(struct kunit *test)
{
	static const struct lba_case cases[] = {
		{ { SYNCHRONIZE_CACHE, 0xff, 0x00, 0x00, 0x12, 0x34, 0x00, 0x00,
		    0x10, 0x00 }, 0x1234, 0x10 },
		{ { SYNCHRONIZE_CACHE, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
		    0x00, 0x00, 0x00 }, 0, 0 },
		{ { SYNCHRONIZE_CACHE_16, 0xff, 0x00, 0x00, 0x00, 0x01, 0x00,
		    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00 },
		  0x100000000ULL, 0x100 },
	};

	check_lba_cases(test, cases, ARRAY_SIZE(cases));
}

/* CDBs without a block range: false, and nothing left behind. */
static void cdb_decode_none(struct kunit *test)
{
	static const u8 ops[] = {
		TEST_UNIT_READY, INQUIRY, UNMAP, SERVICE_ACTION_IN_16,
		MODE_SENSE, START_STOP, FORMAT_UNIT, WRITE_BUFFER,
	};
	struct mqnvme_scsi_lba r;
	u8 cdb[16];
	int i;

	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		memset(cdb, 0xff, sizeof(cdb));
		cdb[0] = ops[i];
		memset(&r, 0xa5, sizeof(r));
		KUNIT_EXPECT_FALSE_MSG(test, mqnvme_scsi_decode_lba(cdb, &r),
				       "opcode %02x", ops[i]);
		KUNIT_EXPECT_NULL_MSG(test, memchr_inv(&r, 0, sizeof(r)),
				      "opcode %02x", ops[i]);
	}
}

/* ALLOCATION LENGTH of each data-in CDB, 0 for the others. */
static void cdb_alloc_len(struct kunit *test)
{
	static const struct {
		u8 cdb[16];
		u32 len;
	} cases[] = {
		{ { INQUIRY, 0x01, 0x80, 0x12, 0x34, 0x00 }, 0x1234 },
		{ { REQUEST_SENSE, 0x01, 0x00, 0xff, 0xfc, 0x00 }, 0xfc },
		{ { MODE_SENSE, 0x08, 0x3f, 0xff, 0xc0, 0x00 }, 0xc0 },
		{ { MODE_SENSE_10, 0x18, 0x3f, 0x00, 0xff, 0xff, 0xff, 0x12,
		    0x34, 0x00 }, 0x1234 },
		{ { LOG_SENSE, 0x00, 0x40, 0x00, 0xff, 0xff, 0xff, 0x02, 0x00,
		    0x00 }, 0x200 },
		{ { READ_CAPACITY, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		    0x01, 0x00 }, 8 },
		{ { SERVICE_ACTION_IN_16, SAI_READ_CAPACITY_16, 0x11, 0x11,
		    0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x01, 0x02, 0x03, 0x04,
		    0x00, 0x00 }, 0x01020304 },
		{ { REPORT_LUNS, 0x00, 0x00, 0x11, 0x11, 0x11, 0x00, 0x01,
		    0x00, 0x00, 0x11, 0x00 }, 0x10000 },
		{ { MAINTENANCE_IN, MI_REPORT_SUPPORTED_OPERATION_CODES, 0x80,
		    0x28, 0x11, 0x11, 0x12, 0x34, 0x56, 0x78, 0x11, 0x00 },
		  0x12345678 },
		{ { SECURITY_PROTOCOL_IN, 0xef, 0x00, 0x01, 0x80, 0x11, 0x00,
		    0x00, 0x02, 0x00, 0x11, 0x00 }, 0x200 },
		/* data-out and no-data commands have none */
		{ { TEST_UNIT_READY, 0x00, 0x00, 0x00, 0xff, 0x00 }, 0 },
		{ { MODE_SELECT, 0x10, 0x00, 0x00, 0x18, 0x00 }, 0 },
		{ { WRITE_10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff,
		    0x00 }, 0 },
		{ { SECURITY_PROTOCOL_OUT, 0xef, 0x00, 0x01, 0x00, 0x00, 0x00,
		    0x00, 0x02, 0x00, 0x00, 0x00 }, 0 },
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		KUNIT_EXPECT_EQ_MSG(test, mqnvme_scsi_alloc_len(cases[i].cdb),
				    cases[i].len, "opcode %02x",
				    cases[i].cdb[0]);
}

/* Unknown operation codes, ATA PASS-THROUGH among them: 5/20/00. */
static void cdb_lookup_unknown(struct kunit *test)
{
	static const u8 ops[] = {
		0x02, ATA_16, ATA_12, 0xff, 0x7f, 0x9f, 0xa4, 0x3c, 0x1e,
		0x89, 0xc0,
	};
	struct mqnvme_sense s;
	u8 cdb[16] = { };
	int i;

	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		cdb[0] = ops[i];
		cdb[1] = i & 1 ? 0x0c : 0x10;
		sense_poison(&s);
		KUNIT_EXPECT_NULL_MSG(test, mqnvme_scsi_lookup(cdb, 16,
							       MQNVME_SCSI_CAP_ALL,
							       &s),
				      "opcode %02x", ops[i]);
		EXPECT_SENSE_I(test, &s, ILLEGAL_REQUEST, 0x20, 0x00, i);
	}
}

/* Service actions of 9Eh and A3h: found, or an invalid field at byte 1 bit 4. */
static void cdb_lookup_service_action(struct kunit *test)
{
	static const u8 bad[][2] = {
		{ SERVICE_ACTION_IN_16, 0x11 },
		{ SERVICE_ACTION_IN_16, 0x12 },	/* GET LBA STATUS */
		{ SERVICE_ACTION_IN_16, 0x00 },
		{ MAINTENANCE_IN, 0x0d },
		{ MAINTENANCE_IN, 0x0a },	/* REPORT TARGET PORT GROUPS */
		{ MAINTENANCE_IN, 0x1f },
	};
	const struct mqnvme_scsi_cmd *c;
	struct mqnvme_sense s;
	u8 cdb[16] = { };
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		cdb[0] = bad[i][0];
		cdb[1] = bad[i][1];
		sense_poison(&s);
		KUNIT_EXPECT_NULL_MSG(test, mqnvme_scsi_lookup(cdb, 16,
							       MQNVME_SCSI_CAP_ALL,
							       &s),
				      "case %d", i);
		EXPECT_CDB_FIELD_I(test, &s, 1, 4, i);
	}

	cdb[0] = SERVICE_ACTION_IN_16;
	cdb[1] = SAI_READ_CAPACITY_16;
	c = mqnvme_scsi_lookup(cdb, 16, 0, &s);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_EXPECT_EQ(test, c->opcode, SERVICE_ACTION_IN_16);
	KUNIT_EXPECT_EQ(test, c->sa, SAI_READ_CAPACITY_16);
	KUNIT_EXPECT_EQ(test, c->cdb_len, 16);
	KUNIT_EXPECT_TRUE(test, c->flags & MQNVME_SCSI_SA);

	/* Bits 7-5 of byte 1 are no part of the service action ... */
	cdb[1] = 0xe0 | SAI_READ_CAPACITY_16;
	c = mqnvme_scsi_lookup(cdb, 16, 0, &s);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_EXPECT_EQ(test, c->sa, SAI_READ_CAPACITY_16);
	/* ... but reserved, so the check refuses them. */
	sense_poison(&s);
	KUNIT_EXPECT_FALSE(test, mqnvme_scsi_check_cdb(c, cdb, &s));
	EXPECT_CDB_FIELD(test, &s, 1, 7);

	cdb[0] = MAINTENANCE_IN;
	cdb[1] = MI_REPORT_SUPPORTED_OPERATION_CODES;
	c = mqnvme_scsi_lookup(cdb, 12, 0, &s);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_EXPECT_EQ(test, c->opcode, MAINTENANCE_IN);
	KUNIT_EXPECT_EQ(test, c->sa, MI_REPORT_SUPPORTED_OPERATION_CODES);
	KUNIT_EXPECT_EQ(test, c->cdb_len, 12);
	KUNIT_EXPECT_EQ(test, c->flags, MQNVME_SCSI_SA | MQNVME_SCSI_READY);
}

/* A command the controller cannot serve is an invalid operation code. */
static void cdb_lookup_caps(struct kunit *test)
{
	static const struct {
		u8 opcode;
		u32 cap;
	} cases[] = {
		{ FORMAT_UNIT, MQNVME_SCSI_CAP_FORMAT },
		{ SEND_DIAGNOSTIC, MQNVME_SCSI_CAP_DST },
		{ WRITE_BUFFER, MQNVME_SCSI_CAP_FW },
		{ WRITE_SAME, MQNVME_SCSI_CAP_WZ },
		{ WRITE_SAME_16, MQNVME_SCSI_CAP_WZ },
		{ UNMAP, MQNVME_SCSI_CAP_DSM },
		{ SECURITY_PROTOCOL_IN, MQNVME_SCSI_CAP_SEC },
		{ SECURITY_PROTOCOL_OUT, MQNVME_SCSI_CAP_SEC },
	};
	const struct mqnvme_scsi_cmd *c;
	struct mqnvme_sense s;
	u8 cdb[16] = { };
	int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		cdb[0] = cases[i].opcode;
		sense_poison(&s);
		KUNIT_EXPECT_NULL_MSG(test,
				      mqnvme_scsi_lookup(cdb, 16,
							 MQNVME_SCSI_CAP_ALL &
							 ~cases[i].cap, &s),
				      "opcode %02x", cdb[0]);
		EXPECT_SENSE_I(test, &s, ILLEGAL_REQUEST, 0x20, 0x00, i);
		c = mqnvme_scsi_lookup(cdb, 16, cases[i].cap, &s);
		KUNIT_ASSERT_NOT_NULL_MSG(test, c, "opcode %02x", cdb[0]);
		KUNIT_EXPECT_EQ(test, c->opcode, cases[i].opcode);
		KUNIT_EXPECT_EQ(test, c->caps, cases[i].cap);
	}

	/* Commands that need nothing are there without any capability. */
	cdb[0] = READ_10;
	KUNIT_EXPECT_NOT_NULL(test, mqnvme_scsi_lookup(cdb, 10, 0, &s));
	cdb[0] = VERIFY;
	KUNIT_EXPECT_NOT_NULL(test, mqnvme_scsi_lookup(cdb, 10, 0, &s));
	cdb[0] = SYNCHRONIZE_CACHE;
	KUNIT_EXPECT_NOT_NULL(test, mqnvme_scsi_lookup(cdb, 10, 0, &s));
}

/* A CDB shorter than its operation code's length: 5/24/00, no pointer. */
static void cdb_lookup_short(struct kunit *test)
{
	static const u8 cases[][3] = {
		{ READ_16, 0, 16 },
		{ WRITE_SAME_16, 0, 16 },
		{ SERVICE_ACTION_IN_16, SAI_READ_CAPACITY_16, 16 },
		{ READ_12, 0, 12 },
		{ MAINTENANCE_IN, MI_REPORT_SUPPORTED_OPERATION_CODES, 12 },
		{ REPORT_LUNS, 0, 12 },
		{ READ_10, 0, 10 },
		{ UNMAP, 0, 10 },
		{ INQUIRY, 0, 6 },
	};
	const struct mqnvme_scsi_cmd *c;
	struct mqnvme_sense s;
	u8 cdb[MQNVME_SCSI_MAX_CDB] = { };
	unsigned int len;
	int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		cdb[0] = cases[i][0];
		cdb[1] = cases[i][1];
		for (len = 6; len < cases[i][2]; len++) {
			sense_poison(&s);
			KUNIT_EXPECT_NULL_MSG(test,
					      mqnvme_scsi_lookup(cdb, len,
								 MQNVME_SCSI_CAP_ALL,
								 &s),
					      "opcode %02x len %u", cdb[0], len);
			EXPECT_SENSE_I(test, &s, ILLEGAL_REQUEST, 0x24, 0x00,
				       i * 100 + len);
		}
		for (len = cases[i][2]; len <= MQNVME_SCSI_MAX_CDB; len += 8) {
			c = mqnvme_scsi_lookup(cdb, len, MQNVME_SCSI_CAP_ALL,
					       &s);
			KUNIT_ASSERT_NOT_NULL_MSG(test, c, "opcode %02x len %u",
						  cdb[0], len);
			KUNIT_EXPECT_EQ(test, c->cdb_len, cases[i][2]);
		}
	}
}

/*
 * Beyond scsi_cmd_allowed(): a writable open for commands that write,
 * deallocate or change settings, CAP_SYS_ADMIN for those that become a
 * state-changing admin command.
 */
static void cdb_privileges(struct kunit *test)
{
	static const struct {
		u8 opcode;
		u8 need;
	} cases[] = {
		{ WRITE_6, MQNVME_SCSI_WRITES },
		{ WRITE_10, MQNVME_SCSI_WRITES },
		{ WRITE_12, MQNVME_SCSI_WRITES },
		{ WRITE_16, MQNVME_SCSI_WRITES },
		{ WRITE_SAME, MQNVME_SCSI_WRITES },
		{ WRITE_SAME_16, MQNVME_SCSI_WRITES },
		{ UNMAP, MQNVME_SCSI_WRITES },
		{ FORMAT_UNIT, MQNVME_SCSI_WRITES | MQNVME_SCSI_ADMIN },
		{ MODE_SELECT, MQNVME_SCSI_WRITES | MQNVME_SCSI_ADMIN },
		{ MODE_SELECT_10, MQNVME_SCSI_WRITES | MQNVME_SCSI_ADMIN },
		{ WRITE_BUFFER, MQNVME_SCSI_WRITES | MQNVME_SCSI_ADMIN },
		{ SECURITY_PROTOCOL_OUT, MQNVME_SCSI_WRITES | MQNVME_SCSI_ADMIN },
		{ SEND_DIAGNOSTIC, MQNVME_SCSI_WRITES | MQNVME_SCSI_ADMIN },
		{ START_STOP, MQNVME_SCSI_ADMIN },
		{ TEST_UNIT_READY, 0 }, { REQUEST_SENSE, 0 }, { READ_6, 0 },
		{ READ_10, 0 }, { READ_12, 0 }, { READ_16, 0 }, { INQUIRY, 0 },
		{ MODE_SENSE, 0 }, { MODE_SENSE_10, 0 }, { LOG_SENSE, 0 },
		{ READ_CAPACITY, 0 }, { SERVICE_ACTION_IN_16, 0 }, { VERIFY, 0 },
		{ VERIFY_12, 0 }, { VERIFY_16, 0 }, { SYNCHRONIZE_CACHE, 0 },
		{ SYNCHRONIZE_CACHE_16, 0 }, { REPORT_LUNS, 0 },
		{ MAINTENANCE_IN, 0 }, { SECURITY_PROTOCOL_IN, 0 },
		{ ATA_16, 0 }, { ATA_12, 0 }, { 0x02, 0 },
	};
	u8 cdb[16] = { };
	int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		cdb[0] = cases[i].opcode;
		/* the service actions of the table's entries */
		cdb[1] = cdb[0] == SERVICE_ACTION_IN_16 ? SAI_READ_CAPACITY_16 :
			 cdb[0] == MAINTENANCE_IN ?
			 MI_REPORT_SUPPORTED_OPERATION_CODES : 0;
		KUNIT_EXPECT_EQ_MSG(test, mqnvme_scsi_privileges(cdb),
				    cases[i].need, "opcode %02x", cdb[0]);
	}
}

/* Reserved bits: INVALID FIELD IN CDB at the most significant bad bit. */
static void cdb_check_reserved(struct kunit *test)
{
	static const struct {
		u8 cdb[16];
		u8 byte;
		u8 bit;
	} cases[] = {
		/* READ(10) byte 1 bit 0 (obsolete RELADR) */
		{ { READ_10, 0x01 }, 1, 0 },
		/* bits 1 and 0: the pointer names the higher one */
		{ { READ_10, 0x03 }, 1, 1 },
		/* control byte: NACA, then vendor specific */
		{ { READ_10, 0, 0, 0, 0, 0, 0, 0, 0, 0x04 }, 9, 2 },
		{ { READ_10, 0, 0, 0, 0, 0, 0, 0, 0, 0x80 }, 9, 7 },
		{ { READ_10, 0, 0, 0, 0, 0, 0xc0 }, 6, 7 },
		{ { READ_10, 0, 0, 0, 0, 0, 0x40 }, 6, 6 },
		/* WRITE(10) byte 1 bit 2 is reserved (READ has RARC there) */
		{ { WRITE_10, 0x04 }, 1, 2 },
		/* INQUIRY CmdDt, then LINK in the control byte */
		{ { INQUIRY, 0x02, 0, 0, 0x60 }, 1, 1 },
		{ { INQUIRY, 0x01, 0x80, 0, 0x60, 0x01 }, 5, 0 },
		{ { READ_16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x40 },
		  14, 6 },
		{ { READ_16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01 },
		  15, 0 },
		{ { UNMAP, 0x00, 0x01 }, 2, 0 },
		{ { MAINTENANCE_IN, MI_REPORT_SUPPORTED_OPERATION_CODES, 0x08 },
		  2, 3 },
		{ { START_STOP, 0x00, 0x00, 0x00, 0x08 }, 4, 3 },
		{ { MODE_SENSE_10, 0x00, 0x3f, 0x00, 0x20 }, 4, 5 },
		{ { TEST_UNIT_READY, 0x00, 0x00, 0x10 }, 3, 4 },
		{ { SYNCHRONIZE_CACHE, 0x04 }, 1, 2 },
		{ { WRITE_SAME_16, 0x02 }, 1, 1 },
	};
	const struct mqnvme_scsi_cmd *c;
	struct mqnvme_sense s;
	int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		c = mqnvme_scsi_lookup(cases[i].cdb, 16, MQNVME_SCSI_CAP_ALL,
				       &s);
		KUNIT_ASSERT_NOT_NULL_MSG(test, c, "case %d", i);
		sense_poison(&s);
		KUNIT_EXPECT_FALSE_MSG(test,
				       mqnvme_scsi_check_cdb(c, cases[i].cdb, &s),
				       "case %d", i);
		EXPECT_CDB_FIELD_I(test, &s, cases[i].byte, cases[i].bit, i);
	}
}

/* One command's CDB usage data by REPORT SUPPORTED OPERATION CODES. */
static int rsoc_usage(const struct mqnvme_scsi_lu *lu, u8 opcode, u16 sa,
		      bool servactv, u8 *buf)
{
	u8 cdb[12] = { MAINTENANCE_IN, MI_REPORT_SUPPORTED_OPERATION_CODES,
		       servactv ? 0x02 : 0x01, opcode, sa >> 8, sa & 0xff,
		       0x00, 0x00, 0x01, 0x00 };
	struct mqnvme_sense s;

	memset(buf, 0, MQNVME_SCSI_RESP_LEN);
	return mqnvme_scsi_report_opcodes(lu, cdb, buf, &s);
}

/*
 * The usage data RSOC reports is the mask the check uses: every CDB of
 * exactly the usage bits passes, and each other bit of bytes 1 to the
 * control byte is refused with a pointer to it.
 */
static void cdb_check_usage_is_mask(struct kunit *test)
{
	static const u8 rsoc[12] = {
		MAINTENANCE_IN, MI_REPORT_SUPPORTED_OPERATION_CODES, 0x00, 0,
		0, 0, 0x00, 0x00, 0x10, 0x00,
	};
	u8 *all = resp_buf(test), *one = resp_buf(test);
	const struct mqnvme_scsi_cmd *c;
	struct mqnvme_scsi_lu lu;
	struct mqnvme_sense s;
	int n, off, len, i, bit, cmds = 0, bad_ok = 0, bad_wrong = 0;
	u8 cdb[16], *usage;
	bool servactv;
	u16 sa;

	lu_init(&lu);
	n = mqnvme_scsi_report_opcodes(&lu, rsoc, all, &s);
	KUNIT_ASSERT_GT(test, n, 4);
	for (off = 4; off + 8 <= n; off += 8) {
		servactv = all[off + 5] & 0x01;
		sa = get_unaligned_be16(&all[off + 2]);
		len = get_unaligned_be16(&all[off + 6]);
		KUNIT_ASSERT_EQ(test, rsoc_usage(&lu, all[off], sa, servactv,
						 one), 4 + len);
		usage = &one[4];
		KUNIT_EXPECT_EQ(test, usage[0], all[off]);
		c = mqnvme_scsi_lookup(usage, len, lu.caps, &s);
		KUNIT_ASSERT_NOT_NULL_MSG(test, c, "opcode %02x", all[off]);
		KUNIT_EXPECT_EQ(test, c->cdb_len, len);
		KUNIT_EXPECT_TRUE_MSG(test, mqnvme_scsi_check_cdb(c, usage, &s),
				      "opcode %02x", all[off]);
		/* The last byte is the control byte: nothing allowed. */
		KUNIT_EXPECT_EQ_MSG(test, usage[len - 1], 0, "opcode %02x",
				    all[off]);
		for (i = 1; i < len; i++) {
			for (bit = 0; bit < 8; bit++) {
				if (usage[i] & BIT(bit))
					continue;
				/* the service action field picks the entry */
				if (servactv && i == 1 && bit < 5)
					continue;
				memcpy(cdb, usage, len);
				cdb[i] |= BIT(bit);
				sense_poison(&s);
				if (mqnvme_scsi_check_cdb(c, cdb, &s)) {
					bad_ok++;
					continue;
				}
				if (s.sks != MQNVME_SKS_FIELD || !s.sks_cd ||
				    s.sks_field != i || s.sks_bit != bit ||
				    s.asc != 0x24)
					bad_wrong++;
			}
		}
		cmds++;
	}
	KUNIT_EXPECT_EQ(test, cmds, 34);
	KUNIT_EXPECT_EQ(test, bad_ok, 0);
	KUNIT_EXPECT_EQ(test, bad_wrong, 0);
}

/* LOGICAL BLOCK ADDRESS OUT OF RANGE, overflow-proof. */
static void cdb_check_range(struct kunit *test)
{
	static const struct {
		u64 nblocks;
		u64 lba;
		u32 nlb;
		bool ok;
	} cases[] = {
		{ 1000, 0, 1000, true },
		{ 1000, 999, 1, true },
		{ 1000, 999, 0, true },		/* no blocks at the last LBA */
		{ 1000, 0, 0, true },
		{ 1000, 1000, 0, false },	/* LBA at the capacity */
		{ 1000, 1000, 1, false },
		{ 1000, 999, 2, false },
		{ 1000, 0, 1001, false },
		{ 1000, 1, U32_MAX, false },
		{ 1000, U64_MAX, 1, false },
		{ 1000, U64_MAX, 0, false },
		{ 1000, U64_MAX - 1, 2, false },	/* wraps to 0 */
		{ U64_MAX, U64_MAX - 1, 1, true },
		{ U64_MAX, U64_MAX - 1, 2, false },	/* wraps to 0 */
		{ U64_MAX, U64_MAX - 0x10, U32_MAX, false },
		{ U64_MAX, U64_MAX, 0, false },
		{ 0x100000000ULL, 0xffffffffULL, 1, true },
		{ 0x100000000ULL, 1, U32_MAX, true },
		{ 0x100000000ULL, 2, U32_MAX, false },
		{ 0, 0, 0, false },		/* capacity 0: nothing exists */
		{ 0, 0, 1, false },
	};
	struct mqnvme_scsi_lba r = { };
	struct mqnvme_scsi_lu lu;
	struct mqnvme_sense s;
	int i;

	lu_init(&lu);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		lu.nblocks = cases[i].nblocks;
		r.lba = cases[i].lba;
		r.nlb = cases[i].nlb;
		sense_poison(&s);
		KUNIT_EXPECT_EQ_MSG(test, mqnvme_scsi_check_range(&lu, &r, &s),
				    cases[i].ok, "case %d", i);
		if (cases[i].ok)
			KUNIT_EXPECT_EQ_MSG(test, s.key, 0xa5, "case %d", i);
		else
			EXPECT_SENSE_I(test, &s, ILLEGAL_REQUEST, 0x21, 0x00,
				       i);
	}
}

/* An UNMAP parameter list of @n (LBA, blocks) descriptors in @d. */
static unsigned int unmap_list(u8 *p, const u64 *d, unsigned int n)
{
	unsigned int i;

	memset(p, 0, 8 + 16 * n);
	put_unaligned_be16(6 + 16 * n, p);
	put_unaligned_be16(16 * n, &p[2]);
	for (i = 0; i < n; i++) {
		put_unaligned_be64(d[2 * i], &p[8 + 16 * i]);
		put_unaligned_be32(d[2 * i + 1], &p[16 + 16 * i]);
	}
	return 8 + 16 * n;
}

static struct nvme_dsm_range *unmap_ranges(struct kunit *test)
{
	struct nvme_dsm_range *r;

	r = kunit_kcalloc(test, MQNVME_SCSI_MAX_UNMAP, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	memset(r, 0xff, MQNVME_SCSI_MAX_UNMAP * sizeof(*r));
	return r;
}

/* UNMAP list lengths: 0 is nothing, 1..7 and truncated lists 5/1A/00. */
static void unmap_lengths(struct kunit *test)
{
	static const u64 one[] = { 10, 5 };
	static const u64 two[] = { 10, 5, 20, 5 };
	struct nvme_dsm_range *ranges = unmap_ranges(test);
	struct mqnvme_scsi_lu lu;
	struct mqnvme_sense s;
	unsigned int len;
	u8 p[64];

	lu_init(&lu);
	unmap_list(p, one, 1);
	sense_poison(&s);
	KUNIT_EXPECT_EQ(test, mqnvme_scsi_unmap_list(&lu, p, 0, ranges, &s), 0);
	KUNIT_EXPECT_EQ(test, s.key, 0xa5);
	for (len = 1; len < 8; len++) {
		sense_poison(&s);
		KUNIT_EXPECT_EQ_MSG(test, mqnvme_scsi_unmap_list(&lu, p, len,
								 ranges, &s),
				    -1, "len %u", len);
		EXPECT_SENSE_I(test, &s, ILLEGAL_REQUEST, 0x1a, 0x00, len);
	}
	/* the descriptor data length runs beyond the list */
	sense_poison(&s);
	KUNIT_EXPECT_EQ(test, mqnvme_scsi_unmap_list(&lu, p, 23, ranges, &s),
			-1);
	EXPECT_SENSE(test, &s, ILLEGAL_REQUEST, 0x1a, 0x00);
	unmap_list(p, two, 2);
	sense_poison(&s);
	KUNIT_EXPECT_EQ(test, mqnvme_scsi_unmap_list(&lu, p, 24, ranges, &s),
			-1);
	EXPECT_SENSE(test, &s, ILLEGAL_REQUEST, 0x1a, 0x00);
	/* the data length does not cover the descriptors */
	unmap_list(p, one, 1);
	put_unaligned_be16(21, p);
	sense_poison(&s);
	KUNIT_EXPECT_EQ(test, mqnvme_scsi_unmap_list(&lu, p, 24, ranges, &s),
			-1);
	EXPECT_SENSE(test, &s, ILLEGAL_REQUEST, 0x1a, 0x00);
	/* a longer data length is fine */
	put_unaligned_be16(100, p);
	KUNIT_EXPECT_EQ(test, mqnvme_scsi_unmap_list(&lu, p, 24, ranges, &s), 1);
	/* no descriptors at all: nothing to do, no error */
	unmap_list(p, one, 0);
	KUNIT_EXPECT_EQ(test, mqnvme_scsi_unmap_list(&lu, p, 8, ranges, &s), 0);
	/* an incomplete last descriptor is ignored (SBC-3) */
	unmap_list(p, two, 2);
	put_unaligned_be16(26, p);
	put_unaligned_be16(20, &p[2]);
	KUNIT_EXPECT_EQ(test, mqnvme_scsi_unmap_list(&lu, p, 28, ranges, &s), 1);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(ranges[0].slba), 10);
	put_unaligned_be16(14, p);
	put_unaligned_be16(8, &p[2]);
	KUNIT_EXPECT_EQ(test, mqnvme_scsi_unmap_list(&lu, p, 16, ranges, &s), 0);
}

/* Descriptors: checked against the capacity, 0 blocks skipped, in order. */
static void unmap_descriptors(struct kunit *test)
{
	static const u64 mixed[] = { 10, 5, 0, 0, 999, 1, 500, 0, 5000, 0 };
	static const u64 past_end[] = { 0, 1, 999, 2 };
	static const u64 at_end[] = { 1000, 1 };
	static const u64 huge[] = { 0, 1, U64_MAX, 2 };
	static const u64 wrap[] = { U64_MAX - 0xf, 0x20 };
	struct nvme_dsm_range *ranges = unmap_ranges(test);
	struct mqnvme_scsi_lu lu;
	struct mqnvme_sense s;
	unsigned int len;
	u8 p[128];

	lu_init(&lu);
	lu.nblocks = 1000;
	len = unmap_list(p, mixed, 5);
	KUNIT_ASSERT_EQ(test, mqnvme_scsi_unmap_list(&lu, p, len, ranges, &s),
			2);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(ranges[0].slba), 10);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(ranges[0].nlb), 5);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(ranges[0].cattr), 0);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(ranges[1].slba), 999);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(ranges[1].nlb), 1);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(ranges[1].cattr), 0);

	len = unmap_list(p, past_end, 2);
	sense_poison(&s);
	KUNIT_EXPECT_EQ(test, mqnvme_scsi_unmap_list(&lu, p, len, ranges, &s),
			-1);
	EXPECT_SENSE(test, &s, ILLEGAL_REQUEST, 0x21, 0x00);
	len = unmap_list(p, at_end, 1);
	sense_poison(&s);
	KUNIT_EXPECT_EQ(test, mqnvme_scsi_unmap_list(&lu, p, len, ranges, &s),
			-1);
	EXPECT_SENSE(test, &s, ILLEGAL_REQUEST, 0x21, 0x00);
	len = unmap_list(p, huge, 2);
	sense_poison(&s);
	KUNIT_EXPECT_EQ(test, mqnvme_scsi_unmap_list(&lu, p, len, ranges, &s),
			-1);
	EXPECT_SENSE(test, &s, ILLEGAL_REQUEST, 0x21, 0x00);
	lu.nblocks = U64_MAX;
	len = unmap_list(p, wrap, 1);
	sense_poison(&s);
	KUNIT_EXPECT_EQ(test, mqnvme_scsi_unmap_list(&lu, p, len, ranges, &s),
			-1);
	EXPECT_SENSE(test, &s, ILLEGAL_REQUEST, 0x21, 0x00);
}

/* Big-endian descriptors become little-endian Dataset Management ranges. */
static void unmap_byte_order(struct kunit *test)
{
	static const u64 d[] = { 0x0000010203040506ULL, 0x0708090a,
				 0x0000a0b0c0d0e0f0ULL, 0xfffffffe };
	static const u8 exp[32] = {
		0x00, 0x00, 0x00, 0x00, 0x0a, 0x09, 0x08, 0x07,
		0x06, 0x05, 0x04, 0x03, 0x02, 0x01, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0xfe, 0xff, 0xff, 0xff,
		0xf0, 0xe0, 0xd0, 0xc0, 0xb0, 0xa0, 0x00, 0x00,
	};
	struct nvme_dsm_range *ranges = unmap_ranges(test);
	struct mqnvme_scsi_lu lu;
	struct mqnvme_sense s;
	unsigned int len;
	u8 p[40];

	lu_init(&lu);
	lu.nblocks = 1ULL << 48;
	len = unmap_list(p, d, 2);
	KUNIT_ASSERT_EQ(test, mqnvme_scsi_unmap_list(&lu, p, len, ranges, &s),
			2);
	EXPECT_BYTES(test, (const u8 *)ranges, 0, exp, sizeof(exp));
}

/* 256 descriptors fit one Dataset Management command, 257 do not. */
static void unmap_too_many(struct kunit *test)
{
	unsigned int n = MQNVME_SCSI_MAX_UNMAP + 1, len, i;
	struct nvme_dsm_range *ranges = unmap_ranges(test);
	struct mqnvme_scsi_lu lu;
	struct mqnvme_sense s;
	u64 *d;
	u8 *p;

	d = kunit_kcalloc(test, 2 * n, sizeof(*d), GFP_KERNEL);
	p = kunit_kzalloc(test, 8 + 16 * n, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_ASSERT_NOT_NULL(test, p);
	lu_init(&lu);
	for (i = 0; i < n; i++) {
		d[2 * i] = 2 * i;
		d[2 * i + 1] = 1;
	}
	len = unmap_list(p, d, n);
	sense_poison(&s);
	KUNIT_EXPECT_EQ(test, mqnvme_scsi_unmap_list(&lu, p, len, ranges, &s),
			-1);
	EXPECT_PARAM_FIELD(test, &s, 2, 7);

	len = unmap_list(p, d, n - 1);
	KUNIT_EXPECT_EQ(test, mqnvme_scsi_unmap_list(&lu, p, len, ranges, &s),
			MQNVME_SCSI_MAX_UNMAP);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(ranges[255].slba), 510);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(ranges[255].nlb), 1);
}

/* START STOP UNIT: the power state asked for, and whether to flush first. */
static void power_states(struct kunit *test)
{
	static const struct {
		u8 byte4;
		u8 npss;
		int ps;
		bool flush;
	} cases[] = {
		{ 0x01, 4, 0, false },		/* START */
		{ 0x00, 4, 4, true },		/* STOP: the lowest state */
		{ 0x04, 4, 4, false },		/* STOP, NO_FLUSH */
		{ 0x00, 0, 0, false },		/* one state only */
		{ 0x00, 31, 31, true },		/* NPSS is 0's based */
		{ 0x10, 4, 0, false },		/* ACTIVE */
		{ 0x11, 4, 0, false },
		{ 0x20, 4, 1, true },		/* IDLE */
		{ 0x24, 4, 1, false },
		{ 0x20, 0, 0, false },
		{ 0x30, 4, 4, true },		/* STANDBY */
		{ 0x30, 1, 1, true },
		{ 0x30, 0, 0, false },
		{ 0x70, 4, 0, false },		/* LU_CONTROL */
		{ 0xa0, 2, 1, true },		/* FORCE_IDLE_0 */
		{ 0xb0, 2, 2, true },		/* FORCE_STANDBY_0 */
		{ 0xb4, 2, 2, false },
	};
	static const u8 reserved[] = { 0x4, 0x5, 0x6, 0x8, 0x9, 0xc, 0xd, 0xe,
				       0xf };
	u8 cdb[6] = { START_STOP, 0, 0, 0, 0, 0 };
	struct mqnvme_sense s;
	bool flush;
	int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		cdb[4] = cases[i].byte4;
		flush = !cases[i].flush;
		KUNIT_EXPECT_EQ_MSG(test,
				    mqnvme_scsi_power_state(cdb, cases[i].npss,
							    &flush, &s),
				    cases[i].ps, "case %d", i);
		KUNIT_EXPECT_EQ_MSG(test, flush, cases[i].flush, "case %d", i);
	}
	/* LOEJ: nothing to eject, whatever else is asked */
	for (i = 0; i < 4; i++) {
		cdb[4] = 0x02 | (i & 1) | (i & 2 ? 0x30 : 0);
		sense_poison(&s);
		KUNIT_EXPECT_EQ(test, mqnvme_scsi_power_state(cdb, 4, &flush, &s),
				-1);
		EXPECT_CDB_FIELD_I(test, &s, 4, 1, i);
	}
	for (i = 0; i < ARRAY_SIZE(reserved); i++) {
		cdb[4] = reserved[i] << 4;
		sense_poison(&s);
		KUNIT_EXPECT_EQ(test, mqnvme_scsi_power_state(cdb, 4, &flush, &s),
				-1);
		EXPECT_CDB_FIELD_I(test, &s, 4, 7, i);
	}
}

static void set_lbaf(struct nvme_id_ns *id, int i, u8 ds, u16 ms)
{
	id->lbaf[i].ds = ds;
	id->lbaf[i].ms = cpu_to_le16(ms);
}

/* FORMAT UNIT's LBA format: block size, least metadata, room for PI. */
static void pick_lbaf(struct kunit *test)
{
	struct nvme_id_ns *id = kunit_kzalloc(test, sizeof(*id), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, id);
	id->nlbaf = 5;			/* 0's based: formats 0..5 */
	id->dpc = 0x01 | 0x04;		/* PI types 1 and 3 */
	set_lbaf(id, 0, 9, 0);
	set_lbaf(id, 1, 9, 8);
	set_lbaf(id, 2, 12, 64);
	set_lbaf(id, 3, 12, 8);
	set_lbaf(id, 4, 12, 0);
	set_lbaf(id, 5, 12, 16);
	set_lbaf(id, 6, 13, 0);		/* beyond NLBAF: not offered */
	set_lbaf(id, 7, 32, 0);		/* no such power of two */

	KUNIT_EXPECT_EQ(test, mqnvme_scsi_pick_lbaf(id, 512, 0), 0);
	KUNIT_EXPECT_EQ(test, mqnvme_scsi_pick_lbaf(id, 512, 1), 1);
	KUNIT_EXPECT_EQ(test, mqnvme_scsi_pick_lbaf(id, 512, 3), 1);
	KUNIT_EXPECT_EQ(test, mqnvme_scsi_pick_lbaf(id, 4096, 0), 4);
	KUNIT_EXPECT_EQ(test, mqnvme_scsi_pick_lbaf(id, 4096, 1), 3);
	KUNIT_EXPECT_EQ(test, mqnvme_scsi_pick_lbaf(id, 4096, 3), 3);
	/* DPC does not offer type 2 */
	KUNIT_EXPECT_EQ(test, mqnvme_scsi_pick_lbaf(id, 4096, 2), -1);
	KUNIT_EXPECT_EQ(test, mqnvme_scsi_pick_lbaf(id, 512, 2), -1);
	KUNIT_EXPECT_EQ(test, mqnvme_scsi_pick_lbaf(id, 1024, 0), -1);
	KUNIT_EXPECT_EQ(test, mqnvme_scsi_pick_lbaf(id, 8192, 0), -1);
	KUNIT_EXPECT_EQ(test, mqnvme_scsi_pick_lbaf(id, 0, 0), -1);
	KUNIT_EXPECT_EQ(test, mqnvme_scsi_pick_lbaf(id, 4097, 0), -1);
	id->nlbaf = 6;
	KUNIT_EXPECT_EQ(test, mqnvme_scsi_pick_lbaf(id, 8192, 0), 6);
	KUNIT_EXPECT_EQ(test, mqnvme_scsi_pick_lbaf(id, 8192, 1), -1);

	/* equal metadata: the first such format */
	set_lbaf(id, 5, 12, 8);
	KUNIT_EXPECT_EQ(test, mqnvme_scsi_pick_lbaf(id, 4096, 1), 3);
	/* the only format of a size, whatever its metadata size */
	set_lbaf(id, 6, 13, U16_MAX);
	KUNIT_EXPECT_EQ(test, mqnvme_scsi_pick_lbaf(id, 8192, 0), 6);
	KUNIT_EXPECT_EQ(test, mqnvme_scsi_pick_lbaf(id, 8192, 1), 6);
	/* all 64 formats are looked at */
	id->nlbaf = 63;
	set_lbaf(id, 63, 16, 0);
	KUNIT_EXPECT_EQ(test, mqnvme_scsi_pick_lbaf(id, 65536, 0), 63);
	id->nlbaf = 255;	/* beyond the array: clamped */
	KUNIT_EXPECT_EQ(test, mqnvme_scsi_pick_lbaf(id, 65536, 0), 63);
	id->dpc = 0;
	KUNIT_EXPECT_EQ(test, mqnvme_scsi_pick_lbaf(id, 512, 1), -1);
	KUNIT_EXPECT_EQ(test, mqnvme_scsi_pick_lbaf(id, 512, 0), 0);
}

static struct kunit_case mqnvme_scsi_cdb_cases[] = {
	KUNIT_CASE(cdb_decode_rw),
	KUNIT_CASE(cdb_decode_verify),
	KUNIT_CASE(cdb_decode_write_same),
	KUNIT_CASE(cdb_decode_sync_cache),
	KUNIT_CASE(cdb_decode_none),
	KUNIT_CASE(cdb_alloc_len),
	KUNIT_CASE(cdb_lookup_unknown),
	KUNIT_CASE(cdb_lookup_service_action),
	KUNIT_CASE(cdb_lookup_caps),
	KUNIT_CASE(cdb_lookup_short),
	KUNIT_CASE(cdb_privileges),
	KUNIT_CASE(cdb_check_reserved),
	KUNIT_CASE(cdb_check_usage_is_mask),
	KUNIT_CASE(cdb_check_range),
	KUNIT_CASE(unmap_lengths),
	KUNIT_CASE(unmap_descriptors),
	KUNIT_CASE(unmap_byte_order),
	KUNIT_CASE(unmap_too_many),
	KUNIT_CASE(power_states),
	KUNIT_CASE(pick_lbaf),
	{}
};

static struct kunit_suite mqnvme_scsi_cdb_suite = {
	.name = "mqnvme_scsi_cdb",
	.test_cases = mqnvme_scsi_cdb_cases,
};

/* ---------------------------------------------------------------------- */
/* mqnvme_scsi_resp: the data the driver answers itself                    */
/* ---------------------------------------------------------------------- */

static int inquiry(const struct mqnvme_scsi_lu *lu, u8 evpd, u8 page, u8 *buf,
		   struct mqnvme_sense *s)
{
	u8 cdb[6] = { INQUIRY, evpd, page, 0x10, 0x00, 0x00 };

	memset(buf, 0, MQNVME_SCSI_RESP_LEN);
	sense_poison(s);
	return mqnvme_scsi_inquiry(lu, cdb, buf, s);
}

/* Standard INQUIRY data: 96 bytes, SPC-4, the identity of the controller. */
static void resp_inquiry_std(struct kunit *test)
{
	static const u8 hdr[8] = {
		0x00, 0x00, 0x06, 0x02, 0x5b, 0x00, 0x00, 0x02,
	};
	static const u8 versions[6] = { 0x00, 0xa0, 0x04, 0x60, 0x04, 0xc0 };
	static const struct {
		u8 dpc;
		u8 protect;
	} dpc[] = {
		{ 0x01, 0x01 }, { 0x02, 0x01 }, { 0x04, 0x01 }, { 0x07, 0x01 },
		/* PI in the first / last bytes of metadata is no PI type */
		{ 0x08, 0x00 }, { 0x18, 0x00 },
	};
	u8 *buf = resp_buf(test);
	struct mqnvme_scsi_lu lu;
	struct mqnvme_sense s;
	int i;

	lu_init(&lu);
	KUNIT_ASSERT_EQ(test, inquiry(&lu, 0, 0, buf, &s), 96);
	EXPECT_BYTES(test, buf, 0, hdr, sizeof(hdr));
	EXPECT_BYTES(test, buf, 8, "NVMe    ", 8);
	EXPECT_BYTES(test, buf, 16, "Samsung SSD 980 ", 16);
	EXPECT_BYTES(test, buf, 32, "GXA7", 4);
	EXPECT_ZERO(test, buf, 36, 58);
	EXPECT_BYTES(test, buf, 58, versions, sizeof(versions));
	EXPECT_ZERO(test, buf, 64, MQNVME_SCSI_RESP_LEN);

	for (i = 0; i < ARRAY_SIZE(dpc); i++) {
		lu.dpc = dpc[i].dpc;
		KUNIT_ASSERT_EQ(test, inquiry(&lu, 0, 0, buf, &s), 96);
		KUNIT_EXPECT_EQ_MSG(test, buf[5], dpc[i].protect, "dpc %02x",
				    dpc[i].dpc);
	}

	pad(lu.model, "QEMU NVMe", sizeof(lu.model));
	KUNIT_ASSERT_EQ(test, inquiry(&lu, 0, 0, buf, &s), 96);
	EXPECT_BYTES(test, buf, 16, "QEMU NVMe       ", 16);
}

/* PRODUCT REVISION LEVEL: the last four non-blank characters of FR. */
static void resp_inquiry_revision(struct kunit *test)
{
	static const struct {
		char fr[9];
		char rev[5];
	} cases[] = {
		{ "5B2QGXA7", "GXA7" },
		{ "ABCDEFGH", "EFGH" },
		{ "1.2.3   ", ".2.3" },
		{ "V1.0    ", "V1.0" },
		{ "AB      ", "AB  " },
		{ "        ", "    " },
		{ "7\0\0\0\0\0\0\0", "7   " },
		{ "12345 \0 ", "2345" },
		{ " X Y    ", " X Y" },
	};
	u8 *buf = resp_buf(test);
	struct mqnvme_scsi_lu lu;
	struct mqnvme_sense s;
	int i;

	lu_init(&lu);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memcpy(lu.firmware, cases[i].fr, sizeof(lu.firmware));
		KUNIT_ASSERT_EQ(test, inquiry(&lu, 0, 0, buf, &s), 96);
		KUNIT_EXPECT_MEMEQ_MSG(test, &buf[32], cases[i].rev, 4,
				       "case %d", i);
		EXPECT_ZERO(test, buf, 36, 58);
	}
}

/* A page code without EVPD, and VPD pages that do not exist. */
static void resp_inquiry_errors(struct kunit *test)
{
	static const u8 pages[] = { 0x01, 0x81, 0x87, 0x89, 0xb3, 0xc0, 0xff };
	u8 *buf = resp_buf(test);
	struct mqnvme_scsi_lu lu;
	struct mqnvme_sense s;
	int i;

	lu_init(&lu);
	KUNIT_EXPECT_EQ(test, inquiry(&lu, 0, 0x80, buf, &s), -1);
	EXPECT_CDB_FIELD(test, &s, 2, 7);
	KUNIT_EXPECT_EQ(test, inquiry(&lu, 0, 0x83, buf, &s), -1);
	EXPECT_CDB_FIELD(test, &s, 2, 7);
	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		KUNIT_EXPECT_EQ_MSG(test, inquiry(&lu, 1, pages[i], buf, &s),
				    -1, "page %02x", pages[i]);
		EXPECT_CDB_FIELD_I(test, &s, 2, 7, i);
	}
}

/* VPD 00h: the supported pages, ascending. */
static void resp_vpd_supported(struct kunit *test)
{
	static const u8 exp[] = {
		0x00, 0x00, 0x00, 0x07, 0x00, 0x80, 0x83, 0x86, 0xb0, 0xb1,
		0xb2,
	};
	u8 *buf = resp_buf(test);
	struct mqnvme_scsi_lu lu;
	struct mqnvme_sense s;

	lu_init(&lu);
	KUNIT_ASSERT_EQ(test, inquiry(&lu, 1, 0x00, buf, &s), sizeof(exp));
	EXPECT_BYTES(test, buf, 0, exp, sizeof(exp));
	EXPECT_ZERO(test, buf, sizeof(exp), MQNVME_SCSI_RESP_LEN);
}

/* VPD 80h: NGUID, else EUI-64, in hex groups of four ended by '.'; else SN_nsid. */
static void resp_vpd_serial(struct kunit *test)
{
	static const char nguid[] = "0011_2233_4455_6677_8899_AABB_CCDD_EEFF.";
	static const char eui[] = "0123_4567_89AB_CDEF.";
	static const char sn[] = "S5GXNF0R123456_00001234";
	static const char full[] = "ABCDEFGHIJKLMNOPQRST_FFFFFFFF";
	u8 *buf = resp_buf(test);
	struct mqnvme_scsi_lu lu;
	struct mqnvme_sense s;

	lu_init(&lu);
	memcpy(lu.nguid, test_nguid, sizeof(lu.nguid));
	memcpy(lu.eui64, test_eui64, sizeof(lu.eui64));
	KUNIT_ASSERT_EQ(test, inquiry(&lu, 1, 0x80, buf, &s), 4 + 40);
	EXPECT_BYTES(test, buf, 0, "\x00\x80\x00\x28", 4);
	EXPECT_BYTES(test, buf, 4, nguid, 40);
	EXPECT_ZERO(test, buf, 44, MQNVME_SCSI_RESP_LEN);

	memset(lu.nguid, 0, sizeof(lu.nguid));
	KUNIT_ASSERT_EQ(test, inquiry(&lu, 1, 0x80, buf, &s), 4 + 20);
	EXPECT_BYTES(test, buf, 0, "\x00\x80\x00\x14", 4);
	EXPECT_BYTES(test, buf, 4, eui, 20);
	EXPECT_ZERO(test, buf, 24, MQNVME_SCSI_RESP_LEN);

	memset(lu.eui64, 0, sizeof(lu.eui64));
	KUNIT_ASSERT_EQ(test, inquiry(&lu, 1, 0x80, buf, &s), 4 + 23);
	EXPECT_BYTES(test, buf, 0, "\x00\x80\x00\x17", 4);
	EXPECT_BYTES(test, buf, 4, sn, 23);
	EXPECT_ZERO(test, buf, 27, MQNVME_SCSI_RESP_LEN);

	memcpy(lu.serial, "ABCDEFGHIJKLMNOPQRST", sizeof(lu.serial));
	lu.nsid = 0xffffffff;
	KUNIT_ASSERT_EQ(test, inquiry(&lu, 1, 0x80, buf, &s), 4 + 29);
	EXPECT_BYTES(test, buf, 0, "\x00\x80\x00\x1d", 4);
	EXPECT_BYTES(test, buf, 4, full, 29);
	EXPECT_ZERO(test, buf, 33, MQNVME_SCSI_RESP_LEN);

	/* NUL padding counts as blank as well */
	memset(lu.serial, 0, sizeof(lu.serial));
	memcpy(lu.serial, "XY", 2);
	lu.nsid = 1;
	KUNIT_ASSERT_EQ(test, inquiry(&lu, 1, 0x80, buf, &s), 4 + 11);
	EXPECT_BYTES(test, buf, 0, "\x00\x80\x00\x0b", 4);
	EXPECT_BYTES(test, buf, 4, "XY_00000001", 11);
}

/* The T10 vendor id designator: "NVMe    ", MN, SN, nsid in hex. */
static noinline void expect_t10_desig(struct kunit *test, const u8 *buf,
				      unsigned int off,
				      const struct mqnvme_scsi_lu *lu)
{
	EXPECT_BYTES(test, buf, off, "\x02\x01\x00\x4c", 4);
	EXPECT_BYTES(test, buf, off + 4, "NVMe    ", 8);
	EXPECT_BYTES(test, buf, off + 12, lu->model, 40);
	EXPECT_BYTES(test, buf, off + 52, lu->serial, 20);
	EXPECT_BYTES(test, buf, off + 72, "00001234", 8);
}

/* VPD 83h: EUI-64 based designators, SCSI name string, T10 vendor id. */
static void resp_vpd_devid(struct kunit *test)
{
	static const char name32[] = "eui.00112233445566778899AABBCCDDEEFF";
	static const char name16[] = "eui.0123456789ABCDEF";
	u8 *buf = resp_buf(test);
	struct mqnvme_scsi_lu lu;
	struct mqnvme_sense s;

	lu_init(&lu);
	memcpy(lu.nguid, test_nguid, sizeof(lu.nguid));
	memcpy(lu.eui64, test_eui64, sizeof(lu.eui64));
	KUNIT_ASSERT_EQ(test, inquiry(&lu, 1, 0x83, buf, &s), 160);
	EXPECT_BYTES(test, buf, 0, "\x00\x83\x00\x9c", 4);
	/* binary, EUI-64 based, 16 bytes: the NGUID */
	EXPECT_BYTES(test, buf, 4, "\x01\x02\x00\x10", 4);
	EXPECT_BYTES(test, buf, 8, test_nguid, 16);
	/* binary, EUI-64 based, 8 bytes */
	EXPECT_BYTES(test, buf, 24, "\x01\x02\x00\x08", 4);
	EXPECT_BYTES(test, buf, 28, test_eui64, 8);
	/* UTF-8 SCSI name string, NUL terminated, a multiple of 4 */
	EXPECT_BYTES(test, buf, 36, "\x03\x08\x00\x28", 4);
	EXPECT_BYTES(test, buf, 40, name32, 36);
	EXPECT_ZERO(test, buf, 76, 80);
	expect_t10_desig(test, buf, 80, &lu);
	EXPECT_ZERO(test, buf, 160, MQNVME_SCSI_RESP_LEN);

	memset(lu.nguid, 0, sizeof(lu.nguid));
	KUNIT_ASSERT_EQ(test, inquiry(&lu, 1, 0x83, buf, &s), 124);
	EXPECT_BYTES(test, buf, 0, "\x00\x83\x00\x78", 4);
	EXPECT_BYTES(test, buf, 4, "\x01\x02\x00\x08", 4);
	EXPECT_BYTES(test, buf, 8, test_eui64, 8);
	EXPECT_BYTES(test, buf, 16, "\x03\x08\x00\x18", 4);
	EXPECT_BYTES(test, buf, 20, name16, 20);
	EXPECT_ZERO(test, buf, 40, 44);
	expect_t10_desig(test, buf, 44, &lu);
	EXPECT_ZERO(test, buf, 124, MQNVME_SCSI_RESP_LEN);

	memset(lu.eui64, 0, sizeof(lu.eui64));
	KUNIT_ASSERT_EQ(test, inquiry(&lu, 1, 0x83, buf, &s), 84);
	EXPECT_BYTES(test, buf, 0, "\x00\x83\x00\x50", 4);
	expect_t10_desig(test, buf, 4, &lu);
	EXPECT_ZERO(test, buf, 84, MQNVME_SCSI_RESP_LEN);
}

/* VPD 86h: SPT from DPC, GRD_CHK/REF_CHK from the PI type, SIMPSUP, V_SUP. */
static void resp_vpd_extended(struct kunit *test)
{
	static const struct {
		u8 dpc;
		u8 pi_type;
		bool vwc;
		u8 byte4;
	} cases[] = {
		{ 0x00, 0, true, 0x00 },
		{ 0x01, 1, true, 0x05 },	/* SPT 000b: type 1 */
		{ 0x02, 2, false, 0x15 },	/* SPT 010b: type 2 */
		{ 0x03, 1, true, 0x0d },	/* SPT 001b: types 1, 2 */
		{ 0x04, 3, false, 0x24 },	/* SPT 100b: type 3 */
		{ 0x05, 0, true, 0x18 },	/* SPT 011b: types 1, 3 */
		{ 0x06, 3, true, 0x2c },	/* SPT 101b: types 2, 3 */
		{ 0x07, 2, true, 0x3d },	/* SPT 111b: types 1-3 */
		{ 0x1f, 1, false, 0x3d },
		{ 0x18, 0, false, 0x00 },
	};
	u8 *buf = resp_buf(test);
	struct mqnvme_scsi_lu lu;
	struct mqnvme_sense s;
	u8 exp[7] = { 0x00, 0x86, 0x00, 0x3c, 0x00, 0x01, 0x00 };
	int i;

	lu_init(&lu);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		lu.dpc = cases[i].dpc;
		lu.pi_type = cases[i].pi_type;
		lu.caps = MQNVME_SCSI_CAP_ALL;
		if (!cases[i].vwc)
			lu.caps &= ~MQNVME_SCSI_CAP_VWC;
		exp[4] = cases[i].byte4;
		exp[6] = cases[i].vwc;		/* V_SUP */
		KUNIT_ASSERT_EQ_MSG(test, inquiry(&lu, 1, 0x86, buf, &s), 64,
				    "case %d", i);
		KUNIT_EXPECT_MEMEQ_MSG(test, buf, exp, sizeof(exp), "case %d",
				       i);
		EXPECT_ZERO(test, buf, sizeof(exp), MQNVME_SCSI_RESP_LEN);
	}
}

/* VPD B0h: transfer limits from MDTS, unmap limits with Dataset Management. */
static void resp_vpd_limits(struct kunit *test)
{
	static const u8 dsm[64] = {
		0x00, 0xb0, 0x00, 0x3c, 0x01, 0x00, 0x00, 0x00,
		0x00, 0x01, 0x23, 0x45, 0x00, 0x01, 0x23, 0x45,
		0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
		0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01,
	};
	static const u8 no_dsm[64] = {
		0x00, 0xb0, 0x00, 0x3c, 0x01, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00,
	};
	u8 *buf = resp_buf(test);
	struct mqnvme_scsi_lu lu;
	struct mqnvme_sense s;

	lu_init(&lu);
	lu.max_xfer_blocks = 0x12345;
	KUNIT_ASSERT_EQ(test, inquiry(&lu, 1, 0xb0, buf, &s), 64);
	EXPECT_BYTES(test, buf, 0, dsm, sizeof(dsm));
	EXPECT_ZERO(test, buf, 64, MQNVME_SCSI_RESP_LEN);

	lu.max_xfer_blocks = 512;
	lu.caps &= ~MQNVME_SCSI_CAP_DSM;
	KUNIT_ASSERT_EQ(test, inquiry(&lu, 1, 0xb0, buf, &s), 64);
	EXPECT_BYTES(test, buf, 0, no_dsm, sizeof(no_dsm));
	EXPECT_ZERO(test, buf, 64, MQNVME_SCSI_RESP_LEN);
}

/* VPD B1h (non-rotating) and B2h (logical block provisioning). */
static void resp_vpd_b1_b2(struct kunit *test)
{
	static const struct {
		u32 caps;
		bool lbprz;
		u8 byte5;
		u8 byte6;
	} cases[] = {
		{ MQNVME_SCSI_CAP_ALL, true, 0xe4, 0x02 },
		{ MQNVME_SCSI_CAP_ALL, false, 0xe0, 0x02 },
		{ MQNVME_SCSI_CAP_DSM, false, 0x80, 0x02 },
		{ MQNVME_SCSI_CAP_DSM, true, 0x84, 0x02 },
		{ MQNVME_SCSI_CAP_WZ, false, 0x60, 0x00 },
		{ MQNVME_SCSI_CAP_WZ, true, 0x60, 0x00 },
		{ 0, true, 0x00, 0x00 },
		{ 0, false, 0x00, 0x00 },
	};
	static const u8 b1[6] = { 0x00, 0xb1, 0x00, 0x3c, 0x00, 0x01 };
	u8 exp[8] = { 0x00, 0xb2, 0x00, 0x04 };
	u8 *buf = resp_buf(test);
	struct mqnvme_scsi_lu lu;
	struct mqnvme_sense s;
	int i;

	lu_init(&lu);
	KUNIT_ASSERT_EQ(test, inquiry(&lu, 1, 0xb1, buf, &s), 64);
	EXPECT_BYTES(test, buf, 0, b1, sizeof(b1));
	EXPECT_ZERO(test, buf, sizeof(b1), MQNVME_SCSI_RESP_LEN);

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		lu.caps = cases[i].caps;
		lu.lbprz = cases[i].lbprz;
		exp[5] = cases[i].byte5;
		exp[6] = cases[i].byte6;
		KUNIT_ASSERT_EQ_MSG(test, inquiry(&lu, 1, 0xb2, buf, &s), 8,
				    "case %d", i);
		KUNIT_EXPECT_MEMEQ_MSG(test, buf, exp, sizeof(exp), "case %d",
				       i);
		EXPECT_ZERO(test, buf, sizeof(exp), MQNVME_SCSI_RESP_LEN);
	}
}

static int read_capacity(const struct mqnvme_scsi_lu *lu, bool sixteen,
			 u64 lba, bool pmi, u8 *buf, struct mqnvme_sense *s)
{
	u8 cdb[16] = { };

	if (sixteen) {
		cdb[0] = SERVICE_ACTION_IN_16;
		cdb[1] = SAI_READ_CAPACITY_16;
		put_unaligned_be64(lba, &cdb[2]);
		cdb[13] = 32;
		cdb[14] = pmi;
	} else {
		cdb[0] = READ_CAPACITY;
		put_unaligned_be32(lba, &cdb[2]);
		cdb[8] = pmi;
	}
	memset(buf, 0, MQNVME_SCSI_RESP_LEN);
	sense_poison(s);
	return mqnvme_scsi_read_capacity(lu, cdb, buf, s);
}

/* READ CAPACITY(10): last LBA clipped to FFFFFFFFh, block length. */
static void resp_read_capacity10(struct kunit *test)
{
	static const struct {
		u64 nblocks;
		u8 shift;
		u8 exp[8];
	} cases[] = {
		{ 0x200000, 12, { 0x00, 0x1f, 0xff, 0xff, 0x00, 0x00, 0x10, 0x00 } },
		{ 1, 9, { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00 } },
		{ 0xffffffff, 9, { 0xff, 0xff, 0xff, 0xfe, 0x00, 0x00, 0x02, 0x00 } },
		{ 0x100000000ULL, 9, { 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x02, 0x00 } },
		{ 0x100000001ULL, 9, { 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x02, 0x00 } },
		{ 0x123456789ULL, 16, { 0xff, 0xff, 0xff, 0xff, 0x00, 0x01, 0x00, 0x00 } },
		{ U64_MAX, 12, { 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x10, 0x00 } },
	};
	u8 *buf = resp_buf(test);
	struct mqnvme_scsi_lu lu;
	struct mqnvme_sense s;
	int i;

	lu_init(&lu);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		lu.nblocks = cases[i].nblocks;
		lu.lba_shift = cases[i].shift;
		KUNIT_ASSERT_EQ(test, read_capacity(&lu, false, 0, false, buf,
						    &s), 8);
		KUNIT_EXPECT_MEMEQ_MSG(test, buf, cases[i].exp, 8, "case %d",
				       i);
		EXPECT_ZERO(test, buf, 8, MQNVME_SCSI_RESP_LEN);
	}
	/* PMI 0 with an LBA is an invalid field; PMI 1 takes any LBA. */
	KUNIT_EXPECT_EQ(test, read_capacity(&lu, false, 1, false, buf, &s), -1);
	EXPECT_CDB_FIELD(test, &s, 2, 7);
	KUNIT_EXPECT_EQ(test, read_capacity(&lu, false, 0x80000000, false, buf,
					    &s), -1);
	EXPECT_CDB_FIELD(test, &s, 2, 7);
	KUNIT_EXPECT_EQ(test, read_capacity(&lu, false, 0x1234, true, buf, &s),
			8);
}

/* READ CAPACITY(16): 64-bit last LBA, PROT_EN/P_TYPE, LBPME/LBPRZ. */
static void resp_read_capacity16(struct kunit *test)
{
	static const u8 exp[32] = {
		0x00, 0x00, 0x00, 0x01, 0x23, 0x45, 0x67, 0x88,
		0x00, 0x00, 0x02, 0x00,
	};
	static const u8 big[12] = {
		0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff,
		0x00, 0x00, 0x10, 0x00,
	};
	static const struct {
		u8 pi_type;
		u32 caps;
		bool lbprz;
		u8 byte12;
		u8 byte14;
	} cases[] = {
		{ 1, 0, false, 0x01, 0x00 },
		{ 2, 0, false, 0x03, 0x00 },
		{ 3, 0, true, 0x05, 0x00 },
		{ 0, MQNVME_SCSI_CAP_DSM, true, 0x00, 0xc0 },
		{ 0, MQNVME_SCSI_CAP_DSM, false, 0x00, 0x80 },
		/* LBPRZ only with LBPME */
		{ 0, MQNVME_SCSI_CAP_ALL & ~MQNVME_SCSI_CAP_DSM, true, 0x00,
		  0x00 },
		{ 3, MQNVME_SCSI_CAP_ALL, true, 0x05, 0xc0 },
	};
	u8 *buf = resp_buf(test);
	struct mqnvme_scsi_lu lu;
	struct mqnvme_sense s;
	int i;

	lu_init(&lu);
	lu.nblocks = 0x123456789ULL;
	lu.lba_shift = 9;
	lu.caps = 0;
	KUNIT_ASSERT_EQ(test, read_capacity(&lu, true, 0, false, buf, &s), 32);
	EXPECT_BYTES(test, buf, 0, exp, sizeof(exp));
	EXPECT_ZERO(test, buf, 32, MQNVME_SCSI_RESP_LEN);

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		lu.pi_type = cases[i].pi_type;
		lu.caps = cases[i].caps;
		lu.lbprz = cases[i].lbprz;
		KUNIT_ASSERT_EQ(test, read_capacity(&lu, true, 0, false, buf,
						    &s), 32);
		KUNIT_EXPECT_EQ_MSG(test, buf[12], cases[i].byte12, "case %d",
				    i);
		KUNIT_EXPECT_EQ_MSG(test, buf[13], 0, "case %d", i);
		KUNIT_EXPECT_EQ_MSG(test, buf[14], cases[i].byte14, "case %d",
				    i);
		KUNIT_EXPECT_MEMEQ_MSG(test, buf, exp, 12, "case %d", i);
		EXPECT_ZERO(test, buf, 15, MQNVME_SCSI_RESP_LEN);
	}

	lu.nblocks = 1ULL << 40;
	lu.lba_shift = 12;
	KUNIT_ASSERT_EQ(test, read_capacity(&lu, true, 0, false, buf, &s), 32);
	EXPECT_BYTES(test, buf, 0, big, sizeof(big));

	KUNIT_EXPECT_EQ(test, read_capacity(&lu, true, 1, false, buf, &s), -1);
	EXPECT_CDB_FIELD(test, &s, 2, 7);
	KUNIT_EXPECT_EQ(test, read_capacity(&lu, true, 1ULL << 63, false, buf,
					    &s), -1);
	EXPECT_CDB_FIELD(test, &s, 2, 7);
	KUNIT_EXPECT_EQ(test, read_capacity(&lu, true, U64_MAX, true, buf, &s),
			32);
}

/* Mode pages as MODE SENSE returns them (lu_init(): VWC, WCE per case). */
static const u8 pg01_cur[12] = { 0x01, 0x0a, 0xc0 };
static const u8 pg01_chg[12] = { 0x01, 0x0a };
static const u8 pg08_wce[20] = { 0x08, 0x12, 0x04 };
static const u8 pg08_off[20] = { 0x08, 0x12, 0x00 };
static const u8 pg0a_cur[12] = {
	0x0a, 0x0a, 0x02, 0x10, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00,
};

static const u8 pg0a_dsense[12] = {
	0x0a, 0x0a, 0x06, 0x10, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00,
};

static const u8 pg0a_chg[12] = { 0x0a, 0x0a, 0x04 };
static const u8 pg1a[40] = { 0x1a, 0x26 };
static const u8 pg1c_cur[12] = { 0x1c, 0x0a, 0x00, 0x06 };
static const u8 pg1c_chg[12] = { 0x1c, 0x0a };

/* The five pages of page code 3Fh at @off, in ascending order. */
static noinline void expect_all_pages(struct kunit *test, const u8 *buf,
				      unsigned int off, const u8 *p01,
				      const u8 *p08, const u8 *p0a,
				      const u8 *p1c, int line)
{
	expect_bytes(test, buf, off, p01, 12, line);
	expect_bytes(test, buf, off + 12, p08, 20, line);
	expect_bytes(test, buf, off + 32, p0a, 12, line);
	expect_bytes(test, buf, off + 44, pg1a, 40, line);
	expect_bytes(test, buf, off + 84, p1c, 12, line);
	expect_zero(test, buf, off + 96, MQNVME_SCSI_RESP_LEN, line);
}

#define EXPECT_ALL_PAGES(test, buf, off, p01, p08, p0a, p1c) \
	expect_all_pages(test, buf, off, p01, p08, p0a, p1c, __LINE__)

static int mode_sense(const struct mqnvme_scsi_lu *lu, bool ten, u8 byte1,
		      u8 byte2, u8 byte3, u8 *buf, struct mqnvme_sense *s)
{
	u8 cdb[10] = { ten ? MODE_SENSE_10 : MODE_SENSE, byte1, byte2, byte3 };

	if (ten)
		cdb[8] = 0xff;
	else
		cdb[4] = 0xff;
	memset(buf, 0, MQNVME_SCSI_RESP_LEN);
	sense_poison(s);
	return mqnvme_scsi_mode_sense(lu, cdb, buf, s);
}

/* MODE SENSE(6): header, short block descriptor unless DBD, pages. */
static void resp_mode_sense6(struct kunit *test)
{
	static const u8 hdr_bd[12] = {
		0x1f, 0x00, 0x10, 0x08,
		0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00,
	};
	static const u8 hdr_clip[12] = {
		0x17, 0x00, 0x10, 0x08,
		0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x02, 0x00,
	};
	u8 *buf = resp_buf(test), *again = resp_buf(test);
	struct mqnvme_scsi_lu lu;
	struct mqnvme_sense s;

	lu_init(&lu);
	lu.wce = true;
	KUNIT_ASSERT_EQ(test, mode_sense(&lu, false, 0x00, 0x08, 0, buf, &s),
			32);
	EXPECT_BYTES(test, buf, 0, hdr_bd, sizeof(hdr_bd));
	EXPECT_BYTES(test, buf, 12, pg08_wce, sizeof(pg08_wce));
	EXPECT_ZERO(test, buf, 32, MQNVME_SCSI_RESP_LEN);

	/* DBD */
	lu.wce = false;
	KUNIT_ASSERT_EQ(test, mode_sense(&lu, false, 0x08, 0x08, 0, buf, &s),
			24);
	EXPECT_BYTES(test, buf, 0, "\x17\x00\x10\x00", 4);
	EXPECT_BYTES(test, buf, 4, pg08_off, sizeof(pg08_off));
	EXPECT_ZERO(test, buf, 24, MQNVME_SCSI_RESP_LEN);

	/* more blocks than 32 bits: FFFFFFFFh in the short descriptor */
	lu.nblocks = 0x123456789ULL;
	lu.lba_shift = 9;
	KUNIT_ASSERT_EQ(test, mode_sense(&lu, false, 0x00, 0x01, 0, buf, &s),
			24);
	EXPECT_BYTES(test, buf, 0, hdr_clip, sizeof(hdr_clip));
	EXPECT_BYTES(test, buf, 12, pg01_cur, sizeof(pg01_cur));
	EXPECT_ZERO(test, buf, 24, MQNVME_SCSI_RESP_LEN);

	/* all pages, current values; subpage FFh is the same */
	lu.wce = true;
	KUNIT_ASSERT_EQ(test, mode_sense(&lu, false, 0x08, 0x3f, 0, buf, &s),
			100);
	EXPECT_BYTES(test, buf, 0, "\x63\x00\x10\x00", 4);
	EXPECT_ALL_PAGES(test, buf, 4, pg01_cur, pg08_wce, pg0a_cur, pg1c_cur);
	KUNIT_ASSERT_EQ(test, mode_sense(&lu, false, 0x08, 0x3f, 0xff, again,
					 &s), 100);
	EXPECT_BYTES(test, again, 0, buf, 100);
	KUNIT_ASSERT_EQ(test, mode_sense(&lu, false, 0x00, 0x3f, 0, buf, &s),
			108);
	KUNIT_EXPECT_EQ(test, buf[0], 107);
	KUNIT_EXPECT_EQ(test, buf[3], 8);
	EXPECT_ALL_PAGES(test, buf, 12, pg01_cur, pg08_wce, pg0a_cur, pg1c_cur);
}

/* MODE SENSE(10): LLBAA long descriptor, LONGLBA, 16-bit lengths. */
static void resp_mode_sense10(struct kunit *test)
{
	static const u8 llbaa[24] = {
		0x00, 0x22, 0x00, 0x10, 0x01, 0x00, 0x00, 0x10,
		0x00, 0x00, 0x00, 0x01, 0x23, 0x45, 0x67, 0x89,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00,
	};
	static const u8 shortbd[16] = {
		0x00, 0x1a, 0x00, 0x10, 0x00, 0x00, 0x00, 0x08,
		0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x02, 0x00,
	};
	static const u8 nobd[8] = {
		0x00, 0x12, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00,
	};
	static const u8 all[8] = {
		0x00, 0x76, 0x00, 0x10, 0x01, 0x00, 0x00, 0x10,
	};
	u8 *buf = resp_buf(test);
	struct mqnvme_scsi_lu lu;
	struct mqnvme_sense s;

	lu_init(&lu);
	lu.nblocks = 0x123456789ULL;
	lu.lba_shift = 9;
	lu.d_sense = true;
	KUNIT_ASSERT_EQ(test, mode_sense(&lu, true, 0x10, 0x0a, 0, buf, &s),
			36);
	EXPECT_BYTES(test, buf, 0, llbaa, sizeof(llbaa));
	EXPECT_BYTES(test, buf, 24, pg0a_dsense, sizeof(pg0a_dsense));
	EXPECT_ZERO(test, buf, 36, MQNVME_SCSI_RESP_LEN);

	KUNIT_ASSERT_EQ(test, mode_sense(&lu, true, 0x00, 0x0a, 0, buf, &s),
			28);
	EXPECT_BYTES(test, buf, 0, shortbd, sizeof(shortbd));
	EXPECT_BYTES(test, buf, 16, pg0a_dsense, sizeof(pg0a_dsense));
	EXPECT_ZERO(test, buf, 28, MQNVME_SCSI_RESP_LEN);

	/* DBD wins over LLBAA: no descriptor, LONGLBA 0 */
	KUNIT_ASSERT_EQ(test, mode_sense(&lu, true, 0x18, 0x0a, 0, buf, &s),
			20);
	EXPECT_BYTES(test, buf, 0, nobd, sizeof(nobd));
	EXPECT_BYTES(test, buf, 8, pg0a_dsense, sizeof(pg0a_dsense));
	EXPECT_ZERO(test, buf, 20, MQNVME_SCSI_RESP_LEN);

	lu.d_sense = false;
	KUNIT_ASSERT_EQ(test, mode_sense(&lu, true, 0x10, 0x3f, 0, buf, &s),
			120);
	EXPECT_BYTES(test, buf, 0, all, sizeof(all));
	EXPECT_BYTES(test, buf, 8, &llbaa[8], 16);
	EXPECT_ALL_PAGES(test, buf, 24, pg01_cur, pg08_off, pg0a_cur, pg1c_cur);
}

/* PC 01b: the changeable bits; PC 10b: the default values. */
static void resp_mode_sense_pc(struct kunit *test)
{
	u8 *buf = resp_buf(test);
	struct mqnvme_scsi_lu lu;
	struct mqnvme_sense s;

	lu_init(&lu);
	lu.wce = false;
	lu.d_sense = true;
	KUNIT_ASSERT_EQ(test, mode_sense(&lu, true, 0x08, 0x7f, 0, buf, &s),
			104);
	EXPECT_BYTES(test, buf, 0, "\x00\x66\x00\x10\x00\x00\x00\x00", 8);
	EXPECT_ALL_PAGES(test, buf, 8, pg01_chg, pg08_wce, pg0a_chg, pg1c_chg);
	KUNIT_ASSERT_EQ(test, mode_sense(&lu, true, 0x08, 0xbf, 0, buf, &s),
			104);
	EXPECT_ALL_PAGES(test, buf, 8, pg01_cur, pg08_wce, pg0a_cur, pg1c_cur);
	KUNIT_ASSERT_EQ(test, mode_sense(&lu, false, 0x08, 0x4a, 0, buf, &s),
			16);
	EXPECT_BYTES(test, buf, 0, "\x0f\x00\x10\x00", 4);
	EXPECT_BYTES(test, buf, 4, pg0a_chg, sizeof(pg0a_chg));

	/* without a volatile write cache WCE is neither changeable nor on */
	lu.caps &= ~MQNVME_SCSI_CAP_VWC;
	KUNIT_ASSERT_EQ(test, mode_sense(&lu, true, 0x08, 0x7f, 0, buf, &s),
			104);
	EXPECT_ALL_PAGES(test, buf, 8, pg01_chg, pg08_off, pg0a_chg, pg1c_chg);
	KUNIT_ASSERT_EQ(test, mode_sense(&lu, true, 0x08, 0xbf, 0, buf, &s),
			104);
	EXPECT_ALL_PAGES(test, buf, 8, pg01_cur, pg08_off, pg0a_cur, pg1c_cur);
	KUNIT_ASSERT_EQ(test, mode_sense(&lu, true, 0x08, 0x3f, 0, buf, &s),
			104);
	EXPECT_ALL_PAGES(test, buf, 8, pg01_cur, pg08_off, pg0a_dsense,
			 pg1c_cur);
}

/* Saved values, unknown pages, subpages. */
static void resp_mode_sense_errors(struct kunit *test)
{
	static const u8 pages[] = { 0x00, 0x02, 0x03, 0x19, 0x1b, 0x3e };
	static const u8 subpages[] = { 0x01, 0x02, 0xfe };
	u8 *buf = resp_buf(test);
	struct mqnvme_scsi_lu lu;
	struct mqnvme_sense s;
	int i;

	lu_init(&lu);
	KUNIT_EXPECT_EQ(test, mode_sense(&lu, false, 0, 0xc8, 0, buf, &s), -1);
	EXPECT_SENSE(test, &s, ILLEGAL_REQUEST, 0x39, 0x00);
	KUNIT_EXPECT_EQ(test, mode_sense(&lu, true, 0, 0xff, 0x01, buf, &s), -1);
	EXPECT_SENSE(test, &s, ILLEGAL_REQUEST, 0x39, 0x00);
	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		KUNIT_EXPECT_EQ(test, mode_sense(&lu, i & 1, 0, pages[i], 0, buf,
						 &s), -1);
		EXPECT_CDB_FIELD_I(test, &s, 2, 5, i);
	}
	for (i = 0; i < ARRAY_SIZE(subpages); i++) {
		KUNIT_EXPECT_EQ(test, mode_sense(&lu, i & 1, 0, 0x08,
						 subpages[i], buf, &s), -1);
		EXPECT_CDB_FIELD_I(test, &s, 3, 7, i);
	}
}

static bool mode_select(const struct mqnvme_scsi_lu *lu, bool ten, u8 byte1,
			const u8 *param, unsigned int len,
			struct mqnvme_mode_select *ms, struct mqnvme_sense *s)
{
	u8 cdb[10] = { ten ? MODE_SELECT_10 : MODE_SELECT, byte1 };

	if (ten)
		put_unaligned_be16(len, &cdb[7]);
	else
		cdb[4] = len;
	memset(ms, 0x5a, sizeof(*ms));
	sense_poison(s);
	return mqnvme_scsi_mode_select(lu, cdb, param, len, ms, s);
}

static noinline void expect_ms(struct kunit *test,
			       const struct mqnvme_mode_select *ms,
			       u32 block_len, int wce, int d_sense, int line)
{
	KUNIT_EXPECT_EQ_MSG(test, ms->block_len, block_len, "line %d", line);
	KUNIT_EXPECT_EQ_MSG(test, ms->wce, wce, "line %d", line);
	KUNIT_EXPECT_EQ_MSG(test, ms->d_sense, d_sense, "line %d", line);
}

#define EXPECT_MS(test, ms, block_len, wce, d_sense) \
	expect_ms(test, ms, block_len, wce, d_sense, __LINE__)

/* A parameter list: @hdr_len header bytes (zero), then @n pieces. */
static unsigned int param_list(u8 *p, unsigned int hdr_len,
			       const u8 *const *piece, const u8 *piece_len,
			       int n)
{
	unsigned int len = hdr_len;
	int i;

	memset(p, 0, hdr_len);
	for (i = 0; i < n; i++) {
		memcpy(&p[len], piece[i], piece_len[i]);
		len += piece_len[i];
	}
	return len;
}

/* MODE SELECT pages: WCE and D_SENSE as asked, the rest as it is. */
static void resp_mode_select_pages(struct kunit *test)
{
	static const u8 *const five[] = {
		pg08_wce, pg0a_dsense, pg01_cur, pg1c_cur, pg1a,
	};
	static const u8 five_len[] = { 20, 12, 12, 12, 40 };
	struct mqnvme_mode_select ms;
	struct mqnvme_scsi_lu lu;
	struct mqnvme_sense s;
	u8 *p = resp_buf(test), *sense = resp_buf(test);
	unsigned int len;
	int n;

	lu_init(&lu);
	len = param_list(p, 4, five, five_len, 1);
	KUNIT_EXPECT_TRUE(test, mode_select(&lu, false, 0x10, p, len, &ms, &s));
	EXPECT_MS(test, &ms, 0, 1, -1);
	lu.wce = true;
	memcpy(&p[4], pg08_off, sizeof(pg08_off));
	KUNIT_EXPECT_TRUE(test, mode_select(&lu, false, 0x10, p, len, &ms, &s));
	EXPECT_MS(test, &ms, 0, 0, -1);
	memcpy(&p[4], pg08_wce, sizeof(pg08_wce));
	KUNIT_EXPECT_TRUE(test, mode_select(&lu, false, 0x10, p, len, &ms, &s));
	EXPECT_MS(test, &ms, 0, 1, -1);

	len = param_list(p, 8, &five[1], &five_len[1], 1);
	KUNIT_EXPECT_TRUE(test, mode_select(&lu, true, 0x10, p, len, &ms, &s));
	EXPECT_MS(test, &ms, 0, -1, 1);
	lu.d_sense = true;
	memcpy(&p[8], pg0a_cur, sizeof(pg0a_cur));
	KUNIT_EXPECT_TRUE(test, mode_select(&lu, true, 0x10, p, len, &ms, &s));
	EXPECT_MS(test, &ms, 0, -1, 0);

	/* all pages in one list */
	lu.wce = false;
	lu.d_sense = false;
	len = param_list(p, 4, five, five_len, 5);
	KUNIT_ASSERT_EQ(test, len, 100);
	KUNIT_EXPECT_TRUE(test, mode_select(&lu, false, 0x10, p, len, &ms, &s));
	EXPECT_MS(test, &ms, 0, 1, 1);

	/* no list, or a header alone: nothing asked */
	KUNIT_EXPECT_TRUE(test, mode_select(&lu, false, 0x10, p, 0, &ms, &s));
	EXPECT_MS(test, &ms, 0, -1, -1);
	KUNIT_EXPECT_TRUE(test, mode_select(&lu, false, 0x10, p, 4, &ms, &s));
	EXPECT_MS(test, &ms, 0, -1, -1);
	memset(p, 0, 8);
	KUNIT_EXPECT_TRUE(test, mode_select(&lu, true, 0x10, p, 8, &ms, &s));
	EXPECT_MS(test, &ms, 0, -1, -1);

	/* what MODE SENSE(10) returns is a valid MODE SELECT(10) list */
	lu.wce = true;
	n = mode_sense(&lu, true, 0x10, 0x3f, 0, sense, &s);
	KUNIT_ASSERT_EQ(test, n, 8 + 16 + 96);
	KUNIT_EXPECT_TRUE(test, mode_select(&lu, true, 0x10, sense, n, &ms,
					    &s));
	EXPECT_MS(test, &ms, 4096, 1, 0);
	n = mode_sense(&lu, false, 0x00, 0x3f, 0, sense, &s);
	KUNIT_ASSERT_EQ(test, n, 4 + 8 + 96);
	KUNIT_EXPECT_TRUE(test, mode_select(&lu, false, 0x10, sense, n, &ms,
					    &s));
	EXPECT_MS(test, &ms, 4096, 1, 0);
}

/* The block descriptor: the block length of the next FORMAT UNIT. */
static void resp_mode_select_block_desc(struct kunit *test)
{
	static const u8 bd6[12] = {
		0x00, 0x00, 0x00, 0x08,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00,
	};
	static const u8 bd10[16] = {
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00,
	};
	static const u8 bd10_long[24] = {
		0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x10,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
	};
	static const u32 bad6[] = { 0, 256, 1000, 4095, 0x020000, 0xffffff };
	static const u32 good6[] = { 512, 1024, 4096, 65536 };
	static const u32 bad10[] = { 0x3000, 0x20000, 0x80000000, 256 };
	struct mqnvme_mode_select ms;
	struct mqnvme_scsi_lu lu;
	struct mqnvme_sense s;
	u8 p[64];
	int i;

	lu_init(&lu);
	memcpy(p, bd6, sizeof(bd6));
	KUNIT_EXPECT_TRUE(test, mode_select(&lu, false, 0x10, p, 12, &ms, &s));
	EXPECT_MS(test, &ms, 512, -1, -1);
	memcpy(&p[12], pg08_wce, sizeof(pg08_wce));
	KUNIT_EXPECT_TRUE(test, mode_select(&lu, false, 0x10, p, 32, &ms, &s));
	EXPECT_MS(test, &ms, 512, 1, -1);
	for (i = 0; i < ARRAY_SIZE(good6); i++) {
		put_unaligned_be24(good6[i], &p[9]);
		KUNIT_EXPECT_TRUE_MSG(test, mode_select(&lu, false, 0x10, p, 12,
							&ms, &s), "case %d", i);
		KUNIT_EXPECT_EQ_MSG(test, ms.block_len, good6[i], "case %d", i);
	}
	for (i = 0; i < ARRAY_SIZE(bad6); i++) {
		put_unaligned_be24(bad6[i], &p[9]);
		KUNIT_EXPECT_FALSE_MSG(test, mode_select(&lu, false, 0x10, p, 12,
							 &ms, &s), "case %d", i);
		EXPECT_PARAM_FIELD_I(test, &s, 9, 7, i);
	}

	memcpy(p, bd10, sizeof(bd10));
	KUNIT_EXPECT_TRUE(test, mode_select(&lu, true, 0x10, p, 16, &ms, &s));
	EXPECT_MS(test, &ms, 4096, -1, -1);
	memcpy(p, bd10_long, sizeof(bd10_long));
	KUNIT_EXPECT_TRUE(test, mode_select(&lu, true, 0x10, p, 24, &ms, &s));
	EXPECT_MS(test, &ms, 65536, -1, -1);
	for (i = 0; i < ARRAY_SIZE(bad10); i++) {
		put_unaligned_be32(bad10[i], &p[20]);
		KUNIT_EXPECT_FALSE_MSG(test, mode_select(&lu, true, 0x10, p, 24,
							 &ms, &s), "case %d", i);
		EXPECT_PARAM_FIELD_I(test, &s, 20, 7, i);
	}

	/* descriptor lengths other than 8 (short) or 16 (LONGLBA) */
	memcpy(p, bd6, sizeof(bd6));
	p[3] = 4;
	KUNIT_EXPECT_FALSE(test, mode_select(&lu, false, 0x10, p, 12, &ms, &s));
	EXPECT_PARAM_FIELD(test, &s, 3, 7);
	memcpy(p, bd10, sizeof(bd10));
	p[7] = 16;
	KUNIT_EXPECT_FALSE(test, mode_select(&lu, true, 0x10, p, 24, &ms, &s));
	EXPECT_PARAM_FIELD(test, &s, 6, 7);
	p[4] = 0x01;
	p[7] = 8;
	KUNIT_EXPECT_FALSE(test, mode_select(&lu, true, 0x10, p, 16, &ms, &s));
	EXPECT_PARAM_FIELD(test, &s, 6, 7);
}

/* Refused CDBs and lists, with the pointer to the offending field. */
static void resp_mode_select_errors(struct kunit *test)
{
	static const u8 bad_len08[22] = { 0x08, 0x10 };
	static const u8 unknown[12] = { 0x02, 0x0a };
	static const u8 spf[20] = { 0x48, 0x12, 0x04 };
	static const u8 rcd[20] = { 0x08, 0x12, 0x05 };
	static const u8 awre[12] = { 0x01, 0x0a, 0x40 };
	static const u8 mrie[12] = { 0x1c, 0x0a, 0x00, 0x05 };
	static const u8 pg1a_bad[40] = { 0x1a, 0x26, 0x01 };
	static const u8 qam[12] = {
		0x0a, 0x0a, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff,
	};
	static const u8 gltsd[12] = {
		0x0a, 0x0a, 0x04, 0x10, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff,
	};
	static const struct {
		const u8 *page;
		u8 page_len;
		bool ten;
		u16 byte;
		u8 bit;
	} fields[] = {
		{ bad_len08, 22, false, 5, 7 },	/* page length not 12h */
		{ unknown, 12, false, 4, 5 },
		{ spf, 20, false, 4, 6 },
		{ rcd, 20, false, 6, 0 },	/* RCD is not changeable */
		{ awre, 12, false, 6, 7 },
		{ mrie, 12, false, 7, 1 },
		{ pg1a_bad, 40, true, 10, 0 },
		{ qam, 12, true, 11, 4 },
		{ gltsd, 12, true, 10, 1 },
	};
	struct mqnvme_mode_select ms;
	struct mqnvme_scsi_lu lu;
	struct mqnvme_sense s;
	unsigned int len, hdr;
	u8 p[64] = { };
	int i;

	lu_init(&lu);
	/* SP: nothing can be saved; PF 0: vendor specific pages */
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_FALSE(test, mode_select(&lu, i, 0x11, p, 0, &ms, &s));
		EXPECT_CDB_FIELD_I(test, &s, 1, 0, i);
		KUNIT_EXPECT_FALSE(test, mode_select(&lu, i, 0x01, p, 0, &ms, &s));
		EXPECT_CDB_FIELD_I(test, &s, 1, 0, i);
		KUNIT_EXPECT_FALSE(test, mode_select(&lu, i, 0x00, p, 0, &ms, &s));
		EXPECT_CDB_FIELD_I(test, &s, 1, 4, i);
	}
	/* shorter than the header */
	for (len = 1; len < 8; len++) {
		KUNIT_EXPECT_FALSE(test, mode_select(&lu, true, 0x10, p, len, &ms,
						     &s));
		EXPECT_SENSE_I(test, &s, ILLEGAL_REQUEST, 0x1a, 0x00, len);
		if (len >= 4)
			continue;
		KUNIT_EXPECT_FALSE(test, mode_select(&lu, false, 0x10, p, len,
						     &ms, &s));
		EXPECT_SENSE_I(test, &s, ILLEGAL_REQUEST, 0x1a, 0x00, len);
	}
	/* the block descriptor, a page header or a page runs beyond the list */
	p[3] = 8;
	KUNIT_EXPECT_FALSE(test, mode_select(&lu, false, 0x10, p, 8, &ms, &s));
	EXPECT_SENSE(test, &s, ILLEGAL_REQUEST, 0x1a, 0x00);
	p[3] = 0;
	p[4] = 0x08;
	p[5] = 0x12;
	KUNIT_EXPECT_FALSE(test, mode_select(&lu, false, 0x10, p, 5, &ms, &s));
	EXPECT_SENSE(test, &s, ILLEGAL_REQUEST, 0x1a, 0x00);
	KUNIT_EXPECT_FALSE(test, mode_select(&lu, false, 0x10, p, 16, &ms, &s));
	EXPECT_SENSE(test, &s, ILLEGAL_REQUEST, 0x1a, 0x00);
	memcpy(&p[4], pg08_off, sizeof(pg08_off));
	KUNIT_EXPECT_FALSE(test, mode_select(&lu, false, 0x10, p, 25, &ms, &s));
	EXPECT_SENSE(test, &s, ILLEGAL_REQUEST, 0x1a, 0x00);
	memset(p, 0, sizeof(p));
	p[4] = 0x01;
	p[7] = 16;
	KUNIT_EXPECT_FALSE(test, mode_select(&lu, true, 0x10, p, 20, &ms, &s));
	EXPECT_SENSE(test, &s, ILLEGAL_REQUEST, 0x1a, 0x00);

	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		hdr = fields[i].ten ? 8 : 4;
		memset(p, 0, sizeof(p));
		memcpy(&p[hdr], fields[i].page, fields[i].page_len);
		KUNIT_EXPECT_FALSE_MSG(test,
				       mode_select(&lu, fields[i].ten, 0x10, p,
						   hdr + fields[i].page_len, &ms,
						   &s), "case %d", i);
		EXPECT_PARAM_FIELD_I(test, &s, fields[i].byte, fields[i].bit, i);
	}

	/* the pointer counts from the start of the list, second page here */
	memset(p, 0, sizeof(p));
	memcpy(&p[4], pg08_wce, sizeof(pg08_wce));
	memcpy(&p[24], qam, sizeof(qam));
	KUNIT_EXPECT_FALSE(test, mode_select(&lu, false, 0x10, p, 36, &ms, &s));
	EXPECT_PARAM_FIELD(test, &s, 27, 4);

	/* WCE cannot change without a volatile write cache */
	lu.caps &= ~MQNVME_SCSI_CAP_VWC;
	memcpy(&p[4], pg08_wce, sizeof(pg08_wce));
	KUNIT_EXPECT_FALSE(test, mode_select(&lu, false, 0x10, p, 24, &ms, &s));
	EXPECT_PARAM_FIELD(test, &s, 6, 2);
	memcpy(&p[4], pg08_off, sizeof(pg08_off));
	KUNIT_EXPECT_TRUE(test, mode_select(&lu, false, 0x10, p, 24, &ms, &s));
	EXPECT_MS(test, &ms, 0, 0, -1);
}

struct health_ctx {
	struct nvme_smart_log *smart;
	u8 *selftest;
	struct mqnvme_scsi_health h;
};

/* A SMART log at 323 K (50 C), threshold 358 K (85 C), and a self-test log. */
static void health_init(struct kunit *test, struct health_ctx *c)
{
	int i;

	c->smart = kunit_kzalloc(test, sizeof(*c->smart), GFP_KERNEL);
	c->selftest = kunit_kzalloc(test, MQNVME_SELFTEST_LOG_LEN, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->smart);
	KUNIT_ASSERT_NOT_NULL(test, c->selftest);
	put_unaligned_le16(323, c->smart->temperature);
	for (i = 0; i < MQNVME_SCSI_SELFTEST_ENTRIES; i++)
		c->selftest[4 + 28 * i] = 0x0f;		/* entry not used */
	c->h.smart = c->smart;
	c->h.temp_threshold_k = 358;
	c->h.selftest = c->selftest;
}

static int log_sense(const struct mqnvme_scsi_lu *lu, u8 byte2, u8 byte3,
		     const struct mqnvme_scsi_health *h, u8 *buf,
		     struct mqnvme_sense *s)
{
	u8 cdb[10] = { LOG_SENSE, 0x00, byte2, byte3, 0x00, 0x00, 0x00, 0x10,
		       0x00, 0x00 };

	memset(buf, 0, MQNVME_SCSI_RESP_LEN);
	sense_poison(s);
	return mqnvme_scsi_log_sense(lu, cdb, h, buf, s);
}

/* Page 00h, and 00h/FFh with subpages; 10h only with a self-test log. */
static void resp_log_supported(struct kunit *test)
{
	static const u8 with[] = {
		0x00, 0x00, 0x00, 0x04, 0x00, 0x0d, 0x10, 0x2f,
	};
	static const u8 without[] = { 0x00, 0x00, 0x00, 0x03, 0x00, 0x0d, 0x2f };
	static const u8 sub_with[] = {
		0x40, 0xff, 0x00, 0x0a, 0x00, 0x00, 0x00, 0xff, 0x0d, 0x00,
		0x10, 0x00, 0x2f, 0x00,
	};
	static const u8 sub_without[] = {
		0x40, 0xff, 0x00, 0x08, 0x00, 0x00, 0x00, 0xff, 0x0d, 0x00,
		0x2f, 0x00,
	};
	u8 *buf = resp_buf(test);
	struct mqnvme_scsi_lu lu;
	struct mqnvme_sense s;
	struct health_ctx c;

	lu_init(&lu);
	health_init(test, &c);
	KUNIT_ASSERT_EQ(test, log_sense(&lu, 0x40, 0, &c.h, buf, &s),
			sizeof(with));
	EXPECT_BYTES(test, buf, 0, with, sizeof(with));
	EXPECT_ZERO(test, buf, sizeof(with), MQNVME_SCSI_RESP_LEN);
	KUNIT_ASSERT_EQ(test, log_sense(&lu, 0x40, 0xff, &c.h, buf, &s),
			sizeof(sub_with));
	EXPECT_BYTES(test, buf, 0, sub_with, sizeof(sub_with));
	EXPECT_ZERO(test, buf, sizeof(sub_with), MQNVME_SCSI_RESP_LEN);

	c.h.selftest = NULL;
	KUNIT_ASSERT_EQ(test, log_sense(&lu, 0x40, 0, &c.h, buf, &s),
			sizeof(without));
	EXPECT_BYTES(test, buf, 0, without, sizeof(without));
	EXPECT_ZERO(test, buf, sizeof(without), MQNVME_SCSI_RESP_LEN);
	KUNIT_ASSERT_EQ(test, log_sense(&lu, 0x40, 0xff, &c.h, buf, &s),
			sizeof(sub_without));
	EXPECT_BYTES(test, buf, 0, sub_without, sizeof(sub_without));
	EXPECT_ZERO(test, buf, sizeof(sub_without), MQNVME_SCSI_RESP_LEN);
}

/* Page 0Dh: composite temperature and threshold, Kelvin - 273, FFh unknown. */
static void resp_log_temperature(struct kunit *test)
{
	static const struct {
		u16 temp_k;
		u16 threshold_k;
		u8 temp;
		u8 threshold;
	} cases[] = {
		{ 323, 358, 50, 85 },
		{ 274, 274, 1, 1 },
		{ 273, 0, 0, 0xff },
		{ 0, 343, 0xff, 70 },
		{ 200, 1, 0, 0 },		/* below 0 C: clamped */
		{ 527, 528, 254, 254 },		/* FFh is reserved: 254 */
		{ 600, 65535, 254, 254 },
	};
	u8 exp[16] = {
		0x0d, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x03, 0x02, 0x00, 0x00,
		0x00, 0x01, 0x03, 0x02, 0x00, 0x00,
	};
	u8 *buf = resp_buf(test);
	struct mqnvme_scsi_lu lu;
	struct mqnvme_sense s;
	struct health_ctx c;
	int i;

	lu_init(&lu);
	health_init(test, &c);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		put_unaligned_le16(cases[i].temp_k, c.smart->temperature);
		c.h.temp_threshold_k = cases[i].threshold_k;
		exp[9] = cases[i].temp;
		exp[15] = cases[i].threshold;
		KUNIT_ASSERT_EQ_MSG(test, log_sense(&lu, 0x4d, 0, &c.h, buf, &s),
				    16, "case %d", i);
		KUNIT_EXPECT_MEMEQ_MSG(test, buf, exp, sizeof(exp), "case %d",
				       i);
		EXPECT_ZERO(test, buf, 16, MQNVME_SCSI_RESP_LEN);
	}
}

/* Page 2Fh: 5Dh/00h with a critical warning, and the temperature. */
static void resp_log_ie(struct kunit *test)
{
	static const struct {
		u8 critical_warning;
		u16 temp_k;
		u8 exp[11];
	} cases[] = {
		{ 0x00, 323, { 0x2f, 0x00, 0x00, 0x07, 0x00, 0x00, 0x03, 0x03,
			       0x00, 0x00, 0x32 } },
		{ 0x01, 323, { 0x2f, 0x00, 0x00, 0x07, 0x00, 0x00, 0x03, 0x03,
			       0x5d, 0x00, 0x32 } },
		{ 0x10, 300, { 0x2f, 0x00, 0x00, 0x07, 0x00, 0x00, 0x03, 0x03,
			       0x5d, 0x00, 0x1b } },
		{ 0x00, 0, { 0x2f, 0x00, 0x00, 0x07, 0x00, 0x00, 0x03, 0x03,
			     0x00, 0x00, 0xff } },
	};
	u8 *buf = resp_buf(test);
	struct mqnvme_scsi_lu lu;
	struct mqnvme_sense s;
	struct health_ctx c;
	int i;

	lu_init(&lu);
	health_init(test, &c);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		c.smart->critical_warning = cases[i].critical_warning;
		put_unaligned_le16(cases[i].temp_k, c.smart->temperature);
		KUNIT_ASSERT_EQ_MSG(test, log_sense(&lu, 0x6f, 0, &c.h, buf, &s),
				    11, "case %d", i);
		KUNIT_EXPECT_MEMEQ_MSG(test, buf, cases[i].exp, 11, "case %d",
				       i);
		EXPECT_ZERO(test, buf, 11, MQNVME_SCSI_RESP_LEN);
	}
}

/* One NVMe Device Self-test Result (28 bytes) of the log. */
static void set_selftest(u8 *log, int i, u8 code_result, u8 segment,
			 u8 valid, u64 poh, u64 lba, u8 sct, u8 sc)
{
	u8 *e = &log[4 + 28 * i];

	memset(e, 0, 28);
	e[0] = code_result;
	e[1] = segment;
	e[2] = valid;
	put_unaligned_le64(poh, &e[4]);
	put_unaligned_le32(1, &e[12]);
	put_unaligned_le64(lba, &e[16]);
	e[24] = sct;
	e[25] = sc;
}

/* Page 10h: the twenty SPC-4 self-test results of NVMe's log. */
static void resp_log_selftest(struct kunit *test)
{
	static const u8 exp[MQNVME_SCSI_SELFTEST_ENTRIES][16] = {
		/* short, no error, 1234h hours, no LBA */
		{ 0x20, 0x00, 0x12, 0x34, 0xff, 0xff, 0xff, 0xff,
		  0xff, 0xff, 0xff, 0xff },
		/* extended, segment 2 failed at LBA 1000h, read error */
		{ 0x46, 0x02, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
		  0x00, 0x00, 0x10, 0x00, 0x03, 0x11, 0x00, 0x00 },
		/* aborted: namespace removed */
		{ 0x22, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
		  0xff, 0xff, 0xff, 0xff },
		/* segment 1 failed */
		{ 0x25, 0x01, 0x00, 0x05, 0xff, 0xff, 0xff, 0xff,
		  0xff, 0xff, 0xff, 0xff },
		/* segment 5 failed */
		{ 0x27, 0x05, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
		  0xff, 0xff, 0xff, 0xff },
		/* fatal error */
		{ 0x23, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
		  0xff, 0xff, 0xff, 0xff },
		/* a segment failed, which one unknown */
		{ 0x24, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
		  0xff, 0xff, 0xff, 0xff },
		/* vendor specific test, aborted for an unknown reason */
		{ 0x23, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
		  0xff, 0xff, 0xff, 0xff },
		/* aborted by a Device Self-test command */
		{ 0x21, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
		  0xff, 0xff, 0xff, 0xff },
		/* aborted by a controller level reset */
		{ 0x22, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
		  0xff, 0xff, 0xff, 0xff },
		/* aborted by a sanitize operation */
		{ 0x22, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
		  0xff, 0xff, 0xff, 0xff },
		/* aborted by a Format NVM */
		{ 0x22, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
		  0xff, 0xff, 0xff, 0xff },
		/* reserved result */
		{ 0x23, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
		  0xff, 0xff, 0xff, 0xff },
		/* LBA valid, status not */
		{ 0x25, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		  0x00, 0x00, 0x00, 0x55 },
		/* status valid, SCT byte bits 7-3 ignored: internal error */
		{ 0x20, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
		  0xff, 0xff, 0xff, 0xff, 0x04, 0x44, 0x00, 0x00 },
		/* status valid and success */
		{ 0x20, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
		  0xff, 0xff, 0xff, 0xff },
		/* 16..19: entries not used read all zero */
	};
	u8 *buf = resp_buf(test), *log;
	struct mqnvme_scsi_lu lu;
	struct mqnvme_sense s;
	struct health_ctx c;
	u8 phdr[4] = { 0x00, 0x00, 0x03, 0x10 };
	int i;

	lu_init(&lu);
	health_init(test, &c);
	log = c.selftest;
	set_selftest(log, 0, 0x10, 0, 0x00, 0x1234, 0, 0, 0);
	set_selftest(log, 1, 0x27, 2, 0x0a, 0x20000, 0x1000, 0x02, 0x81);
	set_selftest(log, 2, 0x13, 0, 0x00, 0, 0, 0, 0);
	set_selftest(log, 3, 0x17, 1, 0x00, 5, 0, 0, 0);
	set_selftest(log, 4, 0x17, 5, 0x00, 0, 0, 0, 0);
	set_selftest(log, 5, 0x15, 0, 0x00, 0, 0, 0, 0);
	set_selftest(log, 6, 0x16, 0, 0x00, 0, 0, 0, 0);
	set_selftest(log, 7, 0xe8, 0, 0x00, 0, 0, 0, 0);
	set_selftest(log, 8, 0x11, 0, 0x00, 0, 0, 0, 0);
	set_selftest(log, 9, 0x12, 0, 0x00, 0, 0, 0, 0);
	set_selftest(log, 10, 0x19, 0, 0x00, 0, 0, 0, 0);
	set_selftest(log, 11, 0x14, 0, 0x00, 0, 0, 0, 0);
	set_selftest(log, 12, 0x1a, 0, 0x00, 0, 0, 0, 0);
	set_selftest(log, 13, 0x17, 1, 0x02, 0, 0x55, 0x02, 0x81);
	set_selftest(log, 14, 0x10, 0, 0x08, 0, 0, 0xf8, 0x06);
	set_selftest(log, 15, 0x10, 0, 0x0c, 0, 0, 0x00, 0x00);
	/* not used, whatever the rest of the entry says */
	set_selftest(log, 16, 0x2f, 3, 0xff, 99, 7, 0x02, 0x81);
	set_selftest(log, 17, 0xff, 0, 0x00, 0, 0, 0, 0);

	KUNIT_ASSERT_EQ(test, log_sense(&lu, 0x50, 0, &c.h, buf, &s), 404);
	EXPECT_BYTES(test, buf, 0, "\x10\x00\x01\x90", 4);
	for (i = 0; i < MQNVME_SCSI_SELFTEST_ENTRIES; i++) {
		phdr[1] = i + 1;
		KUNIT_EXPECT_MEMEQ_MSG(test, &buf[4 + 20 * i], phdr, 4,
				       "parameter %d", i + 1);
		KUNIT_EXPECT_MEMEQ_MSG(test, &buf[8 + 20 * i], exp[i], 16,
				       "parameter %d", i + 1);
	}
	EXPECT_ZERO(test, buf, 404, MQNVME_SCSI_RESP_LEN);
}

/* LOG SENSE refusals: SP/PPC, PC other than 01b, subpages, pointer, pages. */
static void resp_log_errors(struct kunit *test)
{
	static const struct {
		u8 cdb[10];
		bool selftest;
		u8 byte;
		u8 bit;
	} cases[] = {
		{ { LOG_SENSE, 0x01, 0x4d }, true, 1, 0 },
		{ { LOG_SENSE, 0x02, 0x4d }, true, 1, 1 },
		{ { LOG_SENSE, 0x03, 0x4d }, true, 1, 1 },
		{ { LOG_SENSE, 0x00, 0x0d }, true, 2, 7 },
		{ { LOG_SENSE, 0x00, 0x8d }, true, 2, 7 },
		{ { LOG_SENSE, 0x00, 0xcd }, true, 2, 7 },
		{ { LOG_SENSE, 0x00, 0x00 }, true, 2, 7 },
		{ { LOG_SENSE, 0x00, 0x4d, 0x01 }, true, 3, 7 },
		{ { LOG_SENSE, 0x00, 0x4d, 0xff }, true, 3, 7 },
		{ { LOG_SENSE, 0x00, 0x40, 0x01 }, true, 3, 7 },
		{ { LOG_SENSE, 0x00, 0x4d, 0x00, 0x00, 0x00, 0x01 }, true, 5, 7 },
		{ { LOG_SENSE, 0x00, 0x4d, 0x00, 0x00, 0x01, 0x00 }, true, 5, 7 },
		{ { LOG_SENSE, 0x00, 0x42 }, true, 2, 5 },
		{ { LOG_SENSE, 0x00, 0x7f }, true, 2, 5 },
		{ { LOG_SENSE, 0x00, 0x4e }, true, 2, 5 },
		{ { LOG_SENSE, 0x00, 0x50 }, false, 2, 5 },
	};
	u8 *buf = resp_buf(test);
	struct mqnvme_scsi_lu lu;
	struct mqnvme_sense s;
	struct health_ctx c;
	int i;

	lu_init(&lu);
	health_init(test, &c);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		c.h.selftest = NULL;
		if (cases[i].selftest)
			c.h.selftest = c.selftest;
		sense_poison(&s);
		KUNIT_EXPECT_EQ_MSG(test,
				    mqnvme_scsi_log_sense(&lu, cases[i].cdb,
							  &c.h, buf, &s),
				    -1, "case %d", i);
		EXPECT_CDB_FIELD_I(test, &s, cases[i].byte, cases[i].bit, i);
	}
}

static int report_luns(u8 select, u32 alloc, u8 *buf, struct mqnvme_sense *s)
{
	u8 cdb[12] = { REPORT_LUNS, 0x00, select };

	put_unaligned_be32(alloc, &cdb[6]);
	memset(buf, 0, MQNVME_SCSI_RESP_LEN);
	sense_poison(s);
	return mqnvme_scsi_report_luns(cdb, buf, s);
}

/* REPORT LUNS: LUN 0 alone, no well known logical units. */
static void resp_report_luns(struct kunit *test)
{
	static const u8 one[16] = { 0x00, 0x00, 0x00, 0x08 };
	static const u8 bad_select[] = { 0x03, 0x10, 0x11, 0x12, 0xff };
	static const u32 bad_alloc[] = { 0, 1, 3 };
	u8 *buf = resp_buf(test);
	struct mqnvme_sense s;
	int i;

	KUNIT_ASSERT_EQ(test, report_luns(0x00, 16, buf, &s), 16);
	EXPECT_BYTES(test, buf, 0, one, sizeof(one));
	EXPECT_ZERO(test, buf, 16, MQNVME_SCSI_RESP_LEN);
	KUNIT_ASSERT_EQ(test, report_luns(0x02, 4096, buf, &s), 16);
	EXPECT_BYTES(test, buf, 0, one, sizeof(one));
	EXPECT_ZERO(test, buf, 16, MQNVME_SCSI_RESP_LEN);
	KUNIT_ASSERT_EQ(test, report_luns(0x01, 16, buf, &s), 8);
	EXPECT_ZERO(test, buf, 0, MQNVME_SCSI_RESP_LEN);
	/* the full length is returned whatever the allocation length */
	KUNIT_EXPECT_EQ(test, report_luns(0x00, 4, buf, &s), 16);
	KUNIT_EXPECT_EQ(test, report_luns(0x00, U32_MAX, buf, &s), 16);

	for (i = 0; i < ARRAY_SIZE(bad_select); i++) {
		KUNIT_EXPECT_EQ(test, report_luns(bad_select[i], 16, buf, &s),
				-1);
		EXPECT_CDB_FIELD_I(test, &s, 2, 7, i);
	}
	for (i = 0; i < ARRAY_SIZE(bad_alloc); i++) {
		KUNIT_EXPECT_EQ(test, report_luns(0x00, bad_alloc[i], buf, &s),
				-1);
		EXPECT_CDB_FIELD_I(test, &s, 6, 7, i);
	}
	/* the allocation length is looked at first */
	KUNIT_EXPECT_EQ(test, report_luns(0x03, 0, buf, &s), -1);
	EXPECT_CDB_FIELD(test, &s, 6, 7);
}

static int rsoc(const struct mqnvme_scsi_lu *lu, u8 options, u8 opcode,
		u16 sa, u8 *buf, struct mqnvme_sense *s)
{
	u8 cdb[12] = { MAINTENANCE_IN, MI_REPORT_SUPPORTED_OPERATION_CODES,
		       options, opcode, sa >> 8, sa & 0xff, 0x00, 0x00, 0x10,
		       0x00 };

	memset(buf, 0, MQNVME_SCSI_RESP_LEN);
	sense_poison(s);
	return mqnvme_scsi_report_opcodes(lu, cdb, buf, s);
}

/* The offset of @opcode's descriptor in an all-commands list, or -1. */
static int rsoc_find(const u8 *buf, int n, int stride, u8 opcode)
{
	int off;

	for (off = 4; off + stride <= n; off += stride)
		if (buf[off] == opcode)
			return off;
	return -1;
}

/* Every command of the table, once, in the shape SPC-4 gives each group. */
static const u8 rsoc_all_ops[] = {
	TEST_UNIT_READY, REQUEST_SENSE, FORMAT_UNIT, READ_6, WRITE_6, INQUIRY,
	MODE_SELECT, MODE_SENSE, START_STOP, SEND_DIAGNOSTIC, READ_CAPACITY,
	READ_10, WRITE_10, VERIFY, SYNCHRONIZE_CACHE, WRITE_BUFFER,
	WRITE_SAME, UNMAP, LOG_SENSE, MODE_SELECT_10, MODE_SENSE_10, READ_16,
	WRITE_16, VERIFY_16, SYNCHRONIZE_CACHE_16, WRITE_SAME_16,
	SERVICE_ACTION_IN_16, REPORT_LUNS, SECURITY_PROTOCOL_IN,
	MAINTENANCE_IN, READ_12, WRITE_12, VERIFY_12, SECURITY_PROTOCOL_OUT,
};

/* The CDB length of an operation code by its group code (SPC-4 4.2.5.1). */
static int cdb_len_of_group(u8 opcode)
{
	switch (opcode >> 5) {
	case 0:
		return 6;
	case 1:
	case 2:
		return 10;
	case 4:
		return 16;
	case 5:
		return 12;
	default:
		return -1;
	}
}

/* Walk an all-commands list: shapes, duplicates; returns the count. */
static noinline int rsoc_walk(struct kunit *test, const u8 *buf, int n,
			      bool rctd)
{
	int off, stride = rctd ? 20 : 8, count = 0, bad = 0;
	DECLARE_BITMAP(seen, 256);

	bitmap_zero(seen, 256);
	for (off = 4; off + stride <= n; off += stride, count++) {
		u8 op = buf[off];
		bool sa = buf[off + 5] & 0x01;

		if (__test_and_set_bit(op, seen))
			bad++;
		if (buf[off + 1] || buf[off + 4])
			bad++;
		if ((buf[off + 5] & ~0x01) != (rctd ? 0x02 : 0x00))
			bad++;
		if (!sa && get_unaligned_be16(&buf[off + 2]))
			bad++;
		if (get_unaligned_be16(&buf[off + 6]) != cdb_len_of_group(op))
			bad++;
		if (!rctd)
			continue;
		/* timeouts descriptor: length 0Ah, nominal = recommended */
		if (get_unaligned_be16(&buf[off + 8]) != 0x0a ||
		    buf[off + 10] || buf[off + 11] ||
		    !get_unaligned_be32(&buf[off + 12]) ||
		    get_unaligned_be32(&buf[off + 12]) !=
		    get_unaligned_be32(&buf[off + 16]))
			bad++;
	}
	KUNIT_EXPECT_EQ(test, off, n);
	KUNIT_EXPECT_EQ(test, bad, 0);
	return count;
}

/* Reporting option 0: all commands, without those the controller lacks. */
static void resp_rsoc_all(struct kunit *test)
{
	static const u8 tur[8] = { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06 };
	static const u8 rc16[8] = { 0x9e, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00, 0x10 };
	static const u8 rsoc_d[8] = { 0xa3, 0x00, 0x00, 0x0c, 0x00, 0x01, 0x00, 0x0c };
	static const u8 tur_t[20] = {
		0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x06,
		0x00, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a,
		0x00, 0x00, 0x00, 0x0a,
	};
	static const struct {
		u32 cap;
		u8 gone[2];
	} caps[] = {
		{ MQNVME_SCSI_CAP_DSM, { UNMAP } },
		{ MQNVME_SCSI_CAP_WZ, { WRITE_SAME, WRITE_SAME_16 } },
		{ MQNVME_SCSI_CAP_COMPARE, { } },
		{ MQNVME_SCSI_CAP_FW, { WRITE_BUFFER } },
		{ MQNVME_SCSI_CAP_SEC, { SECURITY_PROTOCOL_IN,
					 SECURITY_PROTOCOL_OUT } },
		{ MQNVME_SCSI_CAP_DST, { SEND_DIAGNOSTIC } },
		{ MQNVME_SCSI_CAP_FORMAT, { FORMAT_UNIT } },
		{ MQNVME_SCSI_CAP_VWC, { } },
	};
	u8 *buf = resp_buf(test);
	struct mqnvme_scsi_lu lu;
	struct mqnvme_sense s;
	int n, i, j, gone, missing = 0;
	u32 nominal;

	lu_init(&lu);
	n = rsoc(&lu, 0x00, 0, 0, buf, &s);
	KUNIT_ASSERT_EQ(test, n, 4 + 34 * 8);
	KUNIT_EXPECT_EQ(test, get_unaligned_be32(buf), 34 * 8);
	KUNIT_EXPECT_EQ(test, rsoc_walk(test, buf, n, false), 34);
	for (i = 0; i < ARRAY_SIZE(rsoc_all_ops); i++)
		if (rsoc_find(buf, n, 8, rsoc_all_ops[i]) < 0)
			missing++;
	KUNIT_EXPECT_EQ(test, missing, 0);
	EXPECT_BYTES(test, buf, 4, tur, sizeof(tur));
	i = rsoc_find(buf, n, 8, SERVICE_ACTION_IN_16);
	KUNIT_ASSERT_GT(test, i, 0);
	EXPECT_BYTES(test, buf, i, rc16, sizeof(rc16));
	i = rsoc_find(buf, n, 8, MAINTENANCE_IN);
	KUNIT_ASSERT_GT(test, i, 0);
	EXPECT_BYTES(test, buf, i, rsoc_d, sizeof(rsoc_d));
	EXPECT_ZERO(test, buf, n, MQNVME_SCSI_RESP_LEN);
	/* the requested operation code is ignored */
	KUNIT_EXPECT_EQ(test, rsoc(&lu, 0x00, READ_10, 0x10, buf, &s), n);

	for (i = 0; i < ARRAY_SIZE(caps); i++) {
		lu.caps = MQNVME_SCSI_CAP_ALL & ~caps[i].cap;
		gone = !!caps[i].gone[0] + !!caps[i].gone[1];
		n = rsoc(&lu, 0x00, 0, 0, buf, &s);
		KUNIT_EXPECT_EQ_MSG(test, n, 4 + (34 - gone) * 8, "cap %x",
				    caps[i].cap);
		for (j = 0; j < gone; j++)
			KUNIT_EXPECT_LT_MSG(test,
					    rsoc_find(buf, n, 8, caps[i].gone[j]),
					    0, "cap %x", caps[i].cap);
	}
	lu.caps = 0;
	n = rsoc(&lu, 0x00, 0, 0, buf, &s);
	KUNIT_EXPECT_EQ(test, n, 4 + 26 * 8);
	KUNIT_EXPECT_EQ(test, rsoc_walk(test, buf, n, false), 26);

	/* RCTD: a timeouts descriptor after each */
	lu.caps = MQNVME_SCSI_CAP_ALL;
	n = rsoc(&lu, 0x80, 0, 0, buf, &s);
	KUNIT_ASSERT_EQ(test, n, 4 + 34 * 20);
	KUNIT_EXPECT_EQ(test, get_unaligned_be32(buf), 34 * 20);
	KUNIT_EXPECT_EQ(test, rsoc_walk(test, buf, n, true), 34);
	EXPECT_BYTES(test, buf, 4, tur_t, sizeof(tur_t));
	i = rsoc_find(buf, n, 20, READ_10);
	KUNIT_ASSERT_GT(test, i, 0);
	nominal = get_unaligned_be32(&buf[i + 12]);
	KUNIT_EXPECT_EQ(test, nominal, 30);
	i = rsoc_find(buf, n, 20, FORMAT_UNIT);
	KUNIT_ASSERT_GT(test, i, 0);
	nominal = get_unaligned_be32(&buf[i + 12]);
	KUNIT_EXPECT_EQ(test, nominal, 3600);
	EXPECT_ZERO(test, buf, n, MQNVME_SCSI_RESP_LEN);
}

/* Reporting options 1, 2 and 3: one command, its usage data, timeouts. */
static void resp_rsoc_one(struct kunit *test)
{
	static const struct {
		u8 options;
		u8 opcode;
		u16 sa;
		u32 caps_off;
		int n;
		u8 exp[28];
	} cases[] = {
		{ 0x01, READ_10, 0, 0, 14,
		  { 0x00, 0x03, 0x00, 0x0a, 0x28, 0xfc, 0xff, 0xff, 0xff, 0xff,
		    0x3f, 0xff, 0xff, 0x00 } },
		{ 0x81, READ_10, 0, 0, 26,
		  { 0x00, 0x83, 0x00, 0x0a, 0x28, 0xfc, 0xff, 0xff, 0xff, 0xff,
		    0x3f, 0xff, 0xff, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x00,
		    0x00, 0x1e, 0x00, 0x00, 0x00, 0x1e } },
		/* the requested service action is ignored without one */
		{ 0x01, READ_10, 0x1234, 0, 14,
		  { 0x00, 0x03, 0x00, 0x0a, 0x28, 0xfc, 0xff, 0xff, 0xff, 0xff,
		    0x3f, 0xff, 0xff, 0x00 } },
		{ 0x01, 0x02, 0, 0, 4, { 0x00, 0x01, 0x00, 0x00 } },
		{ 0x81, 0x02, 0, 0, 4, { 0x00, 0x01, 0x00, 0x00 } },
		{ 0x01, ATA_16, 0, 0, 4, { 0x00, 0x01, 0x00, 0x00 } },
		{ 0x01, UNMAP, 0, MQNVME_SCSI_CAP_DSM, 4,
		  { 0x00, 0x01, 0x00, 0x00 } },
		{ 0x01, UNMAP, 0, 0, 14,
		  { 0x00, 0x03, 0x00, 0x0a, 0x42, 0x01, 0x00, 0x00, 0x00, 0x00,
		    0x3f, 0xff, 0xff, 0x00 } },
		{ 0x01, WRITE_SAME_16, 0, MQNVME_SCSI_CAP_WZ, 4,
		  { 0x00, 0x01, 0x00, 0x00 } },
		{ 0x01, FORMAT_UNIT, 0, 0, 10,
		  { 0x00, 0x03, 0x00, 0x06, 0x04, 0xff, 0x00, 0x00, 0x00,
		    0x00 } },
		{ 0x02, SERVICE_ACTION_IN_16, SAI_READ_CAPACITY_16, 0, 20,
		  { 0x00, 0x03, 0x00, 0x10, 0x9e, 0x10, 0xff, 0xff, 0xff, 0xff,
		    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
		    0x00 } },
		{ 0x02, MAINTENANCE_IN, MI_REPORT_SUPPORTED_OPERATION_CODES, 0,
		  16, { 0x00, 0x03, 0x00, 0x0c, 0xa3, 0x0c, 0x87, 0xff, 0xff,
			0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00 } },
		{ 0x83, MAINTENANCE_IN, MI_REPORT_SUPPORTED_OPERATION_CODES, 0,
		  28, { 0x00, 0x83, 0x00, 0x0c, 0xa3, 0x0c, 0x87, 0xff, 0xff,
			0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x0a,
			0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00,
			0x0a } },
		{ 0x02, SERVICE_ACTION_IN_16, 0x11, 0, 4,
		  { 0x00, 0x01, 0x00, 0x00 } },
		/* not masked to 5 bits: 0110h is no service action of 9Eh */
		{ 0x02, SERVICE_ACTION_IN_16, 0x0110, 0, 4,
		  { 0x00, 0x01, 0x00, 0x00 } },
		{ 0x03, READ_10, 0x55, 0, 14,
		  { 0x00, 0x03, 0x00, 0x0a, 0x28, 0xfc, 0xff, 0xff, 0xff, 0xff,
		    0x3f, 0xff, 0xff, 0x00 } },
		{ 0x03, INQUIRY, 0, 0, 10,
		  { 0x00, 0x03, 0x00, 0x06, 0x12, 0x01, 0xff, 0xff, 0xff,
		    0x00 } },
		{ 0x03, SERVICE_ACTION_IN_16, SAI_READ_CAPACITY_16, 0, 20,
		  { 0x00, 0x03, 0x00, 0x10, 0x9e, 0x10, 0xff, 0xff, 0xff, 0xff,
		    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
		    0x00 } },
		{ 0x03, MAINTENANCE_IN, 0x0d, 0, 4,
		  { 0x00, 0x01, 0x00, 0x00 } },
	};
	u8 *buf = resp_buf(test);
	struct mqnvme_scsi_lu lu;
	struct mqnvme_sense s;
	int i;

	lu_init(&lu);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		lu.caps = MQNVME_SCSI_CAP_ALL & ~cases[i].caps_off;
		KUNIT_ASSERT_EQ_MSG(test, rsoc(&lu, cases[i].options,
					       cases[i].opcode, cases[i].sa, buf,
					       &s), cases[i].n, "case %d", i);
		KUNIT_EXPECT_MEMEQ_MSG(test, buf, cases[i].exp, cases[i].n,
				       "case %d", i);
		EXPECT_ZERO(test, buf, cases[i].n, MQNVME_SCSI_RESP_LEN);
	}
}

/* Options that do not fit the operation code, and reserved options. */
static void resp_rsoc_errors(struct kunit *test)
{
	static const u8 cases[][2] = {
		{ 0x01, SERVICE_ACTION_IN_16 },
		{ 0x01, MAINTENANCE_IN },
		{ 0x02, READ_10 },
		{ 0x02, INQUIRY },
		{ 0x04, 0 }, { 0x05, 0 }, { 0x06, 0 }, { 0x07, 0 },
		{ 0x84, READ_10 },
	};
	u8 *buf = resp_buf(test);
	struct mqnvme_scsi_lu lu;
	struct mqnvme_sense s;
	int i;

	lu_init(&lu);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		KUNIT_EXPECT_EQ_MSG(test, rsoc(&lu, cases[i][0], cases[i][1],
					       SAI_READ_CAPACITY_16, buf, &s),
				    -1, "case %d", i);
		EXPECT_CDB_FIELD_I(test, &s, 2, 2, i);
	}
}

/* REQUEST SENSE: what is pending, fixed or descriptor format by DESC. */
static void resp_request_sense(struct kunit *test)
{
	static const u8 none_fixed[18] = { 0x70, 0x00, 0x00, 0x00, 0x00, 0x00,
					   0x00, 0x0a };
	static const u8 none_desc[8] = { 0x72 };
	static const u8 fmt_fixed[18] = {
		0x70, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00,
		0x00, 0x00, 0x04, 0x04, 0x00, 0x80, 0x40, 0x00,
	};
	static const u8 fmt_desc[16] = {
		0x72, 0x02, 0x04, 0x04, 0x00, 0x00, 0x00, 0x08,
		0x02, 0x06, 0x00, 0x00, 0x80, 0x40, 0x00, 0x00,
	};
	static const u8 lowpower[18] = {
		0x70, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00,
		0x00, 0x00, 0x5e, 0x00,
	};
	u8 cdb[6] = { REQUEST_SENSE, 0x00, 0x00, 0x00, 0xfc, 0x00 };
	u8 *buf = resp_buf(test);
	struct mqnvme_sense p = { };

	memset(buf, 0xff, MQNVME_SCSI_RESP_LEN);
	KUNIT_ASSERT_EQ(test, mqnvme_scsi_request_sense(cdb, &p, buf), 18);
	EXPECT_BYTES(test, buf, 0, none_fixed, sizeof(none_fixed));
	EXPECT_ZERO(test, buf, 18, MQNVME_SENSE_LEN);
	cdb[1] = 0x01;
	memset(buf, 0xff, MQNVME_SCSI_RESP_LEN);
	KUNIT_ASSERT_EQ(test, mqnvme_scsi_request_sense(cdb, &p, buf), 8);
	EXPECT_BYTES(test, buf, 0, none_desc, sizeof(none_desc));
	EXPECT_ZERO(test, buf, 8, MQNVME_SENSE_LEN);

	mqnvme_sense_set(&p, NOT_READY, 0x04, 0x04);
	p.sks = MQNVME_SKS_PROGRESS;
	p.sks_field = 0x4000;
	cdb[1] = 0x00;
	KUNIT_ASSERT_EQ(test, mqnvme_scsi_request_sense(cdb, &p, buf), 18);
	EXPECT_BYTES(test, buf, 0, fmt_fixed, sizeof(fmt_fixed));
	EXPECT_ZERO(test, buf, 18, MQNVME_SENSE_LEN);
	cdb[1] = 0x01;
	KUNIT_ASSERT_EQ(test, mqnvme_scsi_request_sense(cdb, &p, buf), 16);
	EXPECT_BYTES(test, buf, 0, fmt_desc, sizeof(fmt_desc));
	EXPECT_ZERO(test, buf, 16, MQNVME_SENSE_LEN);

	mqnvme_sense_set(&p, NO_SENSE, 0x5e, 0x00);
	cdb[1] = 0x00;
	KUNIT_ASSERT_EQ(test, mqnvme_scsi_request_sense(cdb, &p, buf), 18);
	EXPECT_BYTES(test, buf, 0, lowpower, sizeof(lowpower));
}

static struct kunit_case mqnvme_scsi_resp_cases[] = {
	KUNIT_CASE(resp_inquiry_std),
	KUNIT_CASE(resp_inquiry_revision),
	KUNIT_CASE(resp_inquiry_errors),
	KUNIT_CASE(resp_vpd_supported),
	KUNIT_CASE(resp_vpd_serial),
	KUNIT_CASE(resp_vpd_devid),
	KUNIT_CASE(resp_vpd_extended),
	KUNIT_CASE(resp_vpd_limits),
	KUNIT_CASE(resp_vpd_b1_b2),
	KUNIT_CASE(resp_read_capacity10),
	KUNIT_CASE(resp_read_capacity16),
	KUNIT_CASE(resp_mode_sense6),
	KUNIT_CASE(resp_mode_sense10),
	KUNIT_CASE(resp_mode_sense_pc),
	KUNIT_CASE(resp_mode_sense_errors),
	KUNIT_CASE(resp_mode_select_pages),
	KUNIT_CASE(resp_mode_select_block_desc),
	KUNIT_CASE(resp_mode_select_errors),
	KUNIT_CASE(resp_log_supported),
	KUNIT_CASE(resp_log_temperature),
	KUNIT_CASE(resp_log_ie),
	KUNIT_CASE(resp_log_selftest),
	KUNIT_CASE(resp_log_errors),
	KUNIT_CASE(resp_report_luns),
	KUNIT_CASE(resp_rsoc_all),
	KUNIT_CASE(resp_rsoc_one),
	KUNIT_CASE(resp_rsoc_errors),
	KUNIT_CASE(resp_request_sense),
	{}
};

static struct kunit_suite mqnvme_scsi_resp_suite = {
	.name = "mqnvme_scsi_resp",
	.test_cases = mqnvme_scsi_resp_cases,
};

/* ---------------------------------------------------------------------- */
/* mqnvme_scsi_sense: sense data, NVMe status to SCSI                      */
/* ---------------------------------------------------------------------- */

/* mqnvme_sense_set() and the field pointer helpers fill in everything. */
static void sense_outcomes(struct kunit *test)
{
	struct mqnvme_sense s;

	sense_poison(&s);
	mqnvme_sense_set(&s, MEDIUM_ERROR, 0x11, 0x00);
	EXPECT_SENSE(test, &s, MEDIUM_ERROR, 0x11, 0x00);
	KUNIT_EXPECT_EQ(test, s.sks_cd, false);
	KUNIT_EXPECT_EQ(test, s.sks_bit, 0);
	KUNIT_EXPECT_EQ(test, s.sks_field, 0);
	KUNIT_EXPECT_EQ(test, s.info, 0);

	sense_poison(&s);
	mqnvme_sense_cdb_field(&s, 7, 3);
	EXPECT_CDB_FIELD(test, &s, 7, 3);
	KUNIT_EXPECT_EQ(test, s.info, 0);
	sense_poison(&s);
	mqnvme_sense_param_field(&s, 300, 0xff);
	EXPECT_PARAM_FIELD(test, &s, 300, 0xff);
	KUNIT_EXPECT_EQ(test, s.info, 0);
}

static unsigned int sense_build(const struct mqnvme_sense *s, bool desc,
				u8 *buf)
{
	memset(buf, 0xff, MQNVME_SENSE_LEN);
	return mqnvme_sense_build(s, desc, buf);
}

/* Fixed format: 70h, key in byte 2, ASC/ASCQ 12/13, SKSV at byte 15. */
static void sense_fixed(struct kunit *test)
{
	static const u8 cdb_field[18] = {
		0x70, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00,
		0x00, 0x00, 0x24, 0x00, 0x00, 0xcc, 0x00, 0x01,
	};
	static const u8 cdb_byte7[18] = {
		0x70, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00,
		0x00, 0x00, 0x24, 0x00, 0x00, 0xcf, 0x00, 0x09,
	};
	static const u8 param_byte[18] = {
		0x70, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00,
		0x00, 0x00, 0x26, 0x00, 0x00, 0x80, 0x01, 0x23,
	};
	static const u8 param_bit0[18] = {
		0x70, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00,
		0x00, 0x00, 0x26, 0x00, 0x00, 0x88, 0x00, 0x02,
	};
	static const u8 plain[18] = {
		0x70, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00,
		0x00, 0x00, 0x10, 0x03,
	};
	static const u8 info[18] = {
		0xf0, 0x00, 0x03, 0x12, 0x34, 0x56, 0x78, 0x0a, 0x00, 0x00,
		0x00, 0x00, 0x11, 0x00,
	};
	/* an INFORMATION beyond 32 bits: VALID stays 0 */
	static const u8 info64[18] = {
		0x70, 0x00, 0x03, 0x23, 0x45, 0x67, 0x89, 0x0a, 0x00, 0x00,
		0x00, 0x00, 0x11, 0x00,
	};
	static const u8 progress[18] = {
		0x70, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00,
		0x00, 0x00, 0x04, 0x04, 0x00, 0x80, 0xff, 0xff,
	};
	u8 *buf = resp_buf(test);
	struct mqnvme_sense s;

	mqnvme_sense_cdb_field(&s, 1, 4);
	KUNIT_ASSERT_EQ(test, sense_build(&s, false, buf), 18);
	EXPECT_BYTES(test, buf, 0, cdb_field, 18);
	EXPECT_ZERO(test, buf, 18, MQNVME_SENSE_LEN);
	mqnvme_sense_cdb_field(&s, 9, 7);
	KUNIT_ASSERT_EQ(test, sense_build(&s, false, buf), 18);
	EXPECT_BYTES(test, buf, 0, cdb_byte7, 18);
	mqnvme_sense_param_field(&s, 0x0123, 0xff);
	KUNIT_ASSERT_EQ(test, sense_build(&s, false, buf), 18);
	EXPECT_BYTES(test, buf, 0, param_byte, 18);
	mqnvme_sense_param_field(&s, 2, 0);
	KUNIT_ASSERT_EQ(test, sense_build(&s, false, buf), 18);
	EXPECT_BYTES(test, buf, 0, param_bit0, 18);

	mqnvme_sense_set(&s, ABORTED_COMMAND, 0x10, 0x03);
	KUNIT_ASSERT_EQ(test, sense_build(&s, false, buf), 18);
	EXPECT_BYTES(test, buf, 0, plain, 18);
	EXPECT_ZERO(test, buf, 18, MQNVME_SENSE_LEN);

	mqnvme_sense_set(&s, MEDIUM_ERROR, 0x11, 0x00);
	s.info_valid = true;
	s.info = 0x12345678;
	KUNIT_ASSERT_EQ(test, sense_build(&s, false, buf), 18);
	EXPECT_BYTES(test, buf, 0, info, 18);
	s.info = 0x123456789ULL;
	KUNIT_ASSERT_EQ(test, sense_build(&s, false, buf), 18);
	EXPECT_BYTES(test, buf, 0, info64, 18);
	/* without info_valid, @info is not looked at */
	s.info_valid = false;
	KUNIT_ASSERT_EQ(test, sense_build(&s, false, buf), 18);
	EXPECT_BYTES(test, buf, 0, info64, 3);
	EXPECT_ZERO(test, buf, 3, 7);

	mqnvme_sense_set(&s, NOT_READY, 0x04, 0x04);
	s.sks = MQNVME_SKS_PROGRESS;
	s.sks_field = 0xffff;
	KUNIT_ASSERT_EQ(test, sense_build(&s, false, buf), 18);
	EXPECT_BYTES(test, buf, 0, progress, 18);
}

/* Descriptor format: 72h, INFORMATION and sense-key specific descriptors. */
static void sense_descriptor(struct kunit *test)
{
	static const u8 cdb_field[16] = {
		0x72, 0x05, 0x24, 0x00, 0x00, 0x00, 0x00, 0x08,
		0x02, 0x06, 0x00, 0x00, 0xcc, 0x00, 0x01, 0x00,
	};
	static const u8 plain[8] = {
		0x72, 0x03, 0x11, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	static const u8 info[20] = {
		0x72, 0x03, 0x11, 0x00, 0x00, 0x00, 0x00, 0x0c,
		0x00, 0x0a, 0x80, 0x00, 0x00, 0x00, 0x00, 0x01,
		0x23, 0x45, 0x67, 0x89,
	};
	static const u8 info_sks[28] = {
		0x72, 0x05, 0x26, 0x00, 0x00, 0x00, 0x00, 0x14,
		0x00, 0x0a, 0x80, 0x00, 0xfe, 0xdc, 0xba, 0x98,
		0x76, 0x54, 0x32, 0x10,
		0x02, 0x06, 0x00, 0x00, 0x80, 0x00, 0x05, 0x00,
	};
	static const u8 progress[16] = {
		0x72, 0x02, 0x04, 0x04, 0x00, 0x00, 0x00, 0x08,
		0x02, 0x06, 0x00, 0x00, 0x80, 0x12, 0x34, 0x00,
	};
	u8 *buf = resp_buf(test);
	struct mqnvme_sense s;

	mqnvme_sense_cdb_field(&s, 1, 4);
	KUNIT_ASSERT_EQ(test, sense_build(&s, true, buf), 16);
	EXPECT_BYTES(test, buf, 0, cdb_field, 16);
	EXPECT_ZERO(test, buf, 16, MQNVME_SENSE_LEN);

	mqnvme_sense_set(&s, MEDIUM_ERROR, 0x11, 0x00);
	KUNIT_ASSERT_EQ(test, sense_build(&s, true, buf), 8);
	EXPECT_BYTES(test, buf, 0, plain, 8);
	EXPECT_ZERO(test, buf, 8, MQNVME_SENSE_LEN);
	/* the full 64 bits fit the INFORMATION descriptor */
	s.info_valid = true;
	s.info = 0x123456789ULL;
	KUNIT_ASSERT_EQ(test, sense_build(&s, true, buf), 20);
	EXPECT_BYTES(test, buf, 0, info, 20);
	EXPECT_ZERO(test, buf, 20, MQNVME_SENSE_LEN);

	mqnvme_sense_param_field(&s, 5, 0xff);
	s.info_valid = true;
	s.info = 0xfedcba9876543210ULL;
	KUNIT_ASSERT_EQ(test, sense_build(&s, true, buf), 28);
	EXPECT_BYTES(test, buf, 0, info_sks, 28);
	EXPECT_ZERO(test, buf, 28, MQNVME_SENSE_LEN);

	mqnvme_sense_set(&s, NOT_READY, 0x04, 0x04);
	s.sks = MQNVME_SKS_PROGRESS;
	s.sks_field = 0x1234;
	KUNIT_ASSERT_EQ(test, sense_build(&s, true, buf), 16);
	EXPECT_BYTES(test, buf, 0, progress, 16);
}

/* Every NVMe status the mapping names; the flags of the field are ignored. */
static void sense_nvme_status(struct kunit *test)
{
	static const struct {
		u16 status;
		u8 key;
		u8 asc;
		u8 ascq;
	} cases[] = {
		{ NVME_SC_INVALID_OPCODE, ILLEGAL_REQUEST, 0x20, 0x00 },
		{ NVME_SC_INVALID_FIELD, ILLEGAL_REQUEST, 0x24, 0x00 },
		{ NVME_SC_INVALID_NS, ILLEGAL_REQUEST, 0x20, 0x09 },
		{ NVME_SC_LBA_RANGE, ILLEGAL_REQUEST, 0x21, 0x00 },
		{ NVME_SC_ACCESS_DENIED, ILLEGAL_REQUEST, 0x20, 0x02 },
		{ NVME_SC_INVALID_FORMAT, ILLEGAL_REQUEST, 0x31, 0x01 },
		{ NVME_SC_DATA_XFER_ERROR, MEDIUM_ERROR, 0x00, 0x00 },
		{ NVME_SC_INTERNAL, HARDWARE_ERROR, 0x44, 0x00 },
		{ NVME_SC_POWER_LOSS, ABORTED_COMMAND, 0x0b, 0x08 },
		{ NVME_SC_ABORT_REQ, ABORTED_COMMAND, 0x00, 0x00 },
		{ NVME_SC_ABORT_QUEUE, ABORTED_COMMAND, 0x00, 0x00 },
		{ NVME_SC_FUSED_FAIL, ABORTED_COMMAND, 0x00, 0x00 },
		{ NVME_SC_FUSED_MISSING, ABORTED_COMMAND, 0x00, 0x00 },
		{ NVME_SC_NS_NOT_READY, NOT_READY, 0x04, 0x00 },
		{ NVME_SC_FORMAT_IN_PROGRESS, NOT_READY, 0x04, 0x04 },
		{ NVME_SC_SELT_TEST_IN_PROGRESS, NOT_READY, 0x04, 0x09 },
		{ NVME_SC_NS_WRITE_PROTECTED, DATA_PROTECT, 0x27, 0x00 },
		{ NVME_SC_READ_ONLY, DATA_PROTECT, 0x27, 0x00 },
		{ NVME_SC_WRITE_FAULT, MEDIUM_ERROR, 0x03, 0x00 },
		{ NVME_SC_READ_ERROR, MEDIUM_ERROR, 0x11, 0x00 },
		{ NVME_SC_GUARD_CHECK, ABORTED_COMMAND, 0x10, 0x01 },
		{ NVME_SC_APPTAG_CHECK, ABORTED_COMMAND, 0x10, 0x02 },
		{ NVME_SC_REFTAG_CHECK, ABORTED_COMMAND, 0x10, 0x03 },
		{ NVME_SC_COMPARE_FAILED, MISCOMPARE, 0x1d, 0x00 },
		{ NVME_SC_UNWRITTEN_BLOCK, MEDIUM_ERROR, 0x21, 0x06 },
	};
	static const u16 flags[] = {
		0, NVME_STATUS_DNR, NVME_STATUS_MORE, NVME_STATUS_CRD,
		NVME_STATUS_DNR | NVME_STATUS_MORE | NVME_STATUS_CRD,
	};
	struct mqnvme_sense s;
	int i, j;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		for (j = 0; j < ARRAY_SIZE(flags); j++) {
			sense_poison(&s);
			mqnvme_scsi_nvme_status(cases[i].status | flags[j], &s);
			EXPECT_SENSE_I(test, &s, cases[i].key, cases[i].asc,
				       cases[i].ascq, i * 10 + j);
		}
	}
}

/* Success, reservation conflict, and statuses SCSI has no name for. */
static void sense_nvme_status_other(struct kunit *test)
{
	static const u16 unknown[] = {
		NVME_SC_CMDID_CONFLICT, NVME_SC_CAP_EXCEEDED,
		NVME_SC_SGL_INVALID_LAST, NVME_SC_CQ_INVALID,
		NVME_SC_HOST_PATH_ERROR, NVME_SC_HOST_ABORTED_CMD, 0x2ff, 0x7ff,
	};
	struct mqnvme_sense s, zero = { };
	int i;

	sense_poison(&s);
	mqnvme_scsi_nvme_status(NVME_SC_SUCCESS, &s);
	KUNIT_EXPECT_MEMEQ(test, &s, &zero, sizeof(s));
	sense_poison(&s);
	mqnvme_scsi_nvme_status(NVME_SC_SUCCESS | NVME_STATUS_MORE, &s);
	KUNIT_EXPECT_MEMEQ(test, &s, &zero, sizeof(s));

	sense_poison(&s);
	mqnvme_scsi_nvme_status(NVME_SC_RESERVATION_CONFLICT | NVME_STATUS_DNR,
				&s);
	zero.status = SAM_STAT_RESERVATION_CONFLICT;
	KUNIT_EXPECT_MEMEQ(test, &s, &zero, sizeof(s));

	for (i = 0; i < ARRAY_SIZE(unknown); i++) {
		sense_poison(&s);
		mqnvme_scsi_nvme_status(unknown[i], &s);
		EXPECT_SENSE_I(test, &s, ABORTED_COMMAND, 0x00, 0x00, i);
		sense_poison(&s);
		mqnvme_scsi_nvme_status(unknown[i] | NVME_STATUS_MORE |
					NVME_STATUS_CRD, &s);
		EXPECT_SENSE_I(test, &s, ABORTED_COMMAND, 0x00, 0x00, i);
		sense_poison(&s);
		mqnvme_scsi_nvme_status(unknown[i] | NVME_STATUS_DNR, &s);
		EXPECT_SENSE_I(test, &s, HARDWARE_ERROR, 0x44, 0x00, i);
	}
}

static struct kunit_case mqnvme_scsi_sense_cases[] = {
	KUNIT_CASE(sense_outcomes),
	KUNIT_CASE(sense_fixed),
	KUNIT_CASE(sense_descriptor),
	KUNIT_CASE(sense_nvme_status),
	KUNIT_CASE(sense_nvme_status_other),
	{}
};

static struct kunit_suite mqnvme_scsi_sense_suite = {
	.name = "mqnvme_scsi_sense",
	.test_cases = mqnvme_scsi_sense_cases,
};

kunit_test_suites(&mqnvme_scsi_cdb_suite, &mqnvme_scsi_resp_suite,
		  &mqnvme_scsi_sense_suite);
