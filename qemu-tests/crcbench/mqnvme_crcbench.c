// SPDX-License-Identifier: GPL-2.0
/*
 * mqnvme_crcbench: how fast the crypto drivers that can compute PI guard
 * CRCs are in this machine, over 4 KiB blocks (the block layer's unit for
 * a 4096-byte namespace). Used by `make bench` only: loading it measures
 * each driver for about a quarter of a second, checks that they all give
 * the same CRC, prints one "mqnvme_crcbench: DRIVER MB/s" line per driver
 * and stays loaded until rmmod.
 */
#include <crypto/hash.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>

#define BLOCK		4096
#define RUN_NS		(250 * NSEC_PER_MSEC)

static const char * const drivers[] = {
	"crct10dif-pclmul",
	"crct10dif-generic",
};

/* Return: 1 measured, 0 driver not there, or a negative errno. */
static int measure(const char *name, const u8 *buf, u8 *crc)
{
	struct crypto_shash *tfm;
	u64 start, now, bytes = 0;
	int ret = 0;

	tfm = crypto_alloc_shash(name, 0, 0);
	if (IS_ERR(tfm)) {
		pr_info("mqnvme_crcbench: %s not available (%ld)\n", name,
			PTR_ERR(tfm));
		return 0;
	}
	if (strcmp(crypto_shash_driver_name(tfm), name)) {
		pr_info("mqnvme_crcbench: %s resolved to %s, skipped\n", name,
			crypto_shash_driver_name(tfm));
		goto out;
	}
	{
		SHASH_DESC_ON_STACK(desc, tfm);

		desc->tfm = tfm;
		ret = crypto_shash_digest(desc, buf, BLOCK, crc);
		if (ret)
			goto out;
		start = ktime_get_ns();
		do {
			int i;

			for (i = 0; i < 64 && !ret; i++)
				ret = crypto_shash_digest(desc, buf, BLOCK, crc + 2);
			bytes += 64 * BLOCK;
			cond_resched();
			now = ktime_get_ns();
		} while (!ret && now - start < RUN_NS);
	}
	if (!ret) {
		pr_info("mqnvme_crcbench: %s %llu MB/s crc %02x%02x\n", name,
			div64_u64(bytes * 1000, now - start), crc[0], crc[1]);
		ret = 1;
	}
out:
	crypto_free_shash(tfm);
	return ret;
}

static int __init crcbench_init(void)
{
	u8 crc[ARRAY_SIZE(drivers)][4] = { };
	int measured[ARRAY_SIZE(drivers)];
	unsigned int i, first = ARRAY_SIZE(drivers);
	int ret = 0;
	u8 *buf;

	buf = kmalloc(BLOCK, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	get_random_bytes(buf, BLOCK);
	for (i = 0; i < ARRAY_SIZE(drivers); i++) {
		measured[i] = measure(drivers[i], buf, crc[i]);
		if (measured[i] < 0) {
			ret = measured[i];
			goto out;
		}
		if (measured[i] && first == ARRAY_SIZE(drivers))
			first = i;
	}
	/* Every driver measured must compute the same CRC. */
	for (i = first + 1; i < ARRAY_SIZE(drivers); i++) {
		if (measured[i] && memcmp(crc[i], crc[first], 2)) {
			pr_err("mqnvme_crcbench: %s and %s disagree\n",
			       drivers[first], drivers[i]);
			ret = -EIO;
		}
	}
out:
	kfree(buf);
	return ret;
}

static void __exit crcbench_exit(void)
{
}

module_init(crcbench_init);
module_exit(crcbench_exit);
MODULE_DESCRIPTION("mqnvme benchmark: PI guard CRC drivers compared");
MODULE_LICENSE("GPL");
