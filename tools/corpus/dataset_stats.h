// Statistics of a prepared dataset file: windows, pieces and label
// distribution per split, and the preparation report. For `ner-corpus stats --dataset`.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "datasets/dataset_file.h"

namespace ner {

nlohmann::json dataset_stats_to_json(const DatasetFile& dataset);
std::string dataset_stats_to_table(const DatasetFile& dataset);

}  // namespace ner
