// SPDX-License-Identifier: GPL-2.0
// The nvme_ioctl.h ABI of mqnvme, driven directly: every ioctl, the bad
// inputs each one must refuse with a defined errno or NVMe status, the
// permission rules, and a bounded random fuzz after which a data pattern
// written first must read back intact.
//
// Devices come from the environment (qemu-tests/tests/ioctl-abi.sh):
//   MQ_CTRL        char device of a controller with exactly one namespace
//   MQ_NS          that namespace's disk (512-byte blocks, no metadata)
//   MQ_CTRL_MULTI  char device of a controller with two namespaces
//   MQ_FUZZ_NS     namespace 1 of MQ_CTRL_MULTI: the fuzz writes here
//   MQ_PART        partition 1 of namespace 2 of MQ_CTRL_MULTI
//   MQ_FUZZ_ITERS  fuzz commands per queue type (default 2000)
//   MQ_FUZZ_SEED   seed of the fuzz (default 1)

#include <fcntl.h>
#include <linux/nvme_ioctl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "test_util.h"

namespace {

using mqtest::Buf;
using mqtest::AsNobody;
using mqtest::Env;
using mqtest::Fd;

// NVMe status values as the ioctls return them: SCT << 8 | SC, DNR 0x4000.
constexpr int kStatusMask = 0x7ff;
constexpr int kInvalidOpcode = 0x001;
constexpr int kInvalidField = 0x002;
constexpr int kLbaRange = 0x080;
constexpr int kCompareFailed = 0x285;

constexpr uint8_t kAdminGetLogPage = 0x02;
constexpr uint8_t kAdminIdentify = 0x06;
constexpr uint8_t kAdminSetFeatures = 0x09;
constexpr uint8_t kAdminGetFeatures = 0x0a;
constexpr uint8_t kAdminCreateSq = 0x01;
constexpr uint8_t kAdminAsyncEvent = 0x0c;
constexpr uint8_t kAdminDbbuf = 0x7c;
constexpr uint8_t kIoWrite = 0x01;
constexpr uint8_t kIoRead = 0x02;
constexpr uint8_t kIoCompare = 0x05;

constexpr uint64_t kPatternLba = 2048;	// 1 MiB in, 256 KiB long
constexpr size_t kPatternLen = 256 * 1024;




// The ioctl's return value, or -errno.
int Ioctl(int fd, unsigned long req, void *arg)
{
	int r = ioctl(fd, req, arg);
	return r < 0 ? -errno : r;
}

nvme_passthru_cmd Identify(uint8_t cns, uint32_t nsid, uint64_t addr,
			   uint32_t len)
{
	nvme_passthru_cmd c{};
	c.opcode = kAdminIdentify;
	c.nsid = nsid;
	c.addr = addr;
	c.data_len = len;
	c.cdw10 = cns;
	return c;
}

nvme_passthru_cmd Rw(uint8_t opcode, uint32_t nsid, uint64_t slba,
		     uint32_t blocks, uint64_t addr, uint32_t len)
{
	nvme_passthru_cmd c{};
	c.opcode = opcode;
	c.nsid = nsid;
	c.addr = addr;
	c.data_len = len;
	c.cdw10 = static_cast<uint32_t>(slba);
	c.cdw11 = static_cast<uint32_t>(slba >> 32);
	c.cdw12 = blocks - 1;
	return c;
}


std::vector<uint8_t> Pattern(size_t len, uint32_t seed)
{
	std::mt19937 rng(seed);
	std::vector<uint8_t> v(len);
	for (auto &b : v)
		b = static_cast<uint8_t>(rng());
	return v;
}

void WritePattern(const std::string &dev, uint32_t seed)
{
	auto pat = Pattern(kPatternLen, seed);
	Fd fd(dev, O_RDWR);
	Buf buf(kPatternLen);
	memcpy(buf.data(), pat.data(), kPatternLen);
	ASSERT_EQ(pwrite(fd.get(), buf.data(), kPatternLen, kPatternLba * 512),
		  static_cast<ssize_t>(kPatternLen));
	ASSERT_EQ(fsync(fd.get()), 0);
}

void CheckPattern(const std::string &dev, uint32_t seed)
{
	auto pat = Pattern(kPatternLen, seed);
	Fd fd(dev, O_RDONLY | O_DIRECT);
	Buf buf(kPatternLen);
	ASSERT_EQ(pread(fd.get(), buf.data(), kPatternLen, kPatternLba * 512),
		  static_cast<ssize_t>(kPatternLen));
	EXPECT_EQ(memcmp(buf.data(), pat.data(), kPatternLen), 0)
		<< dev << ": the data pattern changed";
}

class Abi : public ::testing::Test {
protected:
	std::string ctrl_ = Env("MQ_CTRL");
	std::string ns_ = Env("MQ_NS");
	std::string multi_ = Env("MQ_CTRL_MULTI");
	std::string fuzz_ns_ = Env("MQ_FUZZ_NS");
	std::string part_ = Env("MQ_PART");
};

TEST_F(Abi, A_WritePatterns)
{
	WritePattern(ns_, 1);
	WritePattern(part_.substr(0, part_.size() - 2), 2);
}

TEST_F(Abi, IdReturnsTheNamespaceId)
{
	Fd ns(ns_, O_RDONLY);
	EXPECT_EQ(ioctl(ns.get(), NVME_IOCTL_ID), 1);
	Fd part(part_, O_RDONLY);
	EXPECT_EQ(ioctl(part.get(), NVME_IOCTL_ID), 2);
	Fd ctrl(ctrl_, O_RDONLY);
	EXPECT_EQ(Ioctl(ctrl.get(), NVME_IOCTL_ID, nullptr), -ENOTTY);
}

TEST_F(Abi, AdminIdentifyOnCharAndBlockDevice)
{
	Buf a(4096), b(4096);
	Fd ctrl(ctrl_, O_RDONLY);
	Fd ns(ns_, O_RDONLY);
	auto c = Identify(1, 0, a.addr(), 4096);
	ASSERT_EQ(Ioctl(ctrl.get(), NVME_IOCTL_ADMIN_CMD, &c), 0);
	c = Identify(1, 0, b.addr(), 4096);
	ASSERT_EQ(Ioctl(ns.get(), NVME_IOCTL_ADMIN_CMD, &c), 0);
	EXPECT_EQ(memcmp(a.data(), b.data(), 4096), 0);
	// VID (bytes 0-1) of QEMU's controller, serial at bytes 4-23.
	EXPECT_EQ(a.data()[0] | a.data()[1] << 8, 0x1b36);
	EXPECT_EQ(std::string(reinterpret_cast<char *>(a.data()) + 4, 6), "mqabi1");
}

TEST_F(Abi, ResultIsWrittenBack)
{
	Fd ctrl(ctrl_, O_RDONLY);
	nvme_passthru_cmd c{};
	c.opcode = kAdminGetFeatures;
	c.cdw10 = 4;	// temperature threshold: QEMU's default 343 K
	c.result = 0xffffffff;
	ASSERT_EQ(Ioctl(ctrl.get(), NVME_IOCTL_ADMIN_CMD, &c), 0);
	EXPECT_EQ(c.result, 0x157u);

	nvme_passthru_cmd64 c64{};
	c64.opcode = kAdminGetFeatures;
	c64.cdw10 = 4;
	c64.result = 0xdeadbeefdeadbeefULL;
	ASSERT_EQ(Ioctl(ctrl.get(), NVME_IOCTL_ADMIN64_CMD, &c64), 0);
	EXPECT_EQ(c64.result, 0x157ull);
}

TEST_F(Abi, ControllerStatusIsReturnedPositive)
{
	Fd ctrl(ctrl_, O_RDONLY);
	nvme_passthru_cmd c{};
	c.opcode = 0x3f;	// no such admin command
	int r = Ioctl(ctrl.get(), NVME_IOCTL_ADMIN_CMD, &c);
	ASSERT_GT(r, 0);
	EXPECT_EQ(r & kStatusMask, kInvalidOpcode);
	// Get Features of a feature that does not exist.
	c = {};
	c.opcode = kAdminGetFeatures;
	c.cdw10 = 0x7e;
	r = Ioctl(ctrl.get(), NVME_IOCTL_ADMIN_CMD, &c);
	ASSERT_GT(r, 0);
	EXPECT_EQ(r & kStatusMask, kInvalidField);
}

TEST_F(Abi, FlagsMustBeZero)
{
	Buf a(4096);
	Fd ctrl(ctrl_, O_RDONLY);
	auto c = Identify(1, 0, a.addr(), 4096);
	c.flags = 1;
	EXPECT_EQ(Ioctl(ctrl.get(), NVME_IOCTL_ADMIN_CMD, &c), -EINVAL);
	Fd ns(ns_, O_RDONLY);
	nvme_user_io io{};
	io.opcode = kIoRead;
	io.flags = 4;
	io.addr = a.addr();
	EXPECT_EQ(Ioctl(ns.get(), NVME_IOCTL_SUBMIT_IO, &io), -EINVAL);
}

TEST_F(Abi, WrongNsidIsRefused)
{
	Buf a(4096);
	Fd ns(ns_, O_RDONLY);
	auto c = Rw(kIoRead, 2, 0, 1, a.addr(), 512);
	EXPECT_EQ(Ioctl(ns.get(), NVME_IOCTL_IO_CMD, &c), -EINVAL);
	c.nsid = 0;
	EXPECT_EQ(Ioctl(ns.get(), NVME_IOCTL_IO_CMD, &c), -EINVAL);
}

TEST_F(Abi, BadBuffers)
{
	Fd ctrl(ctrl_, O_RDONLY);
	// NULL with a length.
	auto c = Identify(1, 0, 0, 4096);
	EXPECT_EQ(Ioctl(ctrl.get(), NVME_IOCTL_ADMIN_CMD, &c), -EFAULT);
	// Shorter than what Identify transfers: the controller would write
	// 4096 bytes into it.
	Buf small(512);
	c = Identify(1, 0, small.addr(), 512);
	EXPECT_EQ(Ioctl(ctrl.get(), NVME_IOCTL_ADMIN_CMD, &c), -EINVAL);
	// No buffer at all for a command that transfers data.
	c = Identify(1, 0, 0, 0);
	EXPECT_EQ(Ioctl(ctrl.get(), NVME_IOCTL_ADMIN_CMD, &c), -EINVAL);
	// Get Log Page of 512 bytes into 8.
	nvme_passthru_cmd l{};
	l.opcode = kAdminGetLogPage;
	l.nsid = 0xffffffff;
	l.cdw10 = 2 | (127u << 16);
	l.addr = small.addr();
	l.data_len = 8;
	EXPECT_EQ(Ioctl(ctrl.get(), NVME_IOCTL_ADMIN_CMD, &l), -EINVAL);
	// An address nothing is mapped at.
	c = Identify(1, 0, 4096, 4096);
	EXPECT_EQ(Ioctl(ctrl.get(), NVME_IOCTL_ADMIN_CMD, &c), -EFAULT);
	// A huge length past the end of the mapping: more than a transfer
	// may hold, refused before anything is touched.
	Buf a(4096);
	c = Identify(1, 0, a.addr(), 0x7ffff000);
	EXPECT_EQ(Ioctl(ctrl.get(), NVME_IOCTL_ADMIN_CMD, &c), -EINVAL);
	// 64 KiB (more than UIO_FASTIOV pages) where nothing is mapped, and
	// 64 KiB of which only the first page is: 6.12's bio_map_user_iov()
	// leaks its page array on these unless the driver faults them in
	// first (kmemleak on the debug kernel tells).
	const size_t span = (64 << 10) + 4096;
	auto *base = static_cast<uint8_t *>(mmap(nullptr, span,
						 PROT_READ | PROT_WRITE,
						 MAP_PRIVATE | MAP_ANONYMOUS,
						 -1, 0));
	ASSERT_NE(base, MAP_FAILED);
	ASSERT_EQ(munmap(base + 4096, span - 4096), 0);
	l.cdw10 = 2 | (((64u << 10) / 4 - 1) << 16);
	l.data_len = 64 << 10;
	l.addr = reinterpret_cast<uintptr_t>(base + 4096);
	EXPECT_EQ(Ioctl(ctrl.get(), NVME_IOCTL_ADMIN_CMD, &l), -EFAULT);
	l.addr = reinterpret_cast<uintptr_t>(base);
	EXPECT_EQ(Ioctl(ctrl.get(), NVME_IOCTL_ADMIN_CMD, &l), -EFAULT);
	munmap(base, 4096);
	// Valid memory, more than a transfer may hold (MDTS: 512 KiB).
	Buf big(8 << 20);
	l.addr = big.addr();
	l.data_len = 8 << 20;
	l.cdw10 = 2 | (127u << 16);
	EXPECT_EQ(Ioctl(ctrl.get(), NVME_IOCTL_ADMIN_CMD, &l), -EINVAL);
	// The argument itself unreadable.
	EXPECT_EQ(Ioctl(ctrl.get(), NVME_IOCTL_ADMIN_CMD,
			reinterpret_cast<void *>(8)), -EFAULT);
}

TEST_F(Abi, UnalignedBuffersAreBouncedCorrectly)
{
	Buf ref(4096);
	Fd ctrl(ctrl_, O_RDONLY);
	auto c = Identify(1, 0, ref.addr(), 4096);
	ASSERT_EQ(Ioctl(ctrl.get(), NVME_IOCTL_ADMIN_CMD, &c), 0);
	for (size_t off : {1, 3, 4, 100, 512, 4095}) {
		Buf u(4096, off, 0xa5);
		c = Identify(1, 0, u.addr(), 4096);
		ASSERT_EQ(Ioctl(ctrl.get(), NVME_IOCTL_ADMIN_CMD, &c), 0) << off;
		EXPECT_EQ(memcmp(u.data(), ref.data(), 4096), 0) << off;
		// Nothing written before or after the buffer.
		EXPECT_EQ(u.data()[-1], off > 0 ? 0xa5 : u.data()[-1]);
		EXPECT_EQ(u.data()[4096], 0xa5) << off;
	}
}

TEST_F(Abi, MetadataWhereThereIsNone)
{
	Buf a(4096), md(64);
	Fd ctrl(ctrl_, O_RDONLY);
	auto c = Identify(1, 0, a.addr(), 4096);
	c.metadata = md.addr();
	c.metadata_len = 8;
	EXPECT_EQ(Ioctl(ctrl.get(), NVME_IOCTL_ADMIN_CMD, &c), -EINVAL);
	Fd ns(ns_, O_RDONLY);
	auto r = Rw(kIoRead, 1, 0, 1, a.addr(), 512);
	r.metadata = md.addr();
	r.metadata_len = 8;
	EXPECT_EQ(Ioctl(ns.get(), NVME_IOCTL_IO_CMD, &r), -EINVAL);
}

TEST_F(Abi, DriverOwnedAdminCommandsAreRefusedEvenForRoot)
{
	Fd ctrl(ctrl_, O_RDWR);
	for (uint8_t op : {kAdminCreateSq, uint8_t{0x00}, uint8_t{0x04},
			   uint8_t{0x05}, kAdminAsyncEvent, kAdminDbbuf}) {
		nvme_passthru_cmd c{};
		c.opcode = op;
		EXPECT_EQ(Ioctl(ctrl.get(), NVME_IOCTL_ADMIN_CMD, &c), -EACCES)
			<< "opcode " << int(op);
	}
	for (uint32_t fid : {0x07u, 0x0fu, 0x0du, 0x0cu, 0x16u}) {
		nvme_passthru_cmd c{};
		c.opcode = kAdminSetFeatures;
		c.cdw10 = fid;
		EXPECT_EQ(Ioctl(ctrl.get(), NVME_IOCTL_ADMIN_CMD, &c), -EACCES)
			<< "feature " << fid;
	}
	// A harmless feature goes through.
	nvme_passthru_cmd c{};
	c.opcode = kAdminSetFeatures;
	c.cdw10 = 4;
	c.cdw11 = 0x157;
	EXPECT_EQ(Ioctl(ctrl.get(), NVME_IOCTL_ADMIN_CMD, &c), 0);
}

TEST_F(Abi, UnknownIoctlsAreNotOurs)
{
	Fd ctrl(ctrl_, O_RDONLY);
	Fd ns(ns_, O_RDONLY);
	int dummy = 0;
	EXPECT_EQ(Ioctl(ctrl.get(), _IO('N', 0x7f), &dummy), -ENOTTY);
	EXPECT_EQ(Ioctl(ns.get(), _IO('N', 0x7f), &dummy), -ENOTTY);
	EXPECT_EQ(Ioctl(ctrl.get(), NVME_IOCTL_SUBMIT_IO, &dummy), -ENOTTY);
}

TEST_F(Abi, SubmitIoRoundTrip)
{
	Fd ns(ns_, O_RDWR);
	Buf w(8192), r(8192);
	auto pat = Pattern(8192, 7);
	memcpy(w.data(), pat.data(), 8192);
	nvme_user_io io{};
	io.opcode = kIoWrite;
	io.addr = w.addr();
	io.slba = 64;
	io.nblocks = 15;
	ASSERT_EQ(Ioctl(ns.get(), NVME_IOCTL_SUBMIT_IO, &io), 0);
	io.opcode = kIoRead;
	io.addr = r.addr();
	ASSERT_EQ(Ioctl(ns.get(), NVME_IOCTL_SUBMIT_IO, &io), 0);
	EXPECT_EQ(memcmp(r.data(), pat.data(), 8192), 0);
	io.opcode = kIoCompare;
	io.addr = w.addr();
	EXPECT_EQ(Ioctl(ns.get(), NVME_IOCTL_SUBMIT_IO, &io), 0);
	w.data()[100] ^= 1;
	int ret = Ioctl(ns.get(), NVME_IOCTL_SUBMIT_IO, &io);
	ASSERT_GT(ret, 0);
	EXPECT_EQ(ret & kStatusMask, kCompareFailed);
	// Only read, write and compare.
	io.opcode = 0x00;
	EXPECT_EQ(Ioctl(ns.get(), NVME_IOCTL_SUBMIT_IO, &io), -EINVAL);
	// Past the end of the namespace: the controller's LBA range status.
	io.opcode = kIoRead;
	io.addr = r.addr();
	io.slba = 1ull << 40;
	ret = Ioctl(ns.get(), NVME_IOCTL_SUBMIT_IO, &io);
	ASSERT_GT(ret, 0);
	EXPECT_EQ(ret & kStatusMask, kLbaRange);
}

TEST_F(Abi, Io64AndVectoredIo)
{
	Fd ns(ns_, O_RDWR);
	Buf w(8192), r1(4096), r2(4096);
	auto pat = Pattern(8192, 9);
	memcpy(w.data(), pat.data(), 8192);
	nvme_passthru_cmd64 c{};
	c.opcode = kIoWrite;
	c.nsid = 1;
	c.addr = w.addr();
	c.data_len = 8192;
	c.cdw10 = 128;
	c.cdw12 = 15;
	c.result = ~0ull;
	ASSERT_EQ(Ioctl(ns.get(), NVME_IOCTL_IO64_CMD, &c), 0);
	EXPECT_EQ(c.result, 0u);
	std::array<iovec, 2> iov{{{r1.data(), 4096}, {r2.data(), 4096}}};
	c.opcode = kIoRead;
	c.addr = reinterpret_cast<uintptr_t>(iov.data());
	c.vec_cnt = 2;
	ASSERT_EQ(Ioctl(ns.get(), NVME_IOCTL_IO64_CMD_VEC, &c), 0);
	EXPECT_EQ(memcmp(r1.data(), pat.data(), 4096), 0);
	EXPECT_EQ(memcmp(r2.data(), pat.data() + 4096, 4096), 0);
	// An iovec shorter than the 16 blocks the command reads.
	c.vec_cnt = 1;
	EXPECT_EQ(Ioctl(ns.get(), NVME_IOCTL_IO64_CMD_VEC, &c), -EINVAL);
	// A bad iovec array.
	c.addr = 4096;
	c.vec_cnt = 2;
	EXPECT_EQ(Ioctl(ns.get(), NVME_IOCTL_IO64_CMD_VEC, &c), -EFAULT);
}

// A Read of 16 blocks with an empty vector is no buffer at all: it must
// be refused, not sent with PRP1 = PRP2 = 0 (the controller would write
// bus address 0). Any reader of the disk may try it, so the caller here
// is nobody with a read-only open.
TEST_F(Abi, EmptyVectorIsRefused)
{
	Fd ro(ns_, O_RDONLY);
	Buf r(8192);
	int fd = ro.get();
	uint64_t buf = r.addr();
	EXPECT_EQ(AsNobody([&]() -> std::string {
		for (uint64_t addr : {uint64_t{0}, buf}) {
			nvme_passthru_cmd64 c{};
			c.opcode = kIoRead;
			c.nsid = 1;
			c.addr = addr;
			c.vec_cnt = 0;
			c.cdw10 = kPatternLba;
			c.cdw12 = 15;
			if (int r = Ioctl(fd, NVME_IOCTL_IO64_CMD_VEC, &c); r != -EINVAL)
				return "a Read with no vector and addr " + std::to_string(addr) +
				       ": " + std::to_string(r) + ", not -EINVAL";
		}
		return "";
	}), "");
	// A command that transfers nothing (Flush) needs no vector.
	Fd rw(ns_, O_RDWR);
	nvme_passthru_cmd64 f{};
	f.opcode = 0x00;
	f.nsid = 1;
	EXPECT_EQ(Ioctl(rw.get(), NVME_IOCTL_IO64_CMD_VEC, &f), 0);
}

TEST_F(Abi, IoCmdOnTheControllerNeedsExactlyOneNamespace)
{
	Buf a(4096), b(4096);
	Fd ctrl(ctrl_, O_RDONLY);
	auto c = Rw(kIoRead, 1, kPatternLba, 8, a.addr(), 4096);
	ASSERT_EQ(Ioctl(ctrl.get(), NVME_IOCTL_IO_CMD, &c), 0);
	Fd ns(ns_, O_RDONLY);
	c.addr = b.addr();
	ASSERT_EQ(Ioctl(ns.get(), NVME_IOCTL_IO_CMD, &c), 0);
	EXPECT_EQ(memcmp(a.data(), b.data(), 4096), 0);
	Fd multi(multi_, O_RDONLY);
	EXPECT_EQ(Ioctl(multi.get(), NVME_IOCTL_IO_CMD, &c), -EINVAL);
}

TEST_F(Abi, Partitions)
{
	Buf a(4096);
	Fd part(part_, O_RDONLY);
	auto c = Rw(kIoRead, 2, 0, 8, a.addr(), 4096);
	EXPECT_EQ(Ioctl(part.get(), NVME_IOCTL_IO_CMD, &c), 0) << "root";
	int fd = part.get();
	uint64_t addr = a.addr();
	EXPECT_EQ(AsNobody([&]() -> std::string {
		auto r = Rw(kIoRead, 2, 0, 8, addr, 4096);
		if (Ioctl(fd, NVME_IOCTL_IO_CMD, &r) != -EACCES)
			return "a read ioctl on a partition was not refused with EACCES";
		nvme_user_io io{};
		io.opcode = kIoRead;
		io.addr = addr;
		io.nblocks = 7;
		if (Ioctl(fd, NVME_IOCTL_SUBMIT_IO, &io) != -EACCES)
			return "NVME_IOCTL_SUBMIT_IO on a partition was not refused with EACCES";
		// The namespace id is no secret.
		if (ioctl(fd, NVME_IOCTL_ID) != 2)
			return "NVME_IOCTL_ID on the partition did not give 2";
		return "";
	}), "");
}

TEST_F(Abi, UnprivilegedCallers)
{
	Fd ctrl(ctrl_, O_RDWR);
	Fd ro(ns_, O_RDONLY);
	Fd rw(ns_, O_RDWR);
	Fd part(part_, O_RDONLY);
	Buf a(8192);
	int cfd = ctrl.get(), rofd = ro.get(), rwfd = rw.get(), pfd = part.get();
	uint64_t addr = a.addr();
	EXPECT_EQ(AsNobody([&]() -> std::string {
		// Identify Controller and Namespace: what building I/O needs.
		auto c = Identify(1, 0, addr, 4096);
		if (Ioctl(cfd, NVME_IOCTL_ADMIN_CMD, &c) != 0)
			return "Identify Controller was refused";
		c = Identify(0, 1, addr, 4096);
		if (Ioctl(cfd, NVME_IOCTL_ADMIN_CMD, &c) != 0)
			return "Identify Namespace was refused";
		// Anything else admin: no.
		c = Identify(2, 0, addr, 4096);
		if (Ioctl(cfd, NVME_IOCTL_ADMIN_CMD, &c) != -EACCES)
			return "Identify CNS 2 was not refused with EACCES";
		nvme_passthru_cmd l{};
		l.opcode = kAdminGetLogPage;
		l.nsid = 0xffffffff;
		l.cdw10 = 2 | (127u << 16);
		l.addr = addr;
		l.data_len = 512;
		if (Ioctl(cfd, NVME_IOCTL_ADMIN_CMD, &l) != -EACCES)
			return "Get Log Page was not refused with EACCES";
		// Reads on any open, writes only on a writable one.
		auto r = Rw(kIoRead, 1, kPatternLba, 8, addr, 4096);
		if (Ioctl(rofd, NVME_IOCTL_IO_CMD, &r) != 0)
			return "a Read on a read-only open was refused";
		auto w = Rw(kIoWrite, 1, 200, 8, addr, 4096);
		if (Ioctl(rofd, NVME_IOCTL_IO_CMD, &w) != -EACCES)
			return "a Write on a read-only open was not refused with EACCES";
		if (Ioctl(rwfd, NVME_IOCTL_IO_CMD, &w) != 0)
			return "a Write on a writable open was refused";
		// Vendor specific I/O commands: no.
		auto v = Rw(0x81, 1, 0, 1, addr, 512);
		if (Ioctl(rwfd, NVME_IOCTL_IO_CMD, &v) != -EACCES)
			return "a vendor specific I/O command was not refused with EACCES";
		// Controller operations: no.
		if (Ioctl(cfd, NVME_IOCTL_RESCAN, nullptr) != -EACCES)
			return "NVME_IOCTL_RESCAN was not refused with EACCES";
		// The Identify allowed on the disk is not on a partition: any
		// command there needs CAP_SYS_ADMIN, admin ones too (I/O ones:
		// Abi.Partitions).
		c = Identify(1, 0, addr, 4096);
		if (Ioctl(rofd, NVME_IOCTL_ADMIN_CMD, &c) != 0)
			return "Identify on the disk was refused";
		if (Ioctl(pfd, NVME_IOCTL_ADMIN_CMD, &c) != -EACCES)
			return "Identify on a partition was not refused with EACCES";
		return "";
	}), "");
}

// Ioctls while the controller resets: each waits for the reset and then
// runs, so every admin and I/O command issued meanwhile succeeds with the
// right data.
TEST_F(Abi, IoctlsDuringReset)
{
	Fd ctrl(ctrl_, O_RDONLY);
	Fd ns(ns_, O_RDONLY);
	std::atomic<bool> stop{false};
	std::atomic<int> idents{0}, reads{0};
	const auto pat = Pattern(kPatternLen, 1);

	std::thread ident([&] {
		Buf a(4096);
		while (!stop) {
			auto c = Identify(1, 0, a.addr(), 4096);
			ASSERT_EQ(Ioctl(ctrl.get(), NVME_IOCTL_ADMIN_CMD, &c), 0);
			ASSERT_EQ(a.data()[0] | a.data()[1] << 8, 0x1b36);
			idents++;
		}
	});
	std::thread read([&] {
		Buf b(kPatternLen);
		while (!stop) {
			auto c = Rw(kIoRead, 1, kPatternLba, kPatternLen / 512,
				    b.addr(), kPatternLen);
			memset(b.data(), 0, kPatternLen);
			ASSERT_EQ(Ioctl(ns.get(), NVME_IOCTL_IO_CMD, &c), 0);
			ASSERT_EQ(memcmp(b.data(), pat.data(), kPatternLen), 0);
			reads++;
		}
	});
	for (int i = 0; i < 5; i++) {
		EXPECT_EQ(Ioctl(ctrl.get(), NVME_IOCTL_RESET, nullptr), 0);
		usleep(100000);
	}
	stop = true;
	ident.join();
	read.join();
	printf("during 5 resets: %d identifies, %d reads\n", idents.load(),
	       reads.load());
	EXPECT_GT(idents.load(), 5);
	EXPECT_GT(reads.load(), 5);
}

TEST_F(Abi, RescanIoctl)
{
	Fd ctrl(ctrl_, O_RDONLY);
	EXPECT_EQ(Ioctl(ctrl.get(), NVME_IOCTL_RESCAN, nullptr), 0);
	EXPECT_EQ(access(ns_.c_str(), F_OK), 0);
}

// Random commands with random fields, lengths and alignments. Each must end
// in an NVMe status or one of the errnos a bad input gets.
class Fuzz : public Abi {
protected:
	std::mt19937_64 rng_{std::stoull(Env("MQ_FUZZ_SEED", "1"))};
	int iters_ = std::stoi(Env("MQ_FUZZ_ITERS", "2000"));
	std::map<int, int> outcomes_;

	uint32_t R32() { return static_cast<uint32_t>(rng_()); }
	template <typename T> T Pick(std::initializer_list<T> l)
	{
		return *(l.begin() + rng_() % l.size());
	}
	uint32_t Len()
	{
		switch (rng_() % 6) {
		case 0: return 0;
		case 1: return 4096;
		case 2: return 512;
		case 3: return R32() % 70000;
		case 4: return 8192;
		default: return Pick<uint32_t>({4, 16, 64, 256, 65536});
		}
	}
	void Check(int ret, const char *what, const nvme_passthru_cmd64 &c)
	{
		static const std::set<int> allowed{-EINVAL, -EFAULT, -EACCES,
						   -ENOMEM};
		if (ret >= 0) {
			outcomes_[ret & kStatusMask]++;
			return;
		}
		outcomes_[ret]++;
		EXPECT_TRUE(allowed.count(ret))
			<< what << " opcode 0x" << std::hex << int(c.opcode)
			<< " cdw10 0x" << c.cdw10 << " len " << std::dec
			<< c.data_len << ": " << strerror(-ret);
	}
	void Report(const char *what)
	{
		std::string s;
		char status[32];
		for (auto [k, v] : outcomes_) {
			snprintf(status, sizeof(status), "status 0x%x", k);
			s += (k < 0 ? std::string(strerror(-k)) : status) +
			     "=" + std::to_string(v) + " ";
		}
		printf("%s fuzz: %s\n", what, s.c_str());
	}
};

TEST_F(Fuzz, AdminCommands)
{
	// Never: format, sanitize, namespace management and attachment.
	static const std::set<int> destructive{0x80, 0x84, 0x0d, 0x15};
	Fd ctrl(ctrl_, O_RDWR);
	Buf buf(70000 + 4096);
	for (int i = 0; i < iters_; i++) {
		nvme_passthru_cmd64 c{};
		do {
			c.opcode = rng_() % 2 ?
				Pick<uint8_t>({0x02, 0x06, 0x09, 0x0a, 0x08,
					       0x10, 0x11, 0x14, 0x18, 0x19,
					       0x1a, 0x81, 0x82, 0x00, 0x0c,
					       0x7c}) :
				static_cast<uint8_t>(rng_());
		} while (destructive.count(c.opcode));
		c.nsid = Pick<uint32_t>({0, 1, 2, 0xffffffff, R32()});
		c.cdw10 = rng_() % 2 ? R32() % 0x100 : R32();
		if (c.opcode == kAdminSetFeatures && (c.cdw10 & 0xff) == 4)
			c.cdw11 = 0x157;	// keep the threshold sane
		else
			c.cdw11 = rng_() % 2 ? 0 : R32();
		c.cdw12 = rng_() % 4 ? 0 : R32();
		c.data_len = Len();
		c.addr = c.data_len ? buf.addr() + rng_() % 4096 : 0;
		if (rng_() % 50 == 0)
			c.addr = Pick<uint64_t>({0, 4096, ~0ull});
		Check(Ioctl(ctrl.get(), NVME_IOCTL_ADMIN64_CMD, &c), "admin", c);
	}
	Report("admin");
}

TEST_F(Fuzz, IoCommands)
{
	Fd ns(fuzz_ns_, O_RDWR);
	Buf buf(70000 + 4096), md(4096);
	for (int i = 0; i < iters_; i++) {
		nvme_passthru_cmd64 c{};
		c.opcode = rng_() % 4 ?
			Pick<uint8_t>({0x00, 0x01, 0x02, 0x04, 0x05, 0x08,
				       0x09, 0x0c, 0x0d, 0x0e, 0x11, 0x15,
				       0x19}) :
			static_cast<uint8_t>(rng_());
		c.nsid = rng_() % 20 ? 1 : R32();
		// LBAs inside the 32 MiB namespace, or anywhere.
		uint64_t slba = rng_() % 3 ? rng_() % 65536 : rng_();
		c.cdw10 = static_cast<uint32_t>(slba);
		c.cdw11 = static_cast<uint32_t>(slba >> 32);
		c.cdw12 = rng_() % 3 ? R32() % 128 : R32();
		c.cdw13 = rng_() % 4 ? 0 : R32();
		c.data_len = rng_() % 2 ? ((c.cdw12 & 0xffff) + 1) * 512 : Len();
		if (c.data_len > 70000)
			c.data_len = Len();
		c.addr = c.data_len ? buf.addr() + Pick<uint64_t>({0, 0, 4, 1, 512}) : 0;
		if (rng_() % 40 == 0) {
			c.metadata = md.addr();
			c.metadata_len = 8;
		}
		unsigned long req = NVME_IOCTL_IO64_CMD;
		std::array<iovec, 2> iov{};
		if (rng_() % 10 == 0 && c.data_len) {
			iov[0] = {buf.data(), c.data_len / 2};
			iov[1] = {buf.data() + 8192, c.data_len - c.data_len / 2};
			c.addr = reinterpret_cast<uintptr_t>(iov.data());
			c.vec_cnt = 2;
			req = NVME_IOCTL_IO64_CMD_VEC;
		}
		Check(Ioctl(ns.get(), req, &c), "io", c);
	}
	Report("io");
}

// Declared last, so its suite runs after the fuzz.
class Final : public Abi {};

TEST_F(Final, PatternsIntactAfterEverything)
{
	CheckPattern(ns_, 1);
	CheckPattern(part_.substr(0, part_.size() - 2), 2);
	// And both controllers still answer.
	Buf a(4096);
	for (const auto &dev : {ctrl_, multi_}) {
		Fd ctrl(dev, O_RDONLY);
		auto c = Identify(1, 0, a.addr(), 4096);
		EXPECT_EQ(Ioctl(ctrl.get(), NVME_IOCTL_ADMIN_CMD, &c), 0) << dev;
	}
}

}  // namespace
