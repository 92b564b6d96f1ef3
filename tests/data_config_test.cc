#include "datasets/data_config.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "base/error.h"
#include "tests/test_util.h"

namespace ner {
namespace {

TEST(DataConfig, YamlThenOverrides) {
  DataConfig config;
  apply_yaml(
      config,
      "tokenizer:\n  vocab_size: 1234\ndata:\n  max_len: 100\n  stride: 50\nmodel:\n  layers: 4\n",
      "c.yaml");
  EXPECT_EQ(config.tokenizer.vocab_size, 1234);
  EXPECT_EQ(config.max_len, 100u);
  apply_override(config, "data.max_len=80");
  apply_override(config, "data.split_fractions=[0.7, 0.2, 0.1]");
  EXPECT_EQ(config.max_len, 80u);
  EXPECT_DOUBLE_EQ(config.split_fractions.dev, 0.2);
  EXPECT_NO_THROW(validate(config));
  // The resolved config reads back to the same values.
  DataConfig again;
  apply_yaml(again, to_yaml(config), "dump");
  EXPECT_EQ(to_yaml(again), to_yaml(config));
}

TEST(DataConfig, UnknownKeysAndBadValuesNameTheirPlace) {
  DataConfig config;
  try {
    apply_yaml(config, "data:\n  max_len: 64\n  max_lenght: 128\n", "configs/x.yaml");
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()),
              "configs/x.yaml:3:3: unknown configuration key 'data.max_lenght'");
  }
  EXPECT_THROW(apply_yaml(config, "data:\n  max_len: many\n", "c"), Error);
  EXPECT_THROW(apply_yaml(config, "optimizer:\n  lr: 1\n", "c"), Error);
  EXPECT_THROW(apply_yaml(config, "data: [1, 2\n", "c"), Error);
  EXPECT_THROW(apply_override(config, "max_len=3"), Error);
  EXPECT_THROW(apply_override(config, "data.nothing=3"), Error);
  DataConfig bad;
  bad.stride = bad.max_len + 1;
  EXPECT_THROW(validate(bad), Error);
  DataConfig automatic;
  automatic.max_len = 64;
  EXPECT_NO_THROW(validate(automatic));
  EXPECT_EQ(automatic.effective_stride(), 48u);
  DataConfig wrong_scheme;
  wrong_scheme.tag_scheme = "bioes";
  EXPECT_THROW(validate(wrong_scheme), Error);
}

// The message of the ner::Error `action` throws.
std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& error) {
    return error.what();
  }
  return "no error";
}

// A value out of range is reported where it was given: the file, line and
// column of its YAML value, or the --set that gave it.
TEST(DataConfig, RangeErrorsNameWhereTheValueWasGiven) {
  testing::TempDir dir;
  const auto file = dir.write("c.yaml", "data:\n  stride: 4\n  max_len: 4\n");
  EXPECT_EQ(error_of([&] { load_data_config(file, {}); }),
            file.string() + ":3:12: data.max_len must be at least 8, got 4");
  EXPECT_EQ(error_of([&] {
              load_data_config(file, {"data.max_len=64", "tokenizer.vocab_size=10"});
            }),
            "--set tokenizer.vocab_size=10: tokenizer.vocab_size must be at least 64, got 10");
  const auto fractional = dir.write("f.yaml", "data:\n  max_len: 2.5\n");
  EXPECT_EQ(error_of([&] { load_data_config(fractional, {}); }),
            fractional.string() +
                ":2:12: 'data.max_len' must be a whole number, 0 or more, not "
                "'2.5'");
}

// yaml-cpp keeps the last of two equal keys; a config refuses them.
TEST(DataConfig, AKeyGivenTwiceIsAnError) {
  DataConfig config;
  EXPECT_EQ(error_of([&] {
              apply_yaml(config, "data:\n  max_len: 64\n  seed: 2\n  max_len: 128\n", "c.yaml");
            }),
            "c.yaml:4:3: 'data.max_len' is given twice (first at line 2); keep one");
  EXPECT_EQ(error_of([&] {
              apply_yaml(config, "data:\n  seed: 2\ntokenizer: {}\ndata:\n  seed: 3\n", "c.yaml");
            }),
            "c.yaml:4:1: 'data' is given twice (first at line 1); keep one");
}

}  // namespace
}  // namespace ner
