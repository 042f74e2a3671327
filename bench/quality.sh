#!/usr/bin/env bash
# NCF quality with the paper's settings (batch 256, lr 0.001, 4 negatives per positive, up to 20
# epochs, best epoch by validation HR@10, patience 3), leave-one-out, 99 sampled negatives, core-5,
# all ratings as positives, on the real MovieLens files in ../shared/data, for several seeds.
#   bench/quality.sh [datasets] [seeds] [extra --set arguments...]
#   bench/quality.sh "ml-100k ml-latest-small" "42 43 44"
# Each run's metrics: target/quality/<dataset>-seed<seed>/...; the summary (mean and standard
# deviation over the seeds of sampled HR@10 / NDCG@10 and full-ranking Recall@10 / NDCG@10 per
# model and dataset): bench/results/quality-<time>.md. Not part of make test (about 10 minutes a run).
# QUALITY_OUT=<dir> keeps the runs elsewhere (e.g. the previous engine: --set models.ncf.engine=graph);
# NCF_JAR=<jar> runs another build.
set -euo pipefail
cd "$(dirname "$0")/.."
datasets="${1:-ml-100k ml-latest-small}"
seeds="${2:-42 43 44}"
shift $(( $# > 2 ? 2 : $# ))
out="${QUALITY_OUT:-target/quality}"
mkdir -p "$out" bench/results
for d in $datasets; do
  for s in $seeds; do
    NCF_LOCAL_SUBMIT=1 jobs/run.sh --properties-file conf/spark-local.properties -- \
      --set dataset.format=movielens --set "dataset.path=$PWD/../shared/data/$d" --set run.seed="$s" \
      --set run.output="$PWD/$out" --set run.id="$d-seed$s" \
      --set 'models.enabled=[gmf, mlp, neumf, most-pop, als]' --set models.ncf.epochs=20 "$@" \
      > "$out/$d-seed$s.log" 2>&1
    echo "$d seed $s done"
  done
done
/usr/bin/python3 bench/quality_summary.py "$out" > "bench/results/quality-$(date -u +%Y-%m-%dT%H%M%S).md"
