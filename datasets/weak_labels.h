// Repairs of weak labels before training: inside one document, an untagged
// occurrence of a form the document tags elsewhere gets the same tag.
#pragma once

#include <cstddef>

#include "datasets/tagged_text.h"

namespace ner {

// Adds spans for untagged whole-word occurrences of every surface form the
// document tags, keeping spans sorted and non-overlapping. A form tagged with
// two different types is ambiguous and left alone. Returns the spans added.
std::size_t propagate_document_labels(Document& document);

}  // namespace ner
