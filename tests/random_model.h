// A model file with random weights under every name the engine needs: for
// tests of the file format, the engine and the tagger. Test-only code.
#pragma once

#include <string>

#include "models/model_file.h"

namespace ner::testing {

// d_model 16, 2 layers, 24 positions, windows of 24 with stride 16, BIO + CRF.
// The tokenizer bytes are stored as given (the engine alone does not read them).
ModelFile random_model(unsigned seed, int vocab_size = 50,
                       std::string tokenizer_model = "not a tokenizer");

}  // namespace ner::testing
