// SPDX-License-Identifier: GPL-2.0
// SG_IO from a 32-bit process (built with -m32): the compat sg_io_hdr and
// compat iovec paths of mqnvme's translation. One line per check, "ok ..."
// or "FAIL ...", exit status 1 on any failure.
//
// Usage: sgio32 DISK   (64 MiB of 512-byte blocks, qemu-tests/tests/sgio.sh)

#include <fcntl.h>
#include <scsi/sg.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace {

int failures;

void Report(bool ok, const char *what, const char *detail = "")
{
	printf("%s %s%s%s\n", ok ? "ok" : "FAIL", what, *detail ? ": " : "",
	       detail);
	if (!ok)
		failures++;
}

struct Call {
	sg_io_hdr_t h;
	unsigned char cdb[16];
	unsigned char sense[64];
	int ret;
};

void Prepare(Call &c, const unsigned char *cdb, unsigned len)
{
	memset(&c, 0, sizeof(c));
	memcpy(c.cdb, cdb, len);
	memset(c.sense, 0xee, sizeof(c.sense));
	c.h.interface_id = 'S';
	c.h.cmd_len = static_cast<unsigned char>(len);
	c.h.cmdp = c.cdb;
	c.h.sbp = c.sense;
	c.h.mx_sb_len = sizeof(c.sense);
	c.h.dxfer_direction = SG_DXFER_NONE;
	c.h.timeout = 20000;
}

void Run(int fd, Call &c)
{
	c.ret = ioctl(fd, SG_IO, &c.h) < 0 ? -errno : 0;
}

// GOOD with @resid, every output field as sg_io() defines it.
bool Good(const Call &c, int resid, char *why, size_t n)
{
	snprintf(why, n,
		 "ret %d status %d masked %d host %d driver %d info %u resid %d sb_len_wr %d",
		 c.ret, c.h.status, c.h.masked_status, c.h.host_status,
		 c.h.driver_status, c.h.info, c.h.resid, c.h.sb_len_wr);
	return !c.ret && !c.h.status && !c.h.masked_status && !c.h.host_status &&
	       !c.h.driver_status && !c.h.info && c.h.resid == resid &&
	       !c.h.sb_len_wr;
}

}  // namespace

int main(int argc, char **argv)
{
	static_assert(sizeof(void *) == 4, "build with -m32");
	if (argc != 2) {
		fprintf(stderr, "usage: %s DISK\n", argv[0]);
		return 2;
	}
	int fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 2;
	}
	char why[256];
	Call c;
	printf("sgio32: sizeof(sg_io_hdr_t) %zu, sizeof(void *) %zu\n",
	       sizeof(sg_io_hdr_t), sizeof(void *));

	// INQUIRY: 96 bytes of standard data into a 200-byte buffer.
	unsigned char inq[200];
	memset(inq, 0x5a, sizeof(inq));
	const unsigned char inq_cdb[6] = {0x12, 0, 0, 0, 0xff, 0};
	Prepare(c, inq_cdb, 6);
	c.h.dxfer_direction = SG_DXFER_FROM_DEV;
	c.h.dxferp = inq;
	c.h.dxfer_len = sizeof(inq);
	Run(fd, c);
	bool ok = Good(c, sizeof(inq) - 96, why, sizeof(why)) && inq[0] == 0 &&
		  inq[4] == 91 && !memcmp(inq + 8, "NVMe    ", 8) &&
		  !memcmp(inq + 16, "QEMU NVMe Ctrl", 14) && inq[96] == 0x5a;
	Report(ok, "inquiry", why);

	// READ CAPACITY(10): last LBA and block length.
	unsigned char cap[8];
	const unsigned char cap_cdb[10] = {0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0};
	Prepare(c, cap_cdb, 10);
	c.h.dxfer_direction = SG_DXFER_FROM_DEV;
	c.h.dxferp = cap;
	c.h.dxfer_len = sizeof(cap);
	Run(fd, c);
	uint32_t last = (uint32_t)cap[0] << 24 | cap[1] << 16 | cap[2] << 8 | cap[3];
	uint32_t bs = (uint32_t)cap[4] << 24 | cap[5] << 16 | cap[6] << 8 | cap[7];
	ok = Good(c, 0, why, sizeof(why));
	snprintf(why + strlen(why), sizeof(why) - strlen(why),
		 " last lba %u block %u", last, bs);
	Report(ok && last == 131071 && bs == 512, "read-capacity-10", why);

	// READ(10) of 8 blocks at LBA 8192 into a compat iovec of two elements
	// of odd sizes and addresses, against a plain pread.
	const size_t len = 4096;
	auto *mem = static_cast<unsigned char *>(mmap(nullptr, 3 * 8192,
						      PROT_READ | PROT_WRITE,
						      MAP_PRIVATE | MAP_ANONYMOUS,
						      -1, 0));
	auto *ref = static_cast<unsigned char *>(mmap(nullptr, len,
						      PROT_READ | PROT_WRITE,
						      MAP_PRIVATE | MAP_ANONYMOUS,
						      -1, 0));
	if (mem == MAP_FAILED || ref == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	memset(mem, 0x5a, 3 * 8192);
	int dfd = open(argv[1], O_RDONLY | O_DIRECT);
	ssize_t got = dfd < 0 ? -1 : pread(dfd, ref, len, 8192 * 512);
	Report(got == (ssize_t)len, "pread-reference", got < 0 ? strerror(errno) : "");
	sg_iovec_t iov[2] = {{mem + 3, 1237}, {mem + 8192 + 1, len - 1237}};
	const unsigned char rd_cdb[10] = {0x28, 0, 0, 0, 0x20, 0x00, 0, 0, 8, 0};
	Prepare(c, rd_cdb, 10);
	c.h.dxfer_direction = SG_DXFER_FROM_DEV;
	c.h.dxferp = iov;
	c.h.iovec_count = 2;
	c.h.dxfer_len = len;
	Run(fd, c);
	ok = Good(c, 0, why, sizeof(why)) && !memcmp(mem + 3, ref, 1237) &&
	     !memcmp(mem + 8192 + 1, ref + 1237, len - 1237) && mem[2] == 0x5a &&
	     mem[3 + 1237] == 0x5a && mem[8192] == 0x5a &&
	     mem[8192 + 1 + len - 1237] == 0x5a;
	Report(ok, "read-10-iovec", why);

	// A reserved bit in the control byte of READ(10): CHECK CONDITION,
	// ILLEGAL REQUEST, INVALID FIELD IN CDB, field pointer byte 9 bit 0;
	// nothing moved, all of dxfer_len is resid.
	unsigned char bad_cdb[10] = {0x28, 0, 0, 0, 0x20, 0x00, 0, 0, 8, 0x01};
	unsigned char buf[4096];
	Prepare(c, bad_cdb, 10);
	c.h.dxfer_direction = SG_DXFER_FROM_DEV;
	c.h.dxferp = buf;
	c.h.dxfer_len = sizeof(buf);
	Run(fd, c);
	snprintf(why, sizeof(why),
		 "ret %d status %d masked %d host %d driver %d info %u resid %d sb_len_wr %d sense %02x %02x %02x %02x %02x %02x %02x",
		 c.ret, c.h.status, c.h.masked_status, c.h.host_status,
		 c.h.driver_status, c.h.info, c.h.resid, c.h.sb_len_wr,
		 c.sense[0], c.sense[2], c.sense[12], c.sense[13], c.sense[15],
		 c.sense[16], c.sense[17]);
	ok = !c.ret && c.h.status == 2 && c.h.masked_status == 1 &&
	     !c.h.host_status && c.h.driver_status == 0x08 && c.h.info == 1 &&
	     c.h.resid == (int)sizeof(buf) && c.h.sb_len_wr == 18 &&
	     c.sense[0] == 0x70 && c.sense[2] == 0x05 && c.sense[12] == 0x24 &&
	     c.sense[13] == 0x00 && c.sense[15] == (0x80 | 0x40 | 0x08 | 0) &&
	     c.sense[16] == 0 && c.sense[17] == 9 && c.sense[18] == 0xee;
	Report(ok, "bad-cdb", why);

	// sg_io()'s own refusals through the compat header.
	Prepare(c, inq_cdb, 6);
	c.h.interface_id = 'Q';
	Run(fd, c);
	Report(c.ret == -EINVAL, "interface-id", strerror(-c.ret));
	Prepare(c, inq_cdb, 5);
	Run(fd, c);
	Report(c.ret == -EMSGSIZE, "cmd-len-5", strerror(-c.ret));

	printf("sgio32: %d failures\n", failures);
	return failures ? 1 : 0;
}
