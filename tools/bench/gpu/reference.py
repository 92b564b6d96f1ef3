#!/usr/bin/env python3
"""PyTorch reference of the ner-train model for the GPU benchmark.

The same network as models/encoder.cc and models/crf.cc (pre-LayerNorm
encoder with fused QKV and scaled_dot_product_attention, learned positions,
GELU feed-forward, a linear-chain CRF loss computed the same way), the same
AdamW groups (PyTorch's fused AdamW), clipping and precision, trained on
batches of the same shapes as a ner-train run: the
shapes and real-piece counts are replayed from that run's log.jsonl. Prints
one JSON object: median tokens/s after warm-up, peak GPU memory, final loss.
On the CPU (--device cpu, to check the script without a GPU) the memory
figures are 0, as ner-train logs them there.

Usage: reference.py --log RUN/log.jsonl --run RUN [--compile] [--precision bf16]
                    [--checkpointing] [--warmup 10] [--device cuda]
       reference.py --self-check
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.utils.checkpoint


class Block(nn.Module):
    def __init__(self, d, heads, ffn, dropout):
        super().__init__()
        self.heads = heads
        self.attn_norm = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.attn_out = nn.Linear(d, d)
        self.ffn_norm = nn.LayerNorm(d)
        self.ffn_in = nn.Linear(d, ffn)
        self.ffn_out = nn.Linear(ffn, d)
        self.drop = nn.Dropout(dropout)

    def attention(self, x, key_mask):
        b, t, c = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=key_mask)
        return self.attn_out(y.transpose(1, 2).reshape(b, t, c))

    def forward(self, x, key_mask):
        h = x + self.drop(self.attention(self.attn_norm(x), key_mask))
        return h + self.drop(self.ffn_out(F.gelu(self.ffn_in(self.ffn_norm(h)))))


class Model(nn.Module):
    def __init__(self, vocab, labels, d, layers, heads, ffn, dropout, positions, checkpointing):
        super().__init__()
        self.tokens = nn.Embedding(vocab, d)
        self.positions = nn.Embedding(positions, d)
        self.drop = nn.Dropout(dropout)
        self.blocks = nn.ModuleList(Block(d, heads, ffn, dropout) for _ in range(layers))
        self.final_norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, labels)
        self.transitions = nn.Parameter(torch.zeros(labels, labels))
        self.start = nn.Parameter(torch.zeros(labels))
        self.end = nn.Parameter(torch.zeros(labels))
        self.checkpointing = checkpointing

    def forward(self, ids, attend):
        t = ids.shape[1]
        x = self.drop(self.tokens(ids) + self.positions(torch.arange(t, device=ids.device))[None])
        key_mask = attend[:, None, None, :]
        for block in self.blocks:
            if self.checkpointing and self.training:
                x = torch.utils.checkpoint.checkpoint(block, x, key_mask, use_reentrant=False)
            else:
                x = block(x, key_mask)
        return self.head(self.final_norm(x))

    def crf_nll(self, emissions, tags, mask):
        """Mean negative log-likelihood per real piece, in fp32.

        As models/crf.cc does it on CUDA: the gold path scored in one pass,
        the log partition by a parallel scan (log-semiring products of the
        per-piece transition matrices, pairwise, in log T rounds)."""
        emissions = emissions.float()
        b, t, n = emissions.shape
        maskf = mask.float()
        score = self.start[tags[:, 0]] + (emissions.gather(2, tags[..., None])[..., 0] * maskf).sum(1)
        score = score + (self.transitions[tags[:, :-1], tags[:, 1:]] * maskf[:, 1:]).sum(1)
        last = (mask.sum(1) - 1).clamp_min(0)
        score = score + self.end[tags.gather(1, last[:, None])[:, 0]]
        alpha = self.start[None] + emissions[:, 0]
        if t == 1:
            partition = torch.logsumexp(alpha + self.end[None], 1)
            return (partition - score).sum() / mask.sum().clamp_min(1)
        identity = torch.eye(n, device=emissions.device) * 1e4 - 1e4
        moves = self.transitions[None, None] + emissions[:, 1:, None, :]
        moves = torch.where(mask[:, 1:, None, None], moves, identity)
        while moves.shape[1] > 1:
            if moves.shape[1] % 2:
                moves = torch.cat([moves, identity.expand(b, 1, n, n)], 1)
            pairs = moves.view(b, moves.shape[1] // 2, 2, n, n)
            moves = torch.logsumexp(pairs[:, :, 0, :, :, None] + pairs[:, :, 1, None], -2)
        paths = alpha[:, :, None] + moves[:, 0] + self.end[None, None]
        partition = torch.logsumexp(paths.reshape(b, n * n), 1)
        return (partition - score).sum() / mask.sum().clamp_min(1)

    def crf_nll_sequential(self, emissions, tags, mask):
        """crf_nll by the step-by-step forward algorithm, for --self-check."""
        emissions = emissions.float()
        b, t, _ = emissions.shape
        batch = torch.arange(b, device=emissions.device)
        score = self.start[tags[:, 0]] + emissions[batch, 0, tags[:, 0]]
        alpha = self.start[None] + emissions[:, 0]
        last = tags[:, 0]
        for i in range(1, t):
            keep = mask[:, i]
            step = self.transitions[last, tags[:, i]] + emissions[batch, i, tags[:, i]]
            score = score + step * keep
            last = torch.where(keep, tags[:, i], last)
            nxt = torch.logsumexp(alpha[:, :, None] + self.transitions[None], 1) + emissions[:, i]
            alpha = torch.where(keep[:, None], nxt, alpha)
        score = score + self.end[last]
        partition = torch.logsumexp(alpha + self.end[None], 1)
        return (partition - score).sum() / mask.sum().clamp_min(1)


def self_check():
    """The scan CRF loss against the loop on random input; 0 when they agree."""
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    torch.manual_seed(0)
    model = Model(50, 13, 16, 1, 2, 32, 0.0, 64, False).to(device)
    with torch.no_grad():
        for p in (model.transitions, model.start, model.end):
            p.normal_()
    for t in (1, 2, 7, 16, 37, 512):
        emissions = torch.randn(5, t, 13, device=device) * 3
        lengths = torch.randint(1, t + 1, (5,), device=device)
        lengths[0], lengths[1] = t, 1
        mask = torch.arange(t, device=device)[None] < lengths[:, None]
        tags = torch.randint(0, 13, (5, t), device=device)
        fast = model.crf_nll(emissions, tags, mask)
        slow = model.crf_nll_sequential(emissions, tags, mask)
        if not torch.allclose(fast, slow, rtol=1e-4, atol=1e-4):
            print(f"self-check FAILED at length {t}: scan {fast.item()} loop {slow.item()}")
            return 1
    print(f"self-check on {device}: the parallel-scan CRF loss matches the loop")
    return 0


def synchronize(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def allocated_bytes(device, peak):
    if device.type != "cuda":
        return 0
    return torch.cuda.max_memory_allocated(device) if peak else torch.cuda.memory_allocated(device)


def load_config(path):
    """The run's config.yaml: sections of `key: value` lines (PyYAML if present)."""
    try:
        import yaml
        return yaml.safe_load(open(path))
    except ImportError:
        config, section = {}, None
        for line in open(path):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            key, _, value = line.strip().partition(":")
            if not line.startswith(" "):
                section = config.setdefault(key, {})
                continue
            value = value.strip()
            try:
                section[key] = json.loads(value)
            except ValueError:
                section[key] = value
        return config


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--log", help="log.jsonl of the ner-train run to replay")
    parser.add_argument("--run", help="that run's directory (config.yaml, run.json)")
    parser.add_argument("--self-check", action="store_true",
                        help="check the CRF loss against a step-by-step loop, then exit")
    parser.add_argument("--precision", default="bf16", choices=["fp32", "bf16", "fp16"])
    parser.add_argument("--checkpointing", action="store_true")
    parser.add_argument("--compile", action="store_true", help="torch.compile the model")
    parser.add_argument("--warmup", type=int, default=10, help="steps left out of the median")
    parser.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    args = parser.parse_args()
    if args.self_check:
        raise SystemExit(self_check())
    if not args.log or not args.run:
        parser.error("--log and --run are required")

    config = load_config(f"{args.run}/config.yaml")
    run = json.load(open(f"{args.run}/run.json"))
    m, tr = config["model"], config["train"]
    shapes = [(r["batch_shape"], r["pieces"]) for r in map(json.loads, open(args.log))
              if r.get("event") == "step"]
    device = torch.device(args.device)
    torch.manual_seed(1)
    model = Model(run["vocab_size"], len(run["label_names"]), m["d_model"], m["layers"], m["heads"],
                  m["ffn"], m["dropout"], m["max_positions"], args.checkpointing).to(device)
    decayed = [p for n, p in model.named_parameters()
               if p.dim() >= 2 and n not in ("transitions",)]
    others = [p for n, p in model.named_parameters() if not (p.dim() >= 2 and n != "transitions")]
    optimizer = torch.optim.AdamW([{"params": decayed, "weight_decay": tr.get("weight_decay", 0.01)},
                                   {"params": others, "weight_decay": 0.0}], lr=tr["lr"],
                                  fused=device.type == "cuda")
    forward = torch.compile(model) if args.compile else model
    dtype = {"bf16": torch.bfloat16, "fp16": torch.float16}.get(args.precision)
    scaler = torch.amp.GradScaler(device.type) if args.precision == "fp16" else None
    model.train()
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    rates, loss_value = [], float("nan")
    for (b, t), pieces in shapes:
        ids = torch.randint(0, run["vocab_size"], (b, t), device=device)
        base, extra = divmod(pieces, b)
        lengths = torch.tensor([min(t, max(1, base + (i < extra))) for i in range(b)], device=device)
        attend = torch.arange(t, device=device)[None] < lengths[:, None]
        tags = torch.zeros(b, t, dtype=torch.long, device=device)
        real_pieces = int(attend.sum())
        synchronize(device)
        start = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        with torch.autocast(device.type, dtype=dtype, enabled=dtype is not None):
            logits = forward(ids, attend)
        loss = model.crf_nll(logits, tags, attend)
        if scaler:
            scaler.scale(loss).backward()
            scaler.unscale_(optimizer)
            torch.nn.utils.clip_grad_norm_(model.parameters(), tr.get("clip_norm", 1.0))
            scaler.step(optimizer)
            scaler.update()
        else:
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), tr.get("clip_norm", 1.0))
            optimizer.step()
        loss_value = loss.item()
        synchronize(device)
        rates.append(real_pieces / (time.perf_counter() - start))
    timed = rates[args.warmup:] or rates
    print(json.dumps({
        "implementation": "pytorch-compile" if args.compile else "pytorch-eager",
        "precision": args.precision, "checkpointing": args.checkpointing,
        "steps": len(rates), "median_tokens_per_second": statistics.median(timed),
        "peak_device_memory_bytes": allocated_bytes(device, peak=True),
        # Between steps: weights, gradients and optimizer state, as ner-train logs it.
        "resident_device_memory_bytes": allocated_bytes(device, peak=False),
        "final_loss": loss_value,
        "parameters": sum(p.numel() for p in model.parameters()),
        "torch": torch.__version__}))


if __name__ == "__main__":
    main()
