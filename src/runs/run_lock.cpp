// src/runs/run_lock.cpp: run ownership by flock(2), which the kernel releases with the process.
#include "wavetwin/runs/run_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include "wavetwin/error.h"

namespace wavetwin::runs {

std::string run_directory(const std::string& store, const std::string& name) {
  return (std::filesystem::path(store).parent_path() / name).string();
}

std::string run_lock_path(const std::string& store, const std::string& name) {
  return run_directory(store, name) + "/run.lock";
}

RunLock::RunLock(const std::string& path, const std::string& name) {
  std::error_code error;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, error);
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  WAVETWIN_CHECK(fd_ >= 0, path, ": cannot create the lock of run ", name, " (", std::strerror(errno), ")");
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    char owner[32] = {};
    const ssize_t length = ::pread(fd_, owner, sizeof owner - 1, 0);
    ::close(fd_);
    fd_ = -1;
    WAVETWIN_FAIL("run ", name, " is being trained by process ", length > 0 ? owner : "?", " (it holds ", path,
                  "); expected it to end first, or another --name");
  }
  // The owner's process id, for the message above; the lock itself is what counts.
  const std::string pid = std::to_string(::getpid());
  if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    // Unwritten, the lock still holds; only the message above loses the process id.
  }
}

RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);
}

bool RunLock::held(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool free = ::flock(fd, LOCK_SH | LOCK_NB) == 0;
  ::close(fd);
  return !free;
}

}  // namespace wavetwin::runs
