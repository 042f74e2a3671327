#!/usr/bin/env bash
# Quality of training-master = distributed against the single JVM: NeuMF (leave-one-out, 99 sampled
# negatives, core-5), 10 epochs without early stopping, for each seed and configuration; test HR@10 /
# NDCG@10 and the validation curve of every run -> bench/results/distributed-quality-*.md.
#   bench/distributed-quality.sh [data folder (default ../shared/data/ml-100k)] [seeds (default "1 2 3")]
#                                [configurations (default "local distributed-2w distributed-4w")]
# Configurations: local (one JVM, sparse engine), distributed-2w / distributed-4w (the default
# distributed mode: workers draw their own examples, merge every 50 minibatches; local[2] / local[4]),
# parameter-averaging and shared-gradients (DL4J's Spark masters on DL4J's graph, 2 workers,
# local[2]), graph-local (DL4J's graph in one JVM: the DL4J masters' single-JVM reference).
# About 2 minutes a run here (2 cores) for the sparse engine, 5-10 for DL4J's graph. Needs
# target/ncf-spark.jar (make package).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${1:-$here/../shared/data/ml-100k}"
seeds="${2:-1 2 3}"
wanted="${3:-local distributed-2w distributed-4w}"
# shellcheck source=run-folder.sh
. "$here/bench/run-folder.sh"
bench_run_folder distributed-quality
# name | Spark master | settings
all_configs=(
  "local|local[2]|models.ncf.spark.training-master=local"
  "distributed-2w|local[2]|models.ncf.spark.training-master=distributed models.ncf.spark.workers=2"
  "distributed-4w|local[4]|models.ncf.spark.training-master=distributed models.ncf.spark.workers=4"
  "graph-local|local[2]|models.ncf.engine=graph models.ncf.spark.training-master=local"
  "parameter-averaging|local[2]|models.ncf.spark.training-master=parameter-averaging models.ncf.spark.workers=2"
  "shared-gradients|local[2]|models.ncf.spark.training-master=shared-gradients models.ncf.spark.workers=2"
)
configs=()
for w in $wanted; do
  found=""
  for c in "${all_configs[@]}"; do [ "${c%%|*}" = "$w" ] && configs+=("$c") && found=1; done
  [ -n "$found" ] || { echo "unknown configuration: $w (expected one of: ${all_configs[*]%%|*})" >&2; exit 2; }
done
for seed in $seeds; do
  for c in "${configs[@]}"; do
    IFS='|' read -r name master settings <<<"$c"
    sets=(--set dataset.format=movielens --set "dataset.path=$data" --set "models.enabled=[neumf]" --set models.ncf.epochs=10
      --set models.ncf.patience=0 --set evaluation.full-ranking.enabled=false --set "run.seed=$seed" --set "run.output=$out/runs"
      --set "run.id=$name-seed$seed")
    for s in $settings; do sets+=(--set "$s"); done
    echo "== $name seed $seed"
    start=$(date +%s)
    NCF_LOCAL_SUBMIT=1 NCF_JAR="$jar" "$here/jobs/submit.sh" --master "$master" --properties-file "$here/conf/spark-local.properties" \
      -- run "${sets[@]}" > "$out/$name-seed$seed.log" 2>&1
    echo "$name $seed $(( $(date +%s) - start ))" >> "$out/seconds.txt"
  done
done
python3 - "$out" "$here/bench/results/distributed-quality-$stamp.md" "$data" <<'PY'
import json, sys, statistics, pathlib, collections
out, md = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
seconds = {tuple(l.split()[:2]): int(l.split()[2]) for l in (out / "seconds.txt").read_text().split("\n") if l.strip()}
rows = collections.defaultdict(list)
curves = collections.defaultdict(list)
for run in sorted((out / "runs").iterdir()):
    name, seed = run.name.rsplit("-seed", 1)
    m = {(x["metric"], x["cutoff"]): x["value"] for x in json.loads((run / "metrics.json").read_text())
         if x["model"] == "neumf" and x["protocol"] == "sampled"}
    rows[name].append((seed, m[("HR", 10)], m[("NDCG", 10)], seconds.get((name, seed))))
    c = json.loads((run / "train" / "curves.json").read_text())
    curves[name].append(c)
lines = ["# NeuMF on %s (%s): training-master = distributed against local" % (pathlib.Path(sys.argv[3]).name, out.name), "",
         "10 epochs (no early stopping), leave-one-out, 99 sampled negatives, core-5, batch 256, lr 0.001; "
         "one run per seed. Test HR@10 / NDCG@10 (sampled); seconds: the whole job.", "",
         "| configuration | seeds | HR@10 per seed | mean HR@10 | NDCG@10 per seed | mean NDCG@10 | job s (mean) |", "|---|---|---|---:|---|---:|---:|"]
for name, r in rows.items():
    lines.append("| %s | %s | %s | %.4f | %s | %.4f | %.0f |" % (name, " ".join(x[0] for x in r), " ".join("%.4f" % x[1] for x in r),
        statistics.mean(x[1] for x in r), " ".join("%.4f" % x[2] for x in r), statistics.mean(x[2] for x in r),
        statistics.mean(x[3] or 0 for x in r)))
lines += ["", "Validation HR@10 per epoch (mean over seeds):", ""]
def hr_curve(c):
    return [e["validation_hr"] for e in c if e["model"] == "neumf"]
def rate(c):
    return statistics.mean(e["samples_per_second"] for e in c if e["model"] == "neumf")
for name, cs in curves.items():
    per = [hr_curve(c) for c in cs]
    per = [p for p in per if p]
    if per:
        n = min(len(p) for p in per)
        lines.append("- %s: %s (training %.0f samples/s)" % (name, " ".join("%.3f" % statistics.mean(p[i] for p in per) for i in range(n)),
            statistics.mean(rate(c) for c in cs)))
md.write_text("\n".join(lines) + "\n")
print(md.read_text())
PY
