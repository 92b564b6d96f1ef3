#include "datasets/prepare.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/error.h"
#include "datasets/dataset_file.h"
#include "datasets/labels.h"
#include "datasets/split_documents.h"
#include "tests/test_util.h"
#include "tools/corpus/generator.h"

namespace ner {
namespace {

// A generated corpus with its gold twin, prepared once with a tiny config.
class PrepareTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    directory_ = std::make_unique<testing::TempDir>();
    corpus::GeneratorOptions generator;
    generator.documents = 300;
    generator.seed = 4;
    corpus::write_corpus(
        generator, corpus::WriteOptions{
                       directory_->path() / "weak", directory_->path() / "gold", false, 1, {}});
    report_ = prepare_dataset(options(directory_->path() / "data.h5"));
    dataset_ = std::make_unique<DatasetFile>(read_dataset_file(directory_->path() / "data.h5"));
  }
  static void TearDownTestSuite() {
    dataset_.reset();
    directory_.reset();
  }
  static PrepareOptions options(const std::filesystem::path& out) {
    PrepareOptions options;
    options.data = directory_->path() / "weak";
    options.gold = directory_->path() / "gold";
    options.out = out;
    options.config.tokenizer.vocab_size = 800;
    options.config.max_len = 32;
    options.config.stride = 24;
    return options;
  }
  static const std::filesystem::path& dir() { return directory_->path(); }

  static inline std::unique_ptr<testing::TempDir> directory_;
  static inline PrepareReport report_;
  static inline std::unique_ptr<DatasetFile> dataset_;
};

TEST_F(PrepareTest, SplitsRecordTheirLabelSource) {
  EXPECT_EQ(dataset_->split(Split::kTrain).label_source, "weak");
  EXPECT_EQ(dataset_->split(Split::kDev).label_source, "gold");
  EXPECT_EQ(dataset_->split(Split::kTest).label_source, "gold");
  std::size_t total = 0;
  for (const Split split : kSplits)
    total += dataset_->split(split).document_names.size();
  EXPECT_EQ(total, 300u);
  EXPECT_GT(dataset_->split(Split::kDev).document_names.size(), 10u);
  EXPECT_EQ(report_.split_method, "hash");
  EXPECT_TRUE(report_.tokenizer_trained);
  EXPECT_NE(dataset_->report_json.find("misaligned_boundaries"), std::string::npos);
}

TEST_F(PrepareTest, PieceOffsetsReconstructThePlainTextAndLabelsDecodeToTheSpans) {
  const LabelSet label_set(parse_tag_scheme(dataset_->tag_scheme));
  std::size_t checked_spans = 0;
  for (const Split split : {Split::kDev, Split::kTest, Split::kTrain}) {
    const DatasetSplit& data = dataset_->split(split);
    const auto documents = split_documents(data);
    for (std::size_t d = 0; d < documents.size(); ++d) {
      const std::string& name = data.document_names[d];
      const Document gold = parse_tagged_text(testing::read_text_file(dir() / "gold" / name), name);
      std::string rebuilt;
      for (const Piece& piece : documents[d].pieces)
        rebuilt += gold.text.substr(piece.begin, piece.end - piece.begin);
      ASSERT_EQ(rebuilt, gold.text) << name;
      if (split == Split::kTrain) continue;  // train labels are weak
      const auto decoded = decode_labels(documents[d].labels, documents[d].pieces, label_set);
      ASSERT_EQ(decoded.size(), gold.spans.size()) << name;
      for (std::size_t s = 0; s < decoded.size(); ++s) {
        EXPECT_EQ(decoded[s].type, gold.spans[s].type);
        EXPECT_EQ(decoded[s].begin, gold.spans[s].begin);
        EXPECT_EQ(decoded[s].end, gold.spans[s].end);
        ++checked_spans;
      }
    }
  }
  EXPECT_GT(checked_spans, 100u);
  EXPECT_EQ(report_.misaligned_boundaries, 0u);
}

TEST_F(PrepareTest, RepeatedRunsGiveTheSameDataset) {
  prepare_dataset(options(dir() / "again.h5"));
  const DatasetFile again = read_dataset_file(dir() / "again.h5");
  EXPECT_EQ(again.tokenizer_model, dataset_->tokenizer_model);
  for (const Split split : kSplits) {
    EXPECT_EQ(again.split(split).document_names, dataset_->split(split).document_names);
    EXPECT_EQ(again.split(split).piece_ids, dataset_->split(split).piece_ids);
    EXPECT_EQ(again.split(split).labels, dataset_->split(split).labels);
  }
}

TEST_F(PrepareTest, ReusedTokenizerGivesTheSamePieces) {
  testing::TempDir scratch;
  const auto model = scratch.write("tokenizer.model", dataset_->tokenizer_model);
  PrepareOptions reuse = options(scratch.path() / "reuse.h5");
  reuse.tokenizer_model = model;
  const PrepareReport report = prepare_dataset(reuse);
  EXPECT_FALSE(report.tokenizer_trained);
  const DatasetFile reused = read_dataset_file(scratch.path() / "reuse.h5");
  EXPECT_EQ(reused.split(Split::kTest).piece_ids, dataset_->split(Split::kTest).piece_ids);
}

TEST_F(PrepareTest, WithoutGoldEverySplitIsWeak) {
  PrepareOptions weak_only = options(dir() / "weak-only.h5");
  weak_only.gold.clear();
  const PrepareReport report = prepare_dataset(weak_only);
  for (const std::string& source : report.label_source)
    EXPECT_EQ(source, "weak");
}

// Three weak documents under weak/`folder` and the gold twin of the first
// (a.txt) under gold/`folder`; options that prepare them into out.h5.
PrepareOptions three_documents_with_one_twin(const testing::TempDir& scratch,
                                             const std::string& folder) {
  scratch.write("weak/" + folder + "a.txt", "<model>GPT-3</model> was trained in 2020.");
  scratch.write("weak/" + folder + "b.txt", "<model>OPT</model> text.");
  scratch.write("weak/" + folder + "c.txt", "Another <year>2021</year> text.");
  scratch.write("gold/" + folder + "a.txt",
                "<model>GPT-3</model> was trained in <year>2020</year>.");
  PrepareOptions options;
  options.data = scratch.path() / "weak";
  options.gold = scratch.path() / "gold";
  options.out = scratch.path() / "out.h5";
  return options;
}

TEST_F(PrepareTest, GoldTwinWithDifferentTextIsRejected) {
  testing::TempDir scratch;
  PrepareOptions bad = three_documents_with_one_twin(scratch, "");
  scratch.write("gold/b.txt", "<model>OPT</model> text!");
  scratch.write("gold/c.txt", "Another <year>2021</year> text.");
  bad.config.tokenizer.vocab_size = 64;
  bad.config.split_fractions = SplitFractions{0.01, 0.0, 0.99};  // b.txt lands in test
  try {
    prepare_dataset(bad);
    FAIL() << "expected an error";
  } catch (const Error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("plain text differs"), std::string::npos) << message;
    EXPECT_NE(message.find("at line 1, column 9 of the plain text (byte 8)"), std::string::npos)
        << message;
  }
  EXPECT_FALSE(std::filesystem::exists(scratch.path() / "out.h5"));
}

// Every document's twin is checked, train ones too: a missing twin, a
// different plain text and a malformed twin each name both files, and
// --on-error=skip leaves the document out and reports it.
TEST_F(PrepareTest, GoldTwinsOfTrainDocumentsAreCheckedToo) {
  testing::TempDir scratch;
  PrepareOptions options = three_documents_with_one_twin(scratch, "train/");
  scratch.write("gold/train/c.txt", "Another <year>2021</year> text!");
  options.config.split = "folders";
  options.tokenizer_model = scratch.write("tokenizer.model", dataset_->tokenizer_model);
  const auto error_of = [&]() -> std::string {
    try {
      prepare_dataset(options);
    } catch (const Error& error) {
      return error.what();
    }
    return "no error";
  };
  const std::string weak_b = (scratch.path() / "weak/train/b.txt").string();
  const std::string weak_c = (scratch.path() / "weak/train/c.txt").string();
  const std::string gold_c = (scratch.path() / "gold/train/c.txt").string();
  std::string message = error_of();
  EXPECT_NE(message.find(weak_b + ": its gold twin " +
                         (scratch.path() / "gold/train/b.txt").string() + " is missing"),
            std::string::npos)
      << message;
  scratch.write("gold/train/b.txt", "<model>OPT</model> text.");
  message = error_of();
  EXPECT_NE(message.find(gold_c + ": plain text differs from " + weak_c), std::string::npos)
      << message;
  scratch.write("gold/train/c.txt", "Another <year>2021 text.");
  message = error_of();
  EXPECT_NE(message.find(gold_c + ":1:9: unclosed tag"), std::string::npos) << message;
  EXPECT_NE(message.find("(gold twin of " + weak_c + ")"), std::string::npos) << message;
  EXPECT_FALSE(std::filesystem::exists(options.out));

  std::vector<SkippedDocument> skipped;
  options.on_error = OnError::kSkip;
  options.on_skip = [&](const SkippedDocument& document) { skipped.push_back(document); };
  const PrepareReport report = prepare_dataset(options);
  EXPECT_EQ(report.skipped_documents, 1u);
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_EQ(skipped[0].path, weak_c);
  EXPECT_NE(skipped[0].reason.find("unclosed tag"), std::string::npos) << skipped[0].reason;
  EXPECT_EQ(read_dataset_file(options.out).split(Split::kTrain).document_names,
            (std::vector<std::string>{"train/a.txt", "train/b.txt"}));
}

TEST_F(PrepareTest, WeakTrainingTextHasUnknownPiecesAndGoldHasNone) {
  const auto unknown = [&](Split split) {
    const auto& mask = dataset_->split(split).unknown;
    return static_cast<std::size_t>(std::count(mask.begin(), mask.end(), 1));
  };
  EXPECT_GT(unknown(Split::kTrain), 0u) << "untagged mentions of the weak corpus";
  EXPECT_EQ(unknown(Split::kDev), 0u);
  EXPECT_EQ(unknown(Split::kTest), 0u);
  EXPECT_EQ(report_.unknown_pieces[0], unknown(Split::kTrain));
  // An unknown piece never carries an entity label.
  const DatasetSplit& train = dataset_->split(Split::kTrain);
  for (std::size_t p = 0; p < train.unknown.size(); ++p) {
    if (train.unknown[p] != 0) {
      ASSERT_EQ(train.labels[p], LabelSet::kOutside) << p;
    }
  }
  PrepareOptions all_known = options(dir() / "all-known.h5");
  all_known.config.weak_unknown = false;
  prepare_dataset(all_known);
  const DatasetFile known = read_dataset_file(all_known.out);
  const auto& known_mask = known.split(Split::kTrain).unknown;
  EXPECT_EQ(std::count(known_mask.begin(), known_mask.end(), 1), 0);
}

TEST_F(PrepareTest, SeveralCorporaAreSplitOnTheirOwnAndRecorded) {
  testing::TempDir scratch;
  corpus::GeneratorOptions generator;
  generator.documents = 60;
  generator.seed = 9;
  corpus::write_corpus(generator, corpus::WriteOptions{scratch.path() / "other", {}, false, 1, {}});
  PrepareOptions mixture = options(scratch.path() / "mixture.h5");
  mixture.data.clear();
  mixture.gold.clear();
  mixture.corpora = {
      parse_prepare_corpus("generated=" + (dir() / "weak").string() +
                           ",gold=" + (dir() / "gold").string()),
      parse_prepare_corpus("real=" + (scratch.path() / "other").string() + ",weight=2.5")};
  const PrepareReport report = prepare_dataset(mixture);
  const DatasetFile dataset = read_dataset_file(mixture.out);
  ASSERT_EQ(dataset.corpora.size(), 2u);
  EXPECT_EQ(dataset.corpora[0].name, "generated");
  EXPECT_TRUE(dataset.corpora[0].has_gold);
  EXPECT_EQ(dataset.corpora[1].weight, 2.5f);
  EXPECT_FALSE(dataset.corpora[1].has_gold);
  EXPECT_EQ(dataset.split(Split::kDev).label_source, "mixed");
  std::size_t real_documents = 0;
  for (const Split split : kSplits) {
    const DatasetSplit& data = dataset.split(split);
    for (std::size_t d = 0; d < data.document_names.size(); ++d) {
      const std::string prefix = data.document_corpus[d] == 0 ? "generated/" : "real/";
      EXPECT_EQ(data.document_names[d].rfind(prefix, 0), 0u) << data.document_names[d];
      real_documents += data.document_corpus[d] == 1 ? 1 : 0;
    }
  }
  EXPECT_EQ(real_documents, 60u);
  // The generated corpus splits exactly as it does alone.
  EXPECT_EQ(report.corpora[0]["documents"]["dev"].get<std::size_t>(),
            dataset_->split(Split::kDev).document_names.size());
  EXPECT_THROW(parse_prepare_corpus("noname"), Error);
  EXPECT_THROW(parse_prepare_corpus("a=dir,weight=0"), Error);
  EXPECT_THROW(parse_prepare_corpus("a=dir,weight=x"), Error);
  EXPECT_THROW(parse_prepare_corpus("a=dir,colour=red"), Error);
  EXPECT_THROW(parse_prepare_corpus("a/b=dir"), Error);
}

// Per byte offset of a piece's content in document `name`, whether the piece
// is unknown.
std::map<std::int64_t, bool> unknown_by_offset(const DatasetSplit& split, const std::string& name) {
  std::map<std::int64_t, bool> unknown;
  const auto found = std::find(split.document_names.begin(), split.document_names.end(), name);
  if (found == split.document_names.end()) return unknown;
  const auto document = static_cast<std::int32_t>(found - split.document_names.begin());
  for (std::size_t w = 0; w < split.window_count(); ++w) {
    if (split.window_document[w] != document) continue;
    for (auto p = split.window_offsets[w]; p < split.window_offsets[w + 1]; ++p) {
      const auto piece = static_cast<std::size_t>(p);
      unknown[split.piece_content_begin[piece]] = split.unknown[piece] != 0;
    }
  }
  return unknown;
}

// Confident O: weak text the unknown rules mark trains as O where the teacher
// left it untagged; what the teacher tagged (at any score) stays unknown.
TEST_F(PrepareTest, TeacherLeavesUntaggedNameLikeTextAsO) {
  testing::TempDir scratch;
  const std::string text =
      "We trained Foo-7 and compare it with BarNet-2 and ZapLM on A100 chips.\n";
  scratch.write("real/train/a.txt",
                "We trained <model>Foo-7</model> and compare it with BarNet-2 and ZapLM on A100 "
                "chips.\n");
  // ZapLM (code points 50-55) at a low score; nothing else.
  const nlohmann::json line = {
      {"document", "train/a.txt"},
      {"text", text},
      {"entities", {{{"start", 50}, {"end", 55}, {"label", "model"}, {"score", 0.3}}}}};
  const std::filesystem::path teacher = scratch.write("teacher.jsonl", line.dump() + "\n");
  const auto prepared = [&](const std::string& real, const std::string& out) {
    PrepareOptions mixture = options(scratch.path() / out);
    mixture.data.clear();
    mixture.gold.clear();
    mixture.corpora = {parse_prepare_corpus("generated=" + (dir() / "weak").string() +
                                            ",gold=" + (dir() / "gold").string()),
                       parse_prepare_corpus(real)};
    const PrepareReport report = prepare_dataset(mixture);
    return std::pair{report, unknown_by_offset(read_dataset_file(mixture.out).split(Split::kTrain),
                                               "real/train/a.txt")};
  };
  const std::string real = "real=" + (scratch.path() / "real").string();
  const auto [plain_report, plain] = prepared(real, "plain.h5");
  const auto [taught_report, taught] = prepared(real + ",teacher=" + teacher.string(), "taught.h5");
  ASSERT_FALSE(plain.empty());
  ASSERT_FALSE(taught.empty());
  const auto unknown_at = [&](const std::map<std::int64_t, bool>& pieces, const std::string& word) {
    const auto at = static_cast<std::int64_t>(text.find(word));
    const auto piece = pieces.find(at);
    return piece != pieces.end() && piece->second;
  };
  for (const std::string word : {"BarNet-2", "ZapLM", "A100"})
    EXPECT_TRUE(unknown_at(plain, word)) << word << " without a teacher";
  EXPECT_FALSE(unknown_at(taught, "BarNet-2"));
  EXPECT_FALSE(unknown_at(taught, "A100"));
  EXPECT_TRUE(unknown_at(taught, "ZapLM")) << "the teacher tagged it, if unsure";
  EXPECT_EQ(plain_report.teacher_documents, 0u);
  EXPECT_EQ(taught_report.teacher_documents, 1u);
  EXPECT_EQ(taught_report.teacher_outside_ranges, 2u);
  EXPECT_EQ(taught_report.to_json()["teacher_outside_ranges"], 2);

  // A teacher that tagged another text is refused, naming its file.
  const nlohmann::json other = {{"document", "train/a.txt"}, {"text", "other"}, {"entities", {}}};
  const std::filesystem::path wrong = scratch.write("wrong.jsonl", other.dump() + "\n");
  try {
    prepared(real + ",teacher=" + wrong.string(), "wrong.h5");
    ADD_FAILURE() << "a teacher of another text was taken";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("wrong.jsonl"), std::string::npos) << error.what();
  }
  EXPECT_EQ(parse_prepare_corpus("a=dir,teacher=t.jsonl").teacher, "t.jsonl");
}

TEST(PrepareFolders, FolderSplitFromTheGeneratorsNameSplit) {
  testing::TempDir scratch;
  corpus::GeneratorOptions generator;
  generator.documents = 120;
  generator.name_split = true;
  corpus::write_corpus(
      generator,
      corpus::WriteOptions{scratch.path() / "weak", scratch.path() / "gold", false, 1, {}});
  PrepareOptions options;
  options.data = scratch.path() / "weak";
  options.gold = scratch.path() / "gold";
  options.out = scratch.path() / "data.h5";
  options.config.tokenizer.vocab_size = 600;
  const PrepareReport report = prepare_dataset(options);
  EXPECT_EQ(report.split_method, "folders");
  const DatasetFile dataset = read_dataset_file(options.out);
  for (const Split split : kSplits) {
    for (const std::string& name : dataset.split(split).document_names) {
      EXPECT_EQ(name.rfind(std::string(split_name(split)) + "/", 0), 0u) << name;
    }
  }
}

}  // namespace
}  // namespace ner
