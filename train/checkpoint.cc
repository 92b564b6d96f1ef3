#include "train/checkpoint.h"

#include <fmt/format.h>

#include <sstream>
#include <string_view>

#include "base/checksum.h"
#include "base/error.h"
#include "base/file_io.h"
#include "models/torch_runtime.h"

namespace ner {
namespace {

torch::Tensor bytes_tensor(const std::string& text) {
  auto tensor = torch::empty({static_cast<int64_t>(text.size())}, torch::kUInt8);
  std::copy(text.begin(), text.end(), tensor.data_ptr<std::uint8_t>());
  return tensor;
}

std::string tensor_bytes(const torch::Tensor& tensor) {
  const auto contiguous = tensor.to(torch::kCPU).contiguous();
  const auto* data = contiguous.data_ptr<std::uint8_t>();
  return std::string(data, data + contiguous.numel());
}

// A checkpoint is LibTorch's archive (a zip file) followed by a trailer: a
// mark, the archive's size and its checksum, so that a damaged byte anywhere
// is refused rather than trained on or exported. Files of format 2 end with
// the zip directory and carry no trailer.
constexpr std::string_view kTrailerMark = "nerckpt1";
constexpr std::size_t kTrailerSize = kTrailerMark.size() + 2 * sizeof(std::uint64_t);

void append_u64(std::string& out, std::uint64_t value) {
  for (int byte = 0; byte < 8; ++byte)
    out.push_back(static_cast<char>((value >> (8 * byte)) & 0xff));
}

std::uint64_t read_u64(std::string_view in) {
  std::uint64_t value = 0;
  for (int byte = 7; byte >= 0; --byte)
    value = (value << 8) | static_cast<unsigned char>(in[static_cast<std::size_t>(byte)]);
  return value;
}

std::string with_checksum(std::string archive) {
  const std::uint64_t size = archive.size();
  const std::uint64_t sum = fnv1a_64(archive.data(), archive.size());
  archive.append(kTrailerMark);
  append_u64(archive, size);
  append_u64(archive, sum);
  return archive;
}

// What to do when `path` is damaged: the run's other checkpoint is a
// separate file written at another time.
std::string damaged_advice(const std::filesystem::path& path) {
  const std::string run = path.has_parent_path() ? path.parent_path().string() : ".";
  if (path.filename() == "last.pt") {
    return fmt::format(
        "the best weights are a separate file: export or evaluate {}/best.pt (--checkpoint best); "
        "training cannot continue from a damaged last.pt, so start a new run to train further",
        run);
  }
  if (path.filename() == "best.pt") {
    return fmt::format(
        "the latest weights are a separate file: export or evaluate {}/last.pt (--checkpoint "
        "last); --resume reads only last.pt and is not affected",
        run);
  }
  return "use another checkpoint of the run";
}

// The archive inside a checkpoint's bytes, after checking its checksum.
std::string_view verified_archive(const std::filesystem::path& path, std::string_view bytes) {
  const auto damaged = [&](const std::string& why) {
    return Error(
        fmt::format("{}: damaged checkpoint: {}; {}", path.string(), why, damaged_advice(path)));
  };
  if (bytes.size() >= kTrailerSize &&
      bytes.substr(bytes.size() - kTrailerSize, kTrailerMark.size()) == kTrailerMark) {
    const std::string_view trailer = bytes.substr(bytes.size() - kTrailerSize);
    const std::uint64_t size = read_u64(trailer.substr(kTrailerMark.size()));
    const std::uint64_t sum = read_u64(trailer.substr(kTrailerMark.size() + 8));
    if (size != bytes.size() - kTrailerSize) {
      throw damaged(fmt::format("{} bytes where its trailer records {} (truncated or appended to)",
                                bytes.size() - kTrailerSize, size));
    }
    const std::string_view archive = bytes.substr(0, size);
    if (fnv1a_64(archive.data(), archive.size()) != sum)
      throw damaged("its content does not match its checksum (it changed after it was written)");
    return archive;
  }
  // A zip file ends with its end-of-central-directory record (22 bytes when
  // there is no comment): what format 2 checkpoints end with.
  constexpr std::string_view kZipEnd("PK\x05\x06", 4);
  if (bytes.size() >= 22 && bytes.substr(bytes.size() - 22, 4) == kZipEnd) return bytes;
  throw damaged("no checksum trailer and not a checkpoint of an earlier format (truncated?)");
}

}  // namespace

nlohmann::json TrainingProgress::to_json() const {
  return {{"step", step},
          {"total_steps", total_steps},
          {"epoch", epoch},
          {"batch_in_epoch", batch_in_epoch},
          {"best_f1", best_f1},
          {"best_step", best_step},
          {"last_evaluated_step", last_evaluated_step},
          {"evaluations_without_gain", evaluations_without_gain},
          {"pieces_seen", pieces_seen},
          {"train_seconds", train_seconds},
          {"loss_scale", loss_scale},
          {"scaler_clean_steps", scaler_clean_steps},
          {"scaler_skipped_steps", scaler_skipped_steps},
          {"finished", finished}};
}

TrainingProgress TrainingProgress::from_json(const nlohmann::json& json) {
  TrainingProgress p;
  p.step = json.at("step").get<std::int64_t>();
  p.total_steps = json.at("total_steps").get<std::int64_t>();
  p.epoch = json.at("epoch").get<std::int64_t>();
  p.batch_in_epoch = json.at("batch_in_epoch").get<std::int64_t>();
  p.best_f1 = json.at("best_f1").get<double>();
  p.best_step = json.at("best_step").get<std::int64_t>();
  p.last_evaluated_step = json.at("last_evaluated_step").get<std::int64_t>();
  p.evaluations_without_gain = json.at("evaluations_without_gain").get<int>();
  p.pieces_seen = json.at("pieces_seen").get<std::int64_t>();
  p.train_seconds = json.at("train_seconds").get<double>();
  p.loss_scale = json.at("loss_scale").get<double>();
  p.scaler_clean_steps = json.at("scaler_clean_steps").get<int>();
  p.scaler_skipped_steps = json.at("scaler_skipped_steps").get<long>();
  p.finished = json.at("finished").get<bool>();
  return p;
}

void save_checkpoint(const std::filesystem::path& path, torch::nn::Module& model,
                     FlatAdamW* optimizer, const TrainingProgress& progress,
                     const torch::Device& device) {
  torch::serialize::OutputArchive archive;
  archive.write("format_version", torch::tensor(static_cast<int64_t>(kCheckpointFormatVersion)));
  torch::serialize::OutputArchive model_archive;
  model.save(model_archive);
  archive.write("model", model_archive);
  if (optimizer != nullptr) {
    torch::serialize::OutputArchive optimizer_archive;
    optimizer->save(optimizer_archive);
    archive.write("optimizer", optimizer_archive);
  }
  archive.write("progress", bytes_tensor(progress.to_json().dump()));
  archive.write("rng_cpu", rng_state(torch::kCPU));
  if (device.is_cuda()) archive.write("rng_cuda", rng_state(device));

  // Serialized in memory and written by our atomic writer: a full disk then
  // fails one plain write with a message, and leaves no temporary file.
  std::ostringstream bytes;
  try {
    archive.save_to(bytes);
  } catch (const c10::Error& error) {
    throw Error(fmt::format("{}: cannot serialize the checkpoint: {}", path.string(),
                            error.what_without_backtrace()));
  }
  write_file_atomically(path, with_checksum(bytes.str()));
}

TrainingProgress load_checkpoint(const std::filesystem::path& path, torch::nn::Module& model,
                                 FlatAdamW* optimizer, bool restore_rng,
                                 const torch::Device& device) {
  if (!std::filesystem::is_regular_file(path))
    throw Error(fmt::format("{}: no such checkpoint", path.string()));
  const std::string bytes = read_file(path);
  const std::string_view archive_bytes = verified_archive(path, bytes);
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(archive_bytes.data(), archive_bytes.size(), device);
    torch::Tensor version_tensor;
    archive.read("format_version", version_tensor);
    const int64_t version = version_tensor.item<int64_t>();
    if (version > kCheckpointFormatVersion) {
      throw Error(
          fmt::format("{}: this build reads checkpoint format version <= {}, the file is "
                      "version {}",
                      path.string(), kCheckpointFormatVersion, version));
    }
    torch::serialize::InputArchive model_archive;
    archive.read("model", model_archive);
    model.load(model_archive);
    if (optimizer != nullptr) {
      if (version < 2) {
        throw Error(fmt::format(
            "{}: written by an earlier version whose optimizer state this build cannot resume; "
            "its weights still serve `ner-train evaluate` and `ner-train export`, or train anew",
            path.string()));
      }
      torch::serialize::InputArchive optimizer_archive;
      archive.read("optimizer", optimizer_archive);
      try {
        optimizer->load(optimizer_archive);
      } catch (const Error& error) {
        throw Error(fmt::format("{}: {}", path.string(), error.what()));
      }
    }
    torch::Tensor progress_bytes;
    archive.read("progress", progress_bytes);
    const TrainingProgress progress =
        TrainingProgress::from_json(nlohmann::json::parse(tensor_bytes(progress_bytes)));
    if (restore_rng) {
      torch::Tensor state;
      archive.read("rng_cpu", state);
      set_rng_state(torch::kCPU, state.to(torch::kCPU));
      if (device.is_cuda() && archive.try_read("rng_cuda", state))
        set_rng_state(device, state.to(torch::kCPU));
    }
    return progress;
  } catch (const c10::Error& error) {
    throw Error(fmt::format("{}: not a usable checkpoint for this model: {}", path.string(),
                            error.what_without_backtrace()));
  } catch (const nlohmann::json::exception& error) {
    throw Error(
        fmt::format("{}: checkpoint progress record is damaged: {}", path.string(), error.what()));
  }
}

}  // namespace ner
