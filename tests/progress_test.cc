// The pieces of progress display: bars, durations and byte counts as people
// read them.
#include "base/progress.h"

#include <gtest/gtest.h>

namespace ner {
namespace {

TEST(Progress, BarsDurationsAndBytes) {
  EXPECT_EQ(progress_bar(0.0), "[........................]");
  EXPECT_EQ(progress_bar(0.5), "[############............]");
  EXPECT_EQ(progress_bar(2.0), "[########################]");
  EXPECT_EQ(format_duration(5.4), "5s");
  EXPECT_EQ(format_duration(185), "3m05s");
  EXPECT_EQ(format_duration(3720), "1h02m");
  EXPECT_EQ(format_bytes(812), "812 B");
  EXPECT_EQ(format_bytes(45'300), "45.3 KB");
  EXPECT_EQ(format_bytes(1'234'567), "1.2 MB");
  EXPECT_EQ(format_bytes(3.4e9), "3.40 GB");
}

}  // namespace
}  // namespace ner
