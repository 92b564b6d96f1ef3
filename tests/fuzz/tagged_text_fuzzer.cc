// libFuzzer target for the tagged-text reader: no input may crash it, and
// every document it accepts must render back to the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "base/error.h"
#include "base/utf8.h"
#include "datasets/tagged_text.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  ner::Document document;
  try {
    document = ner::parse_tagged_text(input, "fuzz");
  } catch (const ner::Error&) {
    return 0;  // rejected with a message: fine
  }
  // Invariants of an accepted document.
  std::size_t previous_end = 0;
  for (const ner::Span& span : document.spans) {
    if (span.begin < previous_end || span.begin >= span.end || span.end > document.text.size()) {
      std::abort();
    }
    if (span.char_begin != ner::count_code_points(document.text.substr(0, span.begin)) ||
        span.char_end != ner::count_code_points(document.text.substr(0, span.end))) {
      std::abort();
    }
    previous_end = span.end;
  }
  if (ner::render_tagged_text(document.text, document.spans) != input) std::abort();
  return 0;
}
