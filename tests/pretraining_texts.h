// Small untagged texts for the pretraining-text tests: a folder of *.txt and a
// JSON Lines file, written into a test's temporary directory. Test-only code.
#pragma once

#include <cstddef>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/test_util.h"

namespace ner::testing {

// Sentences about models and their training, varied enough for a tokenizer
// of a few hundred pieces to learn from.
inline std::string sample_paragraph(std::size_t seed, std::size_t sentences) {
  static constexpr const char* kSubjects[] = {"The model", "Our encoder",         "BERT-base",
                                              "GPT-3",     "A small transformer", "The baseline",
                                              "Llama 2",   "The décodeur",        "This network"};
  static constexpr const char* kVerbs[] = {"was trained on",     "uses",  "reaches 91.2% with",
                                           "was evaluated with", "needs", "was pretrained on"};
  static constexpr const char* kObjects[] = {"512 NVIDIA A100 GPUs",
                                             "175B parameters",
                                             "three weeks of compute",
                                             "the Pile",
                                             "ImageNet — 1.28M images",
                                             "1.5 million steps",
                                             "TPU v4 pods",
                                             "a 32k vocabulary"};
  std::string text;
  for (std::size_t s = 0; s < sentences; ++s) {
    const std::size_t i = seed * 7 + s * 3;
    if (s > 0) text += ' ';
    text += kSubjects[i % 9];
    text += ' ';
    text += kVerbs[(i / 2) % 6];
    text += ' ';
    text += kObjects[(i / 3) % 8];
    text += '.';
  }
  return text;
}

struct SampleTexts {
  std::filesystem::path folder;  // a.txt, c.txt, sub/b.txt, a blank file, a non-.txt file
  std::filesystem::path jsonl;   // two documents, a blank line, an empty text
  // The documents with text, in the order the inputs {folder, jsonl} give them.
  std::vector<std::string> documents;
};

inline SampleTexts write_sample_texts(const TempDir& dir) {
  SampleTexts texts;
  texts.folder = dir.path() / "texts";
  const std::string a = sample_paragraph(1, 14) + "\n\n" + sample_paragraph(2, 9) + "\n";
  const std::string c = sample_paragraph(3, 1);
  const std::string b = sample_paragraph(4, 6) + "\r\n" + sample_paragraph(5, 6);
  dir.write("texts/a.txt", a);
  dir.write("texts/blank.txt", "  \n\t\n");
  dir.write("texts/c.txt", c);
  dir.write("texts/sub/b.txt", b);
  dir.write("texts/notes.md", "not a document");
  const std::string j1 = sample_paragraph(6, 8);
  const std::string j2 = sample_paragraph(7, 3) + "\n\n" + sample_paragraph(8, 3);
  texts.jsonl = dir.write(
      "docs.jsonl", nlohmann::json{{"id", "j1"}, {"text", j1}}.dump() + "\n\n" +
                        nlohmann::json{{"id", "j2"}, {"title", "T"}, {"text", j2}}.dump() + "\n" +
                        nlohmann::json{{"id", "j3"}, {"text", ""}}.dump() + "\n");
  texts.documents = {a, c, b, j1, j2};
  return texts;
}

}  // namespace ner::testing
