#include "train/evaluation.h"

#include "datasets/error.h"
#include "datasets/split_documents.h"
#include "models/torch_runtime.h"
#include "train/batches.h"

namespace ner {

std::optional<c10::ScalarType> autocast_type(const std::string& precision) {
  if (precision == "fp32") return std::nullopt;
  if (precision == "bf16") return c10::ScalarType::BFloat16;
  if (precision == "fp16") return c10::ScalarType::Half;
  throw Error("unknown precision '" + precision + "': use fp32, bf16 or fp16");
}

SplitEvaluation evaluate_split(NerModel& model, const DatasetSplit& split,
                               const LabelSet& label_set, const EvaluationSettings& settings) {
  model->eval();
  torch::NoGradGuard no_grad;
  std::vector<std::vector<int>> window_labels(split.window_count());
  double loss_sum = 0;
  std::int64_t pieces = 0;
  for (const auto& windows : make_batches(split, settings.batch_size, false, 0, 0)) {
    const BatchTensors batch = batch_tensors(split, windows, label_set, settings.device);
    torch::Tensor logits;
    {
      std::optional<AutocastScope> autocast;
      if (settings.autocast) autocast.emplace(settings.device.type(), *settings.autocast);
      logits = model->forward(batch.ids, batch.attend);
    }
    loss_sum += model->loss(logits, batch.labels, batch.attend, 0.0).item<double>() *
                static_cast<double>(batch.real_pieces);
    pieces += batch.real_pieces;
    auto decoded = model->decode(logits, batch.attend);
    for (std::size_t row = 0; row < windows.size(); ++row)
      window_labels[windows[row]] = std::move(decoded[row].labels);
  }

  SplitEvaluation result;
  result.loss = pieces > 0 ? loss_sum / static_cast<double>(pieces) : 0.0;
  SpanEvaluator evaluator;
  for (const SplitDocument& document : split_documents(split)) {
    std::vector<Window> windows;
    for (const std::size_t w : document.windows) {
      const auto begin = static_cast<std::size_t>(split.window_first_piece[w]);
      windows.push_back(Window{begin, begin + window_labels[w].size()});
    }
    const std::vector<Window> decided = decided_ranges(windows);
    std::vector<int> predicted(document.pieces.size(), LabelSet::kOutside);
    for (std::size_t i = 0; i < windows.size(); ++i) {
      const auto& labels = window_labels[document.windows[i]];
      for (std::size_t p = decided[i].begin; p < decided[i].end; ++p)
        predicted[p] = labels[p - windows[i].begin];
    }
    result.gold.push_back(decode_labels(document.labels, document.pieces, label_set));
    result.predicted.push_back(decode_labels(predicted, document.pieces, label_set));
    evaluator.add(result.gold.back(), result.predicted.back());
  }
  result.documents = result.gold.size();
  result.scores = evaluator.scores();
  return result;
}

}  // namespace ner
