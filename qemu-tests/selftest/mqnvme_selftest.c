// SPDX-License-Identifier: GPL-2.0
/*
 * The harness's positive controls: loaded with provoke=warn, kasan or leak,
 * this module does exactly what the QEMU harness must catch in a test's
 * kernel log (a WARNING, a KASAN out-of-bounds read, a kmemleak leak), so
 * the selftest-* tests prove the detectors still fire.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/bug.h>

static char *provoke = "";
module_param(provoke, charp, 0444);
MODULE_PARM_DESC(provoke, "warn, kasan or leak");

/*
 * kmemleak scans whole task stacks, and insmod's stack goes to the next
 * task as it is: copies of the leaked pointers that kmalloc()'s call chain
 * and pr_info() left below this frame would keep the objects "referenced"
 * (CI saw the control pass that way). Overwriting that part of the stack,
 * 512 bytes a level, leaves no reference anywhere.
 */
#define MQNVME_SCRUB_DEPTH	16

static noinline int mqnvme_selftest_scrub_stack(int depth)
{
	char buf[512];
	int ret = 0;

	memzero_explicit(buf, sizeof(buf));
	if (depth > 1)
		ret = mqnvme_selftest_scrub_stack(depth - 1);
	return ret + buf[depth % sizeof(buf)];
}

static int __init mqnvme_selftest_init(void)
{
	if (!strcmp(provoke, "warn")) {
		WARN(1, "mqnvme_selftest: provoked warning\n");
	} else if (!strcmp(provoke, "kasan")) {
		char *p = kmalloc(16, GFP_KERNEL);
		size_t i = 16;

		if (!p)
			return -ENOMEM;
		OPTIMIZER_HIDE_VAR(i);
		pr_info("mqnvme_selftest: reading byte %zu of 16: %d\n", i,
			READ_ONCE(p[i]));
		kfree(p);
	} else if (!strcmp(provoke, "leak")) {
		int i, n = 0;

		for (i = 0; i < 8; i++) {
			void *p = kmalloc(64, GFP_KERNEL);

			OPTIMIZER_HIDE_VAR(p);
			n += !!p;
		}
		pr_info("mqnvme_selftest: leaked %d objects\n", n);
		mqnvme_selftest_scrub_stack(MQNVME_SCRUB_DEPTH);
	} else {
		return -EINVAL;
	}
	return 0;
}

static void __exit mqnvme_selftest_exit(void)
{
}

module_init(mqnvme_selftest_init);
module_exit(mqnvme_selftest_exit);
MODULE_DESCRIPTION("mqnvme test harness positive controls");
MODULE_LICENSE("GPL");
