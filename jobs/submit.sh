#!/usr/bin/env bash
# Thin wrapper around spark-submit shared by every job script and the Makefile.
#   jobs/submit.sh [spark-submit options...] -- <ncf-spark subcommand> [args...]
# Uses `spark-submit` from PATH (a Spark 3.5 / Scala 2.12 distribution); without one, the
# equivalent org.apache.spark.deploy.SparkSubmit on the Maven-resolved Spark jars
# (target/spark-classpath.txt, written by `make package`), so the same command line works on a
# laptop and on a cluster edge node. The Java 17 flags come from conf/java17.properties.
# NCF_MAIN_CLASS picks another entry point (the benchmarks); NCF_JAVA_OPTS adds JVM options to the
# local spark-submit JVM (the driver in client mode). Several --properties-file options
# are merged into one file, the later ones winning (e.g. a cluster profile, then conf/spark-s3.properties).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
opens="$(sed -n 's/^spark\.java17\.opens=//p' "$here/conf/java17.properties")"
jar="${NCF_JAR:-$here/target/ncf-spark.jar}"

submit_opts=(); profiles=()
while [[ $# -gt 0 && "$1" != "--" ]]; do
  case "$1" in
    --properties-file) profiles+=("$2"); shift 2 ;;
    --properties-file=*) profiles+=("${1#*=}"); shift ;;
    *) submit_opts+=("$1"); shift ;;
  esac
done
[[ "${1:-}" == "--" ]] && shift
if [[ ${#profiles[@]} -eq 1 ]]; then
  submit_opts=(--properties-file "${profiles[0]}" "${submit_opts[@]}")
elif [[ ${#profiles[@]} -gt 1 ]]; then
  merged="$(mktemp "${TMPDIR:-/tmp}/ncf-spark-profile.XXXXXX")"
  trap 'rm -f "$merged"' EXIT
  for f in "${profiles[@]}"; do cat "$f"; echo; done > "$merged"
  submit_opts=(--properties-file "$merged" "${submit_opts[@]}")
fi

common=(--class "${NCF_MAIN_CLASS:-dev.ncfspark.cli.Main}"
  --conf "spark.driver.extraJavaOptions=$opens -Dlog4j2.configurationFile=file:$here/conf/log4j2.properties"
  --conf "spark.executor.extraJavaOptions=$opens")

# exec, unless a merged profile must be removed when the job ends
run() { if [[ -n "${merged:-}" ]]; then "$@"; else exec "$@"; fi; }

if command -v spark-submit >/dev/null 2>&1 && [[ -z "${NCF_LOCAL_SUBMIT:-}" ]]; then
  run spark-submit "${common[@]}" "${submit_opts[@]}" "$jar" "$@"
  exit
fi
cp_file="$here/target/spark-classpath.txt"
[[ -f "$cp_file" ]] || { echo "no spark-submit on PATH and no $cp_file: run 'make package' first" >&2; exit 2; }
mem="${NCF_DRIVER_MEMORY:-8g}"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
# shellcheck disable=SC2086
run java $opens ${NCF_JAVA_OPTS:-} -Xmx"$mem" -Dlog4j2.configurationFile="file:$here/conf/log4j2.properties" \
  -cp "$(cat "$cp_file")" org.apache.spark.deploy.SparkSubmit "${common[@]}" "${submit_opts[@]}" "$jar" "$@"
