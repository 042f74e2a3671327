"""Summarises bench/quality.sh runs: mean and standard deviation over seeds, per dataset and model,
of sampled HR@10 / NDCG@10 and full-ranking Recall@10 / NDCG@10, plus NCF's best epoch and seconds
of training per epoch (from each run's manifest and metrics.json)."""
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

root = Path(sys.argv[1])
values = defaultdict(list)
seeds = defaultdict(set)
for metrics in sorted(root.glob("*-seed*/metrics.json")):
    run = metrics.parent.name
    dataset, seed = run.rsplit("-seed", 1)
    seeds[dataset].add(seed)
    for m in json.loads(metrics.read_text()):
        if m["cutoff"] == 10 and (m["protocol"], m["metric"]) in {("sampled", "HR"), ("sampled", "NDCG"), ("full", "Recall"), ("full", "NDCG")}:
            values[(dataset, m["model"], m["protocol"] + " " + m["metric"])].append(m["value"])
    curves = metrics.parent / "train" / "curves.json"
    if curves.exists():
        per_model = defaultdict(list)
        for e in json.loads(curves.read_text()):
            per_model[e["model"]].append(e)
        for model, epochs in per_model.items():
            best = max(epochs, key=lambda e: e["validation_hr"] or -1)
            values[(dataset, model, "best epoch")].append(best["epoch"])
            values[(dataset, model, "epochs")].append(len(epochs))
            values[(dataset, model, "train s/epoch")].append(statistics.mean(e["seconds"] for e in epochs))

columns = ["sampled HR", "sampled NDCG", "full Recall", "full NDCG", "best epoch", "epochs", "train s/epoch"]
print("# NCF quality (bench/quality.sh)\n")
print("Mean ± standard deviation over the seeds; sampled: 99 negatives, @10; full: every unseen item, @10.\n")
print("| dataset | seeds | model | HR@10 | NDCG@10 | Recall@10 (full) | NDCG@10 (full) | best epoch | epochs | train s/epoch |")
print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
for dataset in sorted(seeds):
    models = sorted({k[1] for k in values if k[0] == dataset})
    for model in models:
        cells = []
        for c in columns:
            v = values.get((dataset, model, c))
            if not v:
                cells.append("–")
            elif c in ("best epoch", "epochs"):
                cells.append(" ".join(str(int(x)) for x in v))
            elif c == "train s/epoch":
                cells.append(f"{statistics.mean(v):.1f}")
            else:
                sd = statistics.stdev(v) if len(v) > 1 else 0.0
                cells.append(f"{statistics.mean(v):.4f} ± {sd:.4f}")
        print(f"| {dataset} | {','.join(sorted(seeds[dataset]))} | {model} | " + " | ".join(cells) + " |")
