# ncf-spark. The two commands a new machine needs: `make run` and `make test`.
MVN      ?= mvn -B
JAR      := target/ncf-spark.jar
SPARK_CP := target/spark-classpath.txt
SOURCES  := $(shell find src/main conf -type f 2>/dev/null) pom.xml
# Extra arguments for the job, e.g. make run ARGS="--set filter.user-k=20"
ARGS     ?=
# make run trains NeuMF for 3 epochs so that it ends in minutes; RUN_ARGS= gives the paper's 20.
RUN_ARGS ?= --set models.ncf.epochs=3

.PHONY: run test package bench-prepare bench-train gpu-check cluster-test rapids-explain clean

## Build, then run the whole job on the embedded defaults (synthetic data, local[*]).
run: package
	NCF_LOCAL_SUBMIT=$${NCF_LOCAL_SUBMIT-1} jobs/run.sh --properties-file conf/spark-local.properties -- $(RUN_ARGS) $(ARGS)

## The test suite (JUnit 5 on a shared local[2] SparkSession).
test:
	$(MVN) test

package: $(JAR) $(SPARK_CP)

$(JAR): $(SOURCES)
	$(MVN) -q package -DskipTests

# Spark's own jars (the `provided` scope) for the local spark-submit equivalent.
$(SPARK_CP): pom.xml
	$(MVN) -q dependency:build-classpath -Dmdep.includeScope=provided -Dmdep.outputFile=$(SPARK_CP)

## ML-20M-scale benchmark of the preparation (20,000,263 synthetic ratings, local[2]);
## writes bench/results/prepare-*.json and .md.
bench-prepare: package
	NCF_LOCAL_SUBMIT=1 NCF_DRIVER_MEMORY=$${NCF_DRIVER_MEMORY-18g} NCF_MAIN_CLASS=dev.ncfspark.bench.PrepareBenchmark \
	  jobs/submit.sh --master 'local[2]' --properties-file conf/spark-local.properties -- $(ARGS)

## NeuMF training throughput at ML-20M size: single-JVM fit (baseline) against the Spark path;
## then one epoch single JVM against training-master = distributed on 1 and 2 workers (scaling, merge cost);
## writes bench/results/train-*.json and .md. ARGS="200": minibatches per measurement; ARGS=distributed: that section only.
bench-train: package
	NCF_LOCAL_SUBMIT=1 NCF_DRIVER_MEMORY=$${NCF_DRIVER_MEMORY-6g} NCF_MAIN_CLASS=dev.ncfspark.bench.TrainBenchmark \
	  jobs/submit.sh --master 'local[2]' --properties-file conf/spark-local.properties -- $(ARGS)

## Resolve the gpu profile's dependency graph (nd4j-cuda-11.6) without a GPU or its 600 MB jars.
gpu-check:
	$(MVN) -q -Pgpu dependency:tree -Dexcludes=org.apache.spark -DoutputFile=target/gpu-dependencies.txt
	grep -q 'nd4j-cuda-11.6:jar:linux-x86_64:1.0.0-M2.1' target/gpu-dependencies.txt
	! grep -q 'org.nd4j:nd4j-native:jar' target/gpu-dependencies.txt
	@echo "gpu profile resolves: nd4j-cuda-11.6 1.0.0-M2.1, no nd4j-native (target/gpu-dependencies.txt)"

## Spark standalone cluster on loopback (1 master, 2 workers, each its own JVM): the Airflow DAG's
## submissions through jobs/submit.sh, compared with a local run; then one executor killed with
## kill -9 in the middle of a stage, and in the middle of distributed NCF training (against the
## same training on local[2]). About 16 minutes; not part of `make test`.
cluster-test: package
	$(MVN) test -Dtest=StandaloneClusterTest -Dsurefire.failIfNoSpecifiedTests=false -Dncf.clusterTest=true

## RAPIDS Accelerator in explain-only mode on the preparation stages (no GPU needed): which operators
## would stay on the CPU and why, per stage -> bench/results/rapids-explain-*.txt; fails when one is
## not in bench/rapids-allowlist.txt (each line there says why it cannot move). Not part of `make test`:
## the plugin jar (about 600 MB) is fetched once, non-transitively (its parent POM is not published).
RAPIDS_VERSION := 25.04.0
RAPIDS_JAR     := target/rapids/rapids-4-spark_2.12-$(RAPIDS_VERSION).jar
rapids-explain: package $(RAPIDS_JAR)
	bench/rapids-explain.sh $(RAPIDS_JAR) $(ARGS)

# The jar's POM names a parent (rapids-4-spark-jdk-profiles_2.12) that is not published, so Maven
# cannot read its descriptor, even for a non-transitive copy. An empty stand-in for that parent is
# installed into a local repository of its own (target/rapids/m2: the user's ~/.m2 is not touched),
# then the jar alone is copied from Maven Central.
RAPIDS_M2      := $(CURDIR)/target/rapids/m2
$(RAPIDS_JAR):
	mkdir -p target/rapids
	printf '%s\n' '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>' \
	  '<groupId>com.nvidia</groupId><artifactId>rapids-4-spark-jdk-profiles_2.12</artifactId>' \
	  '<version>$(RAPIDS_VERSION)</version><packaging>pom</packaging></project>' > target/rapids/parent-stand-in.pom
	$(MVN) -q install:install-file -Dmaven.repo.local=$(RAPIDS_M2) -Dfile=target/rapids/parent-stand-in.pom \
	  -DpomFile=target/rapids/parent-stand-in.pom -Dpackaging=pom
	$(MVN) -q dependency:copy -Dmaven.repo.local=$(RAPIDS_M2) -Dartifact=com.nvidia:rapids-4-spark_2.12:$(RAPIDS_VERSION) \
	  -Dtransitive=false -DoutputDirectory=target/rapids

clean:
	$(MVN) -q clean
