// tests/error_test.cpp: wavetwin::Error and WAVETWIN_CHECK.
#include "wavetwin/error.h"

#include "support/support.h"

TEST(ErrorTest, CheckThrowsWithConcatenatedMessage) {
  const int got = 3;
  EXPECT_THROW_WITH(WAVETWIN_CHECK(got == 4, "where: got ", got, "; expected 4"), "where: got 3; expected 4");
}

TEST(ErrorTest, CheckPassesSilently) { EXPECT_NO_THROW(WAVETWIN_CHECK(true, "never")); }

TEST(ErrorTest, ErrorIsARuntimeError) {
  EXPECT_THROW(WAVETWIN_FAIL("always"), std::runtime_error);
}
