"""ncf-spark as an Airflow DAG: one SparkSubmitOperator task per pipeline stage, in pipeline order.

Every task submits the same application jar with the same experiment file; the output folder is
templated with the run's logical date, so one DAG run writes one run folder:

    <output_root>/<ds_nodash>/<dataset>-<hash of the experiment config>/

Retries are safe: a stage whose <stage>/_SUCCESS marker holds the fingerprint of the same config
and inputs is skipped (reused), and a stage that died half-way is recomputed from scratch (its
folder is deleted first; on S3 the magic committer never exposes partial files). A retried task
therefore redoes only what did not finish.

Requirements on the Airflow side: apache-airflow >= 2.4 and apache-airflow-providers-apache-spark;
a Spark connection (default ``spark_default``) whose host is the master (``yarn``,
``k8s://https://...``, ``spark://host:7077``) with the deploy mode in its extras; and this
repository's ``conf/`` folder beside ``jobs/`` (the DAG reads ``conf/java17.properties``, the Java
17 flags every Spark JVM needs, as ``jobs/submit.sh`` does). The jar, the experiment file and the
Spark profile are DAG params, overridable per run (``airflow dags trigger --conf``).

Adding a stage (e.g. ``train``) = adding one line to STAGES, in pipeline order; the project's tests
(AirflowDagTest) check that the tasks match the pipeline's stages and that every task's arguments
are accepted by the ncf-spark command line.
"""
from __future__ import annotations

import os
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

# (task id = stage name, the ncf-spark subcommand that runs that stage alone), in pipeline order.
STAGES = [
    ("ingest", ["ingest"]),
    ("filter", ["filter"]),
    ("index", ["index"]),
    ("features", ["features"]),
    ("split", ["split"]),
    ("negatives", ["negatives"]),
    ("train", ["train"]),
    ("evaluate", ["evaluate", "--stages", "evaluate"]),
    ("report", ["evaluate", "--stages", "report"]),
]

# The experiment arguments every task gets (Jinja-templated by Airflow: application_args is a
# template field of SparkSubmitOperator). The logical date goes into the output path.
EXPERIMENT_ARGS = [
    "--config", "{{ params.experiment_config }}",
    "--set", "run.output={{ params.output_root }}/{{ ds_nodash }}",
]

MAIN_CLASS = "dev.ncfspark.cli.Main"

_HERE = os.path.dirname(os.path.abspath(__file__))
NCF_SPARK_HOME = os.environ.get("NCF_SPARK_HOME", os.path.normpath(os.path.join(_HERE, "..", "..")))


def java17_opens(home: str = NCF_SPARK_HOME) -> str:
    """The --add-opens flags Spark needs on Java 17, from conf/java17.properties."""
    with open(os.path.join(home, "conf", "java17.properties"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("spark.java17.opens="):
                return line.split("=", 1)[1].strip()
    raise ValueError("no spark.java17.opens in conf/java17.properties")


def spark_conf() -> dict[str, str]:
    """Spark settings every task passes (the same ones jobs/submit.sh adds)."""
    opens = java17_opens()
    return {
        "spark.driver.extraJavaOptions": opens,
        "spark.executor.extraJavaOptions": opens,
    }


def application_args(command: list[str]) -> list[str]:
    """The ncf-spark arguments of one task: its subcommand, then the experiment."""
    return list(command) + list(EXPERIMENT_ARGS)


default_args = {
    "owner": "ncf-spark",
    "retries": 2,
    "retry_delay": timedelta(minutes=5),
    "retry_exponential_backoff": True,
    "execution_timeout": timedelta(hours=12),
}

with DAG(
    dag_id="ncf_spark",
    description="MovieLens preparation, baselines, evaluation and report with ncf-spark",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    params={
        "jar": os.path.join(NCF_SPARK_HOME, "target", "ncf-spark.jar"),
        # an experiment file (HOCON) layered over the embedded defaults; set it per deployment or run
        "experiment_config": os.path.join(NCF_SPARK_HOME, "conf", "default.conf"),
        "output_root": "s3a://ncf-spark/runs",
        "spark_profile": os.path.join(NCF_SPARK_HOME, "conf", "spark-cluster-cpu.properties"),
    },
    tags=["ncf-spark", "spark"],
) as dag:
    previous = None
    for stage, command in STAGES:
        task = SparkSubmitOperator(
            task_id=stage,
            conn_id="spark_default",
            application="{{ params.jar }}",
            java_class=MAIN_CLASS,
            properties_file="{{ params.spark_profile }}",
            conf=spark_conf(),
            application_args=application_args(command),
            name="ncf-spark-" + stage + "-{{ ds_nodash }}",
            verbose=False,
        )
        if previous is not None:
            previous >> task
        previous = task
