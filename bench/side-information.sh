#!/usr/bin/env bash
# The models that use side information next to NeuMF, ALS and MostPop: one run per dataset
# (leave-one-out, 99 sampled negatives, core-5, seed 42 unless given), the same split and negatives
# for every model -> bench/results/side-information-*.md: sampled HR@10 / NDCG@10, full-ranking
# Recall@10 / NDCG@10, and the features stage's seconds to embed the catalogue.
#   bench/side-information.sh [data folders (default: ../shared/data/ml-100k ../shared/data/ml-latest-small)]
# Environment: SEED (42), MODELS ("[neumf, vbpr, neumf-features, als, most-pop, content-knn]"), FEW (20: the few-interaction
# segment's most training interactions of a held-out item; the job's default 5 leaves 8 of ml-100k's
# 943 test users after core-5), EXTRA (more --set arguments, e.g. "models.ncf.epochs=10").
# Needs target/ncf-spark.jar (make package).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
datasets=("$@")
[ ${#datasets[@]} -gt 0 ] || datasets=("$here/../shared/data/ml-100k" "$here/../shared/data/ml-latest-small")
seed="${SEED:-42}"
few="${FEW:-20}"
models="${MODELS:-[neumf, vbpr, neumf-features, als, most-pop, content-knn]}"
# shellcheck source=run-folder.sh
. "$here/bench/run-folder.sh"
bench_run_folder side-information
for data in "${datasets[@]}"; do
  name="$(basename "$data")"
  sets=(--set dataset.format=movielens --set "dataset.path=$data" --set "models.enabled=$models" --set "run.seed=$seed" --set "evaluation.few-interactions=$few"
    --set "run.output=$out/runs" --set "run.id=$name")
  for s in ${EXTRA:-}; do sets+=(--set "$s"); done
  echo "== $name"
  start=$(date +%s)
  NCF_LOCAL_SUBMIT=1 NCF_JAR="$jar" "$here/jobs/submit.sh" --master 'local[2]' --properties-file "$here/conf/spark-local.properties" \
    -- run "${sets[@]}" > "$out/$name.log" 2>&1
  echo "$name $(( $(date +%s) - start ))" >> "$out/seconds.txt"
done
python3 - "$out" "$here/bench/results/side-information-$stamp.md" "$seed" "$few" <<'PY'
import json, sys, pathlib
out, md, seed = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3]
seconds = dict(l.split() for l in (out / "seconds.txt").read_text().split("\n") if l.strip())
lines = ["# Side-information models against NeuMF, ALS and MostPop (%s)" % out.name, "",
         "One run per dataset, seed %s: leave-one-out, 99 sampled negatives, core-5, `local[2]`; every model on the same split "
         "and negatives. Sampled HR@10 / NDCG@10; full ranking over every item unseen in training: Recall@10 / NDCG@10." % seed, "",
         "| data | model | HR@10 | NDCG@10 | Recall@10 (full) | NDCG@10 (full) |", "|---|---|---:|---:|---:|---:|"]
notes = []
segments = ["", "The same on the test users whose held-out item has at most %s training interactions "
            "(`evaluation.few-interactions`; users per protocol in brackets):" % sys.argv[4], "",
            "| data | model | HR@10 | NDCG@10 | Recall@10 (full) | NDCG@10 (full) |", "|---|---|---:|---:|---:|---:|"]
for run in sorted((out / "runs").iterdir()):
    few_file = run / "evaluate" / "few_interaction_metrics.json"
    if few_file.exists():
        few = {(x["model"], x["protocol"], x["metric"], x["cutoff"]): (x["value"], x["users"]) for x in json.loads(few_file.read_text())}
        for i, mod in enumerate(sorted({k[0] for k in few})):
            cell = lambda p, k: "%.4f (%d)" % few[(mod, p, k, 10)] if (mod, p, k, 10) in few else "–"
            segments.append("| %s | %s | %s | %s | %s | %s |" % (run.name if i == 0 else "", mod, cell("sampled", "HR"),
                cell("sampled", "NDCG"), cell("full", "Recall"), cell("full", "NDCG")))
    m = {}
    for x in json.loads((run / "metrics.json").read_text()):
        m[(x["model"], x["protocol"], x["metric"], x["cutoff"])] = x["value"]
    models = sorted({k[0] for k in m}, key=lambda mod: -m.get((mod, "sampled", "HR", 10), 0))
    for i, mod in enumerate(models):
        cell = lambda p, k: "%.4f" % m[(mod, p, k, 10)] if (mod, p, k, 10) in m else "–"
        lines.append("| %s | %s | %s | %s | %s | %s |" % (run.name if i == 0 else "", mod, cell("sampled", "HR"), cell("sampled", "NDCG"),
                                                        cell("full", "Recall"), cell("full", "NDCG")))
    manifest = json.loads((run / "manifest.json").read_text())
    stages = {s["name"]: s for s in manifest["stages"]}
    f = stages.get("features", {}).get("details", {})
    notes.append("- %s: %s items embedded in %s s (%s); the whole job %s s" % (run.name, f.get("items_with_text_embedding", "no"),
        f.get("text_embedding_seconds", "–"), f.get("text_embedding_model", "no embedding"), seconds.get(run.name, "?")))
md.write_text("\n".join(lines + segments + [""] + notes) + "\n")
print(md.read_text())
PY
