// mmio_write BDF BAR OFFSET VALUE: write a 32-bit VALUE at OFFSET of the PCI
// function's memory BAR through /sys/bus/pci/devices/BDF/resourceBAR, for
// tests that poke a controller's registers behind the driver's back (the
// debug guest kernel has no /dev/mem). Needs iomem=relaxed while a driver
// holds the BAR.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: %s BDF BAR OFFSET VALUE\n", argv[0]);
		return 2;
	}
	const std::string path = std::string("/sys/bus/pci/devices/") +
				 argv[1] + "/resource" + argv[2];
	const uint64_t off = strtoull(argv[3], nullptr, 0);
	const uint32_t val = static_cast<uint32_t>(strtoul(argv[4], nullptr, 0));
	const int fd = open(path.c_str(), O_RDWR | O_SYNC);
	struct stat st;

	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "%s: %s\n", path.c_str(), strerror(errno));
		return 1;
	}
	if (off % 4 || off + 4 > static_cast<uint64_t>(st.st_size)) {
		fprintf(stderr, "offset 0x%llx outside the %lld-byte BAR or unaligned\n",
			static_cast<unsigned long long>(off),
			static_cast<long long>(st.st_size));
		return 1;
	}
	const long page = sysconf(_SC_PAGESIZE);
	const uint64_t base = off & ~static_cast<uint64_t>(page - 1);
	void *map = mmap(nullptr, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			 static_cast<off_t>(base));
	if (map == MAP_FAILED) {
		fprintf(stderr, "mmap %s: %s\n", path.c_str(), strerror(errno));
		return 1;
	}
	auto *reg = reinterpret_cast<volatile uint32_t *>(
		static_cast<char *>(map) + (off - base));
	*reg = val;
	munmap(map, page);
	close(fd);
	return 0;
}
