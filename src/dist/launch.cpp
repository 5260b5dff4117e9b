// src/dist/launch.cpp: local ranks started with fork/exec and watched with waitpid.
#include "wavetwin/dist/launch.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <thread>

#include "wavetwin/error.h"

namespace wavetwin::dist {
namespace {

std::string describe(int status) {
  if (WIFSIGNALED(status)) return "was killed by signal " + std::to_string(WTERMSIG(status));
  return "exited with status " + std::to_string(WEXITSTATUS(status));
}

int exit_code(int status) { return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status); }

}  // namespace

int64_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  WAVETWIN_CHECK(fd >= 0, "free port: socket(): ", std::strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  ::close(fd);
  WAVETWIN_CHECK(ok, "free port: no TCP port of 127.0.0.1 could be bound: ", std::strerror(errno));
  return ntohs(address.sin_port);
}

LaunchResult launch_local(const LaunchOptions& o) {
  WAVETWIN_CHECK(!o.command.empty(), "launch: no command");
  WAVETWIN_CHECK(o.nproc >= 1 && o.nnodes >= 1 && o.node_rank >= 0 && o.node_rank < o.nnodes, "--nproc ", o.nproc,
                 ", --nnodes ", o.nnodes, ", --node-rank ", o.node_rank,
                 "; expected nproc >= 1, nnodes >= 1 and 0 <= node-rank < nnodes");
  WAVETWIN_CHECK(o.master_port > 0 || o.nnodes == 1, "--nnodes ", o.nnodes,
                 " without --master HOST:PORT; expected the address of node 0 on every node");
  const int64_t port = o.master_port > 0 ? o.master_port : free_port();
  std::filesystem::create_directories(o.log_dir);
  const std::vector<std::string> shared = {
      "WORLD_SIZE=" + std::to_string(o.nproc * o.nnodes), "LOCAL_WORLD_SIZE=" + std::to_string(o.nproc),
      "MASTER_ADDR=" + o.master_addr, "MASTER_PORT=" + std::to_string(port)};
  std::vector<std::string> inherited;
  for (char** v = environ; *v != nullptr; ++v) {
    const std::string entry = *v, name = entry.substr(0, entry.find('='));
    const bool ours = name == "WORLD_SIZE" || name == "LOCAL_WORLD_SIZE" || name == "MASTER_ADDR" ||
                      name == "MASTER_PORT" || name == "RANK" || name == "LOCAL_RANK";
    if (!ours) inherited.push_back(entry);
  }
  std::vector<char*> argv;
  for (const auto& a : o.command) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  LaunchResult result;
  std::map<pid_t, int64_t> running;  // pid -> global rank
  for (int64_t local = 0; local < o.nproc; ++local) {
    const int64_t rank = o.node_rank * o.nproc + local;
    const std::string log = o.log_dir + "/rank-" + std::to_string(rank) + ".log";
    if (local > 0) result.logs.push_back(log);
    // Everything the child needs is prepared before fork(): the parent may have threads.
    std::vector<std::string> environment = inherited;
    environment.insert(environment.end(), shared.begin(), shared.end());
    environment.push_back("RANK=" + std::to_string(rank));
    environment.push_back("LOCAL_RANK=" + std::to_string(local));
    std::vector<char*> envp;
    for (auto& v : environment) envp.push_back(v.data());
    envp.push_back(nullptr);
    const pid_t pid = ::fork();
    WAVETWIN_CHECK(pid >= 0, "launch: fork(): ", std::strerror(errno));
    if (pid == 0) {
      if (local > 0) {
        const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) ::dup2(fd, STDOUT_FILENO), ::dup2(fd, STDERR_FILENO), ::close(fd);
      }
      ::execve(argv[0], argv.data(), envp.data());
      static const char message[] = "launch: the rank's program could not be started\n";
      [[maybe_unused]] const auto written = ::write(STDERR_FILENO, message, sizeof message - 1);
      ::_exit(127);
    }
    running[pid] = rank;
  }

  std::optional<std::chrono::steady_clock::time_point> kill_at;
  while (!running.empty()) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, kill_at ? WNOHANG : 0);
    if (pid > 0 && running.count(pid)) {
      const int64_t rank = running[pid];
      running.erase(pid);
      if (status != 0 && !result.failed_rank) {
        result.failed_rank = rank;
        result.exit_code = exit_code(status);
        result.reason = describe(status);
        std::fprintf(stderr, "launch: rank %lld (pid %d) %s; waiting up to %.0f s for the other ranks to stop\n",
                     static_cast<long long>(rank), static_cast<int>(pid), result.reason.c_str(),
                     static_cast<double>(o.grace.count()) / 1000);
        kill_at = std::chrono::steady_clock::now() + o.grace;
      }
      continue;
    }
    if (pid < 0 && errno != EINTR) break;
    if (kill_at && std::chrono::steady_clock::now() >= *kill_at) {
      for (const auto& [p, rank] : running) {
        std::fprintf(stderr, "launch: rank %lld (pid %d) did not stop; killed\n", static_cast<long long>(rank),
                     static_cast<int>(p));
        ::kill(p, SIGKILL);
      }
      kill_at.reset();
    } else if (kill_at) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  return result;
}

}  // namespace wavetwin::dist
