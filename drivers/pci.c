// SPDX-License-Identifier: GPL-2.0
/*
 * mqnvme: the PCI driver: probe, remove and shutdown of NVMe controllers
 * (class code 0x010802).
 */
#include <linux/dma-mapping.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "mqnvme.h"

static DEFINE_IDA(mqnvme_instance_ida);

static int mqnvme_pci_enable(struct mqnvme_ctrl *ctrl)
{
	struct pci_dev *pdev = ctrl->pdev;
	int ret;

	ret = pci_enable_device_mem(pdev);
	if (ret)
		return ret;
	pci_set_master(pdev);
	if (dma_set_mask_and_coherent(ctrl->dev, DMA_BIT_MASK(64)) &&
	    dma_set_mask_and_coherent(ctrl->dev, DMA_BIT_MASK(32))) {
		ret = -ENODEV;
		goto out_disable;
	}
	/* The controller sees page offsets: keep them when bouncing. */
	dma_set_min_align_mask(ctrl->dev, MQNVME_CTRL_PAGE_SIZE - 1);
	dma_set_max_seg_size(ctrl->dev, 0xffffffff);
	ret = pci_request_mem_regions(pdev, MQNVME_NAME);
	if (ret)
		goto out_disable;
	return 0;

out_disable:
	pci_disable_device(pdev);
	return ret;
}

static void mqnvme_pci_disable(struct mqnvme_ctrl *ctrl)
{
	pci_release_mem_regions(ctrl->pdev);
	pci_disable_device(ctrl->pdev);
}

/* The class device's release: the last open file or disk is gone. */
static void mqnvme_ctrl_free_struct(struct device *dev)
{
	struct mqnvme_ctrl *ctrl = container_of(dev, struct mqnvme_ctrl,
						class_dev);

	ida_free(&mqnvme_instance_ida, ctrl->instance);
	xa_destroy(&ctrl->refused_ns);
	kfree(ctrl->effects);
	kfree(ctrl);
}

static void mqnvme_ctrl_release(struct mqnvme_ctrl *ctrl)
{
	mqnvme_ctrl_free(ctrl);
	mqnvme_pci_disable(ctrl);
	put_device(&ctrl->class_dev);
}

static int mqnvme_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct mqnvme_ctrl *ctrl;
	char irqs[80];
	int ret;

	ctrl = kzalloc_node(sizeof(*ctrl), GFP_KERNEL, dev_to_node(&pdev->dev));
	if (!ctrl)
		return -ENOMEM;
	ctrl->pdev = pdev;
	ctrl->dev = &pdev->dev;
	mqnvme_ctrl_setup(ctrl);
	ctrl->instance = ida_alloc(&mqnvme_instance_ida, GFP_KERNEL);
	if (ctrl->instance < 0) {
		ret = ctrl->instance;
		kfree(ctrl);
		return ret;
	}
	ret = mqnvme_ctrl_device_init(ctrl, mqnvme_ctrl_free_struct);
	if (ret) {
		put_device(&ctrl->class_dev);
		return ret;
	}
	pci_set_drvdata(pdev, ctrl);

	ret = mqnvme_pci_enable(ctrl);
	if (ret) {
		put_device(&ctrl->class_dev);
		return ret;
	}

	ret = mqnvme_ctrl_init(ctrl);
	if (ret) {
		mqnvme_change_state(ctrl, MQNVME_CTRL_DELETING);
		mqnvme_ctrl_disable(ctrl, false);
		mqnvme_ctrl_release(ctrl);
		return ret;
	}
	mqnvme_debugfs_add_ctrl(ctrl);
	ret = mqnvme_sysfs_add_ctrl(ctrl);
	if (ret)
		dev_warn(ctrl->dev, "no sysfs class device (%d)\n", ret);

	/* A namespace that fails is logged; the controller stays usable. */
	mqnvme_rescan(ctrl);
	dev_info(ctrl->dev,
		 "%s (fw %s), NVMe %u.%u, %u I/O queues of depth %u, max transfer %u KiB%s%s\n",
		 ctrl->model, ctrl->firmware_rev,
		 NVME_MAJOR(ctrl->vs), NVME_MINOR(ctrl->vs), ctrl->nr_io_queues,
		 ctrl->q_depth, ctrl->max_hw_sectors / 2,
		 ctrl->sgls ? ", SGLs" : "",
		 ctrl->dbbuf_dbs ? ", shadow doorbells" : "");
	mqnvme_irq_describe(ctrl, irqs, sizeof(irqs));
	dev_info(ctrl->dev, "interrupts: %s", irqs);
	return 0;
}

static void mqnvme_remove(struct pci_dev *pdev)
{
	struct mqnvme_ctrl *ctrl = pci_get_drvdata(pdev);

	/*
	 * A controller that is gone fails what it holds before anything
	 * waits: the ioctls under way (an SG_IO loop over the whole disk, a
	 * passthrough command with a long timeout) then end at once.
	 */
	if (!pci_device_is_present(pdev)) {
		mqnvme_change_state(ctrl, MQNVME_CTRL_DELETING);
		ctrl->hw_failed = true;
		mqnvme_ctrl_disable(ctrl, false);
	}
	/* Ioctls under way finish first; later ones see the new state. */
	down_write(&ctrl->ioctl_rwsem);
	mqnvme_change_state(ctrl, MQNVME_CTRL_DELETING);
	up_write(&ctrl->ioctl_rwsem);
	/* Held by an event that never ended (a recovery given up): the held I/O fails. */
	mqnvme_ctrl_release_hold(ctrl);
	/* A FORMAT UNIT that SG_IO started in the background ends first. */
	mqnvme_scsi_stop_ctrl(ctrl);
	/* No event work (uevents, rescans) once the device starts going. */
	mqnvme_aen_stop(ctrl);
	mqnvme_sysfs_remove_ctrl(ctrl);
	flush_work(&ctrl->reset_work);
	flush_work(&ctrl->dead_work);
	if (!pci_device_is_present(pdev)) {
		ctrl->hw_failed = true;
		mqnvme_ctrl_disable(ctrl, false);
	}
	mqnvme_remove_namespaces(ctrl);
	mqnvme_ctrl_disable(ctrl, true);
	mqnvme_aen_stop(ctrl);
	mqnvme_debugfs_remove_ctrl(ctrl);
	mqnvme_ctrl_release(ctrl);
}

static void mqnvme_shutdown(struct pci_dev *pdev)
{
	struct mqnvme_ctrl *ctrl = pci_get_drvdata(pdev);

	/*
	 * Deleting: a command that times out now is failed inline instead of
	 * handing the controller to dead_work, which would wait for us.
	 */
	mqnvme_change_state(ctrl, MQNVME_CTRL_DELETING);
	flush_work(&ctrl->reset_work);
	flush_work(&ctrl->dead_work);
	mqnvme_aen_stop(ctrl);
	mqnvme_ctrl_disable(ctrl, true);
	mqnvme_aen_stop(ctrl);
}

/*
 * Function level reset (sysfs "reset", a hypervisor): the PCI core calls
 * these around it, with the device lock held. The controller is stopped
 * and its I/O held before, and brought back after, as in a reset.
 */
static void mqnvme_reset_prepare(struct pci_dev *pdev)
{
	struct mqnvme_ctrl *ctrl = pci_get_drvdata(pdev);

	mqnvme_ctrl_hold(ctrl, "function reset", false);
}

static void mqnvme_reset_done(struct pci_dev *pdev)
{
	struct mqnvme_ctrl *ctrl = pci_get_drvdata(pdev);

	mqnvme_ctrl_release_hold(ctrl);
}

/*
 * PCI error recovery (AER, DPC). A non-fatal error leaves the channel
 * working: nothing to do. A fatal one freezes it: the controller is
 * stopped, the core resets the link, and the controller comes back.
 */
static pci_ers_result_t mqnvme_error_detected(struct pci_dev *pdev,
					      pci_channel_state_t state)
{
	struct mqnvme_ctrl *ctrl = pci_get_drvdata(pdev);

	switch (state) {
	case pci_channel_io_normal:
		dev_warn(ctrl->dev, "PCI error (channel working): carrying on\n");
		return PCI_ERS_RESULT_CAN_RECOVER;
	case pci_channel_io_frozen:
		if (!mqnvme_ctrl_hold(ctrl, "PCI error (channel frozen)", false))
			return PCI_ERS_RESULT_DISCONNECT;
		return PCI_ERS_RESULT_NEED_RESET;
	case pci_channel_io_perm_failure:
	default:
		mqnvme_ctrl_fail(ctrl, "PCI error (permanent failure)");
		return PCI_ERS_RESULT_DISCONNECT;
	}
}

static pci_ers_result_t mqnvme_mmio_enabled(struct pci_dev *pdev)
{
	return PCI_ERS_RESULT_RECOVERED;
}

static pci_ers_result_t mqnvme_slot_reset(struct pci_dev *pdev)
{
	struct mqnvme_ctrl *ctrl = pci_get_drvdata(pdev);

	dev_info(ctrl->dev, "PCI error: restarting after the slot reset\n");
	pci_restore_state(pdev);
	mqnvme_ctrl_release_hold(ctrl);
	return READ_ONCE(ctrl->state) == MQNVME_CTRL_LIVE ?
	       PCI_ERS_RESULT_RECOVERED : PCI_ERS_RESULT_DISCONNECT;
}

static void mqnvme_error_resume(struct pci_dev *pdev)
{
	struct mqnvme_ctrl *ctrl = pci_get_drvdata(pdev);

	dev_info(ctrl->dev, "PCI error recovery done, controller %s\n",
		 mqnvme_state_name(READ_ONCE(ctrl->state)));
}

static const struct pci_error_handlers mqnvme_err_handler = {
	.error_detected	= mqnvme_error_detected,
	.mmio_enabled	= mqnvme_mmio_enabled,
	.slot_reset	= mqnvme_slot_reset,
	.resume		= mqnvme_error_resume,
	.reset_prepare	= mqnvme_reset_prepare,
	.reset_done	= mqnvme_reset_done,
};

/*
 * System sleep: suspend (s2idle, S3), hibernation's freeze, poweroff. The
 * controller is shut down (CC.SHN, so its cache is safe whatever power
 * does) with its I/O held; resume, thaw and restore bring it back and let
 * the held I/O run, as the second half of a reset.
 */
static int mqnvme_pm_suspend(struct device *dev)
{
	struct mqnvme_ctrl *ctrl = dev_get_drvdata(dev);

	mqnvme_ctrl_hold(ctrl, "system sleep", true);
	return 0;
}

static int mqnvme_pm_resume(struct device *dev)
{
	struct mqnvme_ctrl *ctrl = dev_get_drvdata(dev);

	mqnvme_ctrl_release_hold(ctrl);
	return 0;
}

static DEFINE_SIMPLE_DEV_PM_OPS(mqnvme_pm_ops, mqnvme_pm_suspend,
				mqnvme_pm_resume);

/**
 * mqnvme_pci_sleep_cycle - a system sleep of one controller, for testing
 * @ctrl: the controller
 *
 * What the PM core and the PCI core do to the function across a suspend
 * and resume: the driver's suspend, config space saved, D3hot, D0, config
 * space restored, the driver's resume. Under the device lock, as there
 * (taken only if free: remove() holds it while it removes this knob).
 *
 * Return: 0, -EBUSY when the device is busy, or -EIO when the controller
 * did not come back live.
 */
int mqnvme_pci_sleep_cycle(struct mqnvme_ctrl *ctrl)
{
	struct pci_dev *pdev = ctrl->pdev;
	int ret = 0;

	if (!device_trylock(&pdev->dev))
		return -EBUSY;
	mqnvme_pm_suspend(&pdev->dev);
	pci_save_state(pdev);
	pci_set_power_state(pdev, PCI_D3hot);
	pci_set_power_state(pdev, PCI_D0);
	pci_restore_state(pdev);
	mqnvme_pm_resume(&pdev->dev);
	if (READ_ONCE(ctrl->state) != MQNVME_CTRL_LIVE)
		ret = -EIO;
	device_unlock(&pdev->dev);
	return ret;
}

static const struct pci_device_id mqnvme_id_table[] = {
	{ PCI_DEVICE_CLASS(PCI_CLASS_STORAGE_EXPRESS, 0xffffff) },
	{ 0, }
};

/*
 * No MODULE_DEVICE_TABLE on purpose: udev must not autoload mqnvme next to
 * the in-tree nvme driver and race it for the boot disk. mqnvme binds what
 * is free when loaded; scripts/mqnvme-bind moves a controller over.
 */

struct pci_driver mqnvme_pci_driver = {
	.name		= MQNVME_NAME,
	.id_table	= mqnvme_id_table,
	.probe		= mqnvme_probe,
	.remove		= mqnvme_remove,
	.shutdown	= mqnvme_shutdown,
	.err_handler	= &mqnvme_err_handler,
	.driver.pm	= pm_sleep_ptr(&mqnvme_pm_ops),
};
