// SPDX-License-Identifier: GPL-2.0
// Helpers the GoogleTest suites share: an owned file descriptor and a
// page-aligned anonymous buffer with guard space behind it.
#ifndef MQNVME_TEST_UTIL_H
#define MQNVME_TEST_UTIL_H

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

namespace mqtest {

class Fd {
public:
	Fd(const std::string &path, int flags) : fd_(open(path.c_str(), flags))
	{
		if (fd_ < 0)
			ADD_FAILURE() << "open " << path << ": " << strerror(errno);
	}
	~Fd()
	{
		if (fd_ >= 0)
			close(fd_);
	}
	Fd(const Fd &) = delete;
	Fd &operator=(const Fd &) = delete;
	int get() const { return fd_; }

private:
	int fd_;
};

// Page-aligned anonymous memory, @fill everywhere, with @offset into it and
// 8 KiB more behind the requested length.
class Buf {
public:
	explicit Buf(size_t len, size_t offset = 0, int fill = 0)
		: len_(len + offset + 8192), offset_(offset)
	{
		mem_ = static_cast<uint8_t *>(mmap(nullptr, len_,
						   PROT_READ | PROT_WRITE,
						   MAP_PRIVATE | MAP_ANONYMOUS,
						   -1, 0));
		if (mem_ == MAP_FAILED)
			abort();
		memset(mem_, fill, len_);
	}
	~Buf() { munmap(mem_, len_); }
	Buf(const Buf &) = delete;
	Buf &operator=(const Buf &) = delete;
	uint8_t *data() { return mem_ + offset_; }
	uint8_t *base() { return mem_; }
	size_t size() const { return len_; }
	uint64_t addr() { return reinterpret_cast<uintptr_t>(data()); }

private:
	uint8_t *mem_;
	size_t len_;
	size_t offset_;
};

}  // namespace mqtest

#endif  // MQNVME_TEST_UTIL_H
