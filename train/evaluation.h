// Scores a model on a dataset split the way ner-tag and ner-eval would: decode
// every window, turn each document's windows into entities, compare with its own.
#pragma once

#include <torch/torch.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "datasets/dataset_file.h"
#include "datasets/labels.h"
#include "datasets/span_metrics.h"
#include "models/ner_model.h"

namespace ner {

struct EvaluationSettings {
  torch::Device device = torch::kCPU;
  std::optional<c10::ScalarType> autocast;  // bf16 or fp16 forward, if any
  std::size_t batch_size = 32;
};

struct SplitEvaluation {
  Scores scores;
  double loss = 0;  // mean per real piece, against the split's piece labels
  std::size_t documents = 0;
  std::vector<std::vector<Span>> gold;                // per document, the split's own entities
  std::vector<std::vector<Span>> predicted;           // per document, as ner-tag finds them
  std::vector<std::vector<double>> predicted_scores;  // per entity, as ner-tag scores it (raw)
};

// The model is put in evaluation mode and left there. Throws ner::Error when
// the split does not hold its documents (a dataset of format 1).
SplitEvaluation evaluate_split(NerModel& model, const DatasetSplit& split,
                               const LabelSet& label_set, const EvaluationSettings& settings);

// What metrics.json records of the entity scores on the dev split: the
// isotonic map from raw score to the share of entities right (exact span and
// type), and the expected calibration error before and after it (on the
// entities it was fitted to, so "after" is optimistic).
nlohmann::json calibration_report(const SplitEvaluation& dev, const std::string& label_source);

// Strict micro scores of each corpus of `dataset` on `split`:
// {"NAME": {"label_source", "f1", "precision", "recall", "gold"}, ...}.
nlohmann::json per_corpus_scores(const DatasetFile& dataset, Split split,
                                 const SplitEvaluation& evaluation);

}  // namespace ner
