#!/usr/bin/env bash
# One stage alone (its upstream stages must be finished in the same run folder).
#   jobs/stage.sh ingest|filter|index|features|split|negatives|train [spark-submit options...] -- [--config ...] [--set ...]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
stage="$1"; shift
opts=(); while [[ $# -gt 0 && "$1" != "--" ]]; do opts+=("$1"); shift; done; [[ "${1:-}" == "--" ]] && shift
exec "$here/submit.sh" "${opts[@]}" -- "$stage" "$@"
