// Knowledge tables: CSV or TSV files of known facts (models, chips, countries)
// that users keep beside their corpus, read strictly with file:line errors.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace ner {

// A table of known facts (CSV or TSV with a header row) as users keep them:
// their own database or a public one. Read once, then looked up by column name.
struct KnowledgeTable {
  std::string source;                          // the file name, for messages
  std::vector<std::string> header;             // column names, trimmed
  std::vector<std::vector<std::string>> rows;  // every row has header.size() fields
  std::vector<std::size_t> row_lines;          // 1-based line where each row starts
  // Index of the named column; throws ner::Error "SOURCE: no column 'NAME'; its columns are: a, b,
  // c".
  std::size_t column(std::string_view name) const;
};

// Parses CSV (RFC 4180: quoted fields with "" escapes, quoted fields may hold
// the delimiter and newlines; CRLF or LF line ends; a UTF-8 byte-order mark at
// the start is skipped) with `delimiter` ',' or '\t'. Field values are kept as
// written (only column names are trimmed), so a table says exactly what its
// author typed. Blank lines between rows are skipped.
// Throws ner::Error naming `source` for: an empty input or one with only blank
// lines, invalid UTF-8 (the column then counts bytes of that line, since the
// line has no valid code points to count; other columns count code points), a
// NUL byte, an unterminated quoted field (at the line where it opened), text
// after a closing quote, a row whose field count differs from the header's,
// empty or duplicate column names.
KnowledgeTable parse_knowledge_table(std::string_view content, std::string_view source,
                                     char delimiter);

// Reads a file; the delimiter is a tab for *.tsv and *.tab, a comma otherwise. Errors name the
// path.
KnowledgeTable read_knowledge_table(const std::filesystem::path& path);

// The delimiter read_knowledge_table uses for a file of this name.
char knowledge_table_delimiter(const std::filesystem::path& path);

// "FILE:COLUMN" as users name a table's column on command lines: the last
// ':' separates them, so paths may hold ':'. Throws ner::Error quoting `text`.
struct TableColumn {
  std::filesystem::path file;
  std::string column;
};
TableColumn parse_table_column(const std::string& text);

// List-valued fields ("A100 40GB|A100-80GB") hold their items separated by
// '|', which neither CSV nor TSV reserves. Items are trimmed; empty ones are
// dropped, so an empty field is an empty list.
inline constexpr char kKnowledgeListSeparator = '|';
std::vector<std::string> split_knowledge_list(std::string_view field);

}  // namespace ner
