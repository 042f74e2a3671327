# Sourced by the bench scripts that run the job several times: a folder of its own for this
# invocation, target/<name>/<UTC time>, with a copy of the job's jar, so that later builds do not
# change the runs under way. Sets stamp, out (the folder) and jar (the copy); needs $here (the checkout).
bench_run_folder() {
  stamp="$(date -u +%Y-%m-%dT%H%M%S)"
  out="$here/target/$1/$stamp"
  jar="$out/ncf-spark.jar"
  mkdir -p "$out" "$here/bench/results"
  cp "$here/target/ncf-spark.jar" "$jar"
}
