#!/usr/bin/env bash
# Which operators of the preparation stages would not run on the GPU, and why.
#   bench/rapids-explain.sh RAPIDS_JAR [--set key=value ...]      (make rapids-explain)
# Runs `prepare --force` on local[2] with the RAPIDS Accelerator in explain-only mode
# (spark.rapids.sql.mode=explainOnly: the plans are checked against the GPU rules, everything
# runs on the CPU, no GPU needed) and writes the operators and expressions reported as not on
# the GPU, with the plugin's reasons, to bench/results/rapids-explain-<time>.txt.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
jar="$1"; shift
stamp="$(date -u +%Y-%m-%dT%H%M%S)"
mkdir -p target/rapids bench/results
log="target/rapids/explain-$stamp.log"
out="bench/results/rapids-explain-$stamp.txt"
start=$(date +%s)
# local[2]: the executor plugin runs in the driver JVM. Without a GPU it must neither check the GPU
# architecture nor set up GPU memory at start-up (deferred to tasks, which explain-only mode runs on the CPU).
NCF_JAVA_OPTS="-Dcom.nvidia.spark.rapids.memory.gpu.rmm.init.task=true" \
NCF_LOCAL_SUBMIT=1 NCF_DRIVER_MEMORY="${NCF_DRIVER_MEMORY:-4g}" jobs/prepare.sh --master 'local[2]' \
  --properties-file conf/spark-local.properties --jars "$jar" \
  --conf spark.plugins=com.nvidia.spark.SQLPlugin \
  --conf spark.kryo.registrator=com.nvidia.spark.rapids.GpuKryoRegistrator \
  --conf spark.rapids.sql.mode=explainOnly \
  --conf spark.rapids.skipGpuArchitectureCheck=true \
  --conf spark.rapids.sql.explain=NOT_ON_GPU \
  -- --set run.output=target/rapids/runs --force "$@" >"$log" 2>&1 || { tail -40 "$log" >&2; exit 1; }
seconds=$(( $(date +%s) - start ))
{
  echo "# RAPIDS Accelerator explain-only run of the preparation stages"
  echo "# $(date -u +%FT%TZ), $(basename "$jar"), prepare --force $*, local[2], ${seconds} s"
  echo "# Each line: an operator (Exec) or expression the plugin would leave on the CPU, with its reason,"
  echo "# and how many times it was reported (once per planned query/stage in which it occurs)."
  echo
  echo "## Distinct entries not on the GPU"
  grep -E '^\s*!' "$log" | sed -E 's/^\s+//; s/#[0-9]+L?//g; s/@[0-9a-f]+//g; s/\s+$//' | sort | uniq -c | sort -rn || echo "(none)"
  echo
  echo "## Stages"
  grep -E '^(ingest|filter|index|split|negatives) ' "$log" || true
} >"$out"
echo "wrote $out ($(grep -cE '^\s*!' "$log" || true) not-on-GPU lines in $log)"
# the check: every entry, per stage, inside bench/rapids-allowlist.txt (each line says why it stays on the CPU)
echo >>"$out"
echo "## Per stage, against bench/rapids-allowlist.txt" >>"$out"
python3 bench/rapids_check.py "$log" bench/rapids-allowlist.txt "$out"
