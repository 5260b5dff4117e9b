// tests/support/support.cpp: helpers of support.h.
#include "support.h"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <map>

#include "wavetwin/data/image.h"

namespace wavetwin::test {

double relative_error(const torch::Tensor& a, const torch::Tensor& b) {
  const double scale = std::max(b.abs().max().item<double>(), 1e-300);
  return (a.to(b.dtype()) - b).abs().max().item<double>() / scale;
}

std::string python() { return "/usr/bin/python3"; }

int run_command(const std::string& command, std::string* output) {
  std::FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return -1;
  std::string text;
  std::array<char, 4096> buffer{};
  size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) text.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  if (output != nullptr) *output = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool python_has(const std::vector<std::string>& modules) {
  static std::map<std::string, bool> cache;
  std::string imports;
  for (const auto& m : modules) imports += (imports.empty() ? "" : ", ") + m;
  const auto it = cache.find(imports);
  if (it != cache.end()) return it->second;
  if (!std::filesystem::exists(python())) return cache[imports] = false;
  return cache[imports] = run_command(python() + " -c 'import " + imports + "'", nullptr) == 0;
}

int run_python(const std::string& script, const std::vector<std::string>& args, std::string* output) {
  std::string command = python() + " " + source_path(script);
  for (const auto& a : args) command += " '" + a + "'";
  return run_command(command, output);
}

std::string temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "wavetwin-test-XXXXXX").string();
  const char* dir = ::mkdtemp(pattern.data());
  return dir == nullptr ? std::string() : std::string(dir);
}

std::string source_path(const std::string& relative) { return std::string(WAVETWIN_SOURCE_DIR) + "/" + relative; }

std::string shared_dir() {
  const auto dir = std::filesystem::path(WAVETWIN_SOURCE_DIR).parent_path() / "shared";
  return std::filesystem::is_directory(dir) ? dir.string() : std::string();
}

void write_image_folder(const std::string& root, int classes, int per_class, int64_t side) {
  for (int c = 0; c < classes; ++c) {
    std::filesystem::create_directories(root + "/" + std::to_string(c));
    for (int i = 0; i < per_class; ++i) {
      torch::Tensor image = torch::randint(0, 100, {side, side, 3}, torch::kUInt8);
      image.select(2, c % 3) += 120;
      data::write_png(root + "/" + std::to_string(c) + "/" + std::to_string(i) + ".png", image);
    }
  }
}

}  // namespace wavetwin::test
