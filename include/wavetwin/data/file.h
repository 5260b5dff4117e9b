// wavetwin/data/file.h: whole-file reads and atomic whole-file writes.
#pragma once

#include <string>
#include <vector>

namespace wavetwin::data {

/// The bytes of `path`; throws wavetwin::Error naming the path when it cannot be read.
std::vector<char> read_file(const std::string& path);

/// Writes `bytes` to `path` atomically: a temporary file beside it, then a rename, so that a reader never
/// sees a half-written file and an existing file survives a failed write.
void write_file_atomic(const std::string& path, const void* bytes, size_t size);

}  // namespace wavetwin::data
