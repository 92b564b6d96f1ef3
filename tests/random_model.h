// Model files with made-up weights under every name the specification declares:
// for tests of the file format, the engine and the tagger. Test-only code.
#pragma once

#include <string>

#include "models/model_file.h"

namespace ner::testing {

// d_model 16, 2 layers, 24 positions, windows of 24 with stride 16, BIO + CRF,
// normally distributed weights. The tokenizer bytes are stored as given (the
// engine alone does not read them).
ModelFile random_model(unsigned seed, int vocab_size = 50,
                       std::string tokenizer_model = "not a tokenizer");

// The same with the sizes of `sizes` (windows of max_positions, stride
// three quarters of that): large enough ones make the engine split its work
// across threads.
ModelFile random_model_of(const ModelConfig& sizes, unsigned seed);

// The model stored in tests/data/model_format*.nerm: d_model 8, 1 layer, 16
// positions, vocabulary 24, BIO + CRF, weights from a closed formula so every
// platform computes the same values.
ModelFile golden_model();

}  // namespace ner::testing
