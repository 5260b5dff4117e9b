// tests/macs_test.cpp: MacCounter's scoping.
#include "wavetwin/macs.h"

#include <gtest/gtest.h>

#include <thread>

namespace wavetwin {
namespace {

TEST(MacCounterTest, CountsWhileAliveAndOnlyTheInnermost) {
  MacCounter::report(5);  // no counter: ignored
  MacCounter outer;
  MacCounter::report(10);
  {
    MacCounter inner;
    MacCounter::report(7);
    EXPECT_EQ(inner.total(), 7);
  }
  MacCounter::report(1);
  EXPECT_EQ(outer.total(), 11);
}

TEST(MacCounterTest, OtherThreadsDoNotCount) {
  MacCounter counter;
  std::thread([] { MacCounter::report(100); }).join();
  EXPECT_EQ(counter.total(), 0);
}

}  // namespace
}  // namespace wavetwin
