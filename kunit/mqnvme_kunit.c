// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for mqnvme's pure logic in drivers/X_lib.c (io, queue, ctrl,
 * irq, ioctl, aen): command ids, PRP lists and SGLs built from
 * scatterlists, queue/vector/doorbell/timeout arithmetic, and the transfer
 * sizes and refusals of passthrough commands.
 * Load after mqnvme.ko; results in debugfs kunit/<suite>/results.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/scatterlist.h>

#include "mqnvme_lib.h"

#define FAKE_LIST_BASE	0x7f000000ULL

/* A list pool that hands out kunit memory with made-up bus addresses. */
struct fake_pool {
	struct kunit *test;
	int allocated;
	int fail_after;		/* -1: never fail */
	void *va[16];
	bool small[16];
};

static void *fake_alloc(void *ctx, bool small, dma_addr_t *dma)
{
	struct fake_pool *p = ctx;
	void *va;

	if (p->fail_after >= 0 && p->allocated >= p->fail_after)
		return NULL;
	if (p->allocated >= ARRAY_SIZE(p->va))
		return NULL;
	va = kunit_kzalloc(p->test, MQNVME_CTRL_PAGE_SIZE, GFP_KERNEL);
	if (!va)
		return NULL;
	p->va[p->allocated] = va;
	p->small[p->allocated] = small;
	*dma = FAKE_LIST_BASE + p->allocated * MQNVME_CTRL_PAGE_SIZE;
	p->allocated++;
	return va;
}

static struct mqnvme_list_pool make_pool(struct kunit *test,
					 struct fake_pool *p, int fail_after)
{
	memset(p, 0, sizeof(*p));
	p->test = test;
	p->fail_after = fail_after;
	return (struct mqnvme_list_pool){ .alloc = fake_alloc, .ctx = p };
}

/* Fill @sg with mapped segments given as (bus address, length) pairs. */
static struct scatterlist *make_sg(struct kunit *test, const u64 *seg, int n)
{
	struct scatterlist *sg = kunit_kcalloc(test, n, sizeof(*sg), GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, sg);
	sg_init_table(sg, n);
	for (i = 0; i < n; i++) {
		sg_dma_address(&sg[i]) = seg[2 * i];
		sg_dma_len(&sg[i]) = seg[2 * i + 1];
	}
	return sg;
}

static void cid_roundtrip(struct kunit *test)
{
	unsigned int tag;
	u8 gen;

	for (gen = 0; gen < 40; gen += 3) {
		for (tag = 0; tag < MQNVME_MAX_QUEUE_DEPTH; tag += 511) {
			u16 cid = mqnvme_cid(gen, tag);

			KUNIT_EXPECT_EQ(test, mqnvme_cid_tag(cid), tag);
			KUNIT_EXPECT_EQ(test, mqnvme_cid_gen(cid), gen & 0xf);
		}
	}
	/* The generation wraps in 4 bits and never spills into the tag. */
	KUNIT_EXPECT_EQ(test, mqnvme_cid(16, 5), mqnvme_cid(0, 5));
	KUNIT_EXPECT_EQ(test, mqnvme_cid(15, 0xfff), 0xffff);
	KUNIT_EXPECT_NE(test, mqnvme_cid(1, 7), mqnvme_cid(2, 7));
}

static void prp_one_page(struct kunit *test)
{
	const u64 seg[] = { 0x100000200ULL, 3584 };
	struct mqnvme_dptr_lists lists = { };
	union nvme_data_ptr dptr = { };
	struct fake_pool p;
	struct mqnvme_list_pool pool = make_pool(test, &p, -1);

	KUNIT_EXPECT_EQ(test, mqnvme_build_prps(make_sg(test, seg, 1), 1,
						3584, &pool, &lists, &dptr), 0);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(dptr.prp1), 0x100000200ULL);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(dptr.prp2), 0ULL);
	KUNIT_EXPECT_EQ(test, lists.nr, 0);
}

static void prp_two_pages_offset(struct kunit *test)
{
	const u64 seg[] = { 0x100000200ULL, 4096 };
	struct mqnvme_dptr_lists lists = { };
	union nvme_data_ptr dptr = { };
	struct fake_pool p;
	struct mqnvme_list_pool pool = make_pool(test, &p, -1);

	KUNIT_EXPECT_EQ(test, mqnvme_build_prps(make_sg(test, seg, 1), 1,
						4096, &pool, &lists, &dptr), 0);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(dptr.prp1), 0x100000200ULL);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(dptr.prp2), 0x100001000ULL);
	KUNIT_EXPECT_EQ(test, lists.nr, 0);
}

static void prp_small_list(struct kunit *test)
{
	const u64 seg[] = { 0x200000000ULL, 65536 };
	struct mqnvme_dptr_lists lists = { };
	union nvme_data_ptr dptr = { };
	struct fake_pool p;
	struct mqnvme_list_pool pool = make_pool(test, &p, -1);
	__le64 *list;
	int i;

	KUNIT_ASSERT_EQ(test, mqnvme_build_prps(make_sg(test, seg, 1), 1,
						65536, &pool, &lists, &dptr), 0);
	KUNIT_ASSERT_EQ(test, lists.nr, 1);
	KUNIT_EXPECT_TRUE(test, lists.small);
	KUNIT_EXPECT_TRUE(test, p.small[0]);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(dptr.prp2), FAKE_LIST_BASE);
	list = lists.va[0];
	for (i = 0; i < 15; i++)
		KUNIT_EXPECT_EQ(test, le64_to_cpu(list[i]),
				0x200000000ULL + (i + 1) * 4096ULL);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(list[15]), 0ULL);
}

/* 8 MiB in one segment: 2047 list entries over chained pages. */
static void prp_chained_lists(struct kunit *test)
{
	const u64 base = 0x300000000ULL;
	const u64 seg[] = { base, SZ_8M };
	struct mqnvme_dptr_lists lists = { };
	union nvme_data_ptr dptr = { };
	struct fake_pool p;
	struct mqnvme_list_pool pool = make_pool(test, &p, -1);
	u64 expect = base + 4096, dma;
	int l, i, seen = 0;

	KUNIT_ASSERT_EQ(test, mqnvme_build_prps(make_sg(test, seg, 1), 1,
						SZ_8M, &pool, &lists, &dptr), 0);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(dptr.prp1), base);
	/* 2047 entries: 511 + 511 + 511 + 511 + 3 */
	KUNIT_ASSERT_EQ(test, lists.nr, 5);
	KUNIT_EXPECT_LE(test, lists.nr, (u8)MQNVME_MAX_LISTS);
	KUNIT_EXPECT_FALSE(test, lists.small);
	dma = le64_to_cpu(dptr.prp2);
	for (l = 0; l < lists.nr; l++) {
		__le64 *list = lists.va[l];
		int n = l + 1 < lists.nr ? 511 : 2047 - 4 * 511;

		KUNIT_EXPECT_EQ(test, dma, FAKE_LIST_BASE + l * 4096ULL);
		for (i = 0; i < n; i++, seen++, expect += 4096)
			KUNIT_EXPECT_EQ(test, le64_to_cpu(list[i]), expect);
		if (l + 1 < lists.nr) {
			dma = mqnvme_prp_list_next(&lists, l);
			KUNIT_EXPECT_EQ(test, dma, le64_to_cpu(list[511]));
		}
	}
	KUNIT_EXPECT_EQ(test, seen, 2047);
	KUNIT_EXPECT_EQ(test, expect, base + SZ_8M);
}

static void prp_multi_segment(struct kunit *test)
{
	/* first starts mid-page, middle whole pages, last ends mid-page */
	const u64 seg[] = {
		0x400000800ULL, 2048,
		0x500000000ULL, 8192,
		0x600000000ULL, 1024,
	};
	struct mqnvme_dptr_lists lists = { };
	union nvme_data_ptr dptr = { };
	struct fake_pool p;
	struct mqnvme_list_pool pool = make_pool(test, &p, -1);
	__le64 *list;

	KUNIT_ASSERT_EQ(test, mqnvme_build_prps(make_sg(test, seg, 3), 3,
						2048 + 8192 + 1024, &pool,
						&lists, &dptr), 0);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(dptr.prp1), 0x400000800ULL);
	KUNIT_ASSERT_EQ(test, lists.nr, 1);
	list = lists.va[0];
	KUNIT_EXPECT_EQ(test, le64_to_cpu(list[0]), 0x500000000ULL);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(list[1]), 0x500001000ULL);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(list[2]), 0x600000000ULL);
}

static void prp_two_segments_no_list(struct kunit *test)
{
	const u64 seg[] = { 0x400000e00ULL, 512, 0x500000000ULL, 4096 };
	struct mqnvme_dptr_lists lists = { };
	union nvme_data_ptr dptr = { };
	struct fake_pool p;
	struct mqnvme_list_pool pool = make_pool(test, &p, -1);

	KUNIT_ASSERT_EQ(test, mqnvme_build_prps(make_sg(test, seg, 2), 2,
						4608, &pool, &lists, &dptr), 0);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(dptr.prp2), 0x500000000ULL);
	KUNIT_EXPECT_EQ(test, lists.nr, 0);
}

static void prp_rejects_gaps(struct kunit *test)
{
	/* a middle segment that does not start on a page boundary */
	const u64 unaligned[] = {
		0x400000000ULL, 4096, 0x500000200ULL, 4096, 0x600000000ULL, 4096,
	};
	/* a first segment that ends mid-page but is followed by more */
	const u64 short_first[] = {
		0x400000000ULL, 1024, 0x500000000ULL, 4096, 0x600000000ULL, 4096,
	};
	struct mqnvme_dptr_lists lists = { };
	union nvme_data_ptr dptr = { };
	struct fake_pool p;
	struct mqnvme_list_pool pool = make_pool(test, &p, -1);

	KUNIT_EXPECT_EQ(test, mqnvme_build_prps(make_sg(test, unaligned, 3), 3,
						12288, &pool, &lists, &dptr),
			-EINVAL);
	lists.nr = 0;
	KUNIT_EXPECT_EQ(test, mqnvme_build_prps(make_sg(test, short_first, 3),
						3, 9216, &pool, &lists, &dptr),
			-EINVAL);
	lists.nr = 0;
	/* more bytes than the scatterlist holds */
	KUNIT_EXPECT_EQ(test, mqnvme_build_prps(make_sg(test, unaligned, 1), 1,
						12288, &pool, &lists, &dptr),
			-EINVAL);
	lists.nr = 0;
	KUNIT_EXPECT_EQ(test, mqnvme_build_prps(make_sg(test, unaligned, 1), 1,
						0, &pool, &lists, &dptr),
			-EINVAL);
}

static void prp_alloc_failure(struct kunit *test)
{
	const u64 seg[] = { 0x300000000ULL, SZ_4M };
	struct mqnvme_dptr_lists lists = { };
	union nvme_data_ptr dptr = { };
	struct fake_pool p;
	struct mqnvme_list_pool pool = make_pool(test, &p, 1);

	KUNIT_EXPECT_EQ(test, mqnvme_build_prps(make_sg(test, seg, 1), 1,
						SZ_4M, &pool, &lists, &dptr),
			-ENOMEM);
	/* The page that was allocated is recorded so it can be freed. */
	KUNIT_EXPECT_EQ(test, lists.nr, 1);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(dptr.prp2), FAKE_LIST_BASE);

	pool = make_pool(test, &p, 0);
	lists.nr = 0;
	KUNIT_EXPECT_EQ(test, mqnvme_build_prps(make_sg(test, seg, 1), 1,
						SZ_4M, &pool, &lists, &dptr),
			-ENOMEM);
	KUNIT_EXPECT_EQ(test, lists.nr, 0);
}

static void sgl_single_and_list(struct kunit *test)
{
	const u64 seg[] = {
		0x400000800ULL, 2048, 0x500000000ULL, 8192, 0x600000000ULL, 100,
	};
	struct mqnvme_dptr_lists lists = { };
	union nvme_data_ptr dptr = { };
	struct nvme_sgl_desc *list;
	struct fake_pool p;
	struct mqnvme_list_pool pool = make_pool(test, &p, -1);
	int i;

	KUNIT_ASSERT_EQ(test, mqnvme_build_sgl(make_sg(test, seg, 1), 1, &pool,
					       &lists, &dptr), 0);
	KUNIT_EXPECT_EQ(test, lists.nr, 0);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(dptr.sgl.addr), 0x400000800ULL);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(dptr.sgl.length), 2048U);
	KUNIT_EXPECT_EQ(test, dptr.sgl.type, NVME_SGL_FMT_DATA_DESC << 4);

	memset(&dptr, 0, sizeof(dptr));
	KUNIT_ASSERT_EQ(test, mqnvme_build_sgl(make_sg(test, seg, 3), 3, &pool,
					       &lists, &dptr), 0);
	KUNIT_ASSERT_EQ(test, lists.nr, 1);
	KUNIT_EXPECT_TRUE(test, lists.small);
	KUNIT_EXPECT_EQ(test, dptr.sgl.type, NVME_SGL_FMT_LAST_SEG_DESC << 4);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(dptr.sgl.length), 3U * 16);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(dptr.sgl.addr), FAKE_LIST_BASE);
	list = lists.va[0];
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, le64_to_cpu(list[i].addr), seg[2 * i]);
		KUNIT_EXPECT_EQ(test, (u64)le32_to_cpu(list[i].length),
				seg[2 * i + 1]);
		KUNIT_EXPECT_EQ(test, list[i].type, NVME_SGL_FMT_DATA_DESC << 4);
	}
}

static void sgl_limits(struct kunit *test)
{
	u64 *seg = kunit_kcalloc(test, 2 * (MQNVME_MAX_SEGMENTS + 1),
				 sizeof(u64), GFP_KERNEL);
	struct mqnvme_dptr_lists lists = { };
	union nvme_data_ptr dptr = { };
	struct fake_pool p;
	struct mqnvme_list_pool pool = make_pool(test, &p, -1);
	struct scatterlist *sg;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, seg);
	for (i = 0; i <= MQNVME_MAX_SEGMENTS; i++) {
		seg[2 * i] = 0x100000000ULL + i * 0x10000ULL;
		seg[2 * i + 1] = 4096;
	}
	sg = make_sg(test, seg, MQNVME_MAX_SEGMENTS + 1);
	KUNIT_EXPECT_EQ(test, mqnvme_build_sgl(sg, MQNVME_MAX_SEGMENTS, &pool,
					       &lists, &dptr), 0);
	KUNIT_EXPECT_EQ(test, lists.nr, 1);
	KUNIT_EXPECT_FALSE(test, lists.small);
	lists.nr = 0;
	KUNIT_EXPECT_EQ(test, mqnvme_build_sgl(sg, MQNVME_MAX_SEGMENTS + 1,
					       &pool, &lists, &dptr), -EINVAL);
	KUNIT_EXPECT_EQ(test, mqnvme_build_sgl(sg, 0, &pool, &lists, &dptr),
			-EINVAL);
	pool = make_pool(test, &p, 0);
	KUNIT_EXPECT_EQ(test, mqnvme_build_sgl(sg, 4, &pool, &lists, &dptr),
			-ENOMEM);
}

static struct kunit_case mqnvme_dptr_cases[] = {
	KUNIT_CASE(cid_roundtrip),
	KUNIT_CASE(prp_one_page),
	KUNIT_CASE(prp_two_pages_offset),
	KUNIT_CASE(prp_small_list),
	KUNIT_CASE(prp_chained_lists),
	KUNIT_CASE(prp_multi_segment),
	KUNIT_CASE(prp_two_segments_no_list),
	KUNIT_CASE(prp_rejects_gaps),
	KUNIT_CASE(prp_alloc_failure),
	KUNIT_CASE(sgl_single_and_list),
	KUNIT_CASE(sgl_limits),
	{}
};

static struct kunit_suite mqnvme_dptr_suite = {
	.name = "mqnvme_dptr",
	.test_cases = mqnvme_dptr_cases,
};

static void queues_granted(struct kunit *test)
{
	/* NSQA 3 (4 queues), NCQA 1 (2 queues): 2 pairs usable */
	KUNIT_EXPECT_EQ(test, mqnvme_granted_queues(0x00010003), 2U);
	KUNIT_EXPECT_EQ(test, mqnvme_granted_queues(0), 1U);
	KUNIT_EXPECT_EQ(test, mqnvme_granted_queues(0xfffefffe), 65535U);
}

static void queues_per_cpu(struct kunit *test)
{
	unsigned int poll = 99;

	/* one default pair per CPU, no polled pair asked for */
	KUNIT_EXPECT_EQ(test, mqnvme_split_queues(4, 64, 0, &poll), 4U);
	KUNIT_EXPECT_EQ(test, poll, 0U);
	/* the controller grants fewer */
	KUNIT_EXPECT_EQ(test, mqnvme_split_queues(4, 2, 0, &poll), 2U);
	/* a broken grant of 0 still leaves one queue */
	KUNIT_EXPECT_EQ(test, mqnvme_split_queues(4, 0, 0, &poll), 1U);
	KUNIT_EXPECT_EQ(test, poll, 0U);
	/* polled pairs come on top of one per CPU */
	KUNIT_EXPECT_EQ(test, mqnvme_split_queues(2, 64, 2, &poll), 2U);
	KUNIT_EXPECT_EQ(test, poll, 2U);
	/* a short grant is shared, polled first, one default pair kept */
	KUNIT_EXPECT_EQ(test, mqnvme_split_queues(4, 4, 2, &poll), 2U);
	KUNIT_EXPECT_EQ(test, poll, 2U);
	KUNIT_EXPECT_EQ(test, mqnvme_split_queues(4, 2, 8, &poll), 1U);
	KUNIT_EXPECT_EQ(test, poll, 1U);
	KUNIT_EXPECT_EQ(test, mqnvme_split_queues(4, 1, 8, &poll), 1U);
	KUNIT_EXPECT_EQ(test, poll, 0U);
}

static void irq_modes(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, mqnvme_irq_mode_parse("auto"), MQNVME_IRQ_AUTO);
	KUNIT_EXPECT_EQ(test, mqnvme_irq_mode_parse("msix\n"), MQNVME_IRQ_MSIX);
	KUNIT_EXPECT_EQ(test, mqnvme_irq_mode_parse("msi"), MQNVME_IRQ_MSI);
	KUNIT_EXPECT_EQ(test, mqnvme_irq_mode_parse("intx"), MQNVME_IRQ_INTX);
	KUNIT_EXPECT_EQ(test, mqnvme_irq_mode_parse("poll"), MQNVME_IRQ_POLL);
	KUNIT_EXPECT_EQ(test, mqnvme_irq_mode_parse("MSIX"), -EINVAL);
	KUNIT_EXPECT_EQ(test, mqnvme_irq_mode_parse(""), -EINVAL);
	KUNIT_EXPECT_EQ(test, mqnvme_irq_mode_parse("msi-x"), -EINVAL);
	KUNIT_EXPECT_STREQ(test, mqnvme_irq_mode_name(MQNVME_IRQ_INTX), "intx");
	KUNIT_EXPECT_STREQ(test, mqnvme_irq_mode_name(7), "unknown");
}

static void poll_intervals(struct kunit *test)
{
	u32 ns = MQNVME_POLL_MIN_NS;
	int i;

	/* completions keep the poller at its shortest interval */
	KUNIT_EXPECT_EQ(test, mqnvme_poll_next_ns(ns, true), MQNVME_POLL_MIN_NS);
	KUNIT_EXPECT_EQ(test, mqnvme_poll_next_ns(0, false), MQNVME_POLL_MIN_NS);
	/* empty polls stretch it by a quarter each */
	KUNIT_EXPECT_EQ(test, mqnvme_poll_next_ns(ns, false),
			MQNVME_POLL_MIN_NS + MQNVME_POLL_MIN_NS / 4);
	for (i = 0; i < 100; i++) {
		u32 next = mqnvme_poll_next_ns(ns, false);

		KUNIT_EXPECT_GE(test, next, ns);
		KUNIT_EXPECT_LE(test, next, MQNVME_POLL_MAX_NS);
		ns = next;
	}
	/* ... up to the cap, and back to the start on a completion */
	KUNIT_EXPECT_EQ(test, ns, MQNVME_POLL_MAX_NS);
	KUNIT_EXPECT_EQ(test, mqnvme_poll_next_ns(ns, true), MQNVME_POLL_MIN_NS);
}

static void queues_vectors(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, mqnvme_queue_vector(0, 5), 0U);
	KUNIT_EXPECT_EQ(test, mqnvme_queue_vector(1, 5), 1U);
	KUNIT_EXPECT_EQ(test, mqnvme_queue_vector(4, 5), 4U);
	KUNIT_EXPECT_EQ(test, mqnvme_queue_vector(3, 3), 1U);
	KUNIT_EXPECT_EQ(test, mqnvme_queue_vector(3, 1), 0U);
}

static void queues_depth_and_doorbells(struct kunit *test)
{
	u64 cap = 0x004018200f0107ffULL;	/* QEMU 7.2: MQES 0x7ff, TO 15 */

	KUNIT_EXPECT_EQ(test, mqnvme_q_depth(cap, 1024), 1024U);
	KUNIT_EXPECT_EQ(test, mqnvme_q_depth(cap, 4095), 2048U);
	KUNIT_EXPECT_EQ(test, mqnvme_q_depth(cap & ~0xffffULL, 1024), 2U);
	KUNIT_EXPECT_EQ(test, mqnvme_db_bar_size(1, 1), 0x1008UL);
	KUNIT_EXPECT_EQ(test, mqnvme_db_bar_size(3, 1), 0x1018UL);
	KUNIT_EXPECT_EQ(test, mqnvme_db_bar_size(3, 4), 0x1060UL);
	KUNIT_EXPECT_EQ(test, mqnvme_ready_timeout_ms(cap), 8000U);
	KUNIT_EXPECT_EQ(test, mqnvme_ready_timeout_ms(0), 500U);
}

static void limits_transfer(struct kunit *test)
{
	u64 cap = 0x004018200f0107ffULL;	/* MPSMIN 0: 4 KiB */
	u64 cap8k = cap | (1ULL << 48);

	KUNIT_EXPECT_EQ(test, mqnvme_max_hw_sectors(7, cap), 1024U);
	KUNIT_EXPECT_EQ(test, mqnvme_max_hw_sectors(5, cap), 256U);
	KUNIT_EXPECT_EQ(test, mqnvme_max_hw_sectors(5, cap8k), 512U);
	KUNIT_EXPECT_EQ(test, mqnvme_max_hw_sectors(0, cap), 16384U);
	KUNIT_EXPECT_EQ(test, mqnvme_max_hw_sectors(12, cap), 16384U);
	KUNIT_EXPECT_EQ(test, mqnvme_max_hw_sectors(255, cap), 16384U);
	KUNIT_EXPECT_EQ(test, mqnvme_shutdown_timeout_s(0, 5), 5U);
	KUNIT_EXPECT_EQ(test, mqnvme_shutdown_timeout_s(8000000, 5), 8U);
	KUNIT_EXPECT_EQ(test, mqnvme_shutdown_timeout_s(~0U, 5), 60U);
}

/* CRD picks one of the controller's three retry delays (100 ms units). */
static void retry_delay(struct kunit *test)
{
	static const u16 crdt[3] = { 1, 20, 0xffff };
	u16 write_fault = NVME_SC_WRITE_FAULT;

	KUNIT_EXPECT_EQ(test, mqnvme_retry_delay_ms(write_fault, crdt), 0U);
	KUNIT_EXPECT_EQ(test, mqnvme_retry_delay_ms(write_fault | 1 << 11, crdt),
			100U);
	KUNIT_EXPECT_EQ(test, mqnvme_retry_delay_ms(write_fault | 2 << 11, crdt),
			2000U);
	KUNIT_EXPECT_EQ(test, mqnvme_retry_delay_ms(NVME_STATUS_CRD, crdt),
			6553500U);
	/* DNR and More do not change the delay. */
	KUNIT_EXPECT_EQ(test, mqnvme_retry_delay_ms(NVME_STATUS_DNR |
						    NVME_STATUS_MORE | 1 << 11,
						    crdt), 100U);
}

static void abort_rearm(struct kunit *test)
{
	/* The queue's own timeout: Abort at 30 s, reset at 60 s. */
	KUNIT_EXPECT_EQ(test, mqnvme_abort_rearm(30 * HZ, 30 * HZ), 30UL * HZ);
	/* timeout_ms=1: the Abort comes early, the reset does not. */
	KUNIT_EXPECT_EQ(test, mqnvme_abort_rearm(1, 30 * HZ) + 1, 60UL * HZ);
	KUNIT_EXPECT_EQ(test, mqnvme_abort_rearm(10 * HZ, 30 * HZ), 50UL * HZ);
	/* Longer than the queue's: one more queue timeout after the Abort. */
	KUNIT_EXPECT_EQ(test, mqnvme_abort_rearm(600 * HZ, 30 * HZ), 30UL * HZ);
}

static void status_mapping(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, mqnvme_status_to_blk(0), BLK_STS_OK);
	KUNIT_EXPECT_EQ(test, mqnvme_status_to_blk(NVME_SC_READ_ERROR),
			BLK_STS_MEDIUM);
	KUNIT_EXPECT_EQ(test, mqnvme_status_to_blk(NVME_SC_READ_ERROR |
						   NVME_STATUS_DNR),
			BLK_STS_MEDIUM);
	KUNIT_EXPECT_EQ(test, mqnvme_status_to_blk(NVME_SC_WRITE_FAULT),
			BLK_STS_MEDIUM);
	KUNIT_EXPECT_EQ(test, mqnvme_status_to_blk(NVME_SC_LBA_RANGE),
			BLK_STS_TARGET);
	KUNIT_EXPECT_EQ(test, mqnvme_status_to_blk(NVME_SC_INVALID_OPCODE),
			BLK_STS_NOTSUPP);
	KUNIT_EXPECT_EQ(test, mqnvme_status_to_blk(NVME_SC_GUARD_CHECK),
			BLK_STS_PROTECTION);
	KUNIT_EXPECT_EQ(test, mqnvme_status_to_blk(NVME_SC_REFTAG_CHECK),
			BLK_STS_PROTECTION);
	KUNIT_EXPECT_EQ(test, mqnvme_status_to_blk(NVME_SC_CAP_EXCEEDED),
			BLK_STS_NOSPC);
	KUNIT_EXPECT_EQ(test, mqnvme_status_to_blk(NVME_SC_HOST_ABORTED_CMD),
			BLK_STS_IOERR);
	KUNIT_EXPECT_EQ(test, mqnvme_status_to_blk(NVME_SC_INTERNAL),
			BLK_STS_IOERR);
}

static void dbbuf_events(struct kunit *test)
{
	/* event index inside [old, new): ring */
	KUNIT_EXPECT_TRUE(test, mqnvme_dbbuf_need_event(5, 8, 4));
	KUNIT_EXPECT_TRUE(test, mqnvme_dbbuf_need_event(4, 8, 4));
	KUNIT_EXPECT_TRUE(test, mqnvme_dbbuf_need_event(7, 8, 4));
	/* outside: the controller is still polling, no MMIO */
	KUNIT_EXPECT_FALSE(test, mqnvme_dbbuf_need_event(8, 8, 4));
	KUNIT_EXPECT_FALSE(test, mqnvme_dbbuf_need_event(3, 8, 4));
	KUNIT_EXPECT_FALSE(test, mqnvme_dbbuf_need_event(100, 8, 4));
	/* wrapping at 2^16 */
	KUNIT_EXPECT_TRUE(test, mqnvme_dbbuf_need_event(0xffff, 2, 0xfffe));
	KUNIT_EXPECT_TRUE(test, mqnvme_dbbuf_need_event(1, 2, 0xfffe));
	KUNIT_EXPECT_FALSE(test, mqnvme_dbbuf_need_event(2, 2, 0xfffe));
	/* a fresh buffer (all zero) rings on the first update */
	KUNIT_EXPECT_TRUE(test, mqnvme_dbbuf_need_event(0, 1, 0));
}

static struct kunit_case mqnvme_queue_cases[] = {
	KUNIT_CASE(dbbuf_events),
	KUNIT_CASE(queues_granted),
	KUNIT_CASE(queues_per_cpu),
	KUNIT_CASE(irq_modes),
	KUNIT_CASE(poll_intervals),
	KUNIT_CASE(queues_vectors),
	KUNIT_CASE(queues_depth_and_doorbells),
	KUNIT_CASE(limits_transfer),
	KUNIT_CASE(retry_delay),
	KUNIT_CASE(abort_rearm),
	KUNIT_CASE(status_mapping),
	{}
};

static struct kunit_suite mqnvme_queue_suite = {
	.name = "mqnvme_queue",
	.test_cases = mqnvme_queue_cases,
};

static struct nvme_command passthru(u8 opcode, u32 cdw10, u32 cdw11, u32 cdw12)
{
	struct nvme_command c = { };

	c.common.opcode = opcode;
	c.common.cdw10 = cpu_to_le32(cdw10);
	c.common.cdw11 = cpu_to_le32(cdw11);
	c.common.cdw12 = cpu_to_le32(cdw12);
	return c;
}

static void admin_xfer_lengths(struct kunit *test)
{
	struct nvme_command c;

	/* Identify: 4 KiB whatever the CNS. */
	c = passthru(nvme_admin_identify, NVME_ID_CNS_CTRL, 0, 0);
	KUNIT_EXPECT_EQ(test, mqnvme_admin_xfer_len(&c), 4096L);
	c = passthru(nvme_admin_identify, 0xff, 0, 0);
	KUNIT_EXPECT_EQ(test, mqnvme_admin_xfer_len(&c), 4096L);
	/* Get Log Page: NUMDL in cdw10[31:16], NUMDU in cdw11[15:0]. */
	c = passthru(nvme_admin_get_log_page, NVME_LOG_SMART | 127 << 16, 0, 0);
	KUNIT_EXPECT_EQ(test, mqnvme_admin_xfer_len(&c), 512L);
	c = passthru(nvme_admin_get_log_page, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, mqnvme_admin_xfer_len(&c), 4L);
	c = passthru(nvme_admin_get_log_page, 0xffffU << 16, 0xffff, 0);
	KUNIT_EXPECT_EQ(test, mqnvme_admin_xfer_len(&c), 0x100000000L * 4);
	/* Features: by FID, EXHID for the host identifier. */
	c = passthru(nvme_admin_get_features, NVME_FEAT_TEMP_THRESH, 0, 0);
	KUNIT_EXPECT_EQ(test, mqnvme_admin_xfer_len(&c), 0L);
	c = passthru(nvme_admin_set_features, NVME_FEAT_TIMESTAMP, 0, 0);
	KUNIT_EXPECT_EQ(test, mqnvme_admin_xfer_len(&c), 8L);
	c = passthru(nvme_admin_get_features, NVME_FEAT_AUTO_PST, 0, 0);
	KUNIT_EXPECT_EQ(test, mqnvme_admin_xfer_len(&c), 256L);
	c = passthru(nvme_admin_get_features, NVME_FEAT_HOST_ID, 1, 0);
	KUNIT_EXPECT_EQ(test, mqnvme_admin_xfer_len(&c), 16L);
	c = passthru(nvme_admin_get_features, NVME_FEAT_HOST_ID, 0, 0);
	KUNIT_EXPECT_EQ(test, mqnvme_admin_xfer_len(&c), 8L);
	c = passthru(nvme_admin_get_features, 0xc0, 0, 0);	/* vendor */
	KUNIT_EXPECT_EQ(test, mqnvme_admin_xfer_len(&c), -1L);
	/* Firmware download: NUMD zero's based in cdw10. */
	c = passthru(nvme_admin_download_fw, 1023, 0, 0);
	KUNIT_EXPECT_EQ(test, mqnvme_admin_xfer_len(&c), 4096L);
	/* Security: the allocation length in cdw11. */
	c = passthru(nvme_admin_security_recv, 0x01 << 24, 512, 0);
	KUNIT_EXPECT_EQ(test, mqnvme_admin_xfer_len(&c), 512L);
	/* Namespace management: data only to create. */
	c = passthru(nvme_admin_ns_mgmt, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, mqnvme_admin_xfer_len(&c), 4096L);
	c = passthru(nvme_admin_ns_mgmt, 1, 0, 0);
	KUNIT_EXPECT_EQ(test, mqnvme_admin_xfer_len(&c), 0L);
	c = passthru(nvme_admin_format_nvm, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, mqnvme_admin_xfer_len(&c), 0L);
	c = passthru(0xc5, 0, 0, 0);				/* vendor */
	KUNIT_EXPECT_EQ(test, mqnvme_admin_xfer_len(&c), -1L);
}

static void io_xfer_lengths(struct kunit *test)
{
	struct mqnvme_ns_format plain = { .lba_shift = 9 };
	struct mqnvme_ns_format big = { .lba_shift = 12 };
	struct mqnvme_ns_format sep = { .lba_shift = 9, .ms = 8, .pi_size = 8 };
	struct mqnvme_ns_format ext = { .lba_shift = 9, .ms = 8, .ext = true,
					.pi_size = 8 };
	struct mqnvme_ns_format ext64 = { .lba_shift = 12, .ms = 64,
					  .ext = true, .pi_size = 8 };
	struct nvme_command c;

	/* NLB is zero's based in cdw12[15:0]; the upper bits are flags. */
	c = passthru(nvme_cmd_read, 0, 0, 7);
	KUNIT_EXPECT_EQ(test, mqnvme_io_xfer_len(&c, &plain), 4096L);
	KUNIT_EXPECT_EQ(test, mqnvme_io_xfer_len(&c, &big), 32768L);
	KUNIT_EXPECT_EQ(test, mqnvme_io_meta_len(&c, &plain), 0U);
	c = passthru(nvme_cmd_write, 0, 0, 0xffff | NVME_RW_FUA << 16);
	KUNIT_EXPECT_EQ(test, mqnvme_io_xfer_len(&c, &plain), 65536L * 512);
	/* Separate metadata: data alone, MPTR needs blocks x ms... */
	c = passthru(nvme_cmd_read, 0, 0, 7);
	KUNIT_EXPECT_EQ(test, mqnvme_io_xfer_len(&c, &sep), 4096L);
	KUNIT_EXPECT_EQ(test, mqnvme_io_meta_len(&c, &sep), 64U);
	/* ...unless PRACT strips a PI-only field. */
	c = passthru(nvme_cmd_read, 0, 0, 7 | NVME_RW_PRINFO_PRACT << 16);
	KUNIT_EXPECT_EQ(test, mqnvme_io_meta_len(&c, &sep), 0U);
	/* Extended LBAs: metadata inline, no MPTR. */
	c = passthru(nvme_cmd_write, 0, 0, 1);
	KUNIT_EXPECT_EQ(test, mqnvme_io_xfer_len(&c, &ext), 2L * 520);
	KUNIT_EXPECT_EQ(test, mqnvme_io_meta_len(&c, &ext), 0U);
	c = passthru(nvme_cmd_write, 0, 0, 1 | NVME_RW_PRINFO_PRACT << 16);
	KUNIT_EXPECT_EQ(test, mqnvme_io_xfer_len(&c, &ext), 2L * 512);
	/* PRACT cannot strip 64 bytes of metadata: they stay inline. */
	KUNIT_EXPECT_EQ(test, mqnvme_io_xfer_len(&c, &ext64), 2L * (4096 + 64));
	/* Commands without data, and those with their own sizes. */
	c = passthru(nvme_cmd_flush, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, mqnvme_io_xfer_len(&c, &plain), 0L);
	c = passthru(nvme_cmd_write_zeroes, 0, 0, 0xffff);
	KUNIT_EXPECT_EQ(test, mqnvme_io_xfer_len(&c, &plain), 0L);
	KUNIT_EXPECT_EQ(test, mqnvme_io_meta_len(&c, &sep), 0U);
	c = passthru(nvme_cmd_dsm, 255, NVME_DSMGMT_AD, 0);
	KUNIT_EXPECT_EQ(test, mqnvme_io_xfer_len(&c, &plain), 4096L);
	c = passthru(MQNVME_CMD_COPY, 0, 0, 3);
	KUNIT_EXPECT_EQ(test, mqnvme_io_xfer_len(&c, &plain), 128L);
	c = passthru(MQNVME_CMD_COPY, 0, 0, 3 | 1 << 8);
	KUNIT_EXPECT_EQ(test, mqnvme_io_xfer_len(&c, &plain), 160L);
	c = passthru(MQNVME_CMD_COPY, 0, 0, 3 | 2 << 8);
	KUNIT_EXPECT_EQ(test, mqnvme_io_xfer_len(&c, &plain), -1L);
	c = passthru(nvme_cmd_resv_report, 1023, 0, 0);
	KUNIT_EXPECT_EQ(test, mqnvme_io_xfer_len(&c, &plain), 4096L);
	/* Reservation Register: CRKEY and NRKEY, what nvme-cli sends. */
	c = passthru(nvme_cmd_resv_register, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, mqnvme_io_xfer_len(&c, &plain), 16L);
	c = passthru(nvme_cmd_resv_acquire, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, mqnvme_io_xfer_len(&c, &plain), 16L);
	c = passthru(nvme_cmd_resv_release, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, mqnvme_io_xfer_len(&c, &plain), 8L);
	c = passthru(0x81, 0, 0, 0);				/* vendor */
	KUNIT_EXPECT_EQ(test, mqnvme_io_xfer_len(&c, &plain), -1L);
}

static void admin_reserved(struct kunit *test)
{
	static const u8 driver_owned[] = {
		nvme_admin_delete_sq, nvme_admin_create_sq,
		nvme_admin_delete_cq, nvme_admin_create_cq,
		nvme_admin_async_event, nvme_admin_dbbuf,
	};
	static const u8 features[] = {
		NVME_FEAT_NUM_QUEUES, NVME_FEAT_KATO, NVME_FEAT_HOST_MEM_BUF,
		NVME_FEAT_AUTO_PST, NVME_FEAT_HOST_BEHAVIOR,
	};
	struct nvme_command c;
	int i;

	for (i = 0; i < ARRAY_SIZE(driver_owned); i++) {
		c = passthru(driver_owned[i], 0, 0, 0);
		KUNIT_EXPECT_TRUE(test, mqnvme_admin_cmd_reserved(&c));
	}
	for (i = 0; i < ARRAY_SIZE(features); i++) {
		/* The save bit and the upper bits do not hide the FID. */
		c = passthru(nvme_admin_set_features, features[i] | 1U << 31, 0, 0);
		KUNIT_EXPECT_TRUE(test, mqnvme_admin_cmd_reserved(&c));
		c = passthru(nvme_admin_get_features, features[i], 0, 0);
		KUNIT_EXPECT_FALSE(test, mqnvme_admin_cmd_reserved(&c));
	}
	c = passthru(nvme_admin_set_features, NVME_FEAT_TEMP_THRESH, 0x157, 0);
	KUNIT_EXPECT_FALSE(test, mqnvme_admin_cmd_reserved(&c));
	c = passthru(nvme_admin_identify, NVME_ID_CNS_CTRL, 0, 0);
	KUNIT_EXPECT_FALSE(test, mqnvme_admin_cmd_reserved(&c));
	c = passthru(nvme_admin_format_nvm, 0, 0, 0);
	KUNIT_EXPECT_FALSE(test, mqnvme_admin_cmd_reserved(&c));
}

static void aen_decoding(struct kunit *test)
{
	struct mqnvme_aen ev;

	/* QEMU's Namespace Attribute Changed: notice 0, Changed NS List. */
	ev = mqnvme_aen_decode(0x040002);
	KUNIT_EXPECT_EQ(test, ev.type, NVME_AER_NOTICE);
	KUNIT_EXPECT_EQ(test, ev.info, NVME_AER_NOTICE_NS_CHANGED);
	KUNIT_EXPECT_EQ(test, ev.lid, NVME_LOG_CHANGED_NS);
	KUNIT_EXPECT_STREQ(test, mqnvme_aen_name(&ev),
			   "namespace attribute changed");
	/* SMART temperature threshold, SMART log; reserved bits ignored. */
	ev = mqnvme_aen_decode(0xff0201f9);
	KUNIT_EXPECT_EQ(test, ev.type, NVME_AER_SMART);
	KUNIT_EXPECT_EQ(test, ev.info, 1);
	KUNIT_EXPECT_EQ(test, ev.lid, NVME_LOG_SMART);
	KUNIT_EXPECT_STREQ(test, mqnvme_aen_name(&ev), "temperature threshold");
	ev = mqnvme_aen_decode(NVME_AER_ERROR_PERSIST_INT_ERR << 8 |
			       NVME_LOG_ERROR << 16);
	KUNIT_EXPECT_EQ(test, ev.type, NVME_AER_ERROR);
	KUNIT_EXPECT_STREQ(test, mqnvme_aen_name(&ev),
			   "persistent internal error");
	ev = mqnvme_aen_decode(NVME_AER_NOTICE_DISC_CHANGED << 8 |
			       NVME_AER_NOTICE);
	KUNIT_EXPECT_STREQ(test, mqnvme_aen_name(&ev),
			   "discovery log page change");
	ev = mqnvme_aen_decode(0x0603);		/* type 3 is reserved */
	KUNIT_EXPECT_STREQ(test, mqnvme_aen_name(&ev), "unknown event");
	ev = mqnvme_aen_decode(0x4001);		/* SMART info 0x40 */
	KUNIT_EXPECT_STREQ(test, mqnvme_aen_name(&ev), "unknown event");
}

static void aen_config_and_warnings(struct kunit *test)
{
	char buf[160];

	const u32 v13 = NVME_VS(1, 3, 0), v14 = NVME_VS(1, 4, 0);

	/* Warning bits 0-4; the PMR one (5) from NVMe 1.4 on. */
	KUNIT_EXPECT_EQ(test, mqnvme_aen_config(0, v13), 0x1fU);
	KUNIT_EXPECT_EQ(test, mqnvme_aen_config(0, v14), 0x3fU);
	KUNIT_EXPECT_EQ(test, mqnvme_aen_config(0, NVME_VS(2, 0, 0)), 0x3fU);
	/* Only the notices the driver handles, and only when offered. */
	KUNIT_EXPECT_EQ(test, mqnvme_aen_config(NVME_AEN_CFG_NS_ATTR |
						NVME_AEN_CFG_ANA_CHANGE |
						NVME_AEN_CFG_DISC_CHANGE, v13),
			(u32)(0x1f | NVME_AEN_CFG_NS_ATTR));
	KUNIT_EXPECT_EQ(test, mqnvme_aen_config(~0U, v14),
			(u32)(0x3f | NVME_AEN_CFG_NS_ATTR |
			      NVME_AEN_CFG_FW_ACT));

	KUNIT_EXPECT_EQ(test, mqnvme_smart_warnings_str(0, buf, sizeof(buf)), 0);
	KUNIT_EXPECT_STREQ(test, buf, "");
	mqnvme_smart_warnings_str(NVME_SMART_CRIT_SPARE |
				  NVME_SMART_CRIT_MEDIA, buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf,
			   "available spare below threshold, media read-only");
	mqnvme_smart_warnings_str(0x80, buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf, "bit 7");
	/* A short buffer is cut, never overrun. */
	KUNIT_EXPECT_EQ(test, mqnvme_smart_warnings_str(0xff, buf, 10), 9);
	KUNIT_EXPECT_STREQ(test, buf, "available");
}

static struct kunit_case mqnvme_passthru_cases[] = {
	KUNIT_CASE(admin_xfer_lengths),
	KUNIT_CASE(io_xfer_lengths),
	KUNIT_CASE(admin_reserved),
	KUNIT_CASE(aen_decoding),
	KUNIT_CASE(aen_config_and_warnings),
	{}
};

static struct kunit_suite mqnvme_passthru_suite = {
	.name = "mqnvme_passthru",
	.test_cases = mqnvme_passthru_cases,
};

kunit_test_suites(&mqnvme_dptr_suite, &mqnvme_queue_suite,
		  &mqnvme_passthru_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests for mqnvme");
MODULE_LICENSE("GPL");
