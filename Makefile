# ncf-spark. The two commands a new machine needs: `make run` and `make test`.
MVN      ?= mvn -B
JAR      := target/ncf-spark.jar
SPARK_CP := target/spark-classpath.txt
SOURCES  := $(shell find src/main conf -type f 2>/dev/null) pom.xml
# Extra arguments for the job, e.g. make run ARGS="--set filter.user-k=20"
ARGS     ?=

.PHONY: run test package bench-prepare clean

## Build, then run the whole preparation on the embedded defaults (synthetic data, local[*]).
run: package
	NCF_LOCAL_SUBMIT=$${NCF_LOCAL_SUBMIT-1} jobs/run.sh --properties-file conf/spark-local.properties -- $(ARGS)

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

clean:
	$(MVN) -q clean
