"""`run_journeys`: event logs (+ the contacts of `voc analyze`) -> the journey tables of docs/journeys.md and docs/outputs.md.

Pure computations on one DuckDB connection (metric definitions in voc/journey/sql and in
voc.sequences), pandas only at the edges, every table written atomically through voc.datasets."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import duckdb
import pandas as pd

from voc import catalog, datasets, outfolder
from voc.config import JourneyConfig
from voc.errors import Errors, VocError
from voc.identifiers import EMAIL_KEY_PREFIX, PHONE_KEY_PREFIX
from voc.journey import modelinput, quality, sqlrun
from voc.journey.events import EventLog, read_events
from voc.journey.eventstore import TABLE, EventStore
from voc.journey.friction import FRICTION_SQL, compute_friction
from voc.journey.identity import IdentityResult, read_identity_map, resolve
from voc.journey.merge import CUSTOMERS_SQL, JOURNEYS, materialise_journeys, merge_journeys
from voc.journey.repeat import compute_repeats
from voc.journey.timeline import build_timeline, copy_timeline, drop_timeline, timeline_frame, with_parsed_times
from voc.sequences import compute_all, journey_features_table, prepare

CONTACT_REQUIRED = ("contact_id", "created_at")
IDENTITY_COLUMNS = ["contact_id", "customer_id", "matched_by"]


@dataclass
class JourneyResult:
    tables: dict[str, pd.DataFrame]
    counts: dict[str, Any]
    timings: dict[str, float]
    paths: dict[str, Path] = field(default_factory=dict)
    rejects: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)    # {code, level, message, fix, source, ...} (voc.journey.quality)
    summary: dict[str, Any] = field(default_factory=dict)  # basis and friction_distribution (journey_run.json)
    analytics: dict[str, Any] = field(default_factory=dict)   # prediction, segments, unusual, warnings

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]


def check_contacts(contacts: pd.DataFrame, source: str = "contacts") -> None:
    missing = [c for c in CONTACT_REQUIRED if c not in contacts.columns]
    if missing:
        raise VocError(Errors.E308, file=source, missing=", ".join(missing), present=", ".join(map(str, contacts.columns)))


# sequence statistics of the timeline table ``tl`` on a DuckDB connection -> the sequence tables; it
# also leaves the per-journey sequence features as the table FEATURES on the connection (merged
# into the journeys table by DuckDB). The third argument is the timeline's Parquet file when the run
# wrote one (another engine reads it there instead of through the driver's memory)
SequenceStats = Callable[[duckdb.DuckDBPyConnection, JourneyConfig, "Path | None"], dict[str, pd.DataFrame]]
SEQUENCE_INPUT = "SELECT journey_id, ts, seq, event, intent FROM tl"
FEATURES = "jf"


def local_sequences(con: duckdb.DuckDBPyConnection, config: JourneyConfig,
                    timeline_path: Path | None = None) -> dict[str, pd.DataFrame]:
    """Sequence tables, and the per-journey sequence features as table FEATURES, on DuckDB from one
    prepared timeline."""
    with prepare(SEQUENCE_INPUT, config, con) as tl:
        tables = compute_all(tl, config)
        journey_features_table(tl, config, FEATURES)
    return tables


def _store_of(events: EventLog, config: JourneyConfig) -> tuple[EventStore, bool]:
    """The DuckDB events table of ``events`` (a pandas event log is loaded into a new one)."""
    if events.store is not None:
        return events.store, False
    store = EventStore(sqlrun.connect(config))
    store.add_file(0, "", "record")
    store.insert_frame(events.events, 0)
    return store, True


def compute(events: EventLog, contacts: pd.DataFrame | None, config: JourneyConfig,
            embeddings: pd.DataFrame | None = None, *, sequences: SequenceStats = local_sequences,
            out_dir: Path | None = None, fmt: str = "parquet", release_events: bool = False) -> JourneyResult:
    """Every journey table from an event log and (optionally) contacts. Nothing is written, except
    with ``out_dir`` and Parquet: the timeline (as large as the event log) is then written there by
    DuckDB (``COPY ... TO``) and is in ``paths`` rather than ``tables``.
    ``sequences`` computes the sequence statistics (the Spark engine passes its own).
    ``release_events``: drop the log's events table once the timeline holds its rows (the caller
    closes the log afterwards; it frees the memory the later steps need)."""
    timings: dict[str, float] = {}
    t = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal t
        now = time.perf_counter()
        timings[name] = round(now - t, 3)
        t = now

    time_warnings: list[dict] = []
    if contacts is not None:
        check_contacts(contacts)
        time_warnings = quality.contact_time_warnings(contacts)
        contacts = with_parsed_times(contacts)   # text times read once: the timeline takes them as they are
    imap = read_identity_map(config.identity_map) if config.identity_map else None
    if contacts is not None and len(contacts):
        ident = resolve(contacts, config, imap)
    else:
        ident = IdentityResult(pd.DataFrame({c: pd.Series([], dtype=object) for c in IDENTITY_COLUMNS}),
                               {"contacts": 0, "matched": 0, "keyed": 0, "unmatched": 0, "match_rate": None})
    lap("identity_s")
    store, owns = _store_of(events, config)
    con = store.con
    paths: dict[str, Path] = {}
    timeline: pd.DataFrame | None = None
    try:
        build_timeline(con, TABLE, contacts, ident.identity, config, case_based=events.case_based)
        found: list[dict] = quality.actor_warning_sql(con, config)
        found += time_warnings
        if release_events:   # the events view ev is read above, and by nothing after
            store.release()
        joined = quality.event_match(con)
        found = quality.match_rate_warning(joined, config) + found
        found += quality.pattern_warnings([r[0] for r in con.sql("SELECT event FROM cat").fetchall()], config)
        data_end_s = con.sql("SELECT MAX(ts_s) FROM tl").fetchall()[0][0] or 0.0
        timeline_rows = int(con.sql("SELECT COUNT(*) FROM tl").fetchall()[0][0])
        lap("timeline_s")
        big = out_dir is not None and fmt == "parquet"   # tables as large as the log: written by DuckDB
        if big:
            target = catalog.path(out_dir, "timeline", fmt)
            with datasets.atomic_path(target, dataset="timeline") as tmp:
                copy_timeline(con, tmp)
            paths["timeline"] = target
        else:
            timeline = timeline_frame(con)
        lap("timeline_write_s")
        rc, summary = compute_repeats(con, config, embeddings, data_end_s=data_end_s)
        lap("repeat_s")
        fr = compute_friction(con, config, data_end_s=data_end_s, fetch=not big)
        kinds = con.sql("SELECT kind, COUNT(*), COUNT(DISTINCT journey_id) FROM fr GROUP BY kind ORDER BY 2 DESC, 1").fetchall()
        if fr is None:
            target = catalog.path(out_dir, "friction", fmt)
            with datasets.atomic_path(target, dataset="friction") as tmp:
                con.execute(f"COPY ({FRICTION_SQL}) TO {sqlrun.literal(tmp)} (FORMAT parquet, COMPRESSION zstd)")
            paths["friction"] = target
        lap("friction_s")
        materialise_journeys(con)
        lap("merge_s")
        with quality.collect_sequence_warnings(found):
            seq_tables = sequences(con, config, paths.get("timeline"))
        lap("sequences_s")
        has_features = bool(con.sql(f"SELECT 1 FROM duckdb_tables() WHERE table_name = '{FEATURES}'").fetchall())
        journeys_sql = merge_journeys(con, FEATURES if has_features else None)
        con.execute(f"CREATE OR REPLACE TEMP TABLE cu AS {sqlrun.render(CUSTOMERS_SQL)}")
        n_journeys = int(con.sql(f"SELECT COUNT(*) FROM {JOURNEYS}").fetchall()[0][0])
        # the customers the business knows (its ids): requesters grouped by their own e-mail / phone are not counted
        n_customers = int(con.sql("SELECT COUNT(*) FROM cu WHERE NOT starts_with(customer_id, ?) "
                                  "AND NOT starts_with(customer_id, ?)", params=[EMAIL_KEY_PREFIX, PHONE_KEY_PREFIX]
                                  ).fetchall()[0][0])
        own: dict[str, pd.DataFrame] = {}
        for name, sql in (("journeys", journeys_sql), ("customers", "SELECT * FROM cu ORDER BY customer_id")):
            if big:   # one row per journey / customer: millions on a large log, written by DuckDB
                target = catalog.path(out_dir, name, fmt)
                with datasets.atomic_path(target, dataset=name) as tmp:
                    con.execute(f"COPY ({sql}) TO {sqlrun.literal(tmp)} (FORMAT parquet, COMPRESSION zstd)")
                paths[name] = target
            else:
                own[name] = sqlrun.fetch(con, sql)
        # what the run summary needs of the journeys: three numbers per journey
        figures = sqlrun.fetch(con, f"SELECT n_contacts, friction_score, parked_s FROM {JOURNEYS}")
        lap("features_merge_s")
        models = modelinput.run_models(con, config, JOURNEYS, repeat_contacts=rc, case_based=events.case_based)
        if big:
            target = catalog.path(out_dir, "journey_traits", fmt)
            with datasets.atomic_path(target, dataset="journey_traits") as tmp:
                con.execute(f"COPY ({models.traits_sql}) TO {sqlrun.literal(tmp)} (FORMAT parquet, COMPRESSION zstd)")
            paths["journey_traits"] = target
        else:
            own["journey_traits"] = sqlrun.fetch(con, models.traits_sql)
    finally:
        if owns:
            store.close()
        else:
            modelinput.drop(con)
            drop_timeline(con)
            for name in ("rc", "fr", "fs", "jn", FEATURES, JOURNEYS, "cu"):
                con.execute(f"DROP TABLE IF EXISTS {name}")
    tables = {**({"timeline": timeline} if timeline is not None else {}), "identity": ident.identity,
              "repeat_contacts": rc, "repeat_summary": summary, **({"friction": fr} if fr is not None else {}),
              **{k: v for k, v in own.items() if k != "journey_traits"}, **seq_tables}
    counts = {
        **events.counts,
        "event_files": events.files,
        "case_based": events.case_based,
        "journeys": n_journeys,
        "customers": n_customers,
        "timeline_rows": timeline_rows,
        "contacts": ident.stats.get("contacts", 0),
        "contacts_matched": ident.stats.get("matched", 0),
        "contacts_keyed": ident.stats.get("keyed", 0),
        "contacts_unmatched": ident.stats.get("unmatched", 0),
        "match_rate": ident.stats.get("match_rate"),
        "contacts_with_events": joined["matched"],
        "event_match_rate": joined["match_rate"],
        "identity": ident.stats,
        "repeat_contacts": int(rc["is_repeat"].fillna(False).astype(bool).sum()) if len(rc) else 0,
        "frictions": {k: int(n) for k, n, _ in kinds},
    }
    summary = {"basis": quality.basis(figures, counts),
               "friction_distribution": quality.friction_distribution(figures, {k: int(j) for k, _, j in kinds})}
    del figures
    tables.update(models.tables)
    if "journey_traits" in own:
        tables["journey_traits"] = own["journey_traits"]
    analytics = models.info
    timings.update(analytics.pop("timings"))
    if models.sample.get("sampled"):
        analytics["model_sample"] = models.sample
    # the prediction / segment / unusual-journey warnings join the run's one warnings list, in its format
    found = list(found) + [{"code": w["code"], "level": "warning", "message": w["reason"], "reason": w["reason"],
                            "fix": w["fix"], "source": "prediction"} for w in analytics.pop("warnings", [])]
    return JourneyResult(tables, counts, timings, paths=paths, rejects=[r.as_dict() for r in events.rejects],
                         warnings=found, summary=summary, analytics=analytics)


def run_journeys(events_paths: Sequence[Path], contacts: pd.DataFrame | None, config: JourneyConfig, out_dir: Path,
                 fmt: str = "parquet", embeddings: pd.DataFrame | None = None, *,
                 sequences: SequenceStats = local_sequences, run_info: dict[str, Any] | None = None,
                 tx: outfolder.Transaction | None = None) -> JourneyResult:
    """Read the event logs, join the contacts, compute and write every journey table into ``out_dir``
    (timeline, identity, repeat_contacts, repeat_summary, friction, journeys, customers, the sequence
    tables, journey_rejects.jsonl and journey_run.json). ``sequences`` and ``run_info`` let another
    engine compute the sequence statistics and say so in journey_run.json.

    Without ``tx`` the tables are built in a staging folder and swapped into ``out_dir`` under its lock
    (voc.outfolder, stage 'journeys': the journey tables of an earlier run are replaced, the other
    outputs of the folder are kept); with ``tx`` (the whole job) they go into ``tx.staging``."""
    catalog.path(out_dir, "timeline", fmt)          # E403 before any work
    if tx is None:
        with outfolder.Transaction(out_dir, stage="journeys") as own:
            own.check_collisions()
            result = run_journeys(events_paths, contacts, config, out_dir, fmt, embeddings, sequences=sequences,
                                  run_info=run_info, tx=own)
            own.commit()
        return result
    staging = tx.staging
    t0 = time.perf_counter()
    log = read_events(list(events_paths), config)
    try:
        read_s = round(time.perf_counter() - t0, 3)
        if not log.n_events and (contacts is None or not len(contacts)):
            raise VocError(Errors.E307, files=", ".join(str(p) for p in events_paths) or "(no event files)",
                           n_rejects=len(log.rejects))
        result = compute(log, contacts, config, embeddings, sequences=sequences, out_dir=staging, fmt=fmt,
                         release_events=True)
    finally:
        log.close()
    result.timings = {"read_events_s": read_s, **result.timings}
    t = time.perf_counter()
    for name, df in result.tables.items():
        result.paths[name] = datasets.write_table(df, catalog.path(staging, name, fmt), dataset=name, fmt=fmt)
    result.paths["journey_rejects"] = datasets.write_jsonl(result.rejects, catalog.path(staging, "journey_rejects"),
                                                           dataset="journey_rejects")
    result.timings["write_s"] = round(time.perf_counter() - t, 3)
    result.timings["total_s"] = round(time.perf_counter() - t0, 3)
    result.paths = {k: tx.final(v) for k, v in result.paths.items()}
    info = {**(run_info or {}), "run_id": tx.run_id, "counts": result.counts, **result.summary, **result.analytics,
            "warnings": [*(run_info or {}).get("warnings", []), *result.warnings], "timings": result.timings,
            "config": config.model_dump(mode="json"), "outputs": {k: str(v) for k, v in result.paths.items()}}
    written = datasets.write_json(info, catalog.path(staging, "journey_run"), dataset="journey_run")
    result.paths["journey_run"] = tx.final(written)
    return result
