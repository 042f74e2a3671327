"""Loads an Airflow DAG file without Airflow and prints its tasks as JSON (for the Java tests).

Airflow is not installable on the build machines, so the two modules the ncf-spark DAG imports are
replaced by recording stand-ins: ``airflow.DAG`` (a context manager collecting tasks) and
``SparkSubmitOperator`` (keeps its keyword arguments and its upstream tasks). The DAG file itself
runs unchanged. Usage: python3 dump_dag_tasks.py DAG_FILE
"""
import json
import runpy
import sys
import types


class DAG:
    current = None

    def __init__(self, dag_id, **kwargs):
        self.dag_id = dag_id
        self.kwargs = kwargs
        self.tasks = []

    def __enter__(self):
        DAG.current = self
        return self

    def __exit__(self, *exc):
        DAG.current = None
        return False


class SparkSubmitOperator:
    def __init__(self, *, task_id, dag=None, **kwargs):
        owner = dag or DAG.current
        if owner is None:
            raise RuntimeError("task %s created outside a DAG" % task_id)
        if any(t.task_id == task_id for t in owner.tasks):
            raise RuntimeError("duplicate task id %s" % task_id)
        self.task_id = task_id
        self.kwargs = kwargs
        self.upstream = []
        owner.tasks.append(self)

    def set_downstream(self, other):
        others = other if isinstance(other, (list, tuple)) else [other]
        for o in others:
            o.upstream.append(self.task_id)

    def __rshift__(self, other):
        self.set_downstream(other)
        return other


def install_stubs():
    airflow = types.ModuleType("airflow")
    airflow.DAG = DAG
    names = ["airflow.providers", "airflow.providers.apache", "airflow.providers.apache.spark",
             "airflow.providers.apache.spark.operators"]
    sys.modules["airflow"] = airflow
    for n in names:
        sys.modules[n] = types.ModuleType(n)
    op = types.ModuleType("airflow.providers.apache.spark.operators.spark_submit")
    op.SparkSubmitOperator = SparkSubmitOperator
    sys.modules[op.__name__] = op


def main(dag_file):
    install_stubs()
    namespace = runpy.run_path(dag_file, run_name="dag_under_test")
    dags = [v for v in namespace.values() if isinstance(v, DAG)]
    if len(dags) != 1:
        raise RuntimeError("expected one DAG in %s, found %d" % (dag_file, len(dags)))
    dag = dags[0]
    out = {
        "dag_id": dag.dag_id,
        "dag": {k: v for k, v in dag.kwargs.items() if k != "default_args"},
        "default_args": dag.kwargs.get("default_args", {}),
        "tasks": [dict(task_id=t.task_id, upstream=t.upstream, **t.kwargs) for t in dag.tasks],
    }
    json.dump(out, sys.stdout, indent=2, default=str)


if __name__ == "__main__":
    main(sys.argv[1])
