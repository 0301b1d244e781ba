// SPDX-License-Identifier: GPL-2.0
/*
 * mqnvme: the pure logic of interrupts: which vector serves a queue, and the
 * names of the interrupt modes.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "mqnvme_lib.h"

/**
 * mqnvme_queue_vector - interrupt vector of queue @qid
 * @qid: queue id, 0 for the admin queue
 * @vectors: vectors allocated
 *
 * Return: the vector index: the admin queue uses vector 0, I/O queue n
 * vector n, and everything shares vector 0 when there is only one.
 */
unsigned int mqnvme_queue_vector(unsigned int qid, unsigned int vectors)
{
	if (vectors <= 1 || qid == 0)
		return 0;
	return 1 + (qid - 1) % (vectors - 1);
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_queue_vector);

static const char * const mqnvme_irq_mode_names[] = {
	[MQNVME_IRQ_AUTO]	= "auto",
	[MQNVME_IRQ_MSIX]	= "msix",
	[MQNVME_IRQ_MSI]	= "msi",
	[MQNVME_IRQ_INTX]	= "intx",
	[MQNVME_IRQ_POLL]	= "poll",
};

/**
 * mqnvme_irq_mode_name - the name of an interrupt mode
 * @mode: the mode
 *
 * Return: the name the irq_mode parameter and sysfs use, or "unknown".
 */
const char *mqnvme_irq_mode_name(enum mqnvme_irq_mode mode)
{
	if ((unsigned int)mode < ARRAY_SIZE(mqnvme_irq_mode_names))
		return mqnvme_irq_mode_names[mode];
	return "unknown";
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_irq_mode_name);

/**
 * mqnvme_irq_mode_parse - parse the irq_mode parameter
 * @s: auto, msix, msi, intx or poll, with an optional trailing newline
 *
 * Return: the mode, or -EINVAL.
 */
int mqnvme_irq_mode_parse(const char *s)
{
	return sysfs_match_string(mqnvme_irq_mode_names, s);
}
EXPORT_SYMBOL_IF_KUNIT(mqnvme_irq_mode_parse);
