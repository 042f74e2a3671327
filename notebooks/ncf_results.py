"""Loading an ncf-spark run folder into pandas, for the notebooks beside this file.

A run folder (``target/runs/<run-id>/`` locally, or ``s3://`` / ``s3a://`` on S3) holds
``manifest.json``, ``metrics.json``, the Parquet tables of every stage and, written by the report
stage, CSV copies of what the notebooks need in ``report/exports/``. Parquet is read with pyarrow
when it is installed; otherwise the CSV/JSON copies are used. S3 needs s3fs (fsspec).

    import ncf_results as ncf
    run = ncf.open_run("../target/runs/ml-20m-0123456789")   # or "s3a://bucket/ncf/runs/..."
    manifest = run.manifest()
    metrics = ncf.load_metrics(run)
"""

from __future__ import annotations

import glob
import gzip
import importlib.util
import io
import json
import os
import posixpath

import pandas as pd

EXPORTS = "report/exports"
# Metrics for which lower is better (the report bolds the minimum), and those that are not ranked.
LOWER_IS_BETTER = {"RMSE", "MAE"}
NOT_RANKED = {"MeanPopularity"}
# Order of the protocols' tables, as in the report.
PROTOCOLS = ["sampled", "full", "rating"]


def has_pyarrow() -> bool:
    """True when pandas can read Parquet here (pyarrow installed)."""
    return importlib.util.find_spec("pyarrow") is not None


class Run:
    """A run folder on the local disk or on S3; paths inside it are relative, with '/'."""

    def __init__(self, root: str):
        self.uri = root.rstrip("/")
        if self.uri.startswith(("s3://", "s3a://", "s3n://")):
            try:
                import fsspec  # noqa: F401
                import s3fs  # noqa: F401
            except ImportError as e:
                raise RuntimeError(
                    f"reading {root} needs s3fs (and fsspec): `pip install s3fs` or `apt-get install python3-s3fs`, "
                    "or copy the run folder locally (aws s3 sync) and pass the local path") from e
            import fsspec
            self.fs = fsspec.filesystem("s3")
            self.root = "s3://" + self.uri.split("://", 1)[1]
            self.local = False
        else:
            path = self.uri
            if path.startswith("file://"):
                path = path[len("file://"):]
            elif path.startswith("file:"):
                path = path[len("file:"):]
            self.fs = None
            self.root = os.path.abspath(os.path.expanduser(path))
            self.local = True
            if not os.path.isdir(self.root):
                raise FileNotFoundError(f"no run folder at {self.root}")
        if not self.exists("manifest.json"):
            raise FileNotFoundError(f"{self.root} is not a run folder: it has no manifest.json")

    def __repr__(self):
        return f"Run({self.root})"

    def path(self, relative: str = "") -> str:
        if not relative:
            return self.root
        return os.path.join(self.root, *relative.split("/")) if self.local else posixpath.join(self.root, relative)

    def exists(self, relative: str) -> bool:
        return os.path.exists(self.path(relative)) if self.local else self.fs.exists(self.path(relative))

    def glob(self, pattern: str) -> list[str]:
        """Files matching a glob pattern inside the run, sorted."""
        if self.local:
            return sorted(glob.glob(self.path(pattern)))
        return sorted("s3://" + p for p in self.fs.glob(self.path(pattern)))

    def open(self, relative_or_path: str, mode: str = "rb"):
        p = relative_or_path if relative_or_path.startswith((self.root, "s3://")) else self.path(relative_or_path)
        return open(p, mode) if self.local else self.fs.open(p, mode)

    def read_json(self, relative: str):
        with self.open(relative, "rb") as f:
            return json.loads(f.read().decode("utf-8"))

    def read_csv(self, relative_or_path: str, **kwargs) -> pd.DataFrame:
        with self.open(relative_or_path, "rb") as f:
            data = f.read()
        if relative_or_path.endswith(".gz"):
            data = gzip.decompress(data)
        return pd.read_csv(io.BytesIO(data), **kwargs)

    def read_parquet(self, relative: str, columns: list[str] | None = None) -> pd.DataFrame:
        """A Parquet table (a Spark output folder, partition columns included) with pyarrow."""
        import pyarrow.parquet as pq
        if self.local:
            table = pq.read_table(self.path(relative), columns=columns)
        else:
            table = pq.read_table(self.path(relative)[len("s3://"):], columns=columns, filesystem=self.fs)
        df = table.to_pandas()
        for c in df.columns:  # hive partition columns come back as categories
            if isinstance(df[c].dtype, pd.CategoricalDtype):
                df[c] = df[c].astype(df[c].cat.categories.dtype)
        return df

    def manifest(self) -> dict:
        return self.read_json("manifest.json")


def newest_run(folder: str = "../target/runs") -> str:
    """The run folder under ``folder`` whose manifest was updated last (what `make run` just wrote)."""
    manifests = glob.glob(os.path.join(folder, "*", "manifest.json"))
    if not manifests:
        raise FileNotFoundError(f"no run under {os.path.abspath(folder)}: run `make run` first, or set RUN "
                                "(or the NCF_RUN environment variable) to a run folder")
    return os.path.dirname(max(manifests, key=os.path.getmtime))


def open_run(root: str | None = None) -> Run:
    """Opens a run folder: a local path, file:, s3:// or s3a:// URI; empty = the newest run under ../target/runs."""
    return Run(root if root else newest_run())


# ---------------------------------------------------------------------------------------------- manifest


def stage(manifest: dict, name: str) -> dict | None:
    return next((s for s in manifest.get("stages", []) if s["name"] == name), None)


def stages_table(manifest: dict) -> pd.DataFrame:
    """One row per stage: status, rows, users, items, seconds (as in the manifest)."""
    rows = [{k: s.get(k) for k in ("name", "status", "rows", "users", "items", "seconds")}
            for s in manifest.get("stages", [])]
    return pd.DataFrame(rows, columns=["name", "status", "rows", "users", "items", "seconds"]).set_index("name")


def interaction_stages(manifest: dict) -> pd.DataFrame:
    """Rows, users, items and density after each stage whose output is an interactions table."""
    t = stages_table(manifest)
    t = t[t.index.isin(["ingest", "filter", "split"])][["rows", "users", "items"]].copy()
    t["interactions per user"] = t["rows"] / t["users"]
    t["density %"] = 100.0 * t["rows"] / (t["users"] * t["items"])
    return t


def core_k_rounds(manifest: dict) -> pd.DataFrame:
    s = stage(manifest, "filter")
    return pd.DataFrame(s["details"].get("core_k_rounds", []) if s else []).set_index("round", drop=True) \
        if s and s["details"].get("core_k_rounds") else pd.DataFrame()


def rejected_by_reason(manifest: dict) -> pd.DataFrame:
    """Rows set aside by each stage, by reason."""
    rows = []
    for s in manifest.get("stages", []):
        d = s.get("details", {})
        if s["name"] == "ingest":
            rows.append({"stage": "ingest", "reason": "unparsable line", "rows": d.get("rejected_lines", 0)})
        for reason, n in (d.get("rejected_by_reason") or {}).items():
            rows.append({"stage": s["name"], "reason": reason, "rows": n})
    return pd.DataFrame(rows, columns=["stage", "reason", "rows"])


def split_sizes(manifest: dict) -> pd.DataFrame:
    """Rows, users, items per split (train, validation, test) from the split stage's details."""
    s = stage(manifest, "split")
    if not s:
        return pd.DataFrame(columns=["rows", "users", "items", "moved_in_by_cold_start_repair"])
    t = pd.DataFrame(s["details"]["splits"]).T
    t = t.reindex([x for x in ["train", "validation", "test"] if x in t.index])
    t = t[["rows", "users", "items", "moved_in_by_cold_start_repair"]].astype("int64")
    t["share of rows %"] = 100.0 * t["rows"] / t["rows"].sum()
    return t


# ---------------------------------------------------------------------------------------------- metrics


def load_metrics(run: Run) -> pd.DataFrame:
    """The long metrics table (model, protocol, metric, cutoff, value, users): metrics/ with pyarrow, else metrics.json."""
    if has_pyarrow() and run.exists("metrics"):
        m = run.read_parquet("metrics")
    elif run.exists("metrics.json"):
        m = pd.DataFrame(run.read_json("metrics.json"))
    else:
        raise FileNotFoundError(f"{run.root} has no metrics: run the evaluate stage (`evaluate` or `run`) first")
    m["cutoff"] = pd.to_numeric(m["cutoff"]).astype("Int64")
    m["value"] = pd.to_numeric(m["value"])
    return m.sort_values(["model", "protocol", "metric", "cutoff"]).reset_index(drop=True)


def _column(metric: str, cutoff) -> str:
    return metric if pd.isna(cutoff) else f"{metric}@{int(cutoff)}"


def side_by_side(metrics: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """One table per protocol (sampled, full, rating): a row per model, a column per metric@K."""
    tables = {}
    for protocol in sorted(metrics["protocol"].unique(), key=lambda p: (PROTOCOLS + [p]).index(p)):
        g = metrics[metrics["protocol"] == protocol].copy()
        g["column"] = [_column(m, c) for m, c in zip(g["metric"], g["cutoff"])]
        order = g.sort_values(["metric", "cutoff"])["column"].drop_duplicates().tolist()
        t = g.pivot_table(index="model", columns="column", values="value", aggfunc="first")[order]
        t.columns.name = None
        tables[protocol] = t
    return tables


def styled(table: pd.DataFrame, precision: int = 4):
    """The table with the best value of each column in bold (lowest for RMSE/MAE; MeanPopularity not ranked)."""
    higher = [c for c in table.columns if c.split("@")[0] not in LOWER_IS_BETTER | NOT_RANKED]
    lower = [c for c in table.columns if c.split("@")[0] in LOWER_IS_BETTER]
    s = table.style.format(precision=precision)
    if higher:
        s = s.highlight_max(subset=higher, axis=0, props="font-weight: bold")
    if lower:
        s = s.highlight_min(subset=lower, axis=0, props="font-weight: bold")
    return s


def ranking_models(metrics: pd.DataFrame) -> list[str]:
    return sorted(metrics.loc[metrics["protocol"].isin(["sampled", "full"]), "model"].unique())


def load_per_user_metrics(run: Run) -> pd.DataFrame:
    """Per-user values (model, protocol, user_idx, metric, cutoff, value): per_user_metrics/ with pyarrow, else the CSV copy."""
    if has_pyarrow() and run.exists("per_user_metrics"):
        p = run.read_parquet("per_user_metrics")
    else:
        parts = run.glob(f"{EXPORTS}/per_user_metrics/part-*.csv*")
        if not parts:
            raise FileNotFoundError(
                f"{run.root} has no {EXPORTS}/per_user_metrics/ (written by the report stage) and pyarrow is not "
                "installed to read per_user_metrics/ (Parquet): re-run the report stage, or install pyarrow")
        p = pd.concat([run.read_csv(f) for f in parts], ignore_index=True)
    p["cutoff"] = pd.to_numeric(p["cutoff"]).astype("Int64")
    return p[["model", "protocol", "user_idx", "metric", "cutoff", "value"]]


def paired(per_user: pd.DataFrame, model_a: str, model_b: str, protocol: str, metric: str, cutoff: int) -> pd.DataFrame:
    """Per-user values of two models on the users both were evaluated on: columns model_a, model_b (index user_idx)."""
    available = sorted(per_user.loc[per_user["protocol"] == protocol, "model"].unique())
    for m in (model_a, model_b):
        if m not in available:
            raise ValueError(f"model '{m}' has no per-user {protocol} metrics in this run; available: {available}")
    sel = per_user[(per_user["protocol"] == protocol) & (per_user["metric"] == metric) & (per_user["cutoff"] == cutoff)]
    wide = sel[sel["model"].isin([model_a, model_b])].pivot_table(index="user_idx", columns="model", values="value",
                                                                 aggfunc="first")
    return wide[[model_a, model_b]].dropna()


def load_training_curves(run: Run) -> pd.DataFrame:
    """Per-epoch training curves (model, epoch, metric, value) of the trained (NCF) models; empty when there are none.
    The report stage's CSV copy, else the train stage's ``train/curves.json`` (one record per model and epoch)."""
    columns = ["model", "epoch", "metric", "value"]
    if run.exists(f"{EXPORTS}/training_curves.csv"):
        c = run.read_csv(f"{EXPORTS}/training_curves.csv")
    elif run.exists("train/curves.json"):
        k = run.manifest()["config"].get("models", {}).get("ncf", {}).get("validation-cutoff", 10)
        names = {"loss": "training loss", "validation_hr": f"validation HR@{k}", "validation_ndcg": f"validation NDCG@{k}",
                 "samples_per_second": "samples/s"}
        records = pd.DataFrame(run.read_json("train/curves.json"))
        if records.empty:
            return pd.DataFrame(columns=columns)
        c = records.melt(id_vars=["model", "epoch"], value_vars=[v for v in names if v in records.columns],
                         var_name="metric", value_name="value")
        c["metric"] = c["metric"].map(names)
    else:
        return pd.DataFrame(columns=columns)
    c["value"] = pd.to_numeric(c["value"], errors="coerce")
    # loss first, then the validation metrics, then the rest
    order = c["metric"].map(lambda m: (0 if m == "training loss" else 1 if str(m).startswith("validation") else 2, m))
    return c.assign(_order=order).sort_values(["_order", "model", "epoch"])[columns].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------- data


def load_activity(run: Run) -> pd.DataFrame:
    """How many users have n interactions and how many items have popularity n (table, entity, interactions, count),
    for ingest, before_core_k, after_core_k, train, validation, test: the report stage's CSV, else computed from the
    Parquet tables with pyarrow (a run that was only prepared)."""
    if run.exists(f"{EXPORTS}/activity.csv"):
        return run.read_csv(f"{EXPORTS}/activity.csv")
    _need_pyarrow(run, "activity.csv")
    ids = {}
    ids["ingest"] = run.read_parquet("ingest/interactions", ["user", "item"])
    kept = run.read_parquet("filter/interactions", ["user", "item"])
    rejected = run.read_parquet("filter/rejected", ["user", "item", "reason"])
    ids["before_core_k"] = pd.concat([kept, rejected.loc[rejected["reason"] == "core-k", ["user", "item"]]])
    ids["after_core_k"] = kept
    splits = run.read_parquet("split/interactions", ["split", "user_idx", "item_idx"])
    for s in ["train", "validation", "test"]:
        ids[s] = splits.loc[splits["split"] == s, ["user_idx", "item_idx"]]
    rows = []
    for table, df in ids.items():
        for entity, col in zip(["user", "item"], df.columns):
            freq = df[col].value_counts().value_counts().sort_index()
            rows += [(table, entity, int(n), int(c)) for n, c in freq.items()]
    return pd.DataFrame(rows, columns=["table", "entity", "interactions", "count"])


def activity_summary(activity: pd.DataFrame) -> pd.DataFrame:
    """Per table and entity: how many, interactions, min, median, mean, 90th percentile, max (from the frequencies)."""
    out = []
    for (table, entity), g in activity.groupby(["table", "entity"], sort=False):
        g = g.sort_values("interactions")
        cum = g["count"].cumsum() / g["count"].sum()
        q = lambda p: int(g["interactions"].iloc[int((cum >= p).to_numpy().argmax())])  # noqa: E731
        n = int(g["count"].sum())
        total = int((g["interactions"] * g["count"]).sum())
        out.append({"table": table, "entity": entity, "count": n, "interactions": total,
                    "min": int(g["interactions"].min()), "median": q(0.5), "mean": total / n, "p90": q(0.9),
                    "max": int(g["interactions"].max())})
    return pd.DataFrame(out).set_index(["entity", "table"]).sort_index(level=0, sort_remaining=False)


def load_negatives_check(run: Run) -> pd.DataFrame:
    """Sanity checks of the evaluation lists (per split) and training negatives (per epoch): users, lists, pairs,
    list lengths, duplicates within a list, items outside the catalogue, positives among negatives. The report
    stage's CSV, else computed from the Parquet tables with pyarrow."""
    if run.exists(f"{EXPORTS}/negatives_check.csv"):
        return _counts(run.read_csv(f"{EXPORTS}/negatives_check.csv"))
    _need_pyarrow(run, "negatives_check.csv")
    catalogue = len(run.read_parquet("index/items", ["item_idx"]))
    positives = pd.concat([run.read_parquet("split/interactions", ["user_idx", "item_idx"]),
                           run.read_parquet("split/rejected", ["user_idx", "item_idx"])]).drop_duplicates()
    positives["positive"] = True
    rows = []

    def check(kind, part, pairs, lists=None):
        pairs = pairs.astype({"user_idx": "int64", "item_idx": "int64"})
        hits = pairs.merge(positives, on=["user_idx", "item_idx"], how="inner")
        outside = int(((pairs["item_idx"] < 0) | (pairs["item_idx"] >= catalogue)).sum())
        row = {"kind": kind, "part": part, "users": pairs["user_idx"].nunique(), "lists": None, "pairs": len(pairs),
               "min_per_list": None, "max_per_list": None, "duplicates_within_lists": None,
               "outside_catalogue": outside, "positives_among_negatives": len(hits)}
        if lists is not None:
            sizes = lists["negative_items"].map(len)
            row.update(lists=len(lists), min_per_list=int(sizes.min()), max_per_list=int(sizes.max()),
                       duplicates_within_lists=int((sizes - lists["negative_items"].map(lambda a: len(set(a)))).sum()))
        rows.append(row)

    evals = run.read_parquet("negatives/eval")
    for split in sorted(evals["split"].unique()):
        lists = evals[evals["split"] == split]
        pairs = lists[["user_idx", "negative_items"]].explode("negative_items").dropna()
        check("eval", split, pairs.rename(columns={"negative_items": "item_idx"}), lists)
    for path in run.glob("negatives/train/epoch=*"):
        part = path.rstrip("/").rsplit("/", 1)[-1]
        check("train", part, run.read_parquet("negatives/train/" + part, ["user_idx", "item_idx"]))
    return _counts(pd.DataFrame(rows))


def _counts(checks: pd.DataFrame) -> pd.DataFrame:
    """Counts as nullable integers (the list columns are empty for training negatives)."""
    for c in checks.columns[2:]:
        checks[c] = pd.to_numeric(checks[c]).astype("Int64")
    return checks


def _need_pyarrow(run: Run, name: str):
    if not has_pyarrow():
        raise FileNotFoundError(
            f"{run.root} has no {EXPORTS}/{name} (the report stage writes it: run `evaluate` or `run` on this run) "
            "and pyarrow is not installed to compute it from the Parquet tables")
