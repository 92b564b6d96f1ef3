// A corpus: every *.txt document under a directory, read in a stable order,
// with an error policy. Used by ner-corpus, ner-train prepare and ner-eval.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "datasets/tagged_text.h"

namespace ner {

enum class OnError { kFail, kSkip };

// "fail" or "skip"; throws ner::Error for anything else.
OnError parse_on_error(std::string_view name);

struct SkippedDocument {
  std::string path;    // as given to the reader, for the user to find it
  std::string reason;  // the error, with file:line:column where it applies
};

struct CorpusOptions {
  OnError on_error = OnError::kFail;
  // Called for each skipped document as it happens (kSkip only).
  std::function<void(const SkippedDocument&)> on_skip;
};

struct CorpusReport {
  std::size_t files = 0;  // *.txt files found, and entries that could not be read
  std::size_t read = 0;   // documents parsed and visited
  std::vector<SkippedDocument> skipped;
};

struct CorpusListing {
  std::vector<std::filesystem::path> files;
  // Regular files passed over because their names match no glob, counted
  // per extension ("*.md"), for messages that say what else was there.
  std::map<std::string, std::size_t> other_files;
  // What could not be read: a *.txt symbolic link that leads nowhere or into
  // a loop, a subfolder that cannot be listed; each with its reason.
  std::vector<SkippedDocument> unreadable;
};

// The corpus files under `root`: every regular file named *.txt, recursively,
// sorted by relative path (bytewise) so the order never depends on the file
// system. Symbolic links to files are followed, links to directories are not
// (they could form cycles). A `root` that is a file is the corpus of that one
// file, whatever its extension. Throws ner::Error if `root` is missing (or a
// link that leads nowhere) or cannot be listed.
CorpusListing list_corpus(const std::filesystem::path& root);
// The same for the files whose names match one of `globs` (fnmatch(3) on the
// file name; a leading dot must be matched explicitly) instead of *.txt.
CorpusListing list_corpus(const std::filesystem::path& root, const std::vector<std::string>& globs);

// The same, throwing ner::Error for the first entry that cannot be read.
std::vector<std::filesystem::path> list_corpus_files(const std::filesystem::path& root);

// Removes every *.txt file (or link) under `root`, and the folders that
// leaves empty, so that a corpus written there afterwards is the only one.
// Other files stay. Throws ner::Error naming what cannot be removed.
void remove_corpus_files(const std::filesystem::path& root);

// The name a document gets in the corpus: its path relative to `root` with
// '/' separators, or the file name when `root` is the file itself.
std::string corpus_document_name(const std::filesystem::path& root,
                                 const std::filesystem::path& file);

// Parses each document and hands it to `visit`, one at a time, so a corpus
// never has to fit in memory. Under kFail the first bad document (or entry
// that cannot be read) throws ner::Error; under kSkip it is reported and left
// out.
CorpusReport for_each_document(const std::filesystem::path& root, const CorpusOptions& options,
                               const std::function<void(Document&&)>& visit);

// All documents of a corpus, in corpus order.
std::vector<Document> read_corpus(const std::filesystem::path& root, const CorpusOptions& options,
                                  CorpusReport* report = nullptr);

}  // namespace ner
