"""`enrich`: upsert an output folder's contacts into a CDP folder, incrementally and atomically.

Semantics (what a data team can rely on):
- Upsert by contact_id. A contact is *new* when its id is not in the store, *changed* when the
  content hash of its published fields differs, else *unchanged* and not rewritten. Contacts
  absent from this input stay in the store (runs can feed daily batches; deletions are not
  propagated). No row is ever duplicated: contact_id is unique in the store.
- updated_at is the run time for inserted/changed rows and is kept for all others; a re-run on
  the same input changes nothing and writes nothing (the folder stays byte-identical).
- Customer traits are recomputed for the customers of new/changed contacts (and the previous
  customer of a contact that moved), from all their contacts in the store.
- The whole new state is built in a temp folder beside CDP_DIR and swapped in with renames
  (voc.datasets.atomic_dir); unchanged partitions are hard-linked, so a crash at any point leaves
  the previous output complete. A swap interrupted between its two renames is finished on the
  next run. One run at a time per folder (lock file).
"""
from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional

import pandas as pd

from voc import locks
from voc.config import EnrichConfig
from voc.datasets import atomic_dir
from voc.enrich import store
from voc.enrich.rows import conform, contact_rows, contact_schema, content_hash, empty, journey_trait_rows
from voc.enrich.traits import add_journey_traits, customer_traits, journey_trait_fields, journey_traits_by_customer, traits_schema
from voc.errors import Errors


@dataclass
class EnrichResult:
    cdp_dir: Path
    written: bool                      # False: nothing changed, nothing was written
    version: int                       # store version after the run (increments on each write)
    contacts_in: int                   # contacts read from the output folder (after de-duplication)
    contacts_new: int
    contacts_changed: int
    contacts_unchanged: int
    contacts_total: int                # rows in the store after the run
    customers_touched: int
    traits_changed: int                # traits rows inserted or updated
    traits_removed: int                # customers left with no contact (their contacts moved to another id)
    traits_total: int
    partitions_written: list[str] = field(default_factory=list)
    recovered: bool = False            # an interrupted earlier swap was completed first
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["cdp_dir"] = str(self.cdp_dir)
        return d


def _lock(cdp_dir: Path) -> Any:
    """One `voc enrich` per CDP folder (lock file beside it, since the folder itself is swapped):
    a second one gets E407 naming the process that holds the lock."""
    return locks.exclusive(cdp_dir.with_name(f".{cdp_dir.name}.lock"), folder=cdp_dir, spec=Errors.E407)


LOAD_SNAPSHOT = ("current snapshot: load whole, replacing the target table (or MERGE on key); never append "
                 "date= partitions, a customer's traits row moves between them")
LOAD_CHANGELOG = ("append-only: load each new version=N partition once; apply op by key in version order "
                  "(insert/update: upsert the row; delete: remove the key)")


def _settings(config: EnrichConfig) -> dict[str, Any]:
    return {"window_days": config.window_days, "identifiers": config.identifiers, "jsonl": config.jsonl,
            "identify": config.identify}


def _ops(keys: pd.Series, previous: pd.Index) -> pd.Series:
    return pd.Series(["update" if k in previous else "insert" for k in keys], index=keys.index, dtype=object)


def identify_calls(traits: pd.DataFrame, schema: Any) -> list[dict[str, Any]]:
    """Segment-style identify calls for traits rows: userId + traits (+ a messageId that is the same on a
    re-send of the same traits, so a loader can de-duplicate)."""
    fields = [f.name for f in schema if f.name not in ("customer_id", "content_hash", "updated_at")]
    rows = []
    for r in traits.to_dict(orient="records"):
        tr = {}
        for k in fields:
            v = r.get(k)
            if v is None or v is pd.NA or (isinstance(v, float) and v != v) or v is pd.NaT:
                tr[k] = None
            elif hasattr(v, "isoformat"):
                tr[k] = v.isoformat()
            elif hasattr(v, "item"):
                tr[k] = v.item()
            else:
                tr[k] = v
        ts = r.get("updated_at")
        rows.append({"type": "identify", "messageId": f"voc-{r['customer_id']}-{r['content_hash']}",
                     "userId": r["customer_id"], "timestamp": ts.isoformat() if hasattr(ts, "isoformat") else ts,
                     "traits": tr})
    return rows


def _utc(now: Optional[datetime]) -> pd.Timestamp:
    ts = pd.Timestamp(now if now is not None else datetime.now(timezone.utc))
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return ts.floor("us")


def _partition_counts(keys: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in keys.value_counts().sort_index().items()}


def enrich(out_dir: Path, cdp_dir: Path, config: EnrichConfig, now: Optional[datetime] = None) -> EnrichResult:
    """Upsert the contacts of ``out_dir`` into the CDP folder ``cdp_dir`` and refresh the traits of
    the customers touched. See the module docstring for the guarantees."""
    t0 = time.perf_counter()
    out_dir, cdp_dir = Path(out_dir), Path(cdp_dir)
    ts_now = _utc(now)
    with _lock(cdp_dir):
        recovered = store.recover(cdp_dir)
        store.clean_leftovers(cdp_dir)
        store.check_target(cdp_dir)
        manifest = store.read_manifest(cdp_dir)
        settings = _settings(config)
        jt = journey_trait_rows(out_dir)
        jfields = journey_trait_fields(list(jt.columns)) if jt is not None else []
        if jfields:   # journey-model traits (segment_id, propensity_<outcome>) from `voc journeys`
            settings["journey_traits"] = [n for n, _ in jfields]
        jt_by_customer = journey_traits_by_customer(jt) if jfields else None
        c_schema = contact_schema(config.identifiers)
        t_schema = traits_schema(config.window_days, config.identifiers, jfields)
        full = manifest is None or manifest.get("settings") != settings or manifest.get("format") != store.FORMAT

        inc = contact_rows(out_dir, config.identifiers)
        hash_fields = [f.name for f in c_schema if f.name not in ("content_hash", "updated_at")]
        inc["content_hash"] = content_hash(inc, hash_fields)

        if manifest is not None:
            old_set = manifest["settings"]
            old_c = store.read_table(cdp_dir, store.CONTACTS, contact_schema(old_set["identifiers"]), manifest)
            old_t = store.read_table(cdp_dir, store.TRAITS, traits_schema(
                old_set["window_days"], old_set["identifiers"] if manifest.get("format") == store.FORMAT else "drop",
                journey_trait_fields(old_set.get("journey_traits", []))), manifest)
            if full:  # settings changed: stored rows keep their hash, so rows whose fields change are updated
                old_c = conform(old_c, c_schema)
        else:
            old_c, old_t = empty(c_schema), empty(t_schema)

        prev_hash = pd.Series(old_c["content_hash"].values, index=old_c["contact_id"].values)
        ph = pd.Series(prev_hash.reindex(inc["contact_id"]).values, index=inc.index, dtype="object")
        is_new = ph.isna()
        is_changed = ~is_new & (ph != inc["content_hash"])
        up = inc[is_new | is_changed].copy()
        up["updated_at"] = ts_now
        up["updated_at"] = up["updated_at"].astype("datetime64[us, UTC]")

        n_new, n_changed = int(is_new.sum()), int(is_changed.sum())
        if manifest is not None and not full and n_new == 0 and n_changed == 0 and not jfields:
            return EnrichResult(cdp_dir, False, int(manifest.get("version", 0)), len(inc), 0, 0, len(inc), len(old_c),
                                0, 0, 0, len(old_t), [], recovered, time.perf_counter() - t0)

        # contacts: previous rows minus the updated ones, plus the updated ones
        moved_from = old_c.set_index("contact_id")["customer_id"].reindex(up["contact_id"]).dropna()
        old_keys_changed = store.partition_key(old_c.loc[old_c["contact_id"].isin(up["contact_id"]), "created_at"])
        contacts = pd.concat([old_c[~old_c["contact_id"].isin(up["contact_id"])], up], ignore_index=True)
        contacts = conform(contacts, c_schema)
        contacts["_key"] = store.partition_key(contacts["created_at"])
        contacts = contacts.sort_values(["_key", "contact_id"], kind="stable").reset_index(drop=True)

        # traits of the customers touched
        if full or jfields:   # journey traits can change without any contact changing
            touched = set(contacts["customer_id"].dropna())
        else:
            touched = set(up["customer_id"].dropna()) | set(moved_from)
        new_t = customer_traits(contacts[contacts["customer_id"].isin(touched)], config.window_days, config.identifiers)
        new_t = add_journey_traits(new_t, jt_by_customer)
        new_t = conform(new_t, t_schema)
        t_fields = [f.name for f in t_schema if f.name not in ("content_hash", "updated_at")]
        new_t["content_hash"] = content_hash(new_t, t_fields)
        if full:
            old_t = conform(old_t, t_schema)
        prev_t = old_t.set_index("customer_id")
        prev_hash_t = pd.Series(prev_t["content_hash"].reindex(new_t["customer_id"]).values, index=new_t.index)
        same = (prev_hash_t == new_t["content_hash"]).fillna(False).astype(bool)
        prev_upd = pd.Series(prev_t["updated_at"].reindex(new_t["customer_id"]).values, index=new_t.index)
        new_t["updated_at"] = prev_upd.where(same, ts_now)
        new_t["updated_at"] = pd.to_datetime(new_t["updated_at"], utc=True).astype("datetime64[us, UTC]")
        t_up = new_t[~same]
        removed = touched - set(new_t["customer_id"])
        if manifest is not None and not full and n_new == 0 and n_changed == 0 and t_up.empty and not removed:
            return EnrichResult(cdp_dir, False, int(manifest.get("version", 0)), len(inc), 0, 0, len(inc), len(old_c),
                                0, 0, 0, len(old_t), [], recovered, time.perf_counter() - t0)
        traits = pd.concat([old_t[~old_t["customer_id"].isin(touched)], new_t], ignore_index=True)
        traits = conform(traits, t_schema)
        traits["_key"] = store.partition_key(traits["last_contact_at"])
        traits = traits.sort_values(["_key", "customer_id"], kind="stable").reset_index(drop=True)

        # partitions to (re)write; every other one is carried over as is
        c_keys_all = set(contacts["_key"])
        t_keys_all = set(traits["_key"])
        if full:
            c_touch, t_touch = c_keys_all, t_keys_all
        else:
            c_touch = set(store.partition_key(up["created_at"])) | set(old_keys_changed)
            changed_customers = set(t_up["customer_id"]) | removed
            t_touch = set(store.partition_key(t_up["last_contact_at"])) | set(
                store.partition_key(old_t.loc[old_t["customer_id"].isin(changed_customers), "last_contact_at"]))
        version = int(manifest.get("version", 0)) + 1 if manifest else 1

        with atomic_dir(cdp_dir, dataset="cdp") as tmp:
            if manifest is not None and not full:
                for rel, keys in ((store.CONTACTS, c_keys_all - c_touch), (store.TRAITS, t_keys_all - t_touch)):
                    store.carry_partitions(cdp_dir, tmp, rel, sorted(keys))
                    if config.jsonl:
                        store.carry_partitions(cdp_dir, tmp, f"{store.JSONL}/{rel}", sorted(keys))
            cw = contacts[contacts["_key"].isin(c_touch)]
            tw = traits[traits["_key"].isin(t_touch)]
            written = store.write_partitions(cw, cw["_key"], c_schema, tmp, store.CONTACTS, jsonl=config.jsonl)
            store.write_partitions(tw, tw["_key"], t_schema, tmp, store.TRAITS, jsonl=config.jsonl)
            (tmp / store.CHANGES).mkdir(parents=True, exist_ok=True)
            store.write_jsonl_frame(conform(up, c_schema).sort_values("contact_id"), tmp / store.CHANGES / "contacts.jsonl")
            store.write_jsonl_frame(conform(t_up, t_schema).sort_values("customer_id"),
                                    tmp / store.CHANGES / "customer_traits.jsonl")
            # the change log: earlier versions carried as they are, this run's changes as version=N
            if manifest is not None:
                store.carry_tree(cdp_dir, tmp, store.CHANGELOG)
                if config.jsonl:
                    store.carry_tree(cdp_dir, tmp, f"{store.JSONL}/{store.CHANGELOG}")
            c_log = conform(up, c_schema).sort_values("contact_id")
            c_log["op"] = _ops(c_log["contact_id"], pd.Index(old_c["contact_id"]))
            t_log = conform(t_up, t_schema).sort_values("customer_id")
            t_log["op"] = _ops(t_log["customer_id"], pd.Index(old_t["customer_id"]))
            gone = conform(pd.DataFrame({"customer_id": sorted(removed & set(old_t["customer_id"]))}), t_schema)
            gone["content_hash"] = pd.Series(None, index=gone.index, dtype=object)
            gone["updated_at"] = pd.Series(ts_now, index=gone.index).astype("datetime64[us, UTC]")
            gone["op"] = "delete"
            t_log = pd.concat([t_log, gone], ignore_index=True) if len(gone) else t_log
            n_c_log = store.write_changelog(c_log, c_schema, tmp, store.CONTACTS, version, jsonl=config.jsonl)
            n_t_log = store.write_changelog(t_log, t_schema, tmp, store.TRAITS, version, jsonl=config.jsonl)
            if config.identify:
                p = tmp / store.CHANGELOG / store.IDENTIFY / store.version_dir(version) / "part-0.jsonl"
                p.parent.mkdir(parents=True, exist_ok=True)
                # the first run with identify on sends every customer (an initial load), later runs the changed ones
                first_identify = manifest is None or not (manifest.get("settings") or {}).get("identify")
                src = traits if first_identify else t_up
                calls = identify_calls(conform(src, t_schema).sort_values("customer_id"), t_schema)
                p.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in calls), encoding="utf-8")
            versions = sorted({int(d.name.split("=", 1)[1]) for d in (tmp / store.CHANGELOG / store.CONTACTS).glob("version=*")})
            last_run = {"contacts_in": len(inc), "contacts_new": n_new, "contacts_changed": n_changed,
                        "contacts_unchanged": len(inc) - n_new - n_changed, "customers_touched": len(touched),
                        "traits_changed": len(t_up), "traits_removed": len(removed), "full_rewrite": full,
                        "input": str(out_dir)}
            store.write_manifest(tmp, {
                "format": store.FORMAT, "version": version, "updated_at": ts_now.isoformat(), "settings": settings,
                "tables": {store.CONTACTS: {"rows": len(contacts), "key": "contact_id", "partitioned_by": "created_at",
                                            "load": LOAD_SNAPSHOT,
                                            "partitions": _partition_counts(contacts["_key"]),
                                            "columns": [f.name for f in c_schema], "schema": store.schema_doc(c_schema)},
                           store.TRAITS: {"rows": len(traits), "key": "customer_id", "partitioned_by": "last_contact_at",
                                          "load": LOAD_SNAPSHOT,
                                          "partitions": _partition_counts(traits["_key"]),
                                          "columns": [f.name for f in t_schema], "schema": store.schema_doc(t_schema)}},
                "changelog": {
                    store.CONTACTS: {"key": "contact_id", "partitioned_by": "version", "load": LOAD_CHANGELOG,
                                     "ops": ["insert", "update"], "versions": versions, "rows_this_version": n_c_log,
                                     "schema": store.schema_doc(c_schema)
                                     + [{"name": "op", "type": "string", "nullable": False}]},
                    store.TRAITS: {"key": "customer_id", "partitioned_by": "version", "load": LOAD_CHANGELOG,
                                   "ops": ["insert", "update", "delete"], "versions": versions, "rows_this_version": n_t_log,
                                   "schema": store.schema_doc(t_schema) + [{"name": "op", "type": "string", "nullable": False}]},
                    **({store.IDENTIFY: {"format": "Segment identify (JSON lines)", "key": "userId",
                                         "file": f"{store.CHANGELOG}/{store.IDENTIFY}/version=N/part-0.jsonl"}}
                       if config.identify else {}),
                },
                "last_run": last_run,
            })
        return EnrichResult(cdp_dir, True, version, len(inc), n_new, n_changed, len(inc) - n_new - n_changed,
                            len(contacts), len(touched), len(t_up), len(removed), len(traits), sorted(written),
                            recovered, time.perf_counter() - t0)
