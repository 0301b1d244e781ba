// SPDX-License-Identifier: GPL-2.0
// SG_IO on mqnvme's namespace disks, driven directly: every operation code
// of the translation's command table with reserved bits, bad lengths and
// buffers, allocation lengths, sense formats, permission rules, partitions,
// the companion ioctls, and a bounded random-CDB fuzz after which a data
// pattern written first must read back intact. Every outcome is asserted
// exactly: errno, or status, masked_status, host_status, driver_status,
// info, resid, sb_len_wr and the sense data down to the field pointer.
//
// Devices come from the environment (qemu-tests/tests/sgio.sh):
//   MQ_DISK         namespace 1 of controller 0 (512-byte blocks, 64 MiB)
//   MQ_DISK2        namespace 2 of controller 0 (512-byte blocks, 32 MiB)
//   MQ_PART         partition 1 of MQ_DISK2, starting at block 2048
//   MQ_FUZZ_ITERS   random CDBs of the fuzz (default 20000)
//   MQ_FUZZ_SEED    its seed (default 1)
//   MQ_INJECT_CAPS  1 when mqnvme was loaded with inject=32, which makes
//                   every command of the table supported

#include <fcntl.h>
#include <linux/capability.h>
#include <scsi/sg.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "test_util.h"

namespace {

using mqtest::Buf;
using mqtest::Env;
using mqtest::Fd;

// SCSI ioctls glibc's <scsi/scsi_ioctl.h> does not name.
constexpr unsigned long kScsiIoctlSendCommand = 1;
constexpr unsigned long kScsiIoctlGetIdlun = 0x5382;
constexpr unsigned long kScsiIoctlGetBusNumber = 0x5386;
struct ScsiIdlun {
	uint32_t dev_id;
	uint32_t host_unique_id;
};

constexpr uint8_t kIllegalRequest = 0x05;
constexpr uint8_t kMiscompare = 0x0e;
constexpr uint8_t kCheckCondition = 0x02;
constexpr uint8_t kDriverSense = 0x08;

constexpr uint32_t kBlock = 512;
constexpr uint64_t kBlocks1 = 131072;	// 64 MiB
constexpr uint64_t kBlocks2 = 65536;	// 32 MiB
constexpr uint64_t kPartStart = 2048;
// Written first, read back last: 512 KiB at 4 MiB of MQ_DISK.
constexpr uint64_t kPatternLba = 8192;
constexpr uint32_t kPatternBlocks = 1024;
// Where the write tests write.
constexpr uint64_t kScratchLba = 32768;

// Operation codes.
enum : uint8_t {
	kTestUnitReady = 0x00, kRequestSense = 0x03, kFormatUnit = 0x04,
	kRead6 = 0x08, kWrite6 = 0x0a, kInquiry = 0x12, kModeSelect6 = 0x15,
	kModeSense6 = 0x1a, kStartStop = 0x1b, kSendDiagnostic = 0x1d,
	kReadCapacity10 = 0x25, kRead10 = 0x28, kWrite10 = 0x2a,
	kVerify10 = 0x2f, kSyncCache10 = 0x35, kWriteBuffer = 0x3b,
	kWriteSame10 = 0x41, kUnmap = 0x42, kLogSense = 0x4d,
	kModeSelect10 = 0x55, kModeSense10 = 0x5a, kAtaPt16 = 0x85,
	kRead16 = 0x88, kWrite16 = 0x8a, kVerify16 = 0x8f, kSyncCache16 = 0x91,
	kWriteSame16 = 0x93, kServiceActionIn16 = 0x9e, kReportLuns = 0xa0,
	kAtaPt12 = 0xa1, kSecurityIn = 0xa2, kMaintenanceIn = 0xa3,
	kRead12 = 0xa8, kWrite12 = 0xaa, kVerify12 = 0xaf, kSecurityOut = 0xb5,
};

// What the controller must offer for a command (mqnvme_scsi_cap).
enum Cap { kNone, kFw, kSec, kDst };

// The translation's command table (drivers/scsi_lib.c), written out again
// here: the usage data are the bits each CDB byte may have set; commands
// with a service action have it in its place (SPC-4's CDB USAGE DATA).
struct TableCmd {
	const char *name;
	uint8_t opcode;
	int sa;		// service action in byte 1, or -1
	uint8_t len;
	Cap cap;
	std::array<uint8_t, 16> usage;
};

const std::vector<TableCmd> &Table()
{
	static const std::vector<TableCmd> t = {
		{"TEST_UNIT_READY", 0x00, -1, 6, kNone, {0x00, 0, 0, 0, 0, 0}},
		{"REQUEST_SENSE", 0x03, -1, 6, kNone, {0x03, 0x01, 0, 0, 0xff, 0}},
		{"FORMAT_UNIT", 0x04, -1, 6, kNone, {0x04, 0xff, 0, 0, 0, 0}},
		{"READ_6", 0x08, -1, 6, kNone, {0x08, 0x1f, 0xff, 0xff, 0xff, 0}},
		{"WRITE_6", 0x0a, -1, 6, kNone, {0x0a, 0x1f, 0xff, 0xff, 0xff, 0}},
		{"INQUIRY", 0x12, -1, 6, kNone, {0x12, 0x01, 0xff, 0xff, 0xff, 0}},
		{"MODE_SELECT_6", 0x15, -1, 6, kNone, {0x15, 0x11, 0, 0, 0xff, 0}},
		{"MODE_SENSE_6", 0x1a, -1, 6, kNone, {0x1a, 0x08, 0xff, 0xff, 0xff, 0}},
		{"START_STOP_UNIT", 0x1b, -1, 6, kNone, {0x1b, 0x01, 0, 0x0f, 0xf7, 0}},
		{"SEND_DIAGNOSTIC", 0x1d, -1, 6, kDst, {0x1d, 0xf7, 0, 0xff, 0xff, 0}},
		{"READ_CAPACITY_10", 0x25, -1, 10, kNone,
		 {0x25, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0x01, 0}},
		{"READ_10", 0x28, -1, 10, kNone,
		 {0x28, 0xfc, 0xff, 0xff, 0xff, 0xff, 0x3f, 0xff, 0xff, 0}},
		{"WRITE_10", 0x2a, -1, 10, kNone,
		 {0x2a, 0xf8, 0xff, 0xff, 0xff, 0xff, 0x3f, 0xff, 0xff, 0}},
		{"VERIFY_10", 0x2f, -1, 10, kNone,
		 {0x2f, 0xf6, 0xff, 0xff, 0xff, 0xff, 0x3f, 0xff, 0xff, 0}},
		{"SYNCHRONIZE_CACHE_10", 0x35, -1, 10, kNone,
		 {0x35, 0x02, 0xff, 0xff, 0xff, 0xff, 0x3f, 0xff, 0xff, 0}},
		{"WRITE_BUFFER", 0x3b, -1, 10, kFw,
		 {0x3b, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0}},
		{"WRITE_SAME_10", 0x41, -1, 10, kNone,
		 {0x41, 0xf8, 0xff, 0xff, 0xff, 0xff, 0x3f, 0xff, 0xff, 0}},
		{"UNMAP", 0x42, -1, 10, kNone,
		 {0x42, 0x01, 0, 0, 0, 0, 0x3f, 0xff, 0xff, 0}},
		{"LOG_SENSE", 0x4d, -1, 10, kNone,
		 {0x4d, 0x03, 0xff, 0xff, 0, 0xff, 0xff, 0xff, 0xff, 0}},
		{"MODE_SELECT_10", 0x55, -1, 10, kNone,
		 {0x55, 0x11, 0, 0, 0, 0, 0, 0xff, 0xff, 0}},
		{"MODE_SENSE_10", 0x5a, -1, 10, kNone,
		 {0x5a, 0x18, 0xff, 0xff, 0, 0, 0, 0xff, 0xff, 0}},
		{"READ_16", 0x88, -1, 16, kNone,
		 {0x88, 0xfc, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		  0xff, 0xff, 0xff, 0xff, 0x3f, 0}},
		{"WRITE_16", 0x8a, -1, 16, kNone,
		 {0x8a, 0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		  0xff, 0xff, 0xff, 0xff, 0x3f, 0}},
		{"VERIFY_16", 0x8f, -1, 16, kNone,
		 {0x8f, 0xf6, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		  0xff, 0xff, 0xff, 0xff, 0x3f, 0}},
		{"SYNCHRONIZE_CACHE_16", 0x91, -1, 16, kNone,
		 {0x91, 0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		  0xff, 0xff, 0xff, 0xff, 0x3f, 0}},
		{"WRITE_SAME_16", 0x93, -1, 16, kNone,
		 {0x93, 0xf9, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		  0xff, 0xff, 0xff, 0xff, 0x3f, 0}},
		{"READ_CAPACITY_16", 0x9e, 0x10, 16, kNone,
		 {0x9e, 0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		  0xff, 0xff, 0xff, 0xff, 0x01, 0}},
		{"REPORT_LUNS", 0xa0, -1, 12, kNone,
		 {0xa0, 0, 0xff, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0}},
		{"SECURITY_PROTOCOL_IN", 0xa2, -1, 12, kSec,
		 {0xa2, 0xff, 0xff, 0xff, 0x80, 0, 0xff, 0xff, 0xff, 0xff, 0, 0}},
		{"REPORT_SUPPORTED_OPCODES", 0xa3, 0x0c, 12, kNone,
		 {0xa3, 0x0c, 0x87, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0}},
		{"READ_12", 0xa8, -1, 12, kNone,
		 {0xa8, 0xfc, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		  0x3f, 0}},
		{"WRITE_12", 0xaa, -1, 12, kNone,
		 {0xaa, 0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		  0x3f, 0}},
		{"VERIFY_12", 0xaf, -1, 12, kNone,
		 {0xaf, 0xf6, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		  0x3f, 0}},
		{"SECURITY_PROTOCOL_OUT", 0xb5, -1, 12, kSec,
		 {0xb5, 0xff, 0xff, 0xff, 0x80, 0, 0xff, 0xff, 0xff, 0xff, 0, 0}},
	};
	return t;
}

const TableCmd *FindCmd(uint8_t opcode)
{
	for (const auto &c : Table())
		if (c.opcode == opcode)
			return &c;
	return nullptr;
}


bool InjectCaps()
{
	return Env("MQ_INJECT_CAPS", "0") == "1";
}

// Whether QEMU's controller (or inject=32) offers what the command needs:
// QEMU 7.2 has Format NVM, DSM, Write Zeroes, Compare and a volatile write
// cache, no firmware download, security or self-test commands.
bool Supported(const TableCmd &c)
{
	return c.cap == kNone || InjectCaps();
}

uint64_t SysfsU64(const std::string &disk, const char *attr)
{
	std::string base = disk.substr(disk.rfind('/') + 1);
	std::ifstream f("/sys/block/" + base + "/queue/" + attr);
	uint64_t v = 0;
	f >> v;
	EXPECT_TRUE(f) << "cannot read " << attr << " of " << base;
	return v;
}



// True when @n bytes at @p are all @v.
bool All(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

std::vector<uint8_t> Pattern(size_t len, uint32_t seed)
{
	std::mt19937 rng(seed);
	std::vector<uint8_t> v(len);
	for (auto &b : v)
		b = static_cast<uint8_t>(rng());
	return v;
}

// Plain O_DIRECT I/O on a disk, the reference SG_IO is checked against.
std::vector<uint8_t> ReadDirect(const std::string &dev, uint64_t lba,
				uint32_t blocks)
{
	Fd fd(dev, O_RDONLY | O_DIRECT);
	Buf b(blocks * kBlock);
	ssize_t n = pread(fd.get(), b.data(), blocks * kBlock, lba * kBlock);
	EXPECT_EQ(n, static_cast<ssize_t>(blocks * kBlock)) << strerror(errno);
	return std::vector<uint8_t>(b.data(), b.data() + blocks * kBlock);
}

void WriteDirect(const std::string &dev, uint64_t lba,
		 const std::vector<uint8_t> &data)
{
	Fd fd(dev, O_RDWR | O_DIRECT);
	Buf b(data.size());
	memcpy(b.data(), data.data(), data.size());
	ASSERT_EQ(pwrite(fd.get(), b.data(), data.size(), lba * kBlock),
		  static_cast<ssize_t>(data.size())) << strerror(errno);
	ASSERT_EQ(fsync(fd.get()), 0);
}

void PutBe(uint8_t *p, uint64_t v, int bytes)
{
	for (int i = bytes - 1; i >= 0; i--, v >>= 8)
		p[i] = static_cast<uint8_t>(v);
}

uint64_t GetBe(const uint8_t *p, int bytes)
{
	uint64_t v = 0;
	for (int i = 0; i < bytes; i++)
		v = v << 8 | p[i];
	return v;
}

using Cdb = std::vector<uint8_t>;

// READ/WRITE/VERIFY of any size: @b1 is byte 1 (flags).
Cdb RwCdb(uint8_t opcode, uint64_t lba, uint32_t tl, uint8_t b1 = 0)
{
	Cdb c;
	switch (opcode) {
	case kRead6:
	case kWrite6:
		c = {opcode, static_cast<uint8_t>((lba >> 16) & 0x1f),
		     static_cast<uint8_t>(lba >> 8), static_cast<uint8_t>(lba),
		     static_cast<uint8_t>(tl), 0};
		return c;
	case kRead10: case kWrite10: case kVerify10: case kSyncCache10:
	case kWriteSame10:
		c.assign(10, 0);
		PutBe(&c[2], lba, 4);
		PutBe(&c[7], tl, 2);
		break;
	case kRead12: case kWrite12: case kVerify12:
		c.assign(12, 0);
		PutBe(&c[2], lba, 4);
		PutBe(&c[6], tl, 4);
		break;
	default:
		c.assign(16, 0);
		PutBe(&c[2], lba, 8);
		PutBe(&c[10], tl, 4);
	}
	c[0] = opcode;
	c[1] = b1;
	return c;
}

// One SG_IO call: the header, the CDB, a sense buffer with guard bytes.
class Sg {
public:
	explicit Sg(const Cdb &cdb)
	{
		memset(&h, 0, sizeof(h));
		cdb_.fill(0);
		std::copy(cdb.begin(), cdb.end(), cdb_.begin());
		sense.fill(0xee);
		h.interface_id = 'S';
		h.cmd_len = static_cast<unsigned char>(cdb.size());
		h.cmdp = cdb_.data();
		h.mx_sb_len = 64;
		h.sbp = sense.data();
		h.dxfer_direction = SG_DXFER_NONE;
	}
	Sg(const Sg &) = delete;
	Sg &operator=(const Sg &) = delete;
	Sg &In(void *p, unsigned n)
	{
		h.dxfer_direction = SG_DXFER_FROM_DEV;
		h.dxferp = p;
		h.dxfer_len = n;
		return *this;
	}
	Sg &Out(const void *p, unsigned n)
	{
		h.dxfer_direction = SG_DXFER_TO_DEV;
		h.dxferp = const_cast<void *>(p);
		h.dxfer_len = n;
		return *this;
	}
	Sg &Iov(int dir, sg_iovec_t *iov, int count, unsigned dxfer_len)
	{
		h.dxfer_direction = dir;
		h.dxferp = iov;
		h.iovec_count = static_cast<unsigned short>(count);
		h.dxfer_len = dxfer_len;
		return *this;
	}
	Sg &CmdLen(unsigned n)
	{
		h.cmd_len = static_cast<unsigned char>(n);
		return *this;
	}
	Sg &SenseMax(unsigned n)
	{
		h.mx_sb_len = static_cast<unsigned char>(n);
		return *this;
	}
	Sg &Run(int fd)
	{
		ret = ioctl(fd, SG_IO, &h) < 0 ? -errno : 0;
		return *this;
	}
	uint8_t *cdb() { return cdb_.data(); }

	sg_io_hdr_t h;
	std::array<uint8_t, 128> sense;
	int ret = 1;	// not run

private:
	std::array<uint8_t, 64> cdb_;
};

std::string Describe(const Sg &c)
{
	char s[512];
	int n = snprintf(s, sizeof(s), "cdb");
	for (unsigned i = 0; i < c.h.cmd_len && i < 32; i++)
		n += snprintf(s + n, sizeof(s) - n, " %02x",
			      static_cast<const uint8_t *>(c.h.cmdp)[i]);
	n += snprintf(s + n, sizeof(s) - n,
		      " | ret %d status 0x%x masked 0x%x host 0x%x driver 0x%x"
		      " info 0x%x resid %d sb_len_wr %d sense",
		      c.ret, c.h.status, c.h.masked_status, c.h.host_status,
		      c.h.driver_status, c.h.info, c.h.resid, c.h.sb_len_wr);
	for (int i = 0; i < c.h.sb_len_wr && i < 40; i++)
		n += snprintf(s + n, sizeof(s) - n, " %02x", c.sense[i]);
	return s;
}

// Sense data, fixed (70h) or descriptor (72h) format, decoded.
struct SenseData {
	int code = -1;
	int key = -1, asc = -1, ascq = -1;
	bool sksv = false, cd = false, bpv = false;
	int bit = -1, field = -1;
	bool info_valid = false;
	uint64_t info = 0;
	int length = 0;		// what the format says the data is
	std::string error;
};

SenseData ParseSense(const uint8_t *s, int len)
{
	SenseData d;
	if (len < 8) {
		d.error = "sense shorter than 8 bytes";
		return d;
	}
	d.code = s[0] & 0x7f;
	const uint8_t *sks = nullptr;
	if (d.code == 0x70 || d.code == 0x71) {
		d.key = s[2] & 0x0f;
		d.length = 8 + s[7];
		d.info_valid = s[0] & 0x80;
		d.info = GetBe(&s[3], 4);
		if (len >= 14) {
			d.asc = s[12];
			d.ascq = s[13];
		}
		if (len >= 18 && (s[15] & 0x80))
			sks = &s[15];
		else if (len >= 18 && (s[15] || s[16] || s[17]))
			d.error = "sense-key specific bytes without SKSV";
	} else if (d.code == 0x72 || d.code == 0x73) {
		d.key = s[1] & 0x0f;
		d.asc = s[2];
		d.ascq = s[3];
		d.length = 8 + s[7];
		for (int off = 8; off + 2 <= std::min(len, d.length);
		     off += 2 + s[off + 1]) {
			const uint8_t *p = &s[off];
			if (off + 2 + p[1] > std::min(len, d.length))
				break;
			if (p[0] == 0x00 && p[1] == 0x0a) {
				d.info_valid = p[2] & 0x80;
				d.info = GetBe(&p[4], 8);
			} else if (p[0] == 0x02 && p[1] == 0x06) {
				if (p[4] & 0x80)
					sks = &p[4];
			} else {
				d.error = "unexpected sense descriptor";
			}
		}
	} else {
		d.error = "bad response code";
		return d;
	}
	if (sks) {
		d.sksv = true;
		d.cd = sks[0] & 0x40;
		d.bpv = sks[0] & 0x08;
		d.bit = d.bpv ? sks[0] & 0x07 : -1;
		d.field = static_cast<int>(GetBe(&sks[1], 2));
	}
	return d;
}

// What a CHECK CONDITION must carry. field -1: no sense-key specific data;
// bit -1: the field pointer names a whole byte (BPV 0).
struct Want {
	uint8_t key, asc, ascq;
	int field = -1;
	int bit = -1;
	bool cd = true;
};

Want Field(int byte, int bit) { return {kIllegalRequest, 0x24, 0x00, byte, bit, true}; }
Want Plain(uint8_t key, uint8_t asc, uint8_t ascq) { return {key, asc, ascq, -1, -1, true}; }
const Want kInvalidOpcode{kIllegalRequest, 0x20, 0x00};
const Want kInvalidField{kIllegalRequest, 0x24, 0x00};
const Want kLbaOutOfRange{kIllegalRequest, 0x21, 0x00};

// Length of the sense the driver builds for @w in the given format.
int SenseLen(const Want &w, bool desc)
{
	if (!desc)
		return 18;
	return 8 + (w.field >= 0 ? 8 : 0);
}

::testing::AssertionResult Good(const Sg &c, int resid)
{
	if (c.ret || c.h.status || c.h.masked_status || c.h.msg_status ||
	    c.h.host_status || c.h.driver_status ||
	    c.h.info != SG_INFO_OK || c.h.resid != resid ||
	    c.h.sb_len_wr)
		return ::testing::AssertionFailure()
		       << "want GOOD resid " << resid << ": " << Describe(c);
	return ::testing::AssertionSuccess();
}

::testing::AssertionResult Check(const Sg &c, const Want &w, int resid,
				 bool desc = false)
{
	auto fail = [&](const std::string &why) {
		return ::testing::AssertionFailure()
		       << why << " (want " << std::hex << int(w.key) << "/"
		       << int(w.asc) << "/" << int(w.ascq) << std::dec
		       << " field " << w.field << " bit " << w.bit << " resid "
		       << resid << "): " << Describe(c);
	};
	if (c.ret)
		return fail("ioctl failed");
	if (c.h.status != kCheckCondition || c.h.masked_status != 1 ||
	    c.h.msg_status || c.h.host_status ||
	    c.h.driver_status != kDriverSense || c.h.info != SG_INFO_CHECK)
		return fail("not a clean CHECK CONDITION");
	if (c.h.resid != resid)
		return fail("resid");
	int want_len = std::min<int>(c.h.mx_sb_len, SenseLen(w, desc));
	if (!c.h.sbp)
		want_len = 0;
	if (c.h.sb_len_wr != want_len)
		return fail("sb_len_wr");
	if (c.h.sbp == c.sense.data() &&
	    !All(c.sense.data() + want_len, c.sense.size() - want_len, 0xee))
		return fail("sense written past sb_len_wr");
	if (want_len < SenseLen(w, desc))
		return ::testing::AssertionSuccess();	// clamped: checked by the caller
	SenseData d = ParseSense(c.sense.data(), c.h.sb_len_wr);
	if (!d.error.empty())
		return fail(d.error);
	if (d.code != (desc ? 0x72 : 0x70))
		return fail("response code");
	if (d.length != SenseLen(w, desc))
		return fail("additional sense length");
	if (d.key != w.key || d.asc != w.asc || d.ascq != w.ascq)
		return fail("key/asc/ascq");
	if (d.info_valid)
		return fail("INFORMATION valid");
	if ((w.field >= 0) != d.sksv)
		return fail("SKSV");
	if (w.field >= 0 && (d.cd != w.cd || d.field != w.field ||
			     d.bpv != (w.bit >= 0) || d.bit != w.bit))
		return fail("field pointer");
	return ::testing::AssertionSuccess();
}

// Runs @fn in a child and returns its exit status (0: every check held).
int InChild(const std::function<int()> &fn)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		_exit(fn());
	int st = 0;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 200;
}

// ... as uid/gid nobody: no capability at all.
int AsNobody(const std::function<int()> &fn)
{
	return InChild([&] {
		if (setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			return 100;
		return fn();
	});
}

// ... as root with every capability but CAP_SYS_RAWIO.
int WithoutRawio(const std::function<int()> &fn)
{
	return InChild([&] {
		__user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
		__user_cap_data_struct data[2]{};
		if (syscall(SYS_capget, &hdr, data))
			return 101;
		data[0].effective &= ~(1u << CAP_SYS_RAWIO);
		data[0].permitted &= ~(1u << CAP_SYS_RAWIO);
		data[0].inheritable &= ~(1u << CAP_SYS_RAWIO);
		if (syscall(SYS_capset, &hdr, data))
			return 102;
		// Still root, still CAP_SYS_ADMIN.
		if (getuid() != 0 || !(data[0].effective & (1u << CAP_SYS_ADMIN)))
			return 103;
		return fn();
	});
}

class SgTest : public ::testing::Test {
protected:
	std::string disk_ = Env("MQ_DISK");
	std::string disk2_ = Env("MQ_DISK2");
	std::string part_ = Env("MQ_PART");
};

// ---------------------------------------------------------------------------
// Set-up: data the last test must find unchanged.

TEST_F(SgTest, A_WritePattern)
{
	WriteDirect(disk_, kPatternLba, Pattern(kPatternBlocks * kBlock, 1));
	// MQ_DISK2: whole-disk block 100 (before the partition) and
	// partition block 100 (disk block 2148) hold different data.
	WriteDirect(disk2_, 100, Pattern(8 * kBlock, 2));
	WriteDirect(disk2_, kPartStart + 100, Pattern(8 * kBlock, 3));
}

// ---------------------------------------------------------------------------
// The sg_io_hdr checks sg_io() makes before any CDB is looked at.

class Header : public SgTest {};

TEST_F(Header, InterfaceIdMustBeS)
{
	Fd fd(disk_, O_RDONLY);
	for (int id : {int{'Q'}, 0, int{'s'}}) {
		Sg c({kTestUnitReady, 0, 0, 0, 0, 0});
		c.h.interface_id = id;
		EXPECT_EQ(c.Run(fd.get()).ret, -EINVAL) << "interface_id " << id;
	}
	// sg v4 (struct sg_io_v4 starts with 'Q') is refused the same way.
	struct {
		int32_t guard;
		uint32_t protocol, subprotocol;
		uint8_t rest[140];
	} v4{'Q', 0, 0, {}};
	EXPECT_EQ(ioctl(fd.get(), SG_IO, &v4) < 0 ? -errno : 0, -EINVAL);
}

TEST_F(Header, CmdLenLimits)
{
	Fd fd(disk_, O_RDONLY);
	for (unsigned len : {0u, 1u, 5u}) {
		Sg c({kTestUnitReady, 0, 0, 0, 0, 0});
		EXPECT_EQ(c.CmdLen(len).Run(fd.get()).ret, -EMSGSIZE) << len;
	}
	for (unsigned len : {33u, 64u, 255u}) {
		Sg c({kTestUnitReady, 0, 0, 0, 0, 0});
		EXPECT_EQ(c.CmdLen(len).Run(fd.get()).ret, -EINVAL) << len;
	}
	// 6 to 32 bytes: a CDB longer than its operation code's is accepted.
	for (unsigned len = 6; len <= 32; len++) {
		Sg c({kTestUnitReady, 0, 0, 0, 0, 0});
		EXPECT_TRUE(Good(c.CmdLen(len).Run(fd.get()), 0)) << len;
		Buf b(96);
		Sg i({kInquiry, 0, 0, 0, 96, 0});
		EXPECT_TRUE(Good(i.CmdLen(len).In(b.data(), 96).Run(fd.get()), 0));
	}
}

TEST_F(Header, DxferLenAboveQueueMaxIsEio)
{
	const uint64_t max = SysfsU64(disk_, "max_hw_sectors_kb") * 1024;
	ASSERT_GE(max, 64u * 1024);
	Fd fd(disk_, O_RDONLY);
	Buf b(max + 4096);
	for (uint64_t len : {max + 1, max + 512, uint64_t{UINT_MAX}}) {
		Sg c(RwCdb(kRead10, 0, 1));
		EXPECT_EQ(c.In(b.data(), static_cast<unsigned>(len)).Run(fd.get()).ret,
			  -EIO) << len;
		Sg n({kTestUnitReady, 0, 0, 0, 0, 0});
		n.h.dxfer_len = static_cast<unsigned>(len);	// even without direction
		EXPECT_EQ(n.Run(fd.get()).ret, -EIO) << len;
	}
	// Exactly the maximum: one READ(10) of all of it.
	Sg c(RwCdb(kRead10, kPatternLba, static_cast<uint32_t>(max / kBlock)));
	EXPECT_TRUE(Good(c.In(b.data(), static_cast<unsigned>(max)).Run(fd.get()), 0));
	auto ref = ReadDirect(disk_, kPatternLba, static_cast<uint32_t>(max / kBlock));
	EXPECT_EQ(memcmp(b.data(), ref.data(), max), 0);
}

TEST_F(Header, DirectionInvalidWithLength)
{
	Fd fd(disk_, O_RDONLY);
	Buf b(4096);
	for (int dir : {SG_DXFER_NONE, 0, -5, 1, 7, INT_MIN}) {
		Sg c({kInquiry, 0, 0, 0, 96, 0});
		c.In(b.data(), 96).h.dxfer_direction = dir;
		EXPECT_EQ(c.Run(fd.get()).ret, -EINVAL) << dir;
		// Without a length the direction does not matter.
		Sg t({kTestUnitReady, 0, 0, 0, 0, 0});
		t.h.dxfer_direction = dir;
		EXPECT_TRUE(Good(t.Run(fd.get()), 0)) << dir;
	}
	// The checks come in sg_io()'s order: interface, length, direction,
	// CDB length.
	Sg c({kInquiry, 0, 0, 0, 96, 0});
	c.In(b.data(), 96).CmdLen(3).h.dxfer_direction = -7;
	EXPECT_EQ(c.Run(fd.get()).ret, -EINVAL);
	c.h.dxfer_direction = SG_DXFER_FROM_DEV;
	EXPECT_EQ(c.Run(fd.get()).ret, -EMSGSIZE);
	c.h.interface_id = 'Q';
	EXPECT_EQ(c.Run(fd.get()).ret, -EINVAL);
}

TEST_F(Header, BadPointers)
{
	Fd fd(disk_, O_RDONLY);
	void *bad = reinterpret_cast<void *>(4096);
	// The header itself.
	EXPECT_EQ(ioctl(fd.get(), SG_IO, bad) < 0 ? -errno : 0, -EFAULT);
	// The CDB.
	Sg c({kTestUnitReady, 0, 0, 0, 0, 0});
	c.h.cmdp = static_cast<unsigned char *>(bad);
	EXPECT_EQ(c.Run(fd.get()).ret, -EFAULT);
	// A data-in buffer nothing is mapped at, for data the driver builds
	// and for data from the medium.
	Sg i({kInquiry, 0, 0, 0, 96, 0});
	EXPECT_EQ(i.In(bad, 96).Run(fd.get()).ret, -EFAULT);
	Sg r(RwCdb(kRead10, 0, 8));
	EXPECT_EQ(r.In(bad, 4096).Run(fd.get()).ret, -EFAULT);
	// A sense buffer nothing is mapped at, once there is sense.
	Sg s({kInquiry, 0, 0x99, 0, 96, 0});
	Buf b(4096);
	s.In(b.data(), 96).h.sbp = static_cast<unsigned char *>(bad);
	EXPECT_EQ(s.Run(fd.get()).ret, -EFAULT);
	// ... and no sense buffer at all: CHECK CONDITION, nothing written.
	Sg n({kInquiry, 0, 0x99, 0, 96, 0});
	n.In(b.data(), 96).h.sbp = nullptr;
	EXPECT_TRUE(Check(n.Run(fd.get()), Field(2, 7), 96));
	EXPECT_EQ(n.h.sb_len_wr, 0);
	// An iovec array nothing is mapped at, and too many elements.
	Sg v(RwCdb(kRead10, 0, 8));
	v.Iov(SG_DXFER_FROM_DEV, static_cast<sg_iovec_t *>(bad), 2, 4096);
	EXPECT_EQ(v.Run(fd.get()).ret, -EFAULT);
	std::vector<sg_iovec_t> many(1025, sg_iovec_t{b.data(), 4});
	Sg m(RwCdb(kRead10, 0, 8));
	m.Iov(SG_DXFER_FROM_DEV, many.data(), 1025, 4100);
	EXPECT_EQ(m.Run(fd.get()).ret, -EINVAL);
}

// ---------------------------------------------------------------------------
// The command table, opcode by opcode.

class TableTest : public SgTest,
		  public ::testing::WithParamInterface<TableCmd> {
protected:
	Cdb Base() const
	{
		const TableCmd &t = GetParam();
		Cdb c(t.len, 0);
		c[0] = t.opcode;
		if (t.sa >= 0)
			c[1] = static_cast<uint8_t>(t.sa);
		return c;
	}
};

// A reserved bit set in any byte: INVALID FIELD IN CDB pointing at it. A
// bit of the SERVICE ACTION field makes another service action, which the
// table lacks: the pointer names that field (byte 1, bit 4).
TEST_P(TableTest, ReservedBits)
{
	const TableCmd &t = GetParam();
	Fd fd(disk_, O_RDWR);
	int tried = 0;
	for (int byte = 1; byte < t.len; byte++) {
		for (int bit = 0; bit < 8; bit++) {
			if (t.usage[byte] & (1 << bit))
				continue;
			Cdb cdb = Base();
			cdb[byte] |= 1 << bit;
			Sg c(cdb);
			c.Run(fd.get());
			tried++;
			const bool sa_bit = t.sa >= 0 && byte == 1 && bit < 5;
			if (Supported(t)) {
				EXPECT_TRUE(Check(c, sa_bit ? Field(1, 4) : Field(byte, bit), 0))
					<< t.name << " byte " << byte << " bit " << bit;
			} else {
				EXPECT_TRUE(Check(c, kInvalidOpcode, 0)) << t.name;
			}
		}
	}
	EXPECT_GT(tried, 0) << "the control byte at least is reserved";
	if (!Supported(t))
		return;
	// Several bad bits: the first byte, its most significant bad bit (the
	// service action left as it is).
	auto bad_bits = [&t](int byte) {
		uint8_t bad = ~t.usage[byte];
		return t.sa >= 0 && byte == 1 ? uint8_t(bad & 0xe0) : bad;
	};
	int first = -1, second = -1;
	for (int byte = 1; byte < t.len; byte++) {
		uint8_t bad = bad_bits(byte);
		if (!bad)
			continue;
		if (first < 0)
			first = byte;
		else if (second < 0)
			second = byte;
	}
	ASSERT_GE(first, 1);
	Cdb cdb = Base();
	cdb[first] |= bad_bits(first);
	if (second > 0)
		cdb[second] |= bad_bits(second);
	int top = 7;
	while (!(bad_bits(first) & (1 << top)))
		top--;
	Sg c(cdb);
	EXPECT_TRUE(Check(c.Run(fd.get()), Field(first, top), 0)) << t.name;
}

// A CDB shorter than the operation code's: INVALID FIELD IN CDB without a
// field pointer; shorter than 6 bytes: EMSGSIZE.
TEST_P(TableTest, ShortCdb)
{
	const TableCmd &t = GetParam();
	Fd fd(disk_, O_RDWR);
	for (unsigned len = 6; len < t.len; len++) {
		Sg c(Base());
		c.CmdLen(len).Run(fd.get());
		EXPECT_TRUE(Check(c, Supported(t) ? kInvalidField : kInvalidOpcode, 0))
			<< t.name << " cmd_len " << len;
	}
	Sg c(Base());
	EXPECT_EQ(c.CmdLen(5).Run(fd.get()).ret, -EMSGSIZE) << t.name;
}

// REPORT SUPPORTED OPERATION CODES for the one command: its usage data
// is this table's, or the command is not supported.
TEST_P(TableTest, RsocUsageData)
{
	const TableCmd &t = GetParam();
	Fd fd(disk_, O_RDONLY);
	Buf b(512, 0, 0x5a);
	Cdb cdb = {kMaintenanceIn, 0x0c, static_cast<uint8_t>(t.sa >= 0 ? 2 : 1),
		   t.opcode, 0, static_cast<uint8_t>(t.sa >= 0 ? t.sa : 0),
		   0, 0, 0x02, 0x00, 0, 0};
	Sg c(cdb);
	c.In(b.data(), 512).Run(fd.get());
	if (!Supported(t)) {
		EXPECT_TRUE(Good(c, 512 - 4)) << t.name;
		EXPECT_EQ(b.data()[1] & 0x07, 0x01) << t.name << " supported";
		return;
	}
	ASSERT_TRUE(Good(c, 512 - 4 - t.len)) << t.name;
	EXPECT_EQ(b.data()[1] & 0x07, 0x03) << t.name;
	EXPECT_EQ(GetBe(&b.data()[2], 2), t.len) << t.name;
	for (int i = 0; i < t.len; i++)
		EXPECT_EQ(b.data()[4 + i], t.usage[i]) << t.name << " usage byte " << i;
	EXPECT_TRUE(All(b.data() + 4 + t.len, 64, 0x5a)) << "written past the data";
}

std::string CmdName(const ::testing::TestParamInfo<TableCmd> &i)
{
	return i.param.name;
}

INSTANTIATE_TEST_SUITE_P(Cmd, TableTest, ::testing::ValuesIn(Table()), CmdName);

class Opcodes : public SgTest {};

TEST_F(Opcodes, AllCommandsListed)
{
	Fd fd(disk_, O_RDONLY);
	Buf b(4096, 0, 0x5a);
	Sg c({kMaintenanceIn, 0x0c, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0});
	c.In(b.data(), 4096).Run(fd.get());
	size_t want = 0;
	for (const auto &t : Table())
		want += Supported(t);
	ASSERT_TRUE(Good(c, static_cast<int>(4096 - 4 - 8 * want)));
	ASSERT_EQ(GetBe(b.data(), 4), 8 * want);
	std::set<std::pair<int, int>> seen;
	for (size_t i = 0; i < want; i++) {
		const uint8_t *d = &b.data()[4 + 8 * i];
		const TableCmd *t = FindCmd(d[0]);
		ASSERT_NE(t, nullptr) << "listed opcode " << int(d[0]);
		EXPECT_TRUE(Supported(*t)) << t->name;
		EXPECT_EQ(GetBe(&d[6], 2), t->len) << t->name;
		EXPECT_EQ(d[5] & 0x01, t->sa >= 0 ? 1 : 0) << t->name << " SERVACTV";
		if (t->sa >= 0) {
			EXPECT_EQ(GetBe(&d[2], 2), uint64_t(t->sa)) << t->name;
		}
		seen.insert({d[0], t->sa});
	}
	EXPECT_EQ(seen.size(), want) << "a command listed twice";
	printf("RSOC lists %zu commands\n", want);
}

TEST_F(Opcodes, UnknownOpcodesAndAtaPassThrough)
{
	Fd fd(disk_, O_RDWR);
	Buf b(512);
	// ATA PASS-THROUGH (12) and (16): IDENTIFY DEVICE, as hdparm sends it.
	Sg a12({kAtaPt12, 0x08, 0x0e, 0, 1, 0, 0, 0, 0, 0xec, 0, 0});
	EXPECT_TRUE(Check(a12.In(b.data(), 512).Run(fd.get()), kInvalidOpcode, 512));
	Sg a16({kAtaPt16, 0x08, 0x0e, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0xec, 0});
	EXPECT_TRUE(Check(a16.In(b.data(), 512).Run(fd.get()), kInvalidOpcode, 512));
	// Every operation code outside the table.
	int n = 0;
	for (int op = 0; op < 256; op++) {
		if (FindCmd(static_cast<uint8_t>(op)))
			continue;
		Cdb cdb(16, 0);
		cdb[0] = static_cast<uint8_t>(op);
		Sg c(cdb);
		EXPECT_TRUE(Check(c.In(b.data(), 512).Run(fd.get()), kInvalidOpcode, 512))
			<< "opcode " << op;
		n++;
	}
	EXPECT_EQ(n, 256 - 34);
	// A service action the table lacks: INVALID FIELD IN CDB at the
	// SERVICE ACTION field (byte 1, bit 4).
	for (uint8_t sa : {0x00, 0x11, 0x12, 0x1f}) {
		Sg c({kServiceActionIn16, sa, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0});
		EXPECT_TRUE(Check(c.In(b.data(), 32).Run(fd.get()), Field(1, 4), 32))
			<< "SAI sa " << int(sa);
	}
	for (uint8_t sa : {0x0a, 0x0d, 0x0f}) {
		Sg c({kMaintenanceIn, sa, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0});
		EXPECT_TRUE(Check(c.In(b.data(), 512).Run(fd.get()), Field(1, 4), 512))
			<< "MAINTENANCE IN sa " << int(sa);
	}
}

// Fields the driver refuses beyond the usage masks, each with its pointer.
// None of these CDBs changes anything.
TEST_F(Opcodes, FieldPointersBeyondTheMasks)
{
	struct Case {
		const char *what;
		Cdb cdb;
		Want want;
	};
	const std::vector<Case> cases = {
		{"INQUIRY page code without EVPD", {kInquiry, 0, 0x80, 0, 96, 0}, Field(2, 7)},
		{"INQUIRY unknown VPD page", {kInquiry, 1, 0x99, 0, 96, 0}, Field(2, 7)},
		{"READ CAPACITY(10) LBA without PMI",
		 {kReadCapacity10, 0, 0, 0, 0, 1, 0, 0, 0, 0}, Field(2, 7)},
		{"READ CAPACITY(16) LBA without PMI",
		 {kServiceActionIn16, 0x10, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 32, 0, 0},
		 Field(2, 7)},
		{"MODE SENSE(6) saved values", {kModeSense6, 0, 0xc8, 0, 255, 0},
		 Plain(kIllegalRequest, 0x39, 0x00)},
		{"MODE SENSE(6) unknown page", {kModeSense6, 0, 0x33, 0, 255, 0}, Field(2, 5)},
		{"MODE SENSE(10) subpage", {kModeSense10, 0, 0x08, 0x05, 0, 0, 0, 1, 0, 0},
		 Field(3, 7)},
		{"LOG SENSE SP", {kLogSense, 0x01, 0x40, 0, 0, 0, 0, 1, 0, 0}, Field(1, 0)},
		{"LOG SENSE PPC", {kLogSense, 0x02, 0x40, 0, 0, 0, 0, 1, 0, 0}, Field(1, 1)},
		{"LOG SENSE current values", {kLogSense, 0, 0x00, 0, 0, 0, 0, 1, 0, 0},
		 Field(2, 7)},
		{"LOG SENSE unknown page", {kLogSense, 0, 0x55, 0, 0, 0, 0, 1, 0, 0},
		 Field(2, 5)},
		{"LOG SENSE subpage", {kLogSense, 0, 0x4d, 0x01, 0, 0, 0, 1, 0, 0},
		 Field(3, 7)},
		{"LOG SENSE parameter pointer", {kLogSense, 0, 0x40, 0, 0, 0, 1, 1, 0, 0},
		 Field(5, 7)},
		{"REPORT LUNS allocation length 3",
		 {kReportLuns, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0}, Field(6, 7)},
		{"REPORT LUNS select report 3",
		 {kReportLuns, 0, 3, 0, 0, 0, 0, 0, 1, 0, 0, 0}, Field(2, 7)},
		{"RSOC reporting option 4",
		 {kMaintenanceIn, 0x0c, 4, 0, 0, 0, 0, 0, 2, 0, 0, 0}, Field(2, 2)},
		{"RSOC option 1 with a service action opcode",
		 {kMaintenanceIn, 0x0c, 1, kServiceActionIn16, 0, 0x10, 0, 0, 2, 0, 0, 0},
		 Field(2, 2)},
		{"RSOC option 2 without a service action opcode",
		 {kMaintenanceIn, 0x0c, 2, kRead10, 0, 0, 0, 0, 2, 0, 0, 0}, Field(2, 2)},
		{"READ(10) RDPROTECT without PI", RwCdb(kRead10, 0, 1, 0x20), Field(1, 7)},
		{"READ(16) RDPROTECT without PI", RwCdb(kRead16, 0, 1, 0xe0), Field(1, 7)},
		{"WRITE(12) WRPROTECT without PI", RwCdb(kWrite12, 0, 1, 0x40), Field(1, 7)},
		{"VERIFY(10) BYTCHK 2", RwCdb(kVerify10, 0, 1, 0x04), Field(1, 2)},
		{"VERIFY(16) VRPROTECT", RwCdb(kVerify16, 0, 1, 0x20), Field(1, 7)},
		{"WRITE SAME(10) without a length", RwCdb(kWriteSame10, 0, 0), Field(7, 7)},
		{"WRITE SAME(16) without a length", RwCdb(kWriteSame16, 0, 0), Field(10, 7)},
		{"WRITE SAME(10) ANCHOR", RwCdb(kWriteSame10, 0, 1, 0x10), Field(1, 4)},
		{"UNMAP ANCHOR", {kUnmap, 0x01, 0, 0, 0, 0, 0, 0, 24, 0}, Field(1, 0)},
		{"START STOP UNIT LOEJ", {kStartStop, 0, 0, 0, 0x02, 0}, Field(4, 1)},
		{"START STOP UNIT power condition 5", {kStartStop, 0, 0, 0, 0x50, 0},
		 Field(4, 7)},
		{"MODE SELECT(6) SP", {kModeSelect6, 0x11, 0, 0, 0, 0}, Field(1, 0)},
		{"MODE SELECT(10) PF 0", {kModeSelect10, 0x00, 0, 0, 0, 0, 0, 0, 0, 0},
		 Field(1, 4)},
		{"FORMAT UNIT FMTPINFO 01b", {kFormatUnit, 0x40, 0, 0, 0, 0}, Field(1, 7)},
		{"SEND DIAGNOSTIC (QEMU has no self-test)", {kSendDiagnostic, 0x04, 0, 0, 0, 0},
		 kInvalidOpcode},
		{"WRITE BUFFER (QEMU has no firmware download)",
		 {kWriteBuffer, 0x05, 0, 0, 0, 0, 0, 0x10, 0, 0}, kInvalidOpcode},
	};
	Fd fd(disk_, O_RDWR);
	for (const auto &k : cases) {
		if (InjectCaps() && k.want.asc == 0x20)
			continue;
		Sg c(k.cdb);
		c.Run(fd.get());
		EXPECT_TRUE(Check(c, k.want, 0)) << k.what;
	}
}

// ---------------------------------------------------------------------------
// ALLOCATION LENGTH against dxfer_len: the response is the shorter of the
// data, the allocation length and dxfer_len; resid is dxfer_len - that.

struct AllocCase {
	const char *name;
	Cdb cdb;
	int field;	// byte of the allocation length
	int size;	// its bytes
	int full;	// length of the complete response
};

class AllocLen : public SgTest {
protected:
	static Cdb With(const AllocCase &k, uint64_t alloc)
	{
		Cdb c = k.cdb;
		PutBe(&c[k.field], alloc, k.size);
		return c;
	}
};

TEST_F(AllocLen, ZeroOneHugeAndShortBuffers)
{
	const std::vector<AllocCase> cases = {
		{"INQUIRY", {kInquiry, 0, 0, 0, 0, 0}, 3, 2, 96},
		{"INQUIRY VPD 00h", {kInquiry, 1, 0, 0, 0, 0}, 3, 2, 11},
		{"INQUIRY VPD B0h", {kInquiry, 1, 0xb0, 0, 0, 0}, 3, 2, 64},
		{"REQUEST SENSE", {kRequestSense, 0, 0, 0, 0, 0}, 4, 1, 18},
		{"REQUEST SENSE DESC", {kRequestSense, 1, 0, 0, 0, 0}, 4, 1, 8},
		{"MODE SENSE(6) all pages", {kModeSense6, 0, 0x3f, 0, 0, 0}, 4, 1, 108},
		{"MODE SENSE(6) DBD caching", {kModeSense6, 0x08, 0x08, 0, 0, 0}, 4, 1, 24},
		{"MODE SENSE(10) all pages", {kModeSense10, 0, 0x3f, 0, 0, 0, 0, 0, 0, 0},
		 7, 2, 112},
		{"MODE SENSE(10) LLBAA control",
		 {kModeSense10, 0x10, 0x0a, 0, 0, 0, 0, 0, 0, 0}, 7, 2, 36},
		{"LOG SENSE supported pages", {kLogSense, 0, 0x40, 0, 0, 0, 0, 0, 0, 0},
		 7, 2, 7},
		{"LOG SENSE temperature", {kLogSense, 0, 0x4d, 0, 0, 0, 0, 0, 0, 0},
		 7, 2, 16},
		{"READ CAPACITY(16)",
		 {kServiceActionIn16, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
		 10, 4, 32},
		{"REPORT LUNS", {kReportLuns, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 6, 4, 16},
		{"RSOC all",
		 {kMaintenanceIn, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 6, 4,
		 4 + 8 * (InjectCaps() ? 34 : 30)},
		{"RSOC one with timeouts",
		 {kMaintenanceIn, 0x0c, 0x81, kRead10, 0, 0, 0, 0, 0, 0, 0, 0}, 6, 4,
		 4 + 10 + 12},
	};
	Fd fd(disk_, O_RDONLY);
	for (const auto &k : cases) {
		const int full = k.full;
		const uint64_t huge = k.size == 1 ? 0xff : k.size == 2 ? 0xffff : 0xffffffff;
		Buf ref(4096, 0, 0x5a);
		// The complete response, into a buffer larger than it.
		Sg all(With(k, huge));
		all.In(ref.data(), 1024).Run(fd.get());
		ASSERT_TRUE(Good(all, 1024 - full)) << k.name;
		EXPECT_TRUE(All(ref.data() + full, 1024 - full, 0x5a)) << k.name;
		// Allocation length 0: nothing (REPORT LUNS refuses less than 4).
		Buf b(4096, 0, 0x5a);
		Sg z(With(k, 0));
		z.In(b.data(), 1024).Run(fd.get());
		if (k.cdb[0] == kReportLuns) {
			EXPECT_TRUE(Check(z, Field(6, 7), 1024)) << k.name;
		} else {
			EXPECT_TRUE(Good(z, 1024)) << k.name;
		}
		EXPECT_TRUE(All(b.data(), 1024, 0x5a)) << k.name << " alloc 0 wrote";
		// 1 byte, and one byte short of everything.
		for (int alloc : {1, full - 1, full}) {
			if (k.cdb[0] == kReportLuns && alloc < 4)
				continue;
			Buf o(4096, 0, 0x5a);
			Sg c(With(k, alloc));
			c.In(o.data(), 1024).Run(fd.get());
			EXPECT_TRUE(Good(c, 1024 - alloc)) << k.name << " alloc " << alloc;
			EXPECT_EQ(memcmp(o.data(), ref.data(), alloc), 0) << k.name;
			EXPECT_TRUE(All(o.data() + alloc, 1024 - alloc, 0x5a)) << k.name;
		}
		// dxfer_len shorter than the allocation length: clamped, resid 0,
		// nothing written past dxfer_len; an odd buffer address too.
		for (unsigned len : {1u, 5u, unsigned(full) / 2}) {
			Buf o(4096, 3, 0x5a);
			Sg c(With(k, huge));
			c.In(o.data(), len).Run(fd.get());
			EXPECT_TRUE(Good(c, 0)) << k.name << " dxfer_len " << len;
			EXPECT_EQ(memcmp(o.data(), ref.data(), len), 0) << k.name;
			EXPECT_TRUE(All(o.data() + len, 512, 0x5a)) << k.name;
		}
		// No buffer at all.
		Sg n(With(k, huge));
		EXPECT_TRUE(Good(n.Run(fd.get()), 0)) << k.name << " without data";
		// A data-out direction: nothing is returned, all of it is resid.
		Buf o(4096, 0, 0x5a);
		Sg w(With(k, huge));
		w.Out(o.data(), 100).Run(fd.get());
		EXPECT_TRUE(Good(w, 100)) << k.name << " TO_DEV";
		EXPECT_TRUE(All(o.data(), 4096, 0x5a)) << k.name;
	}
}

TEST_F(AllocLen, ReadCapacity10IsAlwaysEightBytes)
{
	Fd fd(disk_, O_RDONLY);
	Buf b(4096, 0, 0x5a);
	Sg c({kReadCapacity10, 0, 0, 0, 0, 0, 0, 0, 0, 0});
	ASSERT_TRUE(Good(c.In(b.data(), 100).Run(fd.get()), 92));
	EXPECT_EQ(GetBe(b.data(), 4), kBlocks1 - 1);
	EXPECT_EQ(GetBe(b.data() + 4, 4), kBlock);
	EXPECT_TRUE(All(b.data() + 8, 92, 0x5a));
	Buf s(4096, 1, 0x5a);
	Sg d({kReadCapacity10, 0, 0, 0, 0, 0, 0, 0, 0, 0});
	ASSERT_TRUE(Good(d.In(s.data(), 5).Run(fd.get()), 0));
	EXPECT_EQ(memcmp(s.data(), b.data(), 5), 0);
	EXPECT_EQ(s.data()[5], 0x5a);
	// READ CAPACITY(16): the same numbers, and LBPME (QEMU has DSM).
	Buf l(4096);
	Sg e({kServiceActionIn16, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0});
	ASSERT_TRUE(Good(e.In(l.data(), 32).Run(fd.get()), 0));
	EXPECT_EQ(GetBe(l.data(), 8), kBlocks1 - 1);
	EXPECT_EQ(GetBe(l.data() + 8, 4), kBlock);
	EXPECT_EQ(l.data()[14] & 0x80, 0x80);
}

// ---------------------------------------------------------------------------
// READ and WRITE: data, lengths, ranges, buffers.

class Rw : public SgTest {};

TEST_F(Rw, ReadsMatchTheDisk)
{
	Fd fd(disk_, O_RDONLY);
	auto ref = ReadDirect(disk_, kPatternLba, 64);
	for (uint8_t op : {kRead6, kRead10, kRead12, kRead16}) {
		Buf b(64 * kBlock, 0, 0x5a);
		Sg c(RwCdb(op, kPatternLba, 64));
		ASSERT_TRUE(Good(c.In(b.data(), 64 * kBlock).Run(fd.get()), 0)) << int(op);
		EXPECT_EQ(memcmp(b.data(), ref.data(), 64 * kBlock), 0) << int(op);
	}
	// FUA is allowed on reads (and DPO/FUA_NV bits the masks let through).
	Buf b(4096);
	Sg f(RwCdb(kRead10, kPatternLba, 8, 0x18));
	ASSERT_TRUE(Good(f.In(b.data(), 4096).Run(fd.get()), 0));
	EXPECT_EQ(memcmp(b.data(), ref.data(), 4096), 0);
	// READ(6) transfer length 0 is 256 blocks.
	Buf big(256 * kBlock);
	Sg r6(RwCdb(kRead6, kPatternLba, 0));
	ASSERT_TRUE(Good(r6.In(big.data(), 256 * kBlock).Run(fd.get()), 0));
	auto ref256 = ReadDirect(disk_, kPatternLba, 256);
	EXPECT_EQ(memcmp(big.data(), ref256.data(), 256 * kBlock), 0);
	// SG_DXFER_TO_FROM_DEV reads like FROM_DEV.
	Buf t(4096, 0, 0x11);
	Sg tf(RwCdb(kRead10, kPatternLba, 8));
	tf.In(t.data(), 4096).h.dxfer_direction = SG_DXFER_TO_FROM_DEV;
	ASSERT_TRUE(Good(tf.Run(fd.get()), 0));
	EXPECT_EQ(memcmp(t.data(), ref.data(), 4096), 0);
}

TEST_F(Rw, TransferLengthZeroMovesNothing)
{
	Fd fd(disk_, O_RDWR);
	for (uint8_t op : {kRead10, kRead12, kRead16, kWrite10, kWrite12, kWrite16,
			   kVerify10, kVerify16}) {
		Buf b(8192, 0, 0x5a);
		bool write = op == kWrite10 || op == kWrite12 || op == kWrite16;
		Sg c(RwCdb(op, kPatternLba, 0));
		if (write)
			c.Out(b.data(), 4096);
		else
			c.In(b.data(), 4096);
		EXPECT_TRUE(Good(c.Run(fd.get()), 4096)) << int(op);
		EXPECT_TRUE(All(b.data(), 8192, 0x5a)) << int(op);
		Sg n(RwCdb(op, kPatternLba, 0));
		EXPECT_TRUE(Good(n.Run(fd.get()), 0)) << int(op) << " no buffer";
		// ... but the first block must still exist.
		Sg o(RwCdb(op, kBlocks1, 0));
		EXPECT_TRUE(Check(o.Run(fd.get()), kLbaOutOfRange, 0)) << int(op);
	}
}

TEST_F(Rw, DxferLenShorterThanTheTransfer)
{
	Fd fd(disk_, O_RDWR);
	for (uint8_t op : {kRead6, kRead10, kRead12, kRead16, kWrite10, kWrite16}) {
		bool write = op == kWrite10 || op == kWrite16;
		for (unsigned len : {0u, 1u, 511u, 4095u}) {
			Buf b(8192, 0, 0x5a);
			Sg c(RwCdb(op, kScratchLba, 8));
			if (write)
				c.Out(b.data(), len);
			else
				c.In(b.data(), len);
			EXPECT_TRUE(Check(c.Run(fd.get()), kInvalidField, len))
				<< int(op) << " dxfer_len " << len;
			EXPECT_TRUE(All(b.data(), 8192, 0x5a));
		}
	}
	// The direction the CDB does not move data in.
	Buf b(4096);
	Sg r(RwCdb(kRead10, kPatternLba, 8));
	EXPECT_TRUE(Check(r.Out(b.data(), 4096).Run(fd.get()), kInvalidField, 4096));
	Sg w(RwCdb(kWrite10, kScratchLba, 8));
	EXPECT_TRUE(Check(w.In(b.data(), 4096).Run(fd.get()), kInvalidField, 4096));
	// More blocks than one command may carry (QEMU's MDTS).
	const uint32_t max = static_cast<uint32_t>(
		SysfsU64(disk_, "max_hw_sectors_kb") * 1024 / kBlock);
	Buf m(max * kBlock);
	Sg big(RwCdb(kRead16, 0, max + 1));
	EXPECT_TRUE(Check(big.In(m.data(), max * kBlock).Run(fd.get()), kInvalidField,
			  max * kBlock));
}

TEST_F(Rw, DxferLenLongerThanTheTransfer)
{
	Fd fd(disk_, O_RDONLY);
	auto ref = ReadDirect(disk_, kPatternLba, 8);
	Buf b(16384, 0, 0x5a);
	Sg c(RwCdb(kRead10, kPatternLba, 8));
	ASSERT_TRUE(Good(c.In(b.data(), 4096 + 777).Run(fd.get()), 777));
	EXPECT_EQ(memcmp(b.data(), ref.data(), 4096), 0);
	EXPECT_TRUE(All(b.data() + 4096, 8192, 0x5a));
}

TEST_F(Rw, LbaOutOfRange)
{
	Fd fd(disk_, O_RDWR);
	Buf b(8192, 0, 0x5a);
	const std::vector<std::pair<uint64_t, uint32_t>> ranges = {
		{kBlocks1, 1}, {kBlocks1 - 1, 2}, {kBlocks1 - 8, 16},
		{0xffffffffull, 1}};
	for (auto [lba, tl] : ranges) {
		for (uint8_t op : {kRead10, kRead12, kRead16, kWrite10, kVerify10}) {
			bool write = op == kWrite10;
			Sg c(RwCdb(op, lba, tl));
			if (write)
				c.Out(b.data(), 8192);
			else
				c.In(b.data(), 8192);
			EXPECT_TRUE(Check(c.Run(fd.get()), kLbaOutOfRange, 8192))
				<< int(op) << " lba " << lba << " tl " << tl;
		}
	}
	// 64-bit LBAs, and a range that wraps around.
	for (uint64_t lba : {1ull << 32, 1ull << 63, ~0ull}) {
		Sg c(RwCdb(kRead16, lba, 1));
		EXPECT_TRUE(Check(c.In(b.data(), 512).Run(fd.get()), kLbaOutOfRange, 512));
	}
	Sg wrap(RwCdb(kRead16, 8, 0xffffffff));
	EXPECT_TRUE(Check(wrap.In(b.data(), 512).Run(fd.get()), kLbaOutOfRange, 512));
	// READ(6): 21-bit LBA, past the 131072 blocks.
	Sg r6(RwCdb(kRead6, 0x1fffff, 1));
	EXPECT_TRUE(Check(r6.In(b.data(), 512).Run(fd.get()), kLbaOutOfRange, 512));
	// SYNCHRONIZE CACHE checks its range too.
	Sg s(RwCdb(kSyncCache10, kBlocks1 - 1, 2));
	EXPECT_TRUE(Check(s.Run(fd.get()), kLbaOutOfRange, 0));
	EXPECT_TRUE(All(b.data(), 8192, 0x5a));
	// The last block itself is fine.
	Sg last(RwCdb(kRead10, kBlocks1 - 1, 1));
	EXPECT_TRUE(Good(last.In(b.data(), 512).Run(fd.get()), 0));
}

TEST_F(Rw, WriteReadBack)
{
	Fd fd(disk_, O_RDWR);
	auto pat = Pattern(32 * kBlock, 10);
	for (uint8_t op : {kWrite6, kWrite10, kWrite12, kWrite16}) {
		const uint64_t lba = kScratchLba + 64 * (op >> 4);
		Buf b(32 * kBlock);
		memcpy(b.data(), pat.data(), pat.size());
		b.data()[0] = op;
		Sg c(RwCdb(op, lba, 32, op == kWrite6 ? 0 : 0x08 /* FUA */));
		ASSERT_TRUE(Good(c.Out(b.data(), 32 * kBlock).Run(fd.get()), 0)) << int(op);
		auto back = ReadDirect(disk_, lba, 32);
		EXPECT_EQ(memcmp(back.data(), b.data(), 32 * kBlock), 0) << int(op);
	}
	Sg s(RwCdb(kSyncCache10, 0, 0));
	EXPECT_TRUE(Good(s.Run(fd.get()), 0));
	Sg s16(RwCdb(kSyncCache16, kScratchLba, 1024, 0x02));
	EXPECT_TRUE(Good(s16.Run(fd.get()), 0));
}

TEST_F(Rw, UnalignedBuffers)
{
	Fd fd(disk_, O_RDWR);
	auto ref = ReadDirect(disk_, kPatternLba, 16);
	for (size_t off : {1ul, 3ul, 7ul, 511ul, 513ul, 4095ul}) {
		for (unsigned extra : {0u, 1u, 3u, 509u}) {
			const unsigned len = 16 * kBlock + extra;
			Buf b(len, off, 0x5a);
			Sg c(RwCdb(kRead10, kPatternLba, 16));
			ASSERT_TRUE(Good(c.In(b.data(), len).Run(fd.get()), int(extra)))
				<< "offset " << off << " extra " << extra;
			EXPECT_EQ(memcmp(b.data(), ref.data(), 16 * kBlock), 0) << off;
			EXPECT_EQ(b.data()[-1], 0x5a) << off;
			EXPECT_TRUE(All(b.data() + 16 * kBlock, extra + 256, 0x5a)) << off;
		}
		// Writes from odd addresses, read back through the block device.
		auto pat = Pattern(8 * kBlock, static_cast<uint32_t>(100 + off));
		Buf w(8 * kBlock + 3, off);
		memcpy(w.data(), pat.data(), pat.size());
		const uint64_t lba = kScratchLba + 512 + off;
		Sg c(RwCdb(kWrite10, lba, 8));
		ASSERT_TRUE(Good(c.Out(w.data(), 8 * kBlock + 3).Run(fd.get()), 3)) << off;
		auto back = ReadDirect(disk_, lba, 8);
		EXPECT_EQ(memcmp(back.data(), pat.data(), pat.size()), 0) << off;
	}
}

// Element sizes that are not multiples of the block size, at odd
// addresses, more of them than UIO_FASTIOV.
std::vector<size_t> Pieces(size_t total, const std::vector<size_t> &sizes)
{
	std::vector<size_t> v;
	size_t left = total;
	for (size_t i = 0; left; i++) {
		size_t n = std::min(left, sizes[i % sizes.size()]);
		v.push_back(n);
		left -= n;
	}
	return v;
}

TEST_F(Rw, IovecBuffers)
{
	Fd fd(disk_, O_RDWR);
	const std::vector<std::vector<size_t>> layouts = {
		{4096, 4096},
		{1, 4095, 4096},
		{3, 1000, 509, 2584, 4096},
		{100},				// 82 elements of 100 bytes
		{7, 13, 511, 513, 1023, 1},	// > UIO_FASTIOV elements
	};
	const size_t total = 8192;
	auto ref = ReadDirect(disk_, kPatternLba, 16);
	for (size_t li = 0; li < layouts.size(); li++) {
		auto sizes = Pieces(total, layouts[li]);
		// Each element in its own region, at an odd offset, with guards.
		Buf b(sizes.size() * 8192, 0, 0x5a);
		std::vector<sg_iovec_t> iov;
		for (size_t i = 0; i < sizes.size(); i++)
			iov.push_back({b.data() + i * 8192 + 1 + (i % 7), sizes[i]});
		Sg r(RwCdb(kRead10, kPatternLba, 16));
		r.Iov(SG_DXFER_FROM_DEV, iov.data(), static_cast<int>(iov.size()), total);
		ASSERT_TRUE(Good(r.Run(fd.get()), 0)) << "layout " << li;
		size_t pos = 0;
		for (size_t i = 0; i < iov.size(); i++) {
			auto *p = static_cast<uint8_t *>(iov[i].iov_base);
			EXPECT_EQ(memcmp(p, ref.data() + pos, sizes[i]), 0)
				<< "layout " << li << " element " << i;
			EXPECT_EQ(p[-1], 0x5a);
			EXPECT_EQ(p[sizes[i]], 0x5a);
			pos += sizes[i];
		}
		// The same layout writing a new pattern, read back plainly.
		auto pat = Pattern(total, static_cast<uint32_t>(200 + li));
		pos = 0;
		for (size_t i = 0; i < iov.size(); i++) {
			memcpy(iov[i].iov_base, pat.data() + pos, sizes[i]);
			pos += sizes[i];
		}
		const uint64_t lba = kScratchLba + 1024 + 16 * li;
		Sg w(RwCdb(kWrite10, lba, 16));
		w.Iov(SG_DXFER_TO_DEV, iov.data(), static_cast<int>(iov.size()), total);
		ASSERT_TRUE(Good(w.Run(fd.get()), 0)) << "layout " << li;
		auto back = ReadDirect(disk_, lba, 16);
		EXPECT_EQ(memcmp(back.data(), pat.data(), total), 0) << "layout " << li;
	}
	// dxfer_len shorter than the iovec: the shorter wins (sg's rule).
	Buf b(16384, 0, 0x5a);
	std::vector<sg_iovec_t> iov = {{b.data() + 1, 3000}, {b.data() + 8193, 5192}};
	Sg t(RwCdb(kRead10, kPatternLba, 8));
	t.Iov(SG_DXFER_FROM_DEV, iov.data(), 2, 4096);
	ASSERT_TRUE(Good(t.Run(fd.get()), 0));
	EXPECT_EQ(memcmp(b.data() + 1, ref.data(), 3000), 0);
	EXPECT_EQ(memcmp(b.data() + 8193, ref.data() + 3000, 1096), 0);
	EXPECT_TRUE(All(b.data() + 8193 + 1096, 4096, 0x5a));
	// An iovec shorter than the transfer: CHECK CONDITION, nothing moved.
	Buf s(16384, 0, 0x5a);
	std::vector<sg_iovec_t> small = {{s.data() + 1, 1000}, {s.data() + 8193, 1000}};
	Sg u(RwCdb(kRead10, kPatternLba, 8));
	u.Iov(SG_DXFER_FROM_DEV, small.data(), 2, 2000);
	EXPECT_TRUE(Check(u.Run(fd.get()), kInvalidField, 2000));
	EXPECT_TRUE(All(s.data(), 16384, 0x5a));
	// Data the driver builds goes through an iovec as well.
	Buf q(4096, 0, 0x5a), full(4096);
	std::vector<sg_iovec_t> qi = {{q.data() + 5, 7}, {q.data() + 2001, 89}};
	Sg inq({kInquiry, 0, 0, 0, 96, 0});
	inq.Iov(SG_DXFER_FROM_DEV, qi.data(), 2, 96);
	ASSERT_TRUE(Good(inq.Run(fd.get()), 0));
	Sg inq2({kInquiry, 0, 0, 0, 96, 0});
	ASSERT_TRUE(Good(inq2.In(full.data(), 96).Run(fd.get()), 0));
	EXPECT_EQ(memcmp(q.data() + 5, full.data(), 7), 0);
	EXPECT_EQ(memcmp(q.data() + 2001, full.data() + 7, 89), 0);
	EXPECT_EQ(q.data()[2001 + 89], 0x5a);
}

TEST_F(Rw, Verify)
{
	Fd fd(disk_, O_RDWR);
	Sg m(RwCdb(kVerify10, 0, 2000));
	EXPECT_TRUE(Good(m.Run(fd.get()), 0));
	Sg m16(RwCdb(kVerify16, kPatternLba, kPatternBlocks));
	EXPECT_TRUE(Good(m16.Run(fd.get()), 0));
	// BYTCHK 1: compare with the data-out buffer (QEMU has Compare).
	auto ref = ReadDirect(disk_, kPatternLba, 16);
	Buf b(16 * kBlock, 1);
	memcpy(b.data(), ref.data(), ref.size());
	Sg c(RwCdb(kVerify10, kPatternLba, 16, 0x02));
	EXPECT_TRUE(Good(c.Out(b.data(), 16 * kBlock).Run(fd.get()), 0));
	b.data()[4000] ^= 0x40;
	Sg d(RwCdb(kVerify12, kPatternLba, 16, 0x02));
	EXPECT_TRUE(Check(d.Out(b.data(), 16 * kBlock).Run(fd.get()),
			  Plain(kMiscompare, 0x1d, 0x00), 16 * kBlock));
	// ... with a buffer shorter than the blocks compared.
	Sg e(RwCdb(kVerify16, kPatternLba, 16, 0x02));
	EXPECT_TRUE(Check(e.Out(b.data(), 512).Run(fd.get()), kInvalidField, 512));
}

// ---------------------------------------------------------------------------
// Sense data: fixed format, the sense buffer size, descriptor format.

class Sense : public SgTest {};

TEST_F(Sense, FixedFormatBytes)
{
	Fd fd(disk_, O_RDONLY);
	Sg c({kInquiry, 0, 0x80, 0, 96, 0});
	ASSERT_TRUE(Check(c.Run(fd.get()), Field(2, 7), 0));
	const uint8_t want[18] = {0x70, 0, 0x05, 0, 0, 0, 0, 10, 0, 0, 0, 0,
				  0x24, 0x00, 0, 0x80 | 0x40 | 0x08 | 7, 0, 2};
	EXPECT_EQ(memcmp(c.sense.data(), want, 18), 0) << Describe(c);
	// A whole-byte pointer is not generated, so BPV stays with the bit;
	// without a field pointer the SKS bytes are zero.
	Sg o({0xff, 0, 0, 0, 0, 0});
	ASSERT_TRUE(Check(o.Run(fd.get()), kInvalidOpcode, 0));
	const uint8_t want2[18] = {0x70, 0, 0x05, 0, 0, 0, 0, 10, 0, 0, 0, 0,
				   0x20, 0x00, 0, 0, 0, 0};
	EXPECT_EQ(memcmp(o.sense.data(), want2, 18), 0) << Describe(o);
}

TEST_F(Sense, MxSbLenClampsSbLenWr)
{
	Fd fd(disk_, O_RDONLY);
	Sg ref({kInquiry, 0, 0x80, 0, 96, 0});
	ASSERT_TRUE(Check(ref.Run(fd.get()), Field(2, 7), 0));
	for (unsigned mx : {0u, 1u, 7u, 8u, 13u, 17u, 18u, 19u, 64u, 255u}) {
		Sg c({kInquiry, 0, 0x80, 0, 96, 0});
		c.SenseMax(mx).Run(fd.get());
		const int want = std::min(mx, 18u);
		EXPECT_TRUE(Check(c, Field(2, 7), 0)) << "mx_sb_len " << mx;
		EXPECT_EQ(c.h.sb_len_wr, want) << mx;
		EXPECT_EQ(memcmp(c.sense.data(), ref.sense.data(), want), 0) << mx;
		EXPECT_TRUE(All(c.sense.data() + want, c.sense.size() - want, 0xee)) << mx;
	}
	// GOOD writes no sense at all.
	Sg g({kTestUnitReady, 0, 0, 0, 0, 0});
	ASSERT_TRUE(Good(g.Run(fd.get()), 0));
	EXPECT_TRUE(All(g.sense.data(), g.sense.size(), 0xee));
}

// MODE SELECT(10) of the control mode page with @d_sense.
::testing::AssertionResult SetDSense(int fd, bool d_sense)
{
	uint8_t p[20] = {0, 0, 0, 0, 0, 0, 0, 0,	// header, no block descriptor
			 0x0a, 0x0a, static_cast<uint8_t>(0x02 | (d_sense ? 0x04 : 0)),
			 0x10, 0, 0, 0, 0, 0xff, 0xff, 0, 0};
	Sg c({kModeSelect10, 0x10, 0, 0, 0, 0, 0, 0, sizeof(p), 0});
	c.Out(p, sizeof(p)).Run(fd);
	return Good(c, 0);
}

// D_SENSE of the control mode page, as MODE SENSE(10) reports it.
int GetDSense(int fd)
{
	uint8_t b[64] = {};
	Sg c({kModeSense10, 0x08, 0x0a, 0, 0, 0, 0, 0, sizeof(b), 0});
	c.In(b, sizeof(b)).Run(fd);
	if (!Good(c, int(sizeof(b)) - 20) || b[8] != 0x0a)
		return -1;
	return !!(b[10] & 0x04);
}

class DescriptorSense : public SgTest {
protected:
	void TearDown() override
	{
		Fd fd(disk_, O_RDWR);
		EXPECT_TRUE(SetDSense(fd.get(), false));
		EXPECT_EQ(GetDSense(fd.get()), 0);
	}
};

TEST_F(DescriptorSense, SetCheckAndSetBack)
{
	Fd fd(disk_, O_RDWR);
	ASSERT_EQ(GetDSense(fd.get()), 0);
	ASSERT_TRUE(SetDSense(fd.get(), true));
	ASSERT_EQ(GetDSense(fd.get()), 1);
	// With a field pointer: 8 bytes + the sense-key specific descriptor.
	Sg c({kInquiry, 0, 0x80, 0, 96, 0});
	ASSERT_TRUE(Check(c.Run(fd.get()), Field(2, 7), 0, true));
	const uint8_t want[16] = {0x72, 0x05, 0x24, 0x00, 0, 0, 0, 8,
				  0x02, 0x06, 0, 0, 0x80 | 0x40 | 0x08 | 7, 0, 2, 0};
	EXPECT_EQ(memcmp(c.sense.data(), want, 16), 0) << Describe(c);
	// Without: the 8-byte header alone.
	Sg o(RwCdb(kRead10, kBlocks1, 1));
	Buf b(512);
	ASSERT_TRUE(Check(o.In(b.data(), 512).Run(fd.get()), kLbaOutOfRange, 512, true));
	const uint8_t want2[8] = {0x72, 0x05, 0x21, 0x00, 0, 0, 0, 0};
	EXPECT_EQ(memcmp(o.sense.data(), want2, 8), 0) << Describe(o);
	// A reserved bit of every size of CDB, in descriptor format.
	for (const auto &t : Table()) {
		if (!Supported(t))
			continue;
		Cdb cdb(t.len, 0);
		cdb[0] = t.opcode;
		if (t.sa >= 0)
			cdb[1] = static_cast<uint8_t>(t.sa);
		cdb[t.len - 1] = 0x01;	// control byte: NACA... reserved here
		Sg r(cdb);
		EXPECT_TRUE(Check(r.Run(fd.get()), Field(t.len - 1, 0), 0, true)) << t.name;
	}
	// mx_sb_len below the descriptor sense.
	for (unsigned mx : {1u, 8u, 10u, 15u}) {
		Sg s({kInquiry, 0, 0x80, 0, 96, 0});
		s.SenseMax(mx).Run(fd.get());
		EXPECT_TRUE(Check(s, Field(2, 7), 0, true)) << mx;
		EXPECT_EQ(s.h.sb_len_wr, static_cast<int>(mx));
		EXPECT_EQ(memcmp(s.sense.data(), want, mx), 0) << mx;
	}
	// REQUEST SENSE follows its own DESC bit, not D_SENSE.
	uint8_t rs[64];
	memset(rs, 0x5a, sizeof(rs));
	Sg r({kRequestSense, 0, 0, 0, 64, 0});
	ASSERT_TRUE(Good(r.In(rs, 64).Run(fd.get()), 64 - 18));
	EXPECT_EQ(rs[0], 0x70);
	// SCSI_IOCTL_SEND_COMMAND gets descriptor sense as well.
	struct {
		uint32_t inlen, outlen;
		uint8_t data[128];
	} sc{0, 96, {kInquiry, 0, 0x80, 0, 96, 0}};
	EXPECT_EQ(ioctl(fd.get(), kScsiIoctlSendCommand, &sc), kCheckCondition);
	EXPECT_EQ(memcmp(sc.data, want, 16), 0);
	// And back.
	ASSERT_TRUE(SetDSense(fd.get(), false));
	Sg f({kInquiry, 0, 0x80, 0, 96, 0});
	EXPECT_TRUE(Check(f.Run(fd.get()), Field(2, 7), 0, false));
}

TEST_F(DescriptorSense, ModeSelectRefusals)
{
	Fd fd(disk_, O_RDWR);
	// GLTSD is not changeable: INVALID FIELD IN PARAMETER LIST at byte 10
	// (header 8 + page byte 2), bit 1.
	uint8_t p[20] = {0, 0, 0, 0, 0, 0, 0, 0, 0x0a, 0x0a, 0x00, 0x10,
			 0, 0, 0, 0, 0xff, 0xff, 0, 0};
	Sg c({kModeSelect10, 0x10, 0, 0, 0, 0, 0, 0, sizeof(p), 0});
	EXPECT_TRUE(Check(c.Out(p, sizeof(p)).Run(fd.get()),
			  Want{kIllegalRequest, 0x26, 0x00, 10, 1, false}, 0));
	// A page length that is not the page's.
	uint8_t q[20] = {0, 0, 0, 0, 0, 0, 0, 0, 0x0a, 0x08, 0x02, 0x10,
			 0, 0, 0, 0, 0xff, 0xff, 0, 0};
	Sg l({kModeSelect10, 0x10, 0, 0, 0, 0, 0, 0, 18, 0});
	EXPECT_TRUE(Check(l.Out(q, 18).Run(fd.get()),
			  Want{kIllegalRequest, 0x26, 0x00, 9, 7, false}, 0));
	// A parameter list shorter than its header.
	Sg s({kModeSelect10, 0x10, 0, 0, 0, 0, 0, 0, 3, 0});
	EXPECT_TRUE(Check(s.Out(p, 3).Run(fd.get()), Plain(kIllegalRequest, 0x1a, 0x00), 0));
	// dxfer_len shorter than PARAMETER LIST LENGTH, or the other direction.
	Sg d({kModeSelect10, 0x10, 0, 0, 0, 0, 0, 0, sizeof(p), 0});
	EXPECT_TRUE(Check(d.Out(p, 19).Run(fd.get()), kInvalidField, 19));
	Sg e({kModeSelect10, 0x10, 0, 0, 0, 0, 0, 0, sizeof(p), 0});
	EXPECT_TRUE(Check(e.In(p, sizeof(p)).Run(fd.get()), kInvalidField, sizeof(p)));
	// PARAMETER LIST LENGTH 0: nothing to do.
	Sg z({kModeSelect6, 0x10, 0, 0, 0, 0});
	EXPECT_TRUE(Good(z.Run(fd.get()), 0));
	EXPECT_EQ(GetDSense(fd.get()), 0);
}

// ---------------------------------------------------------------------------
// Callers without CAP_SYS_RAWIO: scsi_cmd_allowed()'s rules.

class Perm : public SgTest {
protected:
	// The checks of one child without CAP_SYS_RAWIO, with CAP_SYS_ADMIN
	// or not (@admin); returns the first failed one.
	static int Checks(int ro, int rw, bool admin)
	{
		Buf b(8192);
		auto ret = [&](int fd, const Cdb &cdb, int dir, unsigned len) {
			Sg c(cdb);
			if (len) {
				c.h.dxfer_direction = dir;
				c.h.dxferp = b.data();
				c.h.dxfer_len = len;
			}
			c.Run(fd);
			return c.ret ? c.ret : c.h.status;
		};
		const int in = SG_DXFER_FROM_DEV, out = SG_DXFER_TO_DEV;
		// Read-safe commands on a read-only open.
		if (ret(ro, {kInquiry, 0, 0, 0, 96, 0}, in, 96) != 0)
			return 1;
		if (ret(ro, RwCdb(kRead10, kPatternLba, 8), in, 4096) != 0)
			return 2;
		if (ret(ro, RwCdb(kRead16, kPatternLba, 8), in, 4096) != 0)
			return 3;
		if (ret(ro, {kReadCapacity10, 0, 0, 0, 0, 0, 0, 0, 0, 0}, in, 8) != 0)
			return 4;
		if (ret(ro, {kTestUnitReady, 0, 0, 0, 0, 0}, 0, 0) != 0)
			return 5;
		if (ret(ro, {kModeSense10, 0, 0x3f, 0, 0, 0, 0, 1, 0, 0}, in, 256) != 0)
			return 6;
		// A refused CDB still reaches the translation.
		if (ret(ro, {kInquiry, 0, 0x80, 0, 96, 0}, in, 96) != kCheckCondition)
			return 7;
		// Writes need a writable open.
		if (ret(ro, RwCdb(kWrite10, kScratchLba, 8), out, 4096) != -EPERM)
			return 8;
		if (ret(ro, RwCdb(kWrite16, kScratchLba, 8), out, 4096) != -EPERM)
			return 9;
		if (ret(ro, {kModeSelect10, 0x10, 0, 0, 0, 0, 0, 0, 0, 0}, 0, 0) != -EPERM)
			return 10;
		if (ret(rw, RwCdb(kWrite10, kScratchLba + 2048, 8), out, 4096) != 0)
			return 11;
		// Never without CAP_SYS_RAWIO: not in scsi_cmd_allowed()'s list.
		for (int fd : {ro, rw}) {
			if (ret(fd, {kWriteBuffer, 0x05, 0, 0, 0, 0, 0, 0x10, 0, 0}, out,
				4096) != -EPERM)
				return 12;
			if (ret(fd, {kSecurityOut, 0xef, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0}, out,
				512) != -EPERM)
				return 13;
			if (ret(fd, {kSendDiagnostic, 0x04, 0, 0, 0, 0}, 0, 0) != -EPERM)
				return 15;
			if (ret(fd, RwCdb(kSyncCache16, 0, 0), 0, 0) != -EPERM)
				return 16;
			if (ret(fd, {0xff, 0, 0, 0, 0, 0}, 0, 0) != -EPERM)
				return 17;
		}
		// SECURITY PROTOCOL IN is 0xa2, GPCMD_SEND_EVENT: a writing command
		// of that list (QEMU lacks it: INVALID COMMAND OPERATION CODE).
		if (ret(ro, {kSecurityIn, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0}, in, 512) !=
		    -EPERM)
			return 14;
		if (ret(rw, {kSecurityIn, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0}, in, 512) !=
		    kCheckCondition)
			return 25;
		// UNMAP is 0x42, GPCMD_READ_SUBCHANNEL to scsi_cmd_allowed(): the
		// driver still wants a writable open for it.
		if (ret(ro, {kUnmap, 0, 0, 0, 0, 0, 0, 0, 24, 0}, out, 24) != -EPERM)
			return 28;
		// VERIFY(12) is not in the list, VERIFY(10) and (16) are.
		if (ret(ro, RwCdb(kVerify12, 0, 8), 0, 0) != -EPERM)
			return 26;
		if (ret(ro, RwCdb(kVerify16, 0, 8), 0, 0) != 0)
			return 27;
		// FORMAT UNIT is 0x04, GPCMD_FORMAT_UNIT of the same list: refused
		// on a read-only open, on a writable one (where sd lets it through)
		// it is Format NVM and needs CAP_SYS_ADMIN; this CDB is then
		// refused by the translation before anything happens.
		const int admin_only = admin ? 0 : -EPERM;
		if (ret(ro, {kFormatUnit, 0, 0, 0, 0, 0}, 0, 0) != -EPERM)
			return 18;
		if (ret(ro, {kFormatUnit, 0, 0, 1, 0, 0}, 0, 0) != -EPERM)
			return 19;
		if (ret(rw, {kFormatUnit, 0, 0, 1, 0, 0}, 0, 0) !=
		    (admin ? kCheckCondition : -EPERM))
			return 20;
		// START STOP UNIT (read-safe to scsi_cmd_allowed()) sets the power
		// state, MODE SELECT the volatile write cache: CAP_SYS_ADMIN on any
		// open. START to power state 0 and an empty parameter list change
		// nothing.
		for (int fd : {ro, rw}) {
			if (ret(fd, {kStartStop, 0, 0, 0, 0x01, 0}, 0, 0) != admin_only)
				return 29;
		}
		if (ret(rw, {kModeSelect10, 0x10, 0, 0, 0, 0, 0, 0, 0, 0}, 0, 0) !=
		    admin_only)
			return 30;
		// The companion ioctls need no privilege.
		int v = 0;
		if (ioctl(ro, SG_GET_VERSION_NUM, &v) || v != 30527)
			return 21;
		struct {
			uint32_t inlen, outlen;
			uint8_t data[128];
		} sc{0, 96, {kInquiry, 0, 0, 0, 96, 0}};
		if (ioctl(ro, kScsiIoctlSendCommand, &sc) != 0 || sc.data[0] != 0)
			return 22;
		sc = {0, 0, {kWriteBuffer, 0x05, 0, 0, 0, 0, 0, 0, 0, 0}};
		if (ioctl(rw, kScsiIoctlSendCommand, &sc) != -1 || errno != EPERM)
			return 23;
		sc = {512, 0, {kWrite10, 0, 0, 0, 0x80, 0, 0, 0, 1, 0}};
		if (ioctl(ro, kScsiIoctlSendCommand, &sc) != -1 || errno != EPERM)
			return 24;
		return 0;
	}
};

TEST_F(Perm, Nobody)
{
	Fd ro(disk_, O_RDONLY);
	Fd rw(disk_, O_RDWR);
	int a = ro.get(), b = rw.get();
	EXPECT_EQ(AsNobody([&] { return Checks(a, b, false); }), 0);
}

TEST_F(Perm, RootWithoutCapSysRawio)
{
	Fd ro(disk_, O_RDONLY);
	Fd rw(disk_, O_RDWR);
	int a = ro.get(), b = rw.get();
	EXPECT_EQ(WithoutRawio([&] { return Checks(a, b, true); }), 0);
}

// ---------------------------------------------------------------------------
// A partition: CDBs address the whole namespace, and only CAP_SYS_RAWIO
// may send them.

class Partition : public SgTest {};

TEST_F(Partition, RootUsesWholeDiskLbas)
{
	Fd part(part_, O_RDONLY);
	Buf b(4096);
	Sg r(RwCdb(kRead10, 100, 8));
	ASSERT_TRUE(Good(r.In(b.data(), 4096).Run(part.get()), 0));
	auto disk100 = Pattern(8 * kBlock, 2);
	EXPECT_EQ(memcmp(b.data(), disk100.data(), 4096), 0)
		<< "READ(10) LBA 100 on the partition is not disk block 100";
	// What the partition's own block 100 holds is something else.
	auto part100 = ReadDirect(part_, 100, 8);
	EXPECT_EQ(memcmp(part100.data(), Pattern(8 * kBlock, 3).data(), 4096), 0);
	EXPECT_NE(memcmp(b.data(), part100.data(), 4096), 0);
	// The capacity is the namespace's, blocks before the partition can be
	// read, and the namespace's last block is in range.
	Buf c(8);
	Sg cap({kReadCapacity10, 0, 0, 0, 0, 0, 0, 0, 0, 0});
	ASSERT_TRUE(Good(cap.In(c.data(), 8).Run(part.get()), 0));
	EXPECT_EQ(GetBe(c.data(), 4), kBlocks2 - 1);
	Sg last(RwCdb(kRead16, kBlocks2 - 1, 1));
	EXPECT_TRUE(Good(last.In(b.data(), 512).Run(part.get()), 0));
	Sg past(RwCdb(kRead16, kBlocks2, 1));
	EXPECT_TRUE(Check(past.In(b.data(), 512).Run(part.get()), kLbaOutOfRange, 512));
	int v = 0;
	EXPECT_EQ(ioctl(part.get(), SG_GET_VERSION_NUM, &v), 0);
	EXPECT_EQ(v, 30527);
}

TEST_F(Partition, WithoutCapSysRawioNotTty)
{
	Fd part(part_, O_RDONLY);
	Fd whole(disk2_, O_RDONLY);
	int p = part.get(), w = whole.get();
	auto checks = [p, w] {
		Buf b(4096);
		Sg r({kInquiry, 0, 0, 0, 96, 0});
		if (r.In(b.data(), 96).Run(p).ret != -ENOTTY)
			return 1;
		Sg t({kTestUnitReady, 0, 0, 0, 0, 0});
		if (t.Run(p).ret != -ENOTTY)
			return 2;
		int v = 0;
		for (unsigned long req : {(unsigned long)SG_GET_VERSION_NUM,
					  (unsigned long)SG_EMULATED_HOST,
					  (unsigned long)SG_GET_RESERVED_SIZE,
					  kScsiIoctlGetBusNumber})
			if (ioctl(p, req, &v) != -1 || errno != ENOTTY)
				return 3;
		ScsiIdlun id{};
		if (ioctl(p, kScsiIoctlGetIdlun, &id) != -1 || errno != ENOTTY)
			return 4;
		// The whole disk still answers.
		Sg i({kInquiry, 0, 0, 0, 96, 0});
		if (!Good(i.In(b.data(), 96).Run(w), 0))
			return 5;
		return 0;
	};
	EXPECT_EQ(AsNobody(checks), 0);
	EXPECT_EQ(WithoutRawio(checks), 0);
}

// ---------------------------------------------------------------------------
// SG_* and SCSI_IOCTL_* companions.

class Companion : public SgTest {};

TEST_F(Companion, VersionAndEmulatedHost)
{
	Fd fd(disk_, O_RDONLY);
	int v = 0;
	ASSERT_EQ(ioctl(fd.get(), SG_GET_VERSION_NUM, &v), 0);
	EXPECT_EQ(v, 30527);
	v = 0;
	ASSERT_EQ(ioctl(fd.get(), SG_EMULATED_HOST, &v), 0);
	EXPECT_EQ(v, 1);
	EXPECT_EQ(ioctl(fd.get(), SG_GET_VERSION_NUM, reinterpret_cast<void *>(8)), -1);
	EXPECT_EQ(errno, EFAULT);
}

TEST_F(Companion, TimeoutRoundTrip)
{
	Fd fd(disk_, O_RDONLY);
	EXPECT_EQ(ioctl(fd.get(), SG_GET_TIMEOUT, 0), 0) << "default: none set";
	for (int t : {3000, 100, 12000}) {	// clock ticks (USER_HZ)
		ASSERT_EQ(ioctl(fd.get(), SG_SET_TIMEOUT, &t), 0);
		EXPECT_EQ(ioctl(fd.get(), SG_GET_TIMEOUT, 0), t);
	}
	// Commands run with it.
	Sg c({kTestUnitReady, 0, 0, 0, 0, 0});
	EXPECT_TRUE(Good(c.Run(fd.get()), 0));
	int z = 0;
	ASSERT_EQ(ioctl(fd.get(), SG_SET_TIMEOUT, &z), 0);
	EXPECT_EQ(ioctl(fd.get(), SG_GET_TIMEOUT, 0), 0);
	EXPECT_EQ(ioctl(fd.get(), SG_SET_TIMEOUT, reinterpret_cast<void *>(8)), -1);
	EXPECT_EQ(errno, EFAULT);
}

TEST_F(Companion, ReservedSize)
{
	Fd fd(disk_, O_RDONLY);
	const int max = static_cast<int>(SysfsU64(disk_, "max_sectors_kb") * 1024);
	int v = -1;
	ASSERT_EQ(ioctl(fd.get(), SG_GET_RESERVED_SIZE, &v), 0);
	EXPECT_EQ(v, max) << "default: clamped to the queue's max_sectors";
	for (int s : {0, 1, 4096, 65537, max}) {
		ASSERT_EQ(ioctl(fd.get(), SG_SET_RESERVED_SIZE, &s), 0);
		ASSERT_EQ(ioctl(fd.get(), SG_GET_RESERVED_SIZE, &v), 0);
		EXPECT_EQ(v, s);
	}
	for (int s : {max + 1, INT_MAX}) {
		ASSERT_EQ(ioctl(fd.get(), SG_SET_RESERVED_SIZE, &s), 0);
		ASSERT_EQ(ioctl(fd.get(), SG_GET_RESERVED_SIZE, &v), 0);
		EXPECT_EQ(v, max) << s;
	}
	for (int s : {-1, INT_MIN}) {
		EXPECT_EQ(ioctl(fd.get(), SG_SET_RESERVED_SIZE, &s), -1);
		EXPECT_EQ(errno, EINVAL);
		ASSERT_EQ(ioctl(fd.get(), SG_GET_RESERVED_SIZE, &v), 0);
		EXPECT_EQ(v, max) << "unchanged by " << s;
	}
}

TEST_F(Companion, IdlunAndBusNumber)
{
	Fd n1(disk_, O_RDONLY);
	Fd n2(disk2_, O_RDONLY);
	ScsiIdlun id{0xffffffff, 0xffffffff};
	ASSERT_EQ(ioctl(n1.get(), kScsiIoctlGetIdlun, &id), 0);
	EXPECT_EQ(id.dev_id, 0u);		// controller 0, namespace 1, LUN 0
	EXPECT_EQ(id.host_unique_id, 0u);
	ASSERT_EQ(ioctl(n2.get(), kScsiIoctlGetIdlun, &id), 0);
	EXPECT_EQ(id.dev_id, 1u);		// target: nsid - 1
	EXPECT_EQ(id.host_unique_id, 0u);
	int bus = -1;
	ASSERT_EQ(ioctl(n2.get(), kScsiIoctlGetBusNumber, &bus), 0);
	EXPECT_EQ(bus, 0);
	EXPECT_EQ(ioctl(n1.get(), kScsiIoctlGetIdlun, reinterpret_cast<void *>(8)), -1);
	EXPECT_EQ(errno, EFAULT);
}

TEST_F(Companion, SendCommand)
{
	Fd fd(disk_, O_RDWR);
	struct Sic {
		uint32_t inlen, outlen;
		uint8_t data[8192];
	};
	auto sc = std::make_unique<Sic>();
	// INQUIRY returns its data in data[].
	Buf ref(96);
	Sg inq({kInquiry, 0, 0, 0, 96, 0});
	ASSERT_TRUE(Good(inq.In(ref.data(), 96).Run(fd.get()), 0));
	*sc = {0, 96, {kInquiry, 0, 0, 0, 96, 0}};
	ASSERT_EQ(ioctl(fd.get(), kScsiIoctlSendCommand, sc.get()), 0);
	EXPECT_EQ(memcmp(sc->data, ref.data(), 96), 0);
	EXPECT_EQ(memcmp(sc->data + 8, "NVMe    ", 8), 0);
	// READ CAPACITY(10) and a READ(10) of the pattern.
	*sc = {0, 8, {kReadCapacity10, 0, 0, 0, 0, 0, 0, 0, 0, 0}};
	ASSERT_EQ(ioctl(fd.get(), kScsiIoctlSendCommand, sc.get()), 0);
	EXPECT_EQ(GetBe(sc->data, 4), kBlocks1 - 1);
	*sc = {0, 4096, {}};
	Cdb r = RwCdb(kRead10, kPatternLba, 8);
	memcpy(sc->data, r.data(), r.size());
	ASSERT_EQ(ioctl(fd.get(), kScsiIoctlSendCommand, sc.get()), 0);
	auto pat = ReadDirect(disk_, kPatternLba, 8);
	EXPECT_EQ(memcmp(sc->data, pat.data(), 4096), 0);
	// A bad CDB: status 2, 16 bytes of fixed sense in data[].
	*sc = {0, 96, {kInquiry, 0, 0x80, 0, 96, 0}};
	memset(sc->data + 6, 0x5a, 100);
	ASSERT_EQ(ioctl(fd.get(), kScsiIoctlSendCommand, sc.get()), kCheckCondition);
	const uint8_t want[16] = {0x70, 0, 0x05, 0, 0, 0, 0, 10, 0, 0, 0, 0,
				  0x24, 0x00, 0, 0x80 | 0x40 | 0x08 | 7};
	EXPECT_EQ(memcmp(sc->data, want, 16), 0);
	EXPECT_EQ(sc->data[16], 0x5a) << "more than 16 bytes of sense";
	*sc = {0, 0, {0xa1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}};
	ASSERT_EQ(ioctl(fd.get(), kScsiIoctlSendCommand, sc.get()), kCheckCondition);
	EXPECT_EQ(sc->data[2], kIllegalRequest);
	EXPECT_EQ(sc->data[12], 0x20);
	// A WRITE(10) with inlen: data after the CDB; read back plainly.
	auto wp = Pattern(1024, 77);
	*sc = {1024, 0, {}};
	Cdb w = RwCdb(kWrite10, kScratchLba + 4096, 2);
	memcpy(sc->data, w.data(), w.size());
	memcpy(sc->data + 10, wp.data(), wp.size());
	ASSERT_EQ(ioctl(fd.get(), kScsiIoctlSendCommand, sc.get()), 0);
	auto back = ReadDirect(disk_, kScratchLba + 4096, 2);
	EXPECT_EQ(memcmp(back.data(), wp.data(), 1024), 0);
	// Lengths over a page, and no argument.
	*sc = {4097, 0, {kTestUnitReady}};
	EXPECT_EQ(ioctl(fd.get(), kScsiIoctlSendCommand, sc.get()), -1);
	EXPECT_EQ(errno, EINVAL);
	*sc = {0, 4097, {kTestUnitReady}};
	EXPECT_EQ(ioctl(fd.get(), kScsiIoctlSendCommand, sc.get()), -1);
	EXPECT_EQ(errno, EINVAL);
	EXPECT_EQ(ioctl(fd.get(), kScsiIoctlSendCommand, nullptr), -1);
	EXPECT_EQ(errno, EINVAL);
	EXPECT_EQ(ioctl(fd.get(), kScsiIoctlSendCommand, reinterpret_cast<void *>(8)), -1);
	EXPECT_EQ(errno, EFAULT);
	// TEST UNIT READY without data.
	*sc = {0, 0, {kTestUnitReady, 0, 0, 0, 0, 0}};
	EXPECT_EQ(ioctl(fd.get(), kScsiIoctlSendCommand, sc.get()), 0);
}

// ---------------------------------------------------------------------------
// With inject=32 every command of the table is offered: the ones QEMU
// lacks reach it, and its Invalid Opcode comes back as sense.

class Inject : public SgTest {};

TEST_F(Inject, CommandsQemuLacksReachIt)
{
	if (!InjectCaps())
		GTEST_SKIP() << "needs mqnvme loaded with inject=32";
	Fd fd(disk_, O_RDWR);
	Buf b(4096, 0, 0x5a);
	Sg sec({kSecurityIn, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0});
	EXPECT_TRUE(Check(sec.In(b.data(), 512).Run(fd.get()), kInvalidOpcode, 512));
	Sg diag({kSendDiagnostic, 0x04, 0, 0, 0, 0});
	EXPECT_TRUE(Check(diag.Run(fd.get()), kInvalidOpcode, 0));
	// SECURITY PROTOCOL IN longer than one admin transfer.
	Sg big({kSecurityIn, 0, 0, 0, 0x80, 0, 0x10, 0, 0, 0, 0, 0});
	EXPECT_TRUE(Check(big.In(b.data(), 512).Run(fd.get()), Field(6, 7), 512));
	// WRITE BUFFER: modes other than download-and-activate refused.
	Sg wb({kWriteBuffer, 0x02, 0, 0, 0, 0, 0, 0, 0, 0});
	EXPECT_TRUE(Check(wb.Run(fd.get()), Field(1, 4), 0));
	Sg slot({kWriteBuffer, 0x0e, 8, 0, 0, 0, 0, 0x10, 0, 0});
	EXPECT_TRUE(Check(slot.Out(b.data(), 4096).Run(fd.get()), Field(2, 7), 4096));
	EXPECT_TRUE(All(b.data(), 4096, 0x5a));
}

// ---------------------------------------------------------------------------
// Random CDBs. Opcodes that change anything are never sent.

// Parameterized, as the final check is: gtest runs those suites after the
// plain ones, in the order they are defined.
class Fuzz : public SgTest, public ::testing::WithParamInterface<int> {
protected:
	std::mt19937_64 rng_{std::stoull(Env("MQ_FUZZ_SEED", "1"))};
	int iters_ = std::stoi(Env("MQ_FUZZ_ITERS", "20000"));

	uint32_t R() { return static_cast<uint32_t>(rng_()); }
	bool P(int percent) { return static_cast<int>(rng_() % 100) < percent; }
};

TEST_P(Fuzz, RandomCdbs)
{
	static const std::set<uint8_t> never = {
		kFormatUnit, kWriteBuffer, kSecurityOut, kStartStop, kModeSelect6,
		kModeSelect10, kWrite6, kWrite10, kWrite12, kWrite16, kWriteSame10,
		kWriteSame16, kUnmap, kSyncCache10, kSyncCache16,
		0x2e /* WRITE AND VERIFY(10) */, 0x8e, 0xae, 0x3f, 0x9f,
		0x89 /* COMPARE AND WRITE */, 0x7f /* variable length */};
	std::vector<const TableCmd *> safe;
	for (const auto &t : Table())
		if (!never.count(t.opcode))
			safe.push_back(&t);
	ASSERT_EQ(safe.size(), 19u);

	Fd fd(disk_, O_RDWR);
	const size_t kArea = 64 * 1024 + 8192;
	Buf data(4 * kArea, 64);
	std::map<std::string, int> outcomes;
	int good = 0, check = 0, errs = 0;
	const int dirs[] = {SG_DXFER_NONE, SG_DXFER_TO_DEV, SG_DXFER_FROM_DEV,
			    SG_DXFER_TO_FROM_DEV, 0, -5, 3};
	for (int i = 0; i < iters_; i++) {
		// The CDB: an opcode of the table (or any other harmless one),
		// then bytes that are zero, random, or a plausible block range.
		Cdb cdb(32, 0);
		const TableCmd *t = nullptr;
		if (P(90)) {
			t = safe[rng_() % safe.size()];
			cdb[0] = t->opcode;
		} else {
			do
				cdb[0] = static_cast<uint8_t>(R());
			while (never.count(cdb[0]));
			t = FindCmd(cdb[0]);
		}
		const unsigned len = t ? t->len : 16;
		const int mode = static_cast<int>(rng_() % 4);
		for (unsigned b = 1; b < 32; b++) {
			if (mode == 0)
				cdb[b] = static_cast<uint8_t>(R());
			else if (mode == 1 && P(20))
				cdb[b] = static_cast<uint8_t>(R());
			else if (mode == 2 && t && b < len)
				cdb[b] = static_cast<uint8_t>(R()) & t->usage[b];
		}
		if (t && t->sa >= 0 && P(80))
			cdb[1] = static_cast<uint8_t>((cdb[1] & 0xe0) | t->sa);
		if (t && mode >= 2 && P(60)) {
			// A block range that fits: READ/VERIFY that run.
			uint64_t lba = rng_() % kBlocks1;
			uint32_t tl = static_cast<uint32_t>(rng_() % 130);
			if (lba + tl > kBlocks1)
				lba = kBlocks1 - tl;
			Cdb r = RwCdb(cdb[0], lba, tl, cdb[1]);
			if (r.size() == len)
				std::copy(r.begin() + 2, r.end() - 1, cdb.begin() + 2);
		}
		unsigned cmd_len = len;
		if (P(10))
			cmd_len = static_cast<unsigned>(rng_() % 40);
		else if (P(5))
			cmd_len = 6 + static_cast<unsigned>(rng_() % 27);

		// The data buffer: none, one (odd addresses too), or an iovec.
		unsigned dxfer_len = 0;
		switch (rng_() % 5) {
		case 0: break;
		case 1: dxfer_len = 512 * static_cast<unsigned>(rng_() % 129); break;
		case 2: dxfer_len = R() % (64 * 1024 + 1); break;
		case 3: dxfer_len = R() % 600; break;
		default: dxfer_len = 64 * 1024;
		}
		int dir = dirs[rng_() % 7];
		if (P(60) && dxfer_len)
			dir = SG_DXFER_FROM_DEV;
		std::array<sg_iovec_t, 4> iov{};
		int iovcnt = 0;
		uint8_t *buf = data.data() + rng_() % 8;
		if (dxfer_len && P(15)) {
			iovcnt = 1 + static_cast<int>(rng_() % 4);
			unsigned left = dxfer_len;
			for (int k = 0; k < iovcnt; k++) {
				unsigned n = k == iovcnt - 1 ? left : R() % (left + 1);
				iov[k] = {data.data() + k * kArea + rng_() % 8, n};
				left -= n;
			}
		}
		bool bad_ptr = dxfer_len && !iovcnt && P(1);
		// Guards around what the kernel may write.
		std::vector<std::pair<uint8_t *, size_t>> areas;
		if (iovcnt)
			for (int k = 0; k < iovcnt; k++)
				areas.push_back({static_cast<uint8_t *>(iov[k].iov_base),
						 iov[k].iov_len});
		else if (dxfer_len && !bad_ptr)
			areas.push_back({buf, dxfer_len});
		for (auto [p, n] : areas) {
			memset(p - 8, 0xa5, 8);
			memset(p + n, 0xa5, 64);
		}

		Sg c(cdb);
		c.CmdLen(cmd_len);
		c.SenseMax(P(80) ? 64 : 8 + static_cast<unsigned>(rng_() % 20));
		c.h.dxfer_direction = dir;
		c.h.dxfer_len = dxfer_len;
		if (iovcnt) {
			c.h.dxferp = iov.data();
			c.h.iovec_count = static_cast<unsigned short>(iovcnt);
		} else {
			c.h.dxferp = bad_ptr ? reinterpret_cast<void *>(4096) : buf;
		}
		c.Run(fd.get());

		// The errno sg_io()'s checks give, in their order.
		const bool dir_ok = dir == SG_DXFER_TO_DEV || dir == SG_DXFER_FROM_DEV ||
				    dir == SG_DXFER_TO_FROM_DEV;
		int want = 0;
		if (dxfer_len && !dir_ok)
			want = -EINVAL;
		else if (cmd_len < 6)
			want = -EMSGSIZE;
		else if (cmd_len > 32)
			want = -EINVAL;
		std::string what = Describe(c);
		if (c.ret) {
			errs++;
			outcomes[strerror(-c.ret)]++;
			bool ok = c.ret == want || c.ret == -ENOMEM ||
				  (bad_ptr && !want && c.ret == -EFAULT);
			EXPECT_TRUE(ok) << "want " << want << ": " << what;
		} else {
			EXPECT_EQ(want, 0) << what;
			EXPECT_TRUE(c.h.status == 0 || c.h.status == kCheckCondition) << what;
			EXPECT_EQ(c.h.masked_status, c.h.status >> 1) << what;
			EXPECT_EQ(c.h.msg_status, 0) << what;
			EXPECT_EQ(c.h.host_status, 0) << what;
			EXPECT_EQ(c.h.driver_status, c.h.status ? kDriverSense : 0) << what;
			EXPECT_EQ(c.h.info, c.h.status ? 1u : 0u) << what;
			EXPECT_GE(c.h.resid, 0) << what;
			EXPECT_LE(c.h.resid, static_cast<int>(dxfer_len)) << what;
			if (c.h.status == kCheckCondition) {
				check++;
				EXPECT_EQ(c.h.sb_len_wr, std::min<int>(c.h.mx_sb_len, 18)) << what;
				ASSERT_GE(c.h.sb_len_wr, 8) << what;
				SenseData d = ParseSense(c.sense.data(), c.h.sb_len_wr);
				EXPECT_EQ(d.code, 0x70) << what;
				EXPECT_TRUE(d.key == kIllegalRequest || d.key == kMiscompare)
					<< what;
				if (d.sksv) {
					EXPECT_LT(d.field, static_cast<int>(len)) << what;
				}
				char k[32];
				if (d.asc < 0)
					snprintf(k, sizeof(k), "%x/(clamped)", d.key);
				else
					snprintf(k, sizeof(k), "%x/%02x/%02x", d.key, d.asc,
						 d.ascq);
				outcomes[k]++;
			} else {
				good++;
				EXPECT_EQ(c.h.sb_len_wr, 0) << what;
				outcomes["GOOD"]++;
			}
		}
		for (auto [p, n] : areas) {
			EXPECT_TRUE(All(p - 8, 8, 0xa5)) << "written before the buffer: " << what;
			EXPECT_TRUE(All(p + n, 64, 0xa5)) << "written past the buffer: " << what;
		}
		if (HasFailure())
			break;
	}
	std::string s;
	for (auto &[k, v] : outcomes)
		s += k + "=" + std::to_string(v) + " ";
	printf("sgio fuzz: %d cdbs good=%d check=%d errno=%d: %s\n", iters_, good,
	       check, errs, s.c_str());
	EXPECT_GT(good, iters_ / 20);
	EXPECT_GT(check, iters_ / 20);
}

// ---------------------------------------------------------------------------

INSTANTIATE_TEST_SUITE_P(Once, Fuzz, ::testing::Values(0));

class Final : public SgTest, public ::testing::WithParamInterface<int> {};

TEST_P(Final, PatternIntactAfterEverything)
{
	auto pat = Pattern(kPatternBlocks * kBlock, 1);
	auto now = ReadDirect(disk_, kPatternLba, kPatternBlocks);
	EXPECT_EQ(memcmp(now.data(), pat.data(), pat.size()), 0)
		<< "the pattern changed";
	// SG_IO reads the same; the disk still answers.
	Fd fd(disk_, O_RDONLY);
	Buf b(kPatternBlocks * kBlock);
	Sg r(RwCdb(kRead16, kPatternLba, kPatternBlocks));
	ASSERT_TRUE(Good(r.In(b.data(), kPatternBlocks * kBlock).Run(fd.get()), 0));
	EXPECT_EQ(memcmp(b.data(), pat.data(), pat.size()), 0);
	Sg t({kTestUnitReady, 0, 0, 0, 0, 0});
	EXPECT_TRUE(Good(t.Run(fd.get()), 0));
	EXPECT_EQ(memcmp(ReadDirect(disk2_, 100, 8).data(), Pattern(8 * kBlock, 2).data(),
			 8 * kBlock), 0);
}

INSTANTIATE_TEST_SUITE_P(Last, Final, ::testing::Values(0));

}  // namespace
