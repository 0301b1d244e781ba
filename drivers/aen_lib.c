// SPDX-License-Identifier: GPL-2.0
/*
 * mqnvme: the pure logic of asynchronous events: decoding a result, the
 * events to enable, and their names.
 */
#include <linux/kernel.h>
#include <linux/bitops.h>
#include <linux/export.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "mqnvme_lib.h"

/**
 * mqnvme_aen_decode - split an Asynchronous Event Request's result
 * @result: completion dword 0
 *
 * Return: the event type, its information and the log page that clears it.
 */
struct mqnvme_aen mqnvme_aen_decode(u32 result)
{
	struct mqnvme_aen ev = {
		.type = result & 0x7,
		.info = (result >> 8) & 0xff,
		.lid = (result >> 16) & 0xff,
	};

	return ev;
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_aen_decode);

/**
 * mqnvme_aen_config - the Asynchronous Event Configuration (feature 0Bh)
 * @oaes: Optional Asynchronous Events Supported, from Identify Controller
 * @vs: the controller's version register
 *
 * Every SMART/health critical warning its version defines (the PMR bit is
 * reserved before 1.4), plus the notices the driver acts on when the
 * controller offers them: namespace attribute changes (a rescan) and
 * firmware activation (logged).
 *
 * Return: the feature's dword 11.
 */
u32 mqnvme_aen_config(u32 oaes, u32 vs)
{
	u32 crit = MQNVME_SMART_CRIT_ALL;

	if (vs >= NVME_VS(1, 4, 0))
		crit |= MQNVME_SMART_CRIT_PMR;
	return crit | (oaes & (NVME_AEN_CFG_NS_ATTR | NVME_AEN_CFG_FW_ACT));
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_aen_config);

/**
 * mqnvme_aen_name - what an asynchronous event is, for the log
 * @ev: the decoded event
 *
 * Return: a constant string; "unknown event" for what the standard does
 * not define.
 */
const char *mqnvme_aen_name(const struct mqnvme_aen *ev)
{
	static const char * const errors[] = {
		"write to an invalid doorbell register",
		"invalid doorbell write value",
		"diagnostic failure",
		"persistent internal error",
		"transient internal error",
		"firmware image load error",
	};
	static const char * const smart[] = {
		"NVM subsystem reliability",
		"temperature threshold",
		"spare below threshold",
	};
	static const char * const notices[] = {
		"namespace attribute changed",
		"firmware activation starting",
		"telemetry log changed",
		"asymmetric namespace access change",
		"predictable latency event aggregate log change",
		"LBA status information alert",
		"endurance group event aggregate log page change",
	};

	switch (ev->type) {
	case NVME_AER_ERROR:
		if (ev->info < ARRAY_SIZE(errors))
			return errors[ev->info];
		break;
	case NVME_AER_SMART:
		if (ev->info < ARRAY_SIZE(smart))
			return smart[ev->info];
		break;
	case NVME_AER_NOTICE:
		if (ev->info < ARRAY_SIZE(notices))
			return notices[ev->info];
		if (ev->info == NVME_AER_NOTICE_DISC_CHANGED)
			return "discovery log page change";
		break;
	case NVME_AER_CSS:
		return "I/O command set specific event";
	case NVME_AER_VS:
		return "vendor specific event";
	}
	return "unknown event";
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_aen_name);

/**
 * mqnvme_smart_warnings_str - the SMART critical warning bits in words
 * @bits: Critical Warning of the SMART / Health Information log
 * @buf: where to write, NUL-terminated
 * @size: bytes of @buf
 *
 * Return: the length written (as scnprintf()).
 */
int mqnvme_smart_warnings_str(u8 bits, char *buf, size_t size)
{
	static const char * const names[] = {
		"available spare below threshold",
		"temperature outside a threshold",
		"reliability degraded",
		"media read-only",
		"volatile memory backup failed",
		"persistent memory region read-only",
	};
	unsigned long set = bits;
	unsigned int i;
	int len = 0;

	buf[0] = '\0';
	for_each_set_bit(i, &set, BITS_PER_BYTE) {
		if (i < ARRAY_SIZE(names))
			len += scnprintf(buf + len, size - len, "%s%s",
					 len ? ", " : "", names[i]);
		else
			len += scnprintf(buf + len, size - len, "%sbit %u",
					 len ? ", " : "", i);
	}
	return len;
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_smart_warnings_str);
