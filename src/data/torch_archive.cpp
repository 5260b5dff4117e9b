// src/data/torch_archive.cpp: the zip directory and pickle walk of check_torch_archive.
#include "wavetwin/data/torch_archive.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <utility>

#include "wavetwin/error.h"

namespace wavetwin::data {
namespace {

uint64_t little_endian(const unsigned char* at, int bytes) {
  uint64_t value = 0;
  for (int i = bytes - 1; i >= 0; --i) value = (value << 8) | at[i];
  return value;
}

// Bounds-checked reads of the file's bytes.
class Bytes {
 public:
  Bytes(const char* data, size_t size) : data_(reinterpret_cast<const unsigned char*>(data)), size_(size) {}
  size_t size() const { return size_; }
  uint64_t read(uint64_t at, int bytes, const char* what) const {
    WAVETWIN_CHECK(at <= size_ && static_cast<uint64_t>(bytes) <= size_ - at, what, " at byte ", at,
                   " past the end of the ", size_, " bytes");
    return little_endian(data_ + at, bytes);
  }
  const unsigned char* at(uint64_t offset) const { return data_ + offset; }

 private:
  const unsigned char* data_;
  size_t size_;
};

constexpr uint32_t kLocalHeader = 0x04034b50, kCentralHeader = 0x02014b50, kEnd = 0x06054b50;
constexpr uint32_t kZip64Locator = 0x07064b50, kZip64End = 0x06064b50;

// What each pickle opcode (protocols 0 to 5) takes after it.
enum class Argument { kNone, kFixed, kLine, kTwoLines, kCounted, kMemoPut, kMemoGet, kUnknown };
struct Opcode {
  Argument argument = Argument::kUnknown;
  int bytes = 0;  // kFixed: the argument's size; kCounted, kMemoPut, kMemoGet: the size of the count or index
};

const Opcode& opcode(unsigned char code) {
  static const auto table = [] {
    std::array<Opcode, 256> t{};
    for (unsigned char c : std::string("(.012NQRabd}el]ost)u\x81\x85\x86\x87\x88\x89\x8f\x90\x91\x92\x93\x97\x98")) {
      t[c] = {Argument::kNone, 0};
    }
    for (const auto& [c, n] : std::initializer_list<std::pair<unsigned char, int>>{
             {0x80, 1}, {'J', 4}, {'K', 1}, {'M', 2}, {'G', 8}, {0x82, 1}, {0x83, 2}, {0x84, 4}, {0x95, 8}}) {
      t[c] = {Argument::kFixed, n};
    }
    for (unsigned char c : std::string("FILPSVgp")) t[c] = {Argument::kLine, 0};
    t['c'] = t['i'] = {Argument::kTwoLines, 0};
    for (const auto& [c, n] : std::initializer_list<std::pair<unsigned char, int>>{
             {0x8a, 1}, {0x8b, 4}, {'T', 4}, {'U', 1}, {'X', 4}, {'B', 4}, {'C', 1}, {0x8c, 1}, {0x8d, 8}, {0x8e, 8},
             {0x96, 8}}) {
      t[c] = {Argument::kCounted, n};
    }
    t['q'] = {Argument::kMemoPut, 1};
    t['r'] = {Argument::kMemoPut, 4};
    t['h'] = {Argument::kMemoGet, 1};
    t['j'] = {Argument::kMemoGet, 4};
    t[0x94] = {Argument::kMemoPut, 0};  // MEMOIZE: the next slot
    return t;
  }();
  return table[code];
}

void check_pickle(const Bytes& file, uint64_t start, uint64_t size, const std::string& where) {
  const Bytes pickle(reinterpret_cast<const char*>(file.at(start)), size);
  uint64_t memo = 0;  // slots filled so far: picklers fill them in order
  for (uint64_t at = 0; at < size;) {
    const unsigned char code = *pickle.at(at);
    const Opcode& op = opcode(code);
    ++at;
    switch (op.argument) {
      case Argument::kUnknown:
        WAVETWIN_FAIL(where, ": pickle opcode 0x", std::hex, int{code}, std::dec, " at byte ", at - 1,
                      " is not pickle's");
      case Argument::kNone:
        if (code == '.') return;  // STOP
        break;
      case Argument::kFixed:
        pickle.read(at, op.bytes, "an opcode's argument");
        at += op.bytes;
        break;
      case Argument::kLine:
      case Argument::kTwoLines:
        for (int line = op.argument == Argument::kLine ? 1 : 2; line > 0; --line) {
          const void* end = std::memchr(pickle.at(at), '\n', size - at);
          WAVETWIN_CHECK(end != nullptr, where, ": unterminated line at byte ", at);
          at = static_cast<const unsigned char*>(end) - pickle.at(0) + 1;
        }
        break;
      case Argument::kCounted: {
        const uint64_t length = pickle.read(at, op.bytes, "a length");
        at += op.bytes;
        WAVETWIN_CHECK(length <= size - at, where, ": a value of ", length, " bytes at byte ", at,
                       ", past the end of its ", size);
        at += length;
        break;
      }
      case Argument::kMemoPut:
      case Argument::kMemoGet: {
        const uint64_t slot = op.bytes == 0 ? memo : pickle.read(at, op.bytes, "a memo index");
        at += op.bytes;
        const bool put = op.argument == Argument::kMemoPut;
        WAVETWIN_CHECK(put ? slot <= memo : slot < memo, where, ": memo slot ", slot, " at byte ", at, " of the ",
                       memo, " filled");
        if (put && slot == memo) ++memo;
        break;
      }
    }
  }
  WAVETWIN_FAIL(where, ": no STOP opcode in its ", size, " bytes");
}

void check_archive(const char* data, size_t size, std::vector<std::string>& records) {
  const Bytes file(data, size);
  WAVETWIN_CHECK(size >= 22, "only ", size, " bytes, no zip archive");
  // The end record is the last "PK\5\6" at most 64 KiB (its comment) from the end.
  uint64_t end = size - 22;
  while (file.read(end, 4, "the end record") != kEnd) {
    WAVETWIN_CHECK(end > 0 && size - end < 22 + 65536, "no zip directory");
    --end;
  }
  // libtorch's zip reader looks for the end record in 4096-byte windows from the end of the file, each 4093 bytes
  // before the last; the one after a window starting within 4093 bytes of the file's start begins before it, and
  // is read from there (fuzzing found this). Torch writes its end record last, in the first window.
  for (uint64_t window = size > 4096 ? size - 4096 : 0; window > end; window -= 4093) {
    WAVETWIN_CHECK(window >= 4093, "an end record at byte ", end, " of ", size,
                   ", which libtorch's zip reader would look for before the start of the file");
  }
  uint64_t entries = file.read(end + 10, 2, "the entry count"), directory = file.read(end + 16, 4, "the directory");
  uint64_t directory_size = file.read(end + 12, 4, "the directory size"), directory_end = end;
  bool one_disk = file.read(end + 4, 4, "the disk numbers") == 0 && file.read(end + 8, 2, "the entry count") == entries;
  if (end >= 20 && file.read(end - 20, 4, "the zip64 locator") == kZip64Locator) {
    const uint64_t end64 = file.read(end - 12, 8, "the zip64 end record");
    WAVETWIN_CHECK(end64 < end - 20 && file.read(end64, 4, "the zip64 end record") == kZip64End,
                   "a damaged zip64 end record");
    entries = file.read(end64 + 32, 8, "the entry count");
    directory = file.read(end64 + 48, 8, "the directory");
    directory_size = file.read(end64 + 40, 8, "the directory size");
    directory_end = end64;
    one_disk = file.read(end64 + 16, 8, "the disk numbers") == 0 && file.read(end64 + 24, 8, "the entry count") == entries;
  }
  // One disk, and the directory as the end record places it, whole before the end record.
  WAVETWIN_CHECK(one_disk, "a zip split over disks");
  WAVETWIN_CHECK(directory <= directory_end && directory_size <= directory_end - directory, "a directory of ",
                 directory_size, " bytes at byte ", directory, ", past its end record at byte ", directory_end);
  const Bytes listing(reinterpret_cast<const char*>(file.at(directory)), directory_size);
  uint64_t at = directory;
  for (uint64_t e = 0; e < entries; ++e) {
    listing.read(at - directory, 46, "a directory entry");
    WAVETWIN_CHECK(file.read(at, 4, "a directory entry") == kCentralHeader, "directory entry ", e, " is damaged");
    const uint64_t method = file.read(at + 10, 2, "a directory entry");
    uint64_t compressed = file.read(at + 20, 4, "a directory entry"), stored = file.read(at + 24, 4, "a directory entry");
    const uint64_t name_size = file.read(at + 28, 2, "a directory entry"), extra_size = file.read(at + 30, 2, "a directory entry");
    const uint64_t comment_size = file.read(at + 32, 2, "a directory entry");
    uint64_t local = file.read(at + 42, 4, "a directory entry");
    WAVETWIN_CHECK(name_size <= size - at - 46, "directory entry ", e, " past the end of the file");
    const std::string& record = records.emplace_back(reinterpret_cast<const char*>(file.at(at + 46)), name_size);
    // Sizes and offsets that do not fit 32 bits are in the zip64 extra field (id 1), in this order.
    for (uint64_t x = at + 46 + name_size; x + 4 <= at + 46 + name_size + extra_size;) {
      const uint64_t id = file.read(x, 2, "an extra field"), length = file.read(x + 2, 2, "an extra field");
      if (id == 1) {
        uint64_t field = x + 4;
        for (uint64_t* value : {&stored, &compressed, &local}) {
          if (*value == 0xFFFFFFFF && field + 8 <= x + 4 + length) *value = file.read(field, 8, "a zip64 size"), field += 8;
        }
      }
      x += 4 + length;
    }
    const bool pickled = record.size() >= 4 && record.compare(record.size() - 4, 4, ".pkl") == 0;
    // Pickles are stored as they are (their lengths are checked below); TorchScript code may be deflated, and
    // deflate's best ratio, about 1032 to 1, bounds what a record may declare.
    WAVETWIN_CHECK((method == 0 && compressed == stored) ||
                       (method == 8 && !pickled && stored / 1032 <= compressed + 1),
                   "record ", record, " declares ", stored, " bytes from ", compressed, " (method ", method,
                   "), which torch's writer never does");
    WAVETWIN_CHECK(file.read(local, 4, "a record header") == kLocalHeader, "record ", record,
                   " has no header where the directory says");
    const uint64_t start = local + 30 + file.read(local + 26, 2, "a record header") + file.read(local + 28, 2, "a record header");
    WAVETWIN_CHECK(start <= size && compressed <= size - start, "record ", record, " of ", compressed,
                   " bytes past the end of the ", size, " bytes");
    if (pickled) check_pickle(file, start, stored, record);
    at += 46 + name_size + extra_size + comment_size;
    WAVETWIN_CHECK(at <= directory + directory_size, "directory entry ", e, " past the directory's end");
  }
}

}  // namespace

TorchArchive inspect_torch_archive(const char* data, size_t size) {
  TorchArchive archive;
  try {
    check_archive(data, size, archive.records);
  } catch (const Error& e) {
    archive.problem = e.what();
  }
  return archive;
}

}  // namespace wavetwin::data
