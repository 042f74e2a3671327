#!/usr/bin/env bash
# NCF training alone (the preparation must be finished in the same run folder).
#   jobs/train.sh [spark-submit options...] -- [--config FILE] [--set key=value ...]
# On GPU executors add --properties-file conf/spark-cluster-gpu.properties and build with -Pgpu.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "$here/stage.sh" train "$@"
