// SPDX-License-Identifier: GPL-2.0
// sgdiff A B: the same SG_IO requests to two SCSI devices (an mqnvme disk and
// scsi_debug, the kernel's reference target, of the same size and block
// size) and a comparison of the fields the standards fix: status, sense
// key/ASC/ASCQ, response lengths, and chosen response bytes. Differences the
// two may legitimately have are listed with their reason (they are in
// Documentation/scsi.md too); any other difference fails.
#include <fcntl.h>
#include <scsi/sg.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

struct Result {
	int err = 0;
	int status = 0;
	int key = -1, asc = -1, ascq = -1;
	unsigned moved = 0;
	std::vector<uint8_t> data;
};

// A compared field: the status and sense, the bytes moved, or response
// bytes [off, off + n) under a mask.
struct Field {
	enum Kind { kSense, kLength, kBytes } kind;
	unsigned off = 0, n = 0;
	uint8_t mask = 0xff;
};

struct Case {
	const char *name;
	std::vector<uint8_t> cdb;
	int dir;
	unsigned len;
	std::vector<Field> fields;
	const char *expected_diff;  // why the two may differ here, or nullptr
};

Field Sense() { return {Field::kSense}; }
Field Length() { return {Field::kLength}; }
Field Bytes(unsigned off, unsigned n, uint8_t mask = 0xff) {
	return {Field::kBytes, off, n, mask};
}

Result Run(int fd, const Case &c) {
	Result r;
	std::vector<uint8_t> buf(c.len ? c.len : 1, 0);
	uint8_t sense[64] = {};
	std::vector<uint8_t> cdb = c.cdb;
	sg_io_hdr_t h = {};
	h.interface_id = 'S';
	h.dxfer_direction = c.len ? c.dir : SG_DXFER_NONE;
	h.cmd_len = cdb.size();
	h.cmdp = cdb.data();
	h.dxfer_len = c.len;
	h.dxferp = buf.data();
	h.mx_sb_len = sizeof(sense);
	h.sbp = sense;
	h.timeout = 30000;
	if (ioctl(fd, SG_IO, &h) < 0) {
		r.err = errno;
		return r;
	}
	r.status = h.status;
	if (h.sb_len_wr >= 8) {
		if ((sense[0] & 0x7f) == 0x72) {
			r.key = sense[1] & 0xf;
			r.asc = sense[2];
			r.ascq = sense[3];
		} else if (h.sb_len_wr >= 14) {
			r.key = sense[2] & 0xf;
			r.asc = sense[12];
			r.ascq = sense[13];
		}
	}
	r.moved = c.len - h.resid;
	if (c.dir == SG_DXFER_FROM_DEV)
		r.data.assign(buf.begin(), buf.begin() + r.moved);
	return r;
}

std::string Show(const Result &r, const Field &f) {
	char s[160];
	switch (f.kind) {
	case Field::kSense:
		if (r.err)
			snprintf(s, sizeof(s), "errno %d", r.err);
		else
			snprintf(s, sizeof(s), "status %d sense %d/%02x/%02x", r.status,
				 r.key, r.asc, r.ascq);
		return s;
	case Field::kLength:
		snprintf(s, sizeof(s), "%u bytes", r.moved);
		return s;
	case Field::kBytes: {
		std::string out;
		for (unsigned i = f.off; i < f.off + f.n; i++) {
			if (i >= r.data.size()) {
				out += " --";
				continue;
			}
			snprintf(s, sizeof(s), " %02x", r.data[i] & f.mask);
			out += s;
		}
		snprintf(s, sizeof(s), "bytes %u-%u:", f.off, f.off + f.n - 1);
		return s + out;
	}
	}
	return "";
}

constexpr int kIn = SG_DXFER_FROM_DEV;
constexpr int kOut = SG_DXFER_TO_DEV;

// Capacity of both: 131072 blocks of 512 bytes (64 MiB).
std::vector<Case> Cases() {
	return {
		{"TEST UNIT READY", {0x00, 0, 0, 0, 0, 0}, kIn, 0, {Sense()}, nullptr},
		{"INQUIRY 36", {0x12, 0, 0, 0, 36, 0}, kIn, 36,
		 {Sense(), Length(), Bytes(0, 2), Bytes(3, 1, 0x0f), Bytes(7, 1, 0x02)},
		 nullptr},
		{"INQUIRY vendor", {0x12, 0, 0, 0, 36, 0}, kIn, 36, {Bytes(8, 8)},
		 "vendor identification: \"NVMe\" as the translation reference says, "
		 "\"Linux\" for scsi_debug"},
		{"INQUIRY version", {0x12, 0, 0, 0, 36, 0}, kIn, 36, {Bytes(2, 1)},
		 "mqnvme claims SPC-4 (06h) as the translation reference does, scsi_debug SPC-5 (07h)"},
		{"INQUIRY full length", {0x12, 0, 0, 0, 0xff, 0}, kIn, 255,
		 {Sense(), Length(), Bytes(4, 1)}, nullptr},
		{"INQUIRY alloc 0", {0x12, 0, 0, 0, 0, 0}, kIn, 96, {Sense(), Length()},
		 nullptr},
		{"INQUIRY alloc 1", {0x12, 0, 0, 0, 1, 0}, kIn, 96,
		 {Sense(), Length(), Bytes(0, 1)}, nullptr},
		{"INQUIRY page code without EVPD", {0x12, 0, 0x80, 0, 0xff, 0}, kIn, 255,
		 {Sense()},
		 "SPC-4: EVPD 0 with a page code is INVALID FIELD IN CDB; "
		 "scsi_debug ignores the page code"},
		{"VPD 00h", {0x12, 1, 0x00, 0, 0xff, 0}, kIn, 255,
		 {Sense(), Bytes(0, 2)}, nullptr},
		{"VPD 80h", {0x12, 1, 0x80, 0, 0xff, 0}, kIn, 255,
		 {Sense(), Bytes(0, 2)}, nullptr},
		{"VPD 83h", {0x12, 1, 0x83, 0, 0xff, 0}, kIn, 255,
		 {Sense(), Bytes(0, 2)}, nullptr},
		{"VPD 86h", {0x12, 1, 0x86, 0, 0xff, 0}, kIn, 255,
		 {Sense(), Bytes(0, 4)}, nullptr},
		{"VPD B0h", {0x12, 1, 0xb0, 0, 0xff, 0}, kIn, 255,
		 {Sense(), Bytes(0, 4), Bytes(24, 4)}, nullptr},
		{"VPD B1h", {0x12, 1, 0xb1, 0, 0xff, 0}, kIn, 255,
		 {Sense(), Bytes(0, 6)}, nullptr},
		{"VPD B2h", {0x12, 1, 0xb2, 0, 0xff, 0}, kIn, 255,
		 {Sense(), Bytes(0, 4), Bytes(5, 1, 0xe4)}, nullptr},
		{"VPD unknown page", {0x12, 1, 0x8f, 0, 0xff, 0}, kIn, 255, {Sense()},
		 nullptr},
		{"READ CAPACITY(10)", {0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0}, kIn, 8,
		 {Sense(), Length(), Bytes(0, 8)}, nullptr},
		{"READ CAPACITY(16)",
		 {0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0}, kIn, 32,
		 {Sense(), Length(), Bytes(0, 13), Bytes(14, 1, 0xc0)}, nullptr},
		{"READ CAPACITY(16) alloc 12",
		 {0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 12, 0, 0}, kIn, 32,
		 {Sense(), Length()}, nullptr},
		{"READ CAPACITY(10) PMI 0 with LBA", {0x25, 0, 0, 0, 0, 1, 0, 0, 0, 0},
		 kIn, 8, {Sense()},
		 "SBC-3: PMI 0 with an LBA is INVALID FIELD IN CDB; scsi_debug "
		 "follows SBC-4, where both fields are obsolete and ignored"},
		{"REPORT LUNS", {0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0}, kIn, 16,
		 {Sense(), Length(), Bytes(0, 16)}, nullptr},
		{"REPORT LUNS alloc 2", {0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0}, kIn, 16,
		 {Sense()}, nullptr},
		{"MODE SENSE(6) caching", {0x1a, 0, 0x08, 0, 0xff, 0}, kIn, 255,
		 {Sense(), Bytes(2, 2, 0x90), Bytes(4, 8), Bytes(12, 2)}, nullptr},
		{"MODE SENSE(10) control, DBD", {0x5a, 0x08, 0x0a, 0, 0, 0, 0, 0, 0xff, 0},
		 kIn, 255, {Sense(), Bytes(6, 4)}, nullptr},
		{"MODE SENSE(10) long LBA", {0x5a, 0x10, 0x08, 0, 0, 0, 0, 0, 0xff, 0},
		 kIn, 255, {Sense(), Bytes(4, 4), Bytes(8, 16)}, nullptr},
		{"MODE SENSE saved values", {0x1a, 0, 0xc8, 0, 0xff, 0}, kIn, 255,
		 {Sense()}, nullptr},
		{"MODE SENSE unknown page", {0x1a, 0, 0x05, 0, 0xff, 0}, kIn, 255,
		 {Sense()}, nullptr},
		{"LOG SENSE supported pages", {0x4d, 0, 0x40, 0, 0, 0, 0, 0, 0xff, 0}, kIn,
		 255, {Sense(), Bytes(0, 2)}, nullptr},
		{"LOG SENSE temperature", {0x4d, 0, 0x4d, 0, 0, 0, 0, 0, 0xff, 0}, kIn,
		 255, {Sense(), Bytes(0, 8), Bytes(10, 4)}, nullptr},
		{"LOG SENSE informational exceptions",
		 {0x4d, 0, 0x6f, 0, 0, 0, 0, 0, 0xff, 0}, kIn, 255,
		 {Sense(), Bytes(0, 2), Bytes(4, 2)}, nullptr},
		{"LOG SENSE PC 0", {0x4d, 0, 0x0d, 0, 0, 0, 0, 0, 0xff, 0}, kIn, 255,
		 {Sense()},
		 "mqnvme only has cumulative values (PC 01b), scsi_debug answers any PC"},
		{"READ(10)", {0x28, 0, 0, 0, 0, 0, 0, 0, 8, 0}, kIn, 4096,
		 {Sense(), Length()}, nullptr},
		{"READ(10) TL 0", {0x28, 0, 0, 0, 0, 0, 0, 0, 0, 0}, kIn, 4096,
		 {Sense(), Length()}, nullptr},
		{"READ(10) beyond capacity", {0x28, 0, 0, 2, 0, 0, 0, 0, 1, 0}, kIn, 512,
		 {Sense()}, nullptr},
		{"READ(10) across the end", {0x28, 0, 0, 1, 0xff, 0xff, 0, 0, 2, 0}, kIn,
		 1024, {Sense()}, nullptr},
		{"READ(16) huge LBA",
		 {0x88, 0, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0}, kIn, 512,
		 {Sense()}, nullptr},
		{"READ(6) 1 block", {0x08, 0, 0, 0, 1, 0}, kIn, 512, {Sense(), Length()},
		 nullptr},
		{"READ(10) reserved bit", {0x28, 0x01, 0, 0, 0, 0, 0, 0, 1, 0}, kIn, 512,
		 {Sense()},
		 "byte 1 bit 0 is obsolete: mqnvme refuses every bit it does not "
		 "use, scsi_debug's usage mask (strict=1) lets it through"},
		{"READ(10) RDPROTECT without PI", {0x28, 0x20, 0, 0, 0, 0, 0, 0, 1, 0}, kIn,
		 512, {Sense()},
		 "SBC-3: RDPROTECT on a unit without PI is INVALID FIELD IN "
		 "CDB; scsi_debug (dif=0) ignores it"},
		{"WRITE(10) last block", {0x2a, 0, 0, 1, 0xff, 0xff, 0, 0, 1, 0}, kOut, 512,
		 {Sense(), Length()}, nullptr},
		{"WRITE(10) FUA", {0x2a, 0x08, 0, 1, 0xff, 0xfe, 0, 0, 1, 0}, kOut, 512,
		 {Sense(), Length()}, nullptr},
		{"SYNCHRONIZE CACHE(10)", {0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0}, kIn, 0,
		 {Sense()}, nullptr},
		{"SYNCHRONIZE CACHE(10) beyond capacity",
		 {0x35, 0, 0, 2, 0, 0, 0, 0, 1, 0}, kIn, 0, {Sense()}, nullptr},
		{"VERIFY(10)", {0x2f, 0, 0, 0, 0, 0, 0, 0, 16, 0}, kIn, 0, {Sense()},
		 nullptr},
		{"VERIFY(10) beyond capacity", {0x2f, 0, 0, 2, 0, 0, 0, 0, 1, 0}, kIn, 0,
		 {Sense()},
		 "SBC-3: an LBA beyond the capacity is LOGICAL BLOCK ADDRESS OUT "
		 "OF RANGE; scsi_debug checks the range only when it compares data"},
		{"START STOP UNIT start", {0x1b, 0, 0, 0, 1, 0}, kIn, 0, {Sense()},
		 nullptr},
		{"REQUEST SENSE fixed", {0x03, 0, 0, 0, 18, 0}, kIn, 18,
		 {Sense(), Length(), Bytes(0, 1, 0x7f), Bytes(2, 1, 0x0f), Bytes(7, 1),
		  Bytes(12, 2)}, nullptr},
		{"REQUEST SENSE descriptor", {0x03, 1, 0, 0, 18, 0}, kIn, 18,
		 {Sense(), Bytes(0, 4)}, nullptr},
		{"RSOC READ(10)", {0xa3, 0x0c, 0x01, 0x28, 0, 0, 0, 0, 0, 0xff, 0, 0}, kIn,
		 255, {Sense(), Bytes(0, 5, 0xff)}, nullptr},
		{"RSOC READ(10) usage", {0xa3, 0x0c, 0x01, 0x28, 0, 0, 0, 0, 0, 0xff, 0, 0},
		 kIn, 255, {Bytes(5, 9)},
		 "CDB usage masks: scsi_debug allows every bit of a field it ignores "
		 "(RARC, group number), mqnvme only the bits it accepts"},
		{"RSOC all", {0xa3, 0x0c, 0x00, 0, 0, 0, 0, 0, 0x10, 0, 0, 0}, kIn, 4096,
		 {Sense()}, nullptr},
		{"RSOC bad option", {0xa3, 0x0c, 0x07, 0, 0, 0, 0, 0, 0x10, 0, 0, 0}, kIn,
		 4096, {Sense()}, nullptr},
		{"UNMAP empty", {0x42, 0, 0, 0, 0, 0, 0, 0, 0, 0}, kOut, 0, {Sense()},
		 "SBC-3: PARAMETER LIST LENGTH 0 is not an error; scsi_debug "
		 "computes a negative descriptor count and refuses it"},
		{"invalid opcode 02h", {0x02, 0, 0, 0, 0, 0}, kIn, 0, {Sense()}, nullptr},
		{"ATA PASS-THROUGH(16)",
		 {0x85, 0x08, 0x0e, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0xec, 0}, kIn, 512,
		 {Sense()}, nullptr},
		{"ATA PASS-THROUGH(12)", {0xa1, 0x08, 0x0e, 0, 1, 0, 0, 0, 0, 0xec, 0, 0},
		 kIn, 512, {Sense()}, nullptr},
		{"SERVICE ACTION IN unknown action",
		 {0x9e, 0x1f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0}, kIn, 32,
		 {Sense()}, nullptr},
	};
}

}  // namespace

int main(int argc, char **argv) {
	if (argc != 3) {
		fprintf(stderr, "usage: sgdiff MQNVME_DEV REFERENCE_DEV\n");
		return 2;
	}
	int fa = open(argv[1], O_RDWR), fb = open(argv[2], O_RDWR);
	if (fa < 0 || fb < 0) {
		perror("open");
		return 2;
	}
	int same = 0, expected = 0, bad = 0;
	for (const Case &c : Cases()) {
		Result a = Run(fa, c), b = Run(fb, c);
		std::string diff;
		for (const Field &f : c.fields) {
			std::string sa = Show(a, f), sb = Show(b, f);
			if (sa != sb)
				diff += "\n    " + sa + "  vs  " + sb;
		}
		if (diff.empty()) {
			printf("SAME %s\n", c.name);
			same++;
		} else if (c.expected_diff) {
			printf("DIFF %s (expected: %s)%s\n", c.name, c.expected_diff,
			       diff.c_str());
			expected++;
		} else {
			printf("BAD  %s: mqnvme vs reference%s\n", c.name, diff.c_str());
			bad++;
		}
	}
	printf("%d same, %d expected differences, %d unexpected\n", same, expected,
	       bad);
	return bad ? 1 : 0;
}
