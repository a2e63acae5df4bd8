"""Sequence statistics on Spark SQL: the SAME SQL files as DuckDB (``voc.sequences.sql``,
rendered for the 'spark' dialect) over a ``timeline`` temp view, and frequent patterns with
MLlib's ``pyspark.ml.fpm.PrefixSpan``.

    tl = SparkTimeline.register(spark, timeline_df, config)      # normalised view, nulls counted
    tables = sequence_tables(tl)                                  # transitions, step_times, patterns

Results are typed with ``voc.sequences.tables.typed`` (the contract columns and dtypes), so they
are interchangeable with ``voc.sequences.compute_all``'s.
"""
from __future__ import annotations

from typing import Any, Sequence

import pandas as pd

from voc.config import JourneyConfig
from voc.sequences.outcomes import OutcomeSpec, outcomes_for, resolve, step_names
from voc.sequences.patterns import SCORE_COLUMNS, SEP
from voc.sequences.significance import check_support, pattern_scores
from voc.sequences.sql import render
from voc.sequences.tables import typed

VIEW = "timeline"
_SRC = "__voc_timeline_src"


class SparkTimeline:
    """A timeline registered as the Spark temp view ``timeline`` (journey_id, ts, seq, event, intent),
    with the few helpers ``voc.sequences.outcomes`` asks of a prepared timeline."""

    def __init__(self, spark: Any, config: JourneyConfig, view: str = VIEW) -> None:
        self.spark = spark
        self.config = config
        self.view = view
        self.n_rows = 0
        self.n_excluded = 0
        self._cache: dict[str, Any] = {}

    @classmethod
    def register(cls, spark: Any, timeline: Any, config: JourneyConfig | None = None, view: str = VIEW) -> "SparkTimeline":
        """``timeline``: a Spark DataFrame or a pandas DataFrame with journey_id, ts, event (seq, intent optional)."""
        from pyspark.sql import functions as F

        from voc.errors import Errors, VocError

        config = config or JourneyConfig()
        df = timeline
        if isinstance(timeline, pd.DataFrame):
            df = _from_pandas(spark, timeline)
        missing = [c for c in ("journey_id", "ts", "event") if c not in df.columns]
        if missing:
            raise VocError(Errors.E320, missing=", ".join(missing), present=", ".join(df.columns) or "none")
        if "seq" not in df.columns:
            df = df.withColumn("seq", F.monotonically_increasing_id())
        intent = F.col("intent").cast("string") if "intent" in df.columns else F.lit(None).cast("string")
        ts = F.col("ts") if dict(df.dtypes)["ts"].startswith("timestamp") else F.col("ts").cast("timestamp")
        norm = df.select(F.col("journey_id").cast("string").alias("journey_id"), ts.alias("ts"),
                         F.col("seq").cast("long").alias("seq"), F.col("event").cast("string").alias("event"),
                         intent.alias("intent"))
        valid = F.col("journey_id").isNotNull() & F.col("event").isNotNull() & F.col("ts").isNotNull()
        counts = norm.agg(F.count(F.lit(1)).alias("n"), F.sum(F.when(valid, 0).otherwise(1)).alias("bad")).collect()[0]
        out = cls(spark, config, view)
        out.n_rows, out.n_excluded = int(counts["n"]), int(counts["bad"] or 0)
        norm.filter(valid).createOrReplaceTempView(view)
        if out.n_excluded:
            from voc.sequences.engine import warn

            warn(Errors.E321, n=out.n_excluded, kept=out.n_rows - out.n_excluded)
        return out

    # -- what voc.sequences.outcomes needs of a prepared timeline
    def sql(self, name: str, **params: Any) -> str:
        return render(name, "spark", source=self.view, **params)

    def query(self, name: str, **params: Any) -> pd.DataFrame:
        return _to_pandas(self.spark.sql(self.sql(name, **params)))

    def n_journeys(self) -> int:
        if "n" not in self._cache:
            self._cache["n"] = int(self.spark.sql(f"SELECT COUNT(DISTINCT journey_id) AS n FROM {self.view}").collect()[0]["n"])
        return self._cache["n"]

    def contact_intents(self) -> pd.DataFrame:
        if "intents" not in self._cache:
            self._cache["intents"] = _to_pandas(self.spark.sql(
                f"SELECT intent, COUNT(DISTINCT journey_id) AS journeys FROM {self.view} "
                "WHERE event LIKE 'contact:%' AND intent IS NOT NULL GROUP BY intent ORDER BY journeys DESC, intent"))
        return self._cache["intents"]

    @property
    def steps(self) -> tuple[str, ...]:
        """Distinct step names (configured outcome and funnel globs are expanded against them)."""
        if "steps" not in self._cache:
            rows = self.spark.sql(f"SELECT DISTINCT event FROM {self.view}").collect()
            self._cache["steps"] = tuple(sorted(str(r["event"]) for r in rows))
        return self._cache["steps"]

    def has_contacts(self) -> bool:
        if "has_contacts" not in self._cache:
            self._cache["has_contacts"] = bool(self.spark.sql(
                f"SELECT 1 FROM {self.view} WHERE event LIKE 'contact:%' LIMIT 1").collect())
        return self._cache["has_contacts"]


def _from_pandas(spark: Any, df: pd.DataFrame) -> Any:
    import pyarrow as pa

    keep = [c for c in ("journey_id", "ts", "seq", "event", "intent") if c in df.columns]
    table = pa.Table.from_pandas(df[keep], preserve_index=False)
    cols = []
    for name in table.column_names:
        col = table.column(name)
        if pa.types.is_timestamp(col.type):
            col = col.cast(pa.timestamp("us", tz="UTC"))
        elif pa.types.is_large_string(col.type) or pa.types.is_null(col.type):
            col = col.cast(pa.string())
        cols.append(col)
    return spark.createDataFrame(pa.table(cols, names=table.column_names))


def _to_pandas(df: Any) -> pd.DataFrame:
    return df.toArrow().to_pandas()


# ---------------------------------------------------------------- the metrics
def transitions(tl: SparkTimeline) -> pd.DataFrame:
    return typed(tl.query("transitions"), "transitions")


def step_times(tl: SparkTimeline, outcomes: Sequence[str] | None = None) -> pd.DataFrame:
    """As ``voc.sequences.step_times`` (transition times + time to each outcome), on Spark SQL."""
    from voc.sequences.step_times import from_queries

    return from_queries(tl, tl.config, outcomes)


def _contains(seq: list[str], pattern: list[str]) -> bool:
    """Whether ``pattern`` is a subsequence of ``seq`` (gaps allowed), as PrefixSpan counts it."""
    it = iter(seq)
    return all(any(x == p for x in it) for p in pattern)


def mine(tl: SparkTimeline, spec: OutcomeSpec | None) -> pd.DataFrame:
    """Frequent patterns of the (cut) journeys with MLlib PrefixSpan; for an outcome, the count of
    journeys with the outcome that contain each pattern (confidence, lift) is counted on the
    distinct sequences (broadcast patterns, one pass)."""
    from pyspark.ml.fpm import PrefixSpan
    from pyspark.sql import functions as F

    config = tl.config
    seqs = tl.spark.sql(tl.sql("pattern_sequences", outcome=spec.params() if spec else None))
    # distinct sequences with their journey counts: what is mined and what confidence is counted on
    grouped = seqs.groupBy("sequence").agg(F.count(F.lit(1)).alias("w"), F.sum("has_outcome").alias("wo")).cache()
    totals = grouped.agg(F.sum("w").alias("n"), F.sum("wo").alias("no")).collect()[0]
    n = int(totals["n"] or 0)
    if n == 0:
        grouped.unpersist()
        return typed(None, "patterns")
    # PrefixSpan counts rows: one row per journey (itemsets of one step each)
    rows = seqs.select(F.transform("sequence", lambda x: F.array(x)).alias("sequence"))
    ps = PrefixSpan(minSupport=config.min_support, maxPatternLength=config.max_pattern_length,
                    maxLocalProjDBSize=32_000_000, sequenceCol="sequence")
    found = ps.findFrequentSequentialPatterns(rows).toArrow().to_pydict()
    patterns = [[s[0] for s in p] for p in found["sequence"]]
    counts = [int(c) for c in found["freq"]]
    if not patterns:
        grouped.unpersist()
        return typed(None, "patterns")
    df = pd.DataFrame({"pattern": [SEP.join(p) for p in patterns], "length": [len(p) for p in patterns],
                       "count": counts})
    df["support"] = df["count"] / n
    # the local engine's order (count desc, then shorter, then pattern) and its cap: journey.max_patterns
    # per cut, so both engines keep the same patterns when the cap is reached
    df = df.sort_values(["count", "length", "pattern"], ascending=[False, True, True], kind="stable")
    if config.max_patterns is not None:
        df = df.iloc[:config.max_patterns]
    df = df.reset_index(drop=True)
    patterns = [p.split(SEP) for p in df["pattern"]]
    if spec is None:
        df["outcome"] = None
        for c in SCORE_COLUMNS:
            df[c] = float("nan")
        df["count_with_outcome"] = pd.array([pd.NA] * len(df), dtype="Int64")
    else:
        with_outcome = _count_with_outcome(tl.spark, grouped, patterns)
        df["outcome"] = spec.name
        df["count_with_outcome"] = with_outcome
        check_support(spec.name, int(totals["no"] or 0), n, config.min_journeys)
        scores = pattern_scores(df["count"].to_numpy(), df["count_with_outcome"].to_numpy(), n,
                                int(totals["no"] or 0), config.min_journeys)
        for c, v in scores.items():
            df[c] = v
    grouped.unpersist()
    return typed(df, "patterns")


def _count_with_outcome(spark: Any, grouped: Any, patterns: list[list[str]]) -> list[int]:
    import numpy as np
    import pyarrow as pa
    from pyspark.sql import functions as F

    bc = spark.sparkContext.broadcast(patterns)

    def count(batches):  # noqa: ANN001, ANN202
        pats = bc.value
        total = np.zeros(len(pats), dtype=np.int64)
        for rb in batches:
            for seq, wo in zip(rb.column("sequence").to_pylist(), rb.column("wo").to_pylist()):
                if not wo:
                    continue
                for i, p in enumerate(pats):
                    if _contains(seq, p):
                        total[i] += wo
        yield pa.RecordBatch.from_arrays([pa.array(np.arange(len(pats), dtype=np.int64)), pa.array(total)],
                                         names=["i", "c"])

    res = (grouped.filter(F.col("wo") > 0).select("sequence", "wo").mapInArrow(count, "i long, c long")
           .groupBy("i").agg(F.sum("c").alias("c")).toArrow().to_pydict())
    bc.unpersist()
    out = [0] * len(patterns)
    for i, c in zip(res["i"], res["c"]):
        out[int(i)] = int(c)
    return out


def patterns(tl: SparkTimeline, outcomes: Sequence[str] | None = None) -> pd.DataFrame:
    """As ``voc.sequences.patterns``: whole-journey patterns, then per outcome the patterns before it."""
    config = tl.config
    specs = ([resolve(o, config, step_names(tl)) for o in outcomes] if outcomes is not None
             else outcomes_for(tl, config, intents=True))
    frames = [mine(tl, None)] + [mine(tl, s) for s in specs]
    frames = [f for f in frames if len(f)]
    return typed(pd.concat(frames, ignore_index=True) if frames else None, "patterns")


SPARK_TABLES = ("transitions", "step_times", "patterns")


def sequence_tables(tl: SparkTimeline) -> dict[str, pd.DataFrame]:
    """The sequence tables computed on Spark: transitions, step_times, patterns."""
    out = {"transitions": transitions(tl), "step_times": step_times(tl), "patterns": patterns(tl)}
    for df in out.values():
        df.attrs["excluded_rows"] = tl.n_excluded
        df.attrs["input_rows"] = tl.n_rows
    return out

