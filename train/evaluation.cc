#include "train/evaluation.h"

#include "base/error.h"
#include "datasets/score_calibration.h"
#include "datasets/split_documents.h"
#include "models/document_entities.h"
#include "models/torch_runtime.h"
#include "train/batches.h"

namespace ner {

SplitEvaluation evaluate_split(NerModel& model, const DatasetSplit& split,
                               const LabelSet& label_set, const EvaluationSettings& settings) {
  if (!split.has_documents()) {
    throw Error(
        "the dataset holds no document texts (format 1), which scoring needs: prepare it again "
        "with this version of ner-train prepare");
  }
  model->eval();
  torch::NoGradGuard no_grad;
  std::vector<DecodedWindow> decoded_windows(split.window_count());
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
      decoded_windows[windows[row]] = std::move(decoded[row]);
  }

  SplitEvaluation result;
  result.loss = pieces > 0 ? loss_sum / static_cast<double>(pieces) : 0.0;
  SpanEvaluator evaluator;
  const std::vector<SplitDocument> documents = split_documents(split);
  for (std::size_t d = 0; d < documents.size(); ++d) {
    const SplitDocument& document = documents[d];
    std::vector<DecodedWindow> decoded;
    for (const std::size_t w : document.windows)
      decoded.push_back(decoded_windows[w]);
    result.gold.push_back(split.document_spans(d));
    DocumentEntities entities = document_entities(split.document_texts[d], document.pieces,
                                                  document.window_pieces, decoded, label_set);
    result.predicted.push_back(std::move(entities.spans));
    result.predicted_scores.push_back(std::move(entities.scores));
    evaluator.add(result.gold.back(), result.predicted.back());
  }
  result.documents = documents.size();
  result.scores = evaluator.scores();
  return result;
}

nlohmann::json calibration_report(const SplitEvaluation& dev, const std::string& label_source) {
  std::vector<ScoredEntity> entities;
  for (std::size_t d = 0; d < dev.predicted.size(); ++d) {
    const std::vector<ScoredEntity> document =
        scored_entities(dev.gold[d], dev.predicted[d], dev.predicted_scores[d]);
    entities.insert(entities.end(), document.begin(), document.end());
  }
  const ScoreCalibration calibration = fit_isotonic(entities);
  return {{"method", "isotonic regression of exact-span correctness on the raw score"},
          {"fitted_on", "dev"},
          {"label_source", label_source},
          {"entities", entities.size()},
          {"ece_before", expected_calibration_error(entities)},
          {"ece_after", expected_calibration_error(calibrated(entities, calibration))},
          {"map", calibration.to_json()}};
}

nlohmann::json per_corpus_scores(const DatasetFile& dataset, Split split,
                                 const SplitEvaluation& evaluation) {
  const DatasetSplit& data = dataset.split(split);
  std::vector<SpanEvaluator> evaluators(dataset.corpora.size());
  for (std::size_t d = 0; d < evaluation.gold.size() && d < data.document_corpus.size(); ++d) {
    evaluators[static_cast<std::size_t>(data.document_corpus[d])].add(evaluation.gold[d],
                                                                      evaluation.predicted[d]);
  }
  nlohmann::json out = nlohmann::json::object();
  for (std::size_t c = 0; c < evaluators.size(); ++c) {
    const Counts micro = evaluators[c].scores().micro_strict();
    out[dataset.corpora[c].name] = {
        {"label_source", dataset.corpora[c].has_gold && split != Split::kTrain ? "gold" : "weak"},
        {"f1", micro.f1()},
        {"precision", micro.precision()},
        {"recall", micro.recall()},
        {"gold", micro.gold}};
  }
  return out;
}

}  // namespace ner
