// Protection information helpers for qemu-tests/tests/pi*.sh.
//
//   pi_tool scan DEV BS FIRST COUNT
//       reads blocks FIRST..FIRST+COUNT-1 one at a time with O_DIRECT and
//       prints "LBA errno-name" for each that fails; "ok N" at the end
//   pi_tool check DATA META BS MS PIOFF TYPE LBA N
//       checks the 8-byte T10 PI tuples (16-bit guard) of N blocks read with
//       their separate metadata: guard = CRC-T10DIF of the data (and of
//       the metadata before the tuple), application tag 0, reference tag
//       the low 32 bits of the LBA (types 1 and 2); prints the first
//       mismatch and exits 1
//   pi_tool gen DATA META BS MS PIOFF TYPE LBA N
//       writes META with valid tuples for N blocks of DATA
//   pi_tool tuple FILE OFFSET
//       prints the tuple at OFFSET of FILE: "guard app ref" in hex
//   pi_tool crc16 FILE OFFSET LEN
//       prints the CRC-T10DIF of LEN bytes of FILE at OFFSET
#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

// CRC-T10DIF: polynomial 0x8BB7, not reflected, initial value 0, no final
// xor (the guard of SBC-3 and NVMe's 16-bit guard).
constexpr std::array<uint16_t, 256> MakeCrcTable() {
  std::array<uint16_t, 256> t{};
  for (unsigned i = 0; i < 256; i++) {
    uint16_t crc = static_cast<uint16_t>(i << 8);
    for (int b = 0; b < 8; b++)
      crc = static_cast<uint16_t>((crc & 0x8000) ? (crc << 1) ^ 0x8BB7 : crc << 1);
    t[i] = crc;
  }
  return t;
}
constexpr auto kCrcTable = MakeCrcTable();

uint16_t Crc16(uint16_t crc, const uint8_t* p, size_t len) {
  for (size_t i = 0; i < len; i++)
    crc = static_cast<uint16_t>((crc << 8) ^ kCrcTable[((crc >> 8) ^ p[i]) & 0xff]);
  return crc;
}

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::exit(2);
  }
  return {std::istreambuf_iterator<char>(f), {}};
}

uint64_t Num(const char* s) { return std::strtoull(s, nullptr, 0); }

uint16_t Be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t Be32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

int Scan(char** argv) {
  const std::string dev = argv[0];
  const size_t bs = Num(argv[1]);
  const uint64_t first = Num(argv[2]), count = Num(argv[3]);
  int fd = open(dev.c_str(), O_RDONLY | O_DIRECT);
  if (fd < 0) {
    std::perror(dev.c_str());
    return 2;
  }
  void* buf = nullptr;
  if (posix_memalign(&buf, 4096, bs)) return 2;
  uint64_t ok = 0;
  for (uint64_t lba = first; lba < first + count; lba++) {
    ssize_t n = pread(fd, buf, bs, static_cast<off_t>(lba * bs));
    if (n == static_cast<ssize_t>(bs)) {
      ok++;
      continue;
    }
    std::printf("%llu %s\n", static_cast<unsigned long long>(lba),
                n < 0 ? strerrorname_np(errno) : "short");
  }
  std::printf("ok %llu\n", static_cast<unsigned long long>(ok));
  free(buf);
  close(fd);
  return 0;
}

struct Layout {
  size_t bs, ms, pioff;
  int type;
  uint64_t lba, n;
};

Layout ParseLayout(char** argv) {
  return {Num(argv[0]), Num(argv[1]), Num(argv[2]), static_cast<int>(Num(argv[3])),
          Num(argv[4]), Num(argv[5])};
}

int Check(char** argv) {
  auto data = ReadFile(argv[0]), meta = ReadFile(argv[1]);
  Layout l = ParseLayout(argv + 2);
  if (data.size() < l.n * l.bs || meta.size() < l.n * l.ms) {
    std::printf("short files: %zu data, %zu metadata bytes\n", data.size(), meta.size());
    return 1;
  }
  for (uint64_t i = 0; i < l.n; i++) {
    const uint8_t* d = data.data() + i * l.bs;
    const uint8_t* m = meta.data() + i * l.ms;
    const uint8_t* pi = m + l.pioff;
    uint16_t guard = Crc16(Crc16(0, d, l.bs), m, l.pioff);
    uint32_t ref = static_cast<uint32_t>(l.lba + i);
    if (Be16(pi) != guard || Be16(pi + 2) != 0 || (l.type != 3 && Be32(pi + 4) != ref)) {
      std::printf("LBA %llu: tuple %04x %04x %08x, expected %04x 0000 %08x\n",
                  static_cast<unsigned long long>(l.lba + i), Be16(pi), Be16(pi + 2),
                  Be32(pi + 4), guard, l.type == 3 ? Be32(pi + 4) : ref);
      return 1;
    }
  }
  std::printf("%llu tuples good\n", static_cast<unsigned long long>(l.n));
  return 0;
}

int Gen(char** argv) {
  auto data = ReadFile(argv[0]);
  Layout l = ParseLayout(argv + 2);
  if (data.size() < l.n * l.bs) return 2;
  std::vector<uint8_t> meta(l.n * l.ms, 0);
  for (uint64_t i = 0; i < l.n; i++) {
    uint8_t* m = meta.data() + i * l.ms;
    uint8_t* pi = m + l.pioff;
    uint16_t guard = Crc16(Crc16(0, data.data() + i * l.bs, l.bs), m, l.pioff);
    uint32_t ref = l.type == 3 ? 0 : static_cast<uint32_t>(l.lba + i);
    pi[0] = guard >> 8;
    pi[1] = guard & 0xff;
    pi[2] = pi[3] = 0;
    for (int b = 0; b < 4; b++) pi[4 + b] = static_cast<uint8_t>(ref >> (24 - 8 * b));
  }
  std::ofstream f(argv[1], std::ios::binary);
  f.write(reinterpret_cast<const char*>(meta.data()), static_cast<std::streamsize>(meta.size()));
  return f ? 0 : 2;
}

int Tuple(char** argv) {
  auto f = ReadFile(argv[0]);
  size_t off = Num(argv[1]);
  if (f.size() < off + 8) return 2;
  const uint8_t* pi = f.data() + off;
  std::printf("%04x %04x %08x\n", Be16(pi), Be16(pi + 2), Be32(pi + 4));
  return 0;
}

int Crc(char** argv) {
  auto f = ReadFile(argv[0]);
  size_t off = Num(argv[1]), len = Num(argv[2]);
  if (f.size() < off + len) return 2;
  std::printf("%04x\n", Crc16(0, f.data() + off, len));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string cmd = argc > 1 ? argv[1] : "";
  if (cmd == "scan" && argc == 6) return Scan(argv + 2);
  if (cmd == "check" && argc == 10) return Check(argv + 2);
  if (cmd == "gen" && argc == 10) return Gen(argv + 2);
  if (cmd == "tuple" && argc == 4) return Tuple(argv + 2);
  if (cmd == "crc16" && argc == 5) return Crc(argv + 2);
  std::fprintf(stderr, "usage: see the comment at the top of pi_tool.cc\n");
  return 2;
}
