// Gradient checkpointing for one encoder block: forward without keeping
// activations, recompute in backward with the same dropout masks.
#pragma once

#include <torch/torch.h>

namespace ner {

class EncoderBlockImpl;

// Runs `block` on x without saving its activations; backward recomputes the
// block from x after restoring the random-number state, so dropout draws the
// same masks, and accumulates the block's parameter gradients.
torch::Tensor checkpointed_block(EncoderBlockImpl& block, const torch::Tensor& x,
                                 const torch::Tensor& attend);

}  // namespace ner
