// Scores a model on a dataset split: decode every window, stitch the windows
// back into documents, and compare entity spans with the split's labels.
#pragma once

#include <torch/torch.h>

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
  double loss = 0;  // mean per real piece, against the split's labels
  std::size_t documents = 0;
  std::vector<std::vector<Span>> gold;       // per document, from the split's labels
  std::vector<std::vector<Span>> predicted;  // per document, stitched from the windows
};

// The model is put in evaluation mode and left there.
SplitEvaluation evaluate_split(NerModel& model, const DatasetSplit& split,
                               const LabelSet& label_set, const EvaluationSettings& settings);

// "fp32" -> none, "bf16" -> BFloat16, "fp16" -> Half.
std::optional<c10::ScalarType> autocast_type(const std::string& precision);

}  // namespace ner
