#!/usr/bin/env bash
# The data-preparation stages only (finished ones are reused).
#   jobs/prepare.sh [spark-submit options...] -- [--config exp.conf] [--set key=value ...]
# Example on YARN:
#   jobs/prepare.sh --master yarn --deploy-mode cluster --conf spark.executor.memory=8g --conf spark.executor.cores=4 \
#     -- --config exp.conf --set run.output=s3a://bucket/ncf/runs
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
opts=(); while [[ $# -gt 0 && "$1" != "--" ]]; do opts+=("$1"); shift; done; [[ "${1:-}" == "--" ]] && shift
exec "$here/submit.sh" "${opts[@]}" -- prepare "$@"
