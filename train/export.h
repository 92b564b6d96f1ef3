// Export: a training checkpoint becomes one self-contained model file (config,
// labels, decoding rules, tokenizer, weights, provenance) for the engine.
#pragma once

#include <filesystem>

#include "models/model_file.h"
#include "train/run_directory.h"
#include "train/trainer.h"

namespace ner {

// The model file of a loaded run: the weights model_spec declares as fp32
// arrays, the CRF's scores, the run's tokenizer, window settings and where it
// all came from.
ModelFile build_model_file(TrainedRun& run, const RunDirectory& directory,
                           const std::filesystem::path& checkpoint_file);

// Loads `checkpoint_file` (inside a run directory, beside run.json) and writes
// the model file to `out` atomically. Throws ner::Error naming the file.
void export_model(const std::filesystem::path& checkpoint_file, const std::filesystem::path& out,
                  WeightStorage storage);

}  // namespace ner
