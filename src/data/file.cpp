// src/data/file.cpp: whole-file reads and atomic writes.
#include "wavetwin/data/file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "wavetwin/error.h"
#include "wavetwin/fault.h"

namespace wavetwin::data {

std::vector<char> read_file(const std::string& path) {
  std::error_code ec;
  WAVETWIN_CHECK(!std::filesystem::is_directory(path, ec), path, ": a folder; expected a file");
  WAVETWIN_CHECK(std::filesystem::is_regular_file(path, ec), path, ": no such file");
  std::ifstream in(path, std::ios::binary);
  WAVETWIN_CHECK(in.good(), path, ": cannot open for reading (", std::strerror(errno), ")");
  return std::vector<char>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_file_atomic(const std::string& path, const void* bytes, size_t size) {
  const std::string temporary = path + ".tmp." + std::to_string(::getpid());
  std::FILE* file = std::fopen(temporary.c_str(), "wb");
  WAVETWIN_CHECK(file != nullptr, path, ": cannot open for writing (", std::strerror(errno), ")");
  const bool written = std::fwrite(bytes, 1, size, file) == size;
  const bool flushed = std::fflush(file) == 0 && ::fsync(::fileno(file)) == 0;
  const bool closed = std::fclose(file) == 0;
  fault_point("file.written");
  if (!(written && flushed && closed) || std::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    std::remove(temporary.c_str());
    WAVETWIN_FAIL(path, ": cannot write (", reason, ")");
  }
  // The rename itself reaches the disk with its folder's entry.
  const auto parent = std::filesystem::path(path).parent_path();
  const int folder = ::open(parent.empty() ? "." : parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (folder >= 0) {
    ::fsync(folder);
    ::close(folder);
  }
}

}  // namespace wavetwin::data
