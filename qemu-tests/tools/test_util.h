// SPDX-License-Identifier: GPL-2.0
// Helpers the GoogleTest suites share: the test's settings from the
// environment, an unprivileged child, an owned file descriptor and a
// page-aligned anonymous buffer with guard space behind it.
#ifndef MQNVME_TEST_UTIL_H
#define MQNVME_TEST_UTIL_H

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>

#include <gtest/gtest.h>

namespace mqtest {

// The environment variable @name, @def when it is unset; without @def an
// unset variable fails the test and gives "".
inline std::string Env(const char *name, const char *def = nullptr)
{
	const char *v = getenv(name);
	if (!v && !def) {
		ADD_FAILURE() << name << " is not set";
		return "";
	}
	return v ? v : def;
}

// Runs @fn in a child without any capability (uid and gid nobody). @fn
// returns "" when every check in it held, else what did not; AsNobody
// returns that text, or why the child did not run to its end, so that
// EXPECT_EQ(AsNobody(...), "") prints what failed.
inline std::string AsNobody(const std::function<std::string()> &fn)
{
	int p[2];

	if (pipe(p))
		return std::string("pipe: ") + strerror(errno);
	pid_t pid = fork();
	if (pid < 0)
		return std::string("fork: ") + strerror(errno);
	if (pid == 0) {
		close(p[0]);
		std::string msg;
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			msg = std::string("cannot become nobody: ") + strerror(errno);
		else
			msg = fn();
		size_t off = 0;
		while (off < msg.size()) {
			ssize_t n = write(p[1], msg.data() + off, msg.size() - off);
			if (n <= 0)
				break;
			off += n;
		}
		_exit(msg.empty() ? 0 : 1);
	}
	close(p[1]);
	std::string out;
	char buf[256];
	ssize_t n;
	while ((n = read(p[0], buf, sizeof(buf))) > 0)
		out.append(buf, n);
	close(p[0]);
	int st = 0;
	waitpid(pid, &st, 0);
	if (!WIFEXITED(st))
		return out + " (the child died, wait status " + std::to_string(st) + ")";
	if (WEXITSTATUS(st) && out.empty())
		return "the child failed without saying why";
	return out;
}

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
