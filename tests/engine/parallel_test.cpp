// in_parts: the parts cover the range once, in order, each at least the smallest size asked for.

#include "engine/parallel.h"

#include <gtest/gtest.h>

#include <thread>
#include <utility>

namespace huikuan {
namespace {

using Part = std::pair<size_t, size_t>;

TEST(InPartsTest, GivenALargeRange_ThenConsecutivePartsCoverItOnceInOrder) {
  const auto parts = in_parts(100'001, 1'000, [](size_t begin, size_t end) {
    return Part{begin, end};
  });
  const size_t cores = std::max(1u, std::thread::hardware_concurrency());
  ASSERT_EQ(parts.size(), std::min<size_t>(cores, 100));
  size_t next = 0;
  for (const auto& [begin, end] : parts) {
    EXPECT_EQ(begin, next);
    EXPECT_GE(end - begin, 1'000u);
    next = end;
  }
  EXPECT_EQ(next, 100'001u);
}

TEST(InPartsTest, GivenFewerThanTwoSmallestParts_ThenOnePartOnTheCallingThread) {
  const auto caller = std::this_thread::get_id();
  const auto parts = in_parts(1'999, 1'000, [&](size_t begin, size_t end) {
    EXPECT_EQ(std::this_thread::get_id(), caller);
    return Part{begin, end};
  });
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts.front(), (Part{0, 1'999}));
}

TEST(InPartsTest, GivenAnEmptyRange_ThenOneEmptyPart) {
  const auto parts = in_parts(0, 1'000, [](size_t begin, size_t end) { return Part{begin, end}; });
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts.front(), (Part{0, 0}));
}

}  // namespace
}  // namespace huikuan
