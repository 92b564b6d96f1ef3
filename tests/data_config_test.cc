#include "datasets/data_config.h"

#include <gtest/gtest.h>

#include <string>

#include "base/error.h"

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

}  // namespace
}  // namespace ner
