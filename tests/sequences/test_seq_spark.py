"""The same SQL on Spark (local mode) gives the same tables as on DuckDB, and Spark MLlib's
PrefixSpan finds the same patterns as voc's. One SparkSession for the module."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from voc.config import JourneyConfig
from voc.sequences.engine import prepare
from voc.sequences.outcomes import resolve
from voc.sequences.patterns import load_sequences
from voc.sequences.prefixspan import prefixspan
from voc.sequences.sql import render

# Spark jobs take seconds each (minutes on a loaded 2-core machine): the QUICK comparisons run by default,
# every query with `pytest -m spark` / `-m slow`. (A module-wide slow mark would turn QUICK off.)
pytestmark = [pytest.mark.spark]
pyspark = pytest.importorskip("pyspark")

T0 = pd.Timestamp("2024-03-01T09:00:00Z")
CFG = JourneyConfig(outcomes={"conv": ["pay"]}, funnel=["view", "cart", "pay"], repeat_window_days=2,
                    min_support=0.1, max_pattern_length=3, max_path_steps=3, max_variants=4)


def make_timeline(seed: int = 3, n: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    steps = ["view", "cart", "pay", "error", "contact:chat", "contact:call", "it's"]
    rows = []
    for j in range(n):
        t = T0 + pd.Timedelta(hours=int(rng.integers(0, 100)))
        for k in range(int(rng.integers(1, 9))):
            t = t + pd.Timedelta(minutes=int(rng.choice([0, 0, 5, 90, 3000])))  # ties on purpose
            e = str(rng.choice(steps))
            rows.append({"journey_id": f"j{j:03d}", "ts": t, "seq": k, "event": e,
                         "intent": str(rng.choice(["billing", "delivery"])) if e.startswith("contact:") else None})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    try:
        s = (SparkSession.builder.master("local[1]").appName("voc-sequences-test")
             .config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false")
             .config("spark.sql.shuffle.partitions", "2").config("spark.driver.memory", "1g").getOrCreate())
    except Exception as e:  # no JVM
        pytest.skip(f"Spark local mode is unavailable: {e}")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def both(spark):
    from pyspark.sql import types as T

    tl = make_timeline()
    schema = T.StructType([T.StructField("journey_id", T.StringType()), T.StructField("ts", T.TimestampType()),
                           T.StructField("seq", T.LongType()), T.StructField("event", T.StringType()),
                           T.StructField("intent", T.StringType())])
    rows = [(r.journey_id, r.ts.to_pydatetime(), int(r.seq), r.event, r.intent) for r in tl.itertuples()]
    spark.createDataFrame(rows, schema).createOrReplaceTempView("timeline")
    prepared = prepare(tl, CFG)
    yield spark, prepared
    prepared.close()


def normalise(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    for c in df.columns:
        if len(df) and isinstance(df[c].iloc[0], (list, np.ndarray)):
            df[c] = df[c].map(lambda v: " | ".join(map(str, v)))
        elif pd.api.types.is_datetime64_any_dtype(df[c]):
            # one unit for both sides (DuckDB hands pandas ns or us depending on versions, Spark us)
            df[c] = pd.to_datetime(df[c], utc=True).dt.as_unit("us").astype("int64")
    df = df.sort_values(list(df.columns)).reset_index(drop=True)
    return df


def assert_same(duck: pd.DataFrame, spark_df: pd.DataFrame) -> None:
    assert list(duck.columns) == list(spark_df.columns)
    a, b = normalise(duck), normalise(spark_df)
    assert len(a) == len(b)
    for c in a.columns:
        if pd.api.types.is_numeric_dtype(a[c]) and pd.api.types.is_numeric_dtype(b[c]):
            np.testing.assert_allclose(a[c].astype(float).to_numpy(), b[c].astype(float).to_numpy(),
                                       rtol=1e-9, equal_nan=True, err_msg=c)
        else:
            assert a[c].astype(str).tolist() == b[c].astype(str).tolist(), c


OUTCOMES = ["conv", "contact", "contact:intent=billing", "repeat_contact"]


QUICK = {"transitions", "funnel", "pattern_sequences-conv", "time_to_outcome-repeat_contact"}


def queries() -> list:
    """Every query; the quick ones run by default, the others with -m slow (Spark jobs take seconds each)."""
    q = [("transitions", {}), ("step_times", {}), ("variants", {"max_steps": 3, "max_variants": 4}),
         ("funnel", {"steps": ["view", "cart", "pay", "nope"]}),
         ("journey_features", {"outcomes": [{"name": "conv", "column": "reached_conv", "events": ["pay"]}],
                               "max_path_steps": 3}),
         ("pattern_sequences", {"outcome": None})]
    for o in OUTCOMES:
        p = {"outcome": resolve(o, CFG).params()}
        q += [("time_to_outcome", p), ("outcome_transitions", p), ("outcome_step_reach", p), ("pattern_sequences", p)]
    out = []
    for name, params in q:
        key = name + ("-" + params["outcome"]["name"] if params.get("outcome") else "")
        out.append(pytest.param(name, params, id=key, marks=() if key in QUICK else pytest.mark.slow))
    return out


def test_quick_comparisons_run_by_default(request) -> None:
    """Exactly the QUICK queries run without -m slow (each QUICK name must match a query: a typo would
    silently drop it), and nothing at module level marks them slow."""
    marks = {m.name for m in (pytestmark if isinstance(pytestmark, list) else [pytestmark])}
    assert "slow" not in marks
    params = queries()
    ids = {p.id for p in params}
    assert QUICK <= ids, QUICK - ids
    quick = {p.id for p in params if not any(m.name == "slow" for m in p.marks)}
    assert quick == QUICK
    assert len(ids) > len(QUICK)                         # and the rest are slow


@pytest.mark.slow
def test_every_spark_rendering_parses(spark):
    parser = spark._jsparkSession.sessionState().sqlParser()
    for p in queries():
        name, params = p.values
        parser.parsePlan(render(name, "spark", **params))


@pytest.mark.parametrize("name,params", queries())
def test_spark_sql_equals_duckdb(both, name, params):
    spark, tl = both
    got = spark.sql(render(name, "spark", **params)).toPandas()
    want = tl.query(name, **params)
    assert_same(want, got)


@pytest.mark.parametrize("outcome", [None, pytest.param("conv", marks=pytest.mark.slow),
                                     pytest.param("repeat_contact", marks=pytest.mark.slow)])
def test_mllib_prefixspan_equals_voc(both, outcome):
    from pyspark.ml.fpm import PrefixSpan

    spark, tl = both
    spec = resolve(outcome, CFG) if outcome else None
    seqs = spark.sql(render("pattern_sequences", "spark", outcome=spec.params() if spec else None))
    seqs = seqs.selectExpr("transform(sequence, x -> array(x)) AS sequence")
    ps = PrefixSpan(minSupport=CFG.min_support, maxPatternLength=CFG.max_pattern_length)
    mllib = {tuple(i[0] for i in r["sequence"]): int(r["freq"]) for r in ps.findFrequentSequentialPatterns(seqs).collect()}
    data, names = load_sequences(tl, spec)
    ours = {tuple(names[i] for i in p): c for p, c, _ in prefixspan(data, CFG.min_support, CFG.max_pattern_length)}
    assert len(ours) > 10 and ours == mllib
