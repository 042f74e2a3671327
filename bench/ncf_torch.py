"""PyTorch reference baseline for NeuMF training throughput (`make bench-train`).

This script is a comparison point for the Java/Spark trainer's benchmark, which
runs it as a subprocess. It is not a dependency of the product and nothing in
ncf-spark imports or ships it.

Model: NeuMF (He et al. 2017) with the paper's preset for f predictive factors,
matching the Java implementation layer for layer:
  GMF:    user/item embeddings of size f; elementwise product -> f
  MLP:    user/item embeddings of size 2f, concatenated (user first) -> 4f,
          Linear(4f,4f)+ReLU, Linear(4f,2f)+ReLU, Linear(2f,f)+ReLU -> f
  NeuMF:  concat [GMF (f) | MLP (f)] -> Linear(2f,1) -> logit
  Loss:   BCEWithLogitsLoss, mean over the batch
  Init:   embeddings N(0, 0.01); hidden Linear weights Xavier uniform, biases 0;
          output layer LeCun uniform, U(-sqrt(3/fan_in), sqrt(3/fan_in)), bias 0
For users=138493, items=26744 the model has 3,967,425 parameters at f=8 and
31,832,577 at f=64.

Modes:
  dense   nn.Embedding(sparse=False), one Adam over all parameters
  sparse  nn.Embedding(sparse=True) with SparseAdam for the four tables,
          Adam for the dense layers

Synthetic data (built before timing, deterministic from --seed): user uniform in
[0, users); item = floor(u^2 * items), u ~ U[0,1) (skewed to low/popular ids);
label 1 for every 5th example, else 0.

Run:
  /usr/bin/python3 bench/ncf_torch.py --users 138493 --items 26744 --factors 8 \
      --batch 256 --steps 200 --warmup 10 --threads 2 --mode sparse --seed 1

The last line of stdout is one JSON object with the result; anything else goes
to stderr. Without torch it prints {"skipped": ...} and exits 0.
"""
import argparse
import json
import math
import sys
import time

try:
    import torch
    from torch import nn
except ImportError:
    print(json.dumps({"skipped": "python3-torch is not installed (apt-get install python3-torch)"}))
    sys.exit(0)


class NeuMF(nn.Module):
    def __init__(self, users, items, f, sparse):
        super().__init__()
        self.gmf_user = nn.Embedding(users, f, sparse=sparse)
        self.gmf_item = nn.Embedding(items, f, sparse=sparse)
        self.mlp_user = nn.Embedding(users, 2 * f, sparse=sparse)
        self.mlp_item = nn.Embedding(items, 2 * f, sparse=sparse)
        layers, width = [], 4 * f
        for out in (4 * f, 2 * f, f):
            layers += [nn.Linear(width, out), nn.ReLU()]
            width = out
        self.mlp = nn.Sequential(*layers)
        self.out = nn.Linear(2 * f, 1)
        for emb in self.embeddings():
            nn.init.normal_(emb.weight, 0.0, 0.01)
        for layer in self.mlp:
            if isinstance(layer, nn.Linear):
                nn.init.xavier_uniform_(layer.weight)
                nn.init.zeros_(layer.bias)
        bound = math.sqrt(3.0 / self.out.in_features)  # LeCun uniform
        nn.init.uniform_(self.out.weight, -bound, bound)
        nn.init.zeros_(self.out.bias)

    def embeddings(self):
        return [self.gmf_user, self.gmf_item, self.mlp_user, self.mlp_item]

    def dense_parameters(self):
        return list(self.mlp.parameters()) + list(self.out.parameters())

    def forward(self, user, item):
        gmf = self.gmf_user(user) * self.gmf_item(item)
        mlp = self.mlp(torch.cat([self.mlp_user(user), self.mlp_item(item)], dim=1))
        return self.out(torch.cat([gmf, mlp], dim=1)).squeeze(1)


def expected_parameters(users, items, f):
    emb = (users + items) * 3 * f
    tower = (4 * f * 4 * f + 4 * f) + (4 * f * 2 * f + 2 * f) + (2 * f * f + f)
    return emb + tower + 2 * f + 1


def make_batches(args):
    gen = torch.Generator().manual_seed(args.seed)
    labels = (torch.arange(args.batch) % 5 == 0).float()  # one in five positive
    batches = []
    for _ in range(args.warmup + args.steps):
        user = torch.randint(0, args.users, (args.batch,), generator=gen)
        u = torch.rand(args.batch, generator=gen)
        item = (u * u * args.items).long().clamp_(max=args.items - 1)
        batches.append((user, item, labels))
    return batches


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--users", type=int, default=138493)
    p.add_argument("--items", type=int, default=26744)
    p.add_argument("--factors", type=int, default=8)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--max-seconds", type=float, default=0,
                   help="stop the timed loop after this long (0: run every step)")
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--mode", choices=["dense", "sparse"], default="sparse")
    p.add_argument("--lr", type=float, default=0.001)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:  # can only be set once, before any parallel work
        pass
    torch.manual_seed(args.seed)

    sparse = args.mode == "sparse"
    model = NeuMF(args.users, args.items, args.factors, sparse)
    n_params = sum(t.numel() for t in model.parameters())
    assert n_params == expected_parameters(args.users, args.items, args.factors), n_params
    print(f"NeuMF f={args.factors}: {n_params:,} parameters", file=sys.stderr)

    if sparse:
        emb_params = [e.weight for e in model.embeddings()]
        optimizers = [torch.optim.SparseAdam(emb_params, lr=args.lr),
                      torch.optim.Adam(model.dense_parameters(), lr=args.lr)]
    else:
        optimizers = [torch.optim.Adam(model.parameters(), lr=args.lr)]
    loss_fn = nn.BCEWithLogitsLoss()
    batches = make_batches(args)

    def step(user, item, label):
        for opt in optimizers:
            opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(user, item), label)
        loss.backward()
        for opt in optimizers:
            opt.step()
        return loss

    for user, item, label in batches[:args.warmup]:
        step(user, item, label)
    start = time.perf_counter()
    done = 0
    for user, item, label in batches[args.warmup:]:
        loss = step(user, item, label)
        done += 1
        if args.max_seconds > 0 and time.perf_counter() - start > args.max_seconds:
            break
    seconds = time.perf_counter() - start

    print(json.dumps({
        "engine": f"pytorch-{args.mode}",
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "factors": args.factors,
        "batch": args.batch,
        "steps": done,
        "parameters": n_params,
        "seconds": round(seconds, 6),
        "samples_per_s": round(done * args.batch / seconds, 1),
        "step_ms": round(1000.0 * seconds / done, 4),
        "final_loss": round(loss.item(), 6),
    }, separators=(",", ":")))


if __name__ == "__main__":
    main()
