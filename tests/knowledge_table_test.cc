#include "datasets/knowledge_table.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "base/error.h"
#include "datasets/builtin_knowledge.h"
#include "tests/test_util.h"

namespace ner {
namespace {

using Row = std::vector<std::string>;
using Rows = std::vector<Row>;
using Lines = std::vector<std::size_t>;

// The whole message (location included) of the error parsing `content` raises.
std::string parse_error(std::string_view content, char delimiter = ',') {
  try {
    parse_knowledge_table(content, "facts.csv", delimiter);
  } catch (const Error& error) {
    return error.what();
  }
  return "(no error)";
}

std::string read_error(const std::filesystem::path& path) {
  try {
    read_knowledge_table(path);
  } catch (const Error& error) {
    return error.what();
  }
  return "(no error)";
}

TEST(KnowledgeTable, QuotedFieldsHoldCommasQuotesAndNewlines) {
  const KnowledgeTable table = parse_knowledge_table(
      "name,notes,year\n"
      "GPT-3,\"large, dense\",2020\n"
      "\"Say \"\"hi\"\"\",,\"\"\n"
      "\"multi\nline\nname\",\"a,\n\"\"b\"\"\",2022\n"
      "last, spaced ,2023\n",
      "facts.csv", ',');
  EXPECT_EQ(table.source, "facts.csv");
  EXPECT_EQ(table.header, (Row{"name", "notes", "year"}));
  EXPECT_EQ(table.rows, (Rows{{"GPT-3", "large, dense", "2020"},
                              {"Say \"hi\"", "", ""},
                              {"multi\nline\nname", "a,\n\"b\"", "2022"},
                              {"last", " spaced ", "2023"}}));
  // The row with three quoted line breaks spans lines 4 to 7.
  EXPECT_EQ(table.row_lines, (Lines{2, 3, 4, 8}));
}

TEST(KnowledgeTable, TabSeparatedWithEmptyFieldsAndNoFinalNewline) {
  const KnowledgeTable table = parse_knowledge_table(
      "vendor\tname\tunits\nNVIDIA\tA100\tGPUs|cards\n\tCloud TPU\tchips, cores", "chips.tsv",
      '\t');
  EXPECT_EQ(table.header, (Row{"vendor", "name", "units"}));
  EXPECT_EQ(table.rows,
            (Rows{{"NVIDIA", "A100", "GPUs|cards"}, {"", "Cloud TPU", "chips, cores"}}));
  EXPECT_EQ(table.row_lines, (Lines{2, 3}));
}

TEST(KnowledgeTable, ADelimiterAtTheEndOfTheInputEndsAnEmptyField) {
  const KnowledgeTable table = parse_knowledge_table("name,notes\nA,", "facts.csv", ',');
  EXPECT_EQ(table.rows, (Rows{{"A", ""}}));
}

TEST(KnowledgeTable, CrlfLineEndsAndAByteOrderMark) {
  const KnowledgeTable table = parse_knowledge_table(
      "\xEF\xBB\xBFname,year\r\nBERT,2018\r\n\"two\r\nlines\",2019\r\nT5,2019\r\n", "facts.csv",
      ',');
  EXPECT_EQ(table.header, (Row{"name", "year"}));
  // A quoted field keeps its line break as written.
  EXPECT_EQ(table.rows, (Rows{{"BERT", "2018"}, {"two\r\nlines", "2019"}, {"T5", "2019"}}));
  EXPECT_EQ(table.row_lines, (Lines{2, 3, 5}));
}

TEST(KnowledgeTable, BlankLinesAreSkippedAndColumnNamesTrimmed) {
  const KnowledgeTable table = parse_knowledge_table(
      "\n\n name ,\tyear \n\nBERT,2018\n  \r\n\nT5,2019\n\n", "facts.csv", ',');
  EXPECT_EQ(table.header, (Row{"name", "year"}));
  EXPECT_EQ(table.rows, (Rows{{"BERT", "2018"}, {"T5", "2019"}}));
  EXPECT_EQ(table.row_lines, (Lines{5, 8}));
}

TEST(KnowledgeTable, AHeaderAloneIsAnEmptyTable) {
  const KnowledgeTable table = parse_knowledge_table("name\n", "facts.csv", ',');
  EXPECT_EQ(table.header, (Row{"name"}));
  EXPECT_TRUE(table.rows.empty());
}

TEST(KnowledgeTable, ColumnLookupAndItsErrorListingTheColumns) {
  const KnowledgeTable table = parse_knowledge_table("name,vendor,year\n", "facts.csv", ',');
  EXPECT_EQ(table.column("name"), 0u);
  EXPECT_EQ(table.column("year"), 2u);
  try {
    table.column("Name");
    ADD_FAILURE() << "column lookup is case-sensitive";
  } catch (const Error& error) {
    EXPECT_STREQ(error.what(), "facts.csv: no column 'Name'; its columns are: name, vendor, year");
  }
}

TEST(KnowledgeTable, EmptyInputs) {
  EXPECT_EQ(parse_error(""), "facts.csv: empty: expected a header row");
  EXPECT_EQ(parse_error("\n \n\t\r\n"), "facts.csv: empty: expected a header row");
  EXPECT_EQ(parse_error("\xEF\xBB\xBF"), "facts.csv: empty: expected a header row");
}

TEST(KnowledgeTable, InvalidUtf8NamesLineAndByteColumn) {
  // "München" in Latin-1.
  EXPECT_EQ(parse_error("name\nM\xFCnchen\n"), "facts.csv:2:2: invalid UTF-8");
  // The column counts bytes: "é" before the bad byte is two of them.
  EXPECT_EQ(parse_error("name,city\nx,y\nab,\xC3\xA9\xFF\n"), "facts.csv:3:6: invalid UTF-8");
  // The byte-order mark is not part of the first line.
  EXPECT_EQ(parse_error("\xEF\xBB\xBFna\xE9me\n"), "facts.csv:1:3: invalid UTF-8");
  // A truncated sequence at the very end.
  EXPECT_EQ(parse_error("name\nx\xE2\x82"), "facts.csv:2:2: invalid UTF-8");
}

TEST(KnowledgeTable, NulByte) {
  EXPECT_EQ(parse_error(std::string_view("name\nab\0c\n", 10)),
            "facts.csv:2:3: a NUL byte: this is not a text file (UTF-16?)");
}

TEST(KnowledgeTable, UnterminatedQuoteNamesTheLineItOpened) {
  EXPECT_EQ(parse_error("name,notes\nA,b\nB,\"open\nmore\nstill\n"),
            "facts.csv:3: quoted field never closed");
}

TEST(KnowledgeTable, TextAfterAClosingQuote) {
  EXPECT_EQ(parse_error("name,notes\nA,\"quoted\"x\n"),
            "facts.csv:2:11: text after a closing quote (a quote inside a quoted field is "
            "written twice)");
  EXPECT_EQ(parse_error("name\tnotes\nA\t\"quoted\" \n", '\t'),
            "facts.csv:2:11: text after a closing quote (a quote inside a quoted field is "
            "written twice)");
}

TEST(KnowledgeTable, RowsMustHaveTheHeadersFieldCount) {
  EXPECT_EQ(parse_error("a,b,c,d,e,f\n1,2,3,4,5,6\n\n1,2,3,4,5\n"),
            "facts.csv:4: 5 fields, but the header has 6");
  EXPECT_EQ(parse_error("a,b\n1,2,3\n"), "facts.csv:2: 3 fields, but the header has 2");
  EXPECT_EQ(parse_error("a,b\n\"x\ny\"\n"), "facts.csv:2: 1 field, but the header has 2");
  // A comma means nothing in a TSV file.
  EXPECT_EQ(parse_error("a\tb\n1,2\n", '\t'), "facts.csv:2: 1 field, but the header has 2");
}

TEST(KnowledgeTable, ColumnNamesMustBePresentAndDistinct) {
  EXPECT_EQ(parse_error("name,,year\n"), "facts.csv:1: column 2 has no name");
  EXPECT_EQ(parse_error("\nname,\xC2\xA0\n"), "facts.csv:2: column 2 has no name");
  EXPECT_EQ(parse_error("name,year, name\n"),
            "facts.csv:1: column 'name' appears twice (columns 1 and 3)");
}

TEST(KnowledgeTable, ReadsFilesChoosingTheDelimiterByExtension) {
  testing::TempDir dir;
  const auto tsv = dir.write("models.tsv", "name\tyear\nGPT-3, the big one\t2020\n");
  const KnowledgeTable models = read_knowledge_table(tsv);
  EXPECT_EQ(models.source, tsv.string());
  EXPECT_EQ(models.rows, (Rows{{"GPT-3, the big one", "2020"}}));

  const auto tab = dir.write("models.TAB", "name\tyear\nBERT\t2018\n");
  EXPECT_EQ(read_knowledge_table(tab).rows, (Rows{{"BERT", "2018"}}));

  const auto csv = dir.write("chips.csv", "vendor,name\nNVIDIA,\"A100\tSXM4\"\n");
  EXPECT_EQ(read_knowledge_table(csv).rows, (Rows{{"NVIDIA", "A100\tSXM4"}}));
}

TEST(KnowledgeTable, FileErrorsNameThePath) {
  testing::TempDir dir;
  const auto latin1 = dir.write("cities.csv", "name,country\nZ\xFCrich,Switzerland\n");
  EXPECT_EQ(read_error(latin1), latin1.string() + ":2:2: invalid UTF-8");
  const auto empty = dir.write("empty.tsv", "");
  EXPECT_EQ(read_error(empty), empty.string() + ": empty: expected a header row");
  const auto short_row = dir.write("chips.tsv", "vendor\tname\nNVIDIA\tA100\nH100\n");
  EXPECT_EQ(read_error(short_row), short_row.string() + ":3: 1 field, but the header has 2");
  const auto missing = dir.path() / "missing.csv";
  EXPECT_NE(read_error(missing).find(missing.string()), std::string::npos) << read_error(missing);
  const auto models = dir.write("models.tsv", "name\tyear\nBERT\t2018\n");
  try {
    read_knowledge_table(models).column("vendor");
    ADD_FAILURE() << "models.tsv has no vendor column";
  } catch (const Error& error) {
    EXPECT_EQ(error.what(), models.string() + ": no column 'vendor'; its columns are: name, year");
  }
}

TEST(KnowledgeTable, ListFieldsSplitAtBars) {
  EXPECT_EQ(split_knowledge_list("A100 40GB|A100-80GB"), (Row{"A100 40GB", "A100-80GB"}));
  EXPECT_EQ(split_knowledge_list(" GPUs | cards ||"), (Row{"GPUs", "cards"}));
  EXPECT_EQ(split_knowledge_list("GPUs|GPUs"), (Row{"GPUs", "GPUs"}));
  EXPECT_TRUE(split_knowledge_list("").empty());
}

// Every builtin file with the columns its readers (the generator, the
// labellers) look up by name.
TEST(BuiltinKnowledge, EveryFileParsesWithItsColumns) {
  const std::map<std::string, Row> expected = {
      {"benchmarks.tsv", {"name"}},
      {"chips.tsv", {"vendor", "name", "variants", "units"}},
      {"clusters.tsv", {"name"}},
      {"codebases.tsv", {"name"}},
      {"countries.tsv", {"name", "takes_the", "cities", "organisations", "adjective"}},
      {"cpus.tsv", {"name"}},
      {"datasets.tsv", {"name"}},
      {"greek_letters.tsv", {"letter"}},
      {"model_name_roots.tsv", {"root"}},
      {"model_name_suffixes.tsv", {"suffix"}},
      {"models.tsv", {"name"}},
      {"months.tsv", {"name"}},
      {"network_gear.tsv", {"name"}},
      {"number_words.tsv", {"value", "word"}},
      {"regions.tsv", {"name"}},
      {"techniques.tsv", {"name"}},
  };
  Row names;
  for (const auto& entry : expected)
    names.push_back(entry.first);
  EXPECT_EQ(builtin_knowledge_file_names(), names);

  for (const std::string& name : builtin_knowledge_file_names()) {
    SCOPED_TRACE(name);
    const KnowledgeTable table = builtin_knowledge_table(name);
    EXPECT_EQ(table.source, "builtin:" + name);
    EXPECT_EQ(table.header, expected.at(name));
    EXPECT_FALSE(table.rows.empty());
    for (std::size_t row = 0; row < table.rows.size(); ++row) {
      for (const std::string& field : table.rows[row]) {
        // Stray spaces would change the generated corpus without anyone seeing them.
        if (!field.empty()) {
          EXPECT_NE(field.front(), ' ') << table.source << ":" << table.row_lines[row];
          EXPECT_NE(field.back(), ' ') << table.source << ":" << table.row_lines[row];
        }
      }
    }
  }
}

TEST(BuiltinKnowledge, NamedRowsAreWhereTheLabellersLookForThem) {
  const KnowledgeTable models = builtin_knowledge_table("models.tsv");
  EXPECT_EQ(models.rows.at(0).at(models.column("name")), "GPT-2");
  const KnowledgeTable chips = builtin_knowledge_table("chips.tsv");
  const Row& cloud_tpu = chips.rows.back();
  EXPECT_EQ(cloud_tpu.at(chips.column("vendor")), "");
  EXPECT_EQ(cloud_tpu.at(chips.column("name")), "Cloud TPU");
  EXPECT_EQ(split_knowledge_list(chips.rows.at(0).at(chips.column("variants"))),
            (Row{"A100 40GB", "A100-80GB", "80GB A100", "A100 SXM4", "A100-SXM4-80GB"}));
  const KnowledgeTable countries = builtin_knowledge_table("countries.tsv");
  EXPECT_EQ(countries.rows.at(0).at(countries.column("name")), "United States");
  EXPECT_EQ(countries.rows.at(0).at(countries.column("takes_the")), "yes");
}

TEST(BuiltinKnowledge, UnknownFileListsTheBuiltinOnes) {
  try {
    builtin_knowledge_file("model.tsv");
    ADD_FAILURE() << "there is no model.tsv";
  } catch (const Error& error) {
    const std::string message = error.what();
    EXPECT_EQ(message.rfind("no builtin knowledge file 'model.tsv'; the builtin files are: "
                            "benchmarks.tsv, chips.tsv, ",
                            0),
              0u)
        << message;
    EXPECT_NE(message.find(", models.tsv, "), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace ner
