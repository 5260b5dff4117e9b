// tests/support/test_main.cpp: the main of every test executable.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <thread>

int main(int argc, char** argv) {
  at::set_num_threads(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
