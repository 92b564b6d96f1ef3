#include "datasets/corpus.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/file_io.h"
#include "tests/test_util.h"

namespace ner {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> names_of(const std::vector<Document>& documents) {
  std::vector<std::string> names;
  for (const Document& document : documents)
    names.push_back(document.name);
  return names;
}

TEST(Corpus, ListsTxtFilesRecursivelyInAStableOrder) {
  testing::TempDir dir;
  // Written out of order; the listing must not depend on creation order.
  dir.write("b.txt", "b");
  dir.write("a/z.txt", "z");
  dir.write("A.txt", "A");
  dir.write("a/deep/er/x.txt", "x");
  dir.write("a/b.txt", "ab");
  dir.write("notes.md", "# not a document");
  dir.write("a/data.txt.bak", "not a document either");
  const std::vector<Document> documents = read_corpus(dir.path(), CorpusOptions{});
  EXPECT_EQ(names_of(documents),
            (std::vector<std::string>{"A.txt", "a/b.txt", "a/deep/er/x.txt", "a/z.txt", "b.txt"}));
  EXPECT_EQ(documents[1].text, "ab");
}

TEST(Corpus, GlobsChooseFilesByNameAndTheRestIsCounted) {
  testing::TempDir dir;
  dir.write("paper.md", "m");
  dir.write("a/notes.MD", "M");
  dir.write("a/deep/talk.md", "t");
  dir.write("a/b.txt", "b");
  dir.write("a/.hidden.md", "h");
  dir.write("README", "r");
  const CorpusListing markdown = list_corpus(dir.path(), {"*.md"});
  std::vector<std::string> names;
  for (const auto& file : markdown.files)
    names.push_back(corpus_document_name(dir.path(), file));
  EXPECT_EQ(names, (std::vector<std::string>{"a/deep/talk.md", "paper.md"}));
  const std::map<std::string, std::size_t> others = {
      {"(no extension)", 1}, {"*.MD", 1}, {"*.md", 1}, {"*.txt", 1}};
  EXPECT_EQ(markdown.other_files, others);  // a leading dot is matched only explicitly
  EXPECT_EQ(list_corpus(dir.path(), {"*.md", "*.MD", "*.txt"}).files.size(), 4u);
  EXPECT_EQ(list_corpus(dir.path()).files.size(), 1u);  // *.txt
}

TEST(Corpus, SingleFileRoot) {
  testing::TempDir dir;
  const auto file = dir.write("one.text", "<year>2019</year>");
  const std::vector<Document> documents = read_corpus(file, CorpusOptions{});
  ASSERT_EQ(documents.size(), 1u);
  EXPECT_EQ(documents[0].name, "one.text");
  EXPECT_EQ(documents[0].spans.size(), 1u);
}

TEST(Corpus, MissingRootIsAClearError) {
  try {
    read_corpus("/nonexistent/corpus/dir", CorpusOptions{});
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()), "/nonexistent/corpus/dir: no such file or directory");
  }
}

TEST(Corpus, FailPolicyStopsAtTheFirstBadDocumentWithItsLocation) {
  testing::TempDir dir;
  dir.write("1.txt", "<model>ok</model>");
  const auto bad = dir.write("2.txt", "fine\nthen <model>unclosed");
  dir.write("3.txt", "<year>2020</year>");
  try {
    read_corpus(dir.path(), CorpusOptions{});
    FAIL() << "expected an error";
  } catch (const Error& error) {
    ASSERT_TRUE(error.location().has_value());
    EXPECT_EQ(error.location()->file, bad.string());
    EXPECT_EQ(error.location()->line, 2u);
    EXPECT_EQ(error.location()->column, 6u);
  }
}

TEST(Corpus, SkipPolicyReportsEachSkippedFileAndGoesOn) {
  testing::TempDir dir;
  dir.write("1.txt", "<model>ok</model>");
  dir.write("2.txt", "<model>unclosed");
  dir.write("3.txt", "bad \xFF utf8");
  dir.write("4.txt", "<year>2020</year>");
  CorpusOptions options;
  options.on_error = OnError::kSkip;
  std::vector<std::string> reported;
  options.on_skip = [&](const SkippedDocument& skipped) { reported.push_back(skipped.path); };
  CorpusReport report;
  const std::vector<Document> documents = read_corpus(dir.path(), options, &report);
  EXPECT_EQ(names_of(documents), (std::vector<std::string>{"1.txt", "4.txt"}));
  EXPECT_EQ(report.files, 4u);
  EXPECT_EQ(report.read, 2u);
  ASSERT_EQ(report.skipped.size(), 2u);
  EXPECT_EQ(reported, (std::vector<std::string>{(dir.path() / "2.txt").string(),
                                                (dir.path() / "3.txt").string()}));
  EXPECT_NE(report.skipped[0].reason.find("2.txt:1:1: unclosed tag <model>"), std::string::npos);
  EXPECT_NE(report.skipped[1].reason.find("3.txt:1:5: invalid UTF-8"), std::string::npos);
}

// A *.txt link that leads nowhere or into a loop is a document that cannot
// be read: an error under kFail, reported and skipped under kSkip; links to
// folders are still not followed.
TEST(Corpus, BrokenLinksFollowTheErrorPolicy) {
  testing::TempDir dir;
  dir.write("corpus/1.txt", "<model>ok</model>");
  const fs::path corpus = dir.path() / "corpus";
  fs::create_symlink(dir.path() / "gone.txt", corpus / "2.txt");
  fs::create_symlink("3.txt", corpus / "3.txt");
  fs::create_directory_symlink(corpus, corpus / "itself");
  try {
    read_corpus(corpus, CorpusOptions{});
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()), (corpus / "2.txt").string() + ": a symbolic link to " +
                                             (dir.path() / "gone.txt").string() +
                                             ", which does not exist");
  }
  CorpusOptions options;
  options.on_error = OnError::kSkip;
  std::vector<std::string> reported;
  options.on_skip = [&](const SkippedDocument& skipped) { reported.push_back(skipped.reason); };
  CorpusReport report;
  EXPECT_EQ(names_of(read_corpus(corpus, options, &report)), (std::vector<std::string>{"1.txt"}));
  EXPECT_EQ(report.files, 3u);
  ASSERT_EQ(reported.size(), 2u);
  EXPECT_EQ(reported[1], (corpus / "3.txt").string() + ": a symbolic-link loop");
}

TEST(Corpus, ARootThatLoopsSaysSo) {
  testing::TempDir dir;
  fs::create_symlink("loop", dir.path() / "loop");
  try {
    read_corpus(dir.path() / "loop", CorpusOptions{});
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()), (dir.path() / "loop").string() + ": a symbolic-link loop");
  }
}

// A subfolder that cannot be listed stops the reading under kFail; under
// kSkip it is reported and the rest is read.
TEST(Corpus, UnreadableSubfolderFollowsTheErrorPolicy) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads folders whatever their permissions";
  testing::TempDir dir;
  dir.write("1.txt", "<model>ok</model>");
  dir.write("locked/2.txt", "<model>hidden</model>");
  fs::permissions(dir.path() / "locked", fs::perms::none);
  EXPECT_THROW(read_corpus(dir.path(), CorpusOptions{}), Error);
  CorpusOptions options;
  options.on_error = OnError::kSkip;
  CorpusReport report;
  EXPECT_EQ(names_of(read_corpus(dir.path(), options, &report)),
            (std::vector<std::string>{"1.txt"}));
  ASSERT_EQ(report.skipped.size(), 1u);
  EXPECT_NE(report.skipped[0].reason.find("locked: cannot list directory"), std::string::npos);
  fs::permissions(dir.path() / "locked", fs::perms::owner_all);
}

// Removing an old corpus leaves other files, and no folder it emptied.
TEST(Corpus, RemoveCorpusFilesKeepsOtherFiles) {
  testing::TempDir dir;
  dir.write("a.txt", "a");
  dir.write("train/b.txt", "b");
  dir.write("notes/keep.md", "kept");
  dir.write("notes/c.txt", "c");
  remove_corpus_files(dir.path());
  EXPECT_TRUE(list_corpus_files(dir.path()).empty());
  EXPECT_FALSE(fs::exists(dir.path() / "train"));
  EXPECT_TRUE(fs::exists(dir.path() / "notes" / "keep.md"));
}

TEST(Corpus, ErrorPolicyNames) {
  EXPECT_EQ(parse_on_error("fail"), OnError::kFail);
  EXPECT_EQ(parse_on_error("skip"), OnError::kSkip);
  EXPECT_THROW(parse_on_error("ignore"), Error);
}

TEST(Corpus, ReadFileNamesTheFileOnFailure) {
  try {
    read_file("/nonexistent/file.txt");
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()).rfind("/nonexistent/file.txt: cannot open", 0), 0u);
  }
}

TEST(Corpus, SeedsReadInOrder) {
  const std::vector<Document> documents = read_corpus(testing::seeds_dir(), CorpusOptions{});
  EXPECT_EQ(names_of(documents),
            (std::vector<std::string>{"000_49a22e2399bb6523.txt", "001_32e9290f6caff56c.txt",
                                      "002_16a605a903a7d56a.txt"}));
}

}  // namespace
}  // namespace ner
