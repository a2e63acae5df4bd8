"""Per-contact CDP rows from an output folder, and the content hash that decides what changed.

The hash covers every published field except ``updated_at`` and ``content_hash`` itself, with
floats rounded to 6 decimals (the published precision), so a re-run on the same inputs gives
the same hash and a re-run with one changed intent gives a new one for that contact only."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd
import pyarrow as pa

from voc import catalog, datasets, metrics, outfolder
from voc.config import DEFAULT_REGION
from voc.datasets import to_bool
from voc.errors import Errors, VocError
from voc.identifiers import hash_email, hash_phone, is_derived_customer_id, normalise_id
from voc.metrics.flags import contact_friction_scores

TS = pa.timestamp("us", tz="UTC")
FLOAT_DECIMALS = 6

CONTACT_FIELDS = pa.schema([
    ("contact_id", pa.string()),
    ("customer_id", pa.string()),
    ("anonymous_id", pa.string()),     # set exactly when customer_id is null (see anonymous_ids)
    ("channel", pa.string()),
    ("created_at", TS),
    ("intent", pa.string()),
    ("intent_confidence", pa.float64()),
    ("sentiment", pa.string()),
    ("sentiment_score", pa.float64()),
    ("topic_id", pa.int32()),
    ("topic_label", pa.string()),
    ("is_repeat", pa.bool_()),
    ("friction_score", pa.float64()),
])
HASHED_ID_FIELDS = pa.schema([("email_sha256", pa.string()), ("phone_sha256", pa.string())])
META_FIELDS = pa.schema([("content_hash", pa.string()), ("updated_at", TS)])


def contact_schema(identifiers: str) -> pa.Schema:
    fields = list(CONTACT_FIELDS)
    if identifiers == "hash":
        fields += list(HASHED_ID_FIELDS)
    return pa.schema(fields + list(META_FIELDS))


def _read(out_dir: Path, name: str, columns: list[str]) -> Optional[pd.DataFrame]:
    """A table of the run in ``out_dir`` (never one its voc manifest does not list: another run's)."""
    p = catalog.find(out_dir, name)
    listed = outfolder.run_files(out_dir)
    if p is None or (listed is not None and p.name not in listed):
        return None
    df = datasets.read_table(p, dataset=name)
    return df[[c for c in columns if c in df.columns]]


def journey_trait_rows(out_dir: str | Path) -> Optional[pd.DataFrame]:
    """The journey_traits table of `voc journeys` (journey_id, customer_id, end, segment_id,
    propensity_<outcome>), or None when the folder has none."""
    p = catalog.find(out_dir, "journey_traits")
    listed = outfolder.run_files(Path(out_dir))
    if p is None or (listed is not None and p.name not in listed):   # never another run's table
        return None
    return datasets.read_table(p, dataset="journey_traits")


def sha256_identifier(values: pd.Series, kind: str, region: str = "US") -> pd.Series:
    """sha256 of each normalised email or phone (voc.identifiers.hash_email / hash_phone: the hash
    redaction writes with redact.identifiers=hash, phones in E.164 read in ``region``); values that
    already are a sha256 hex digest pass through; values that are no address / phone number are null."""
    hashed = [hash_email(v) if kind == "email" else hash_phone(v, region) for v in values.astype(object)]
    return pd.Series(hashed, index=values.index, dtype=object)


def phone_region(out_dir: str | Path) -> str:
    """The region the run read phone numbers in (run.json: config.phone_region; config.redact.default_region in
    run.json files of earlier versions), so the CDP hashes a phone as that run's redaction would; 'US' (the
    default) when not recorded."""
    try:
        conf = json.loads((Path(out_dir) / "run.json").read_text(encoding="utf-8"))["config"]
        region = conf.get("phone_region") or (conf.get("redact") or {}).get("default_region")
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return DEFAULT_REGION
    return region.upper() if isinstance(region, str) and region.strip() else DEFAULT_REGION


def contact_rows(out_dir: str | Path, identifiers: str = "drop") -> pd.DataFrame:
    """One row per contact with the CDP fields (no content_hash / updated_at yet), sorted by contact_id.

    customer_id is filled from identity resolution (identity table) and repeat_contacts when the
    contact itself had none; is_repeat comes from repeat_contacts, friction_score is the highest
    friction severity recorded against the contact (0 when the friction table exists and has none)."""
    out_dir = Path(out_dir)
    wanted = [f.name for f in CONTACT_FIELDS if f.name not in ("is_repeat", "friction_score", "anonymous_id")]
    wanted += ["email", "phone"]
    c = _read(out_dir, "contacts", wanted)
    if c is None:
        raise VocError(Errors.E404, path=str(out_dir))
    df = pd.DataFrame({"contact_id": c["contact_id"].astype("object")})
    for f in CONTACT_FIELDS:
        if f.name in ("contact_id", "is_repeat", "friction_score", "anonymous_id"):
            continue
        df[f.name] = c[f.name] if f.name in c.columns else None
    df = df[df["contact_id"].notna()]

    ident = _read(out_dir, "identity", ["contact_id", "customer_id"])
    rep = _read(out_dir, "repeat_contacts", ["contact_id", "customer_id", "is_repeat"])
    for t in (ident, rep):
        if t is not None and "customer_id" in t.columns:
            m = t.dropna(subset=["customer_id"]).drop_duplicates("contact_id").set_index("contact_id")["customer_id"]
            df["customer_id"] = df["customer_id"].where(df["customer_id"].notna(), df["contact_id"].map(m))
    # is_repeat: the per-contact flag behind the run's repeat-contact rate (voc.metrics): the journey
    # step's, or computed from the contacts alone with the same definition when no journeys were joined
    flags, _ = metrics.flags_of(out_dir)
    if flags is not None:
        f = flags.drop_duplicates("contact_id").set_index("contact_id")
        if rep is None:   # contacts-only: the customer the flags were computed for
            df["customer_id"] = df["customer_id"].where(df["customer_id"].notna(), df["contact_id"].map(f["customer_id"]))
        df["is_repeat"] = df["contact_id"].astype(str).map(f["is_repeat"])
    else:
        df["is_repeat"] = None
    # friction_score: the 0..100 friction score of the journey holding the contact (the scale of
    # journeys.parquet and customers.parquet); null without journey tables
    scores = contact_friction_scores(_read(out_dir, "timeline", ["journey_id", "contact_id"]),
                                     _read(out_dir, "friction", ["journey_id", "contact_id"]),
                                     _read(out_dir, "journeys", ["journey_id", "friction_score"]))
    df["friction_score"] = df["contact_id"].astype(str).map(scores) if scores is not None else np.nan
    df["customer_id"] = df["customer_id"].map(normalise_id).astype("object")
    # a customer id voc derived from the contact's own e-mail / phone is not the business's id, and would carry
    # an identifier's digest out even with identifiers='drop': such contacts get an anonymous_id instead
    df["customer_id"] = df["customer_id"].where(~df["customer_id"].map(is_derived_customer_id), None)
    none = pd.Series(None, index=df.index, dtype=object)
    email_h = sha256_identifier(c.loc[df.index, "email"], "email") if "email" in c.columns else none
    phone_h = sha256_identifier(c.loc[df.index, "phone"], "phone", phone_region(out_dir)) if "phone" in c.columns else none
    if identifiers == "hash":
        df["email_sha256"], df["phone_sha256"] = email_h, phone_h
    df["anonymous_id"] = anonymous_ids(df["contact_id"], df["customer_id"], email_h, phone_h, identifiers)
    df = df.drop_duplicates("contact_id", keep="last")
    return normalise_contacts(df, identifiers)


def anonymous_ids(contact_id: pd.Series, customer_id: pd.Series, email_sha256: pd.Series, phone_sha256: pd.Series,
                  identifiers: str) -> pd.Series:
    """A stable id for contacts without a customer id: 'anon-' + 24 hex digits of blake2b over
    - the contact's hashed e-mail (else hashed phone) when identifiers='hash' (the hashes are published
      anyway): every contact of one unidentified person gets the same anonymous id, run after run;
    - the contact id otherwise (identifiers='drop': nothing derived from an e-mail or phone leaves).
    Null for contacts that have a customer id."""
    def one(cid: object, cust: object, em: object, ph: object) -> Optional[str]:
        if cust is not None and not (isinstance(cust, float) and cust != cust) and str(cust) != "":
            return None
        key = None
        if identifiers == "hash":
            key = next((f"{k}:{v}" for k, v in (("email", em), ("phone", ph)) if isinstance(v, str) and v), None)
        key = key or f"contact:{cid}"
        return "anon-" + hashlib.blake2b(key.encode("utf-8"), digest_size=12).hexdigest()

    cust = customer_id.astype(object).where(customer_id.notna(), None)
    return pd.Series([one(*t) for t in zip(contact_id, cust, email_sha256, phone_sha256)], index=contact_id.index,
                     dtype=object)


def conform(df: pd.DataFrame, schema: pa.Schema) -> pd.DataFrame:
    """Coerce ``df`` to the published column types of ``schema`` (missing columns become null;
    ``content_hash``/``updated_at`` are left out when absent), so rows built from an output
    folder and rows read back from the store compare and hash the same."""
    out = pd.DataFrame(index=df.index)
    for f in schema:
        if f.name in ("content_hash", "updated_at") and f.name not in df.columns:
            continue
        v = df[f.name] if f.name in df.columns else pd.Series([None] * len(df), index=df.index, dtype="object")
        if pa.types.is_timestamp(f.type):
            out[f.name] = pd.to_datetime(v, utc=True, errors="coerce", format="mixed").astype("datetime64[us, UTC]")
        elif pa.types.is_floating(f.type):
            out[f.name] = pd.to_numeric(v, errors="coerce").astype("float64").round(FLOAT_DECIMALS)
        elif pa.types.is_integer(f.type):
            out[f.name] = pd.to_numeric(v, errors="coerce").astype("Int32")
        elif pa.types.is_boolean(f.type):
            out[f.name] = to_bool(v)
        else:
            if pd.api.types.is_string_dtype(v.dtype) or isinstance(v.dtype, pd.ArrowDtype):
                arr = v.to_numpy(dtype=object, na_value=None)
            else:
                arr = v.astype("object").where(v.notna(), None).map(lambda x: None if x is None else str(x)).to_numpy()
            out[f.name] = pd.Series(arr, index=v.index, dtype="object")
    return out


def empty(schema: pa.Schema) -> pd.DataFrame:
    return conform(pd.DataFrame({f.name: pd.Series([], dtype="object") for f in schema}), schema)


def normalise_contacts(df: pd.DataFrame, identifiers: str) -> pd.DataFrame:
    out = conform(df, contact_schema(identifiers))
    return out.sort_values("contact_id", kind="stable").reset_index(drop=True)


def _canon(s: pd.Series) -> pd.Series:
    """A stable text form of a column for hashing (null -> a marker no value can take)."""
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        txt = s.dt.strftime("%Y-%m-%dT%H:%M:%S.%f")
    elif pd.api.types.is_float_dtype(s.dtype):
        txt = s.round(FLOAT_DECIMALS).astype("float64").astype(str)
    elif s.dtype == object:
        txt = s.astype(str)
    else:
        txt = s.astype("object").astype(str)
    return txt.astype("object").where(s.notna(), "\x00")


def content_hash(df: pd.DataFrame, fields: list[str]) -> pd.Series:
    """blake2b-128 hex digest per row over ``fields`` (in that order)."""
    if df.empty:
        return pd.Series([], dtype="object", index=df.index)
    joined = _canon(df[fields[0]]).astype(str)
    for f in fields[1:]:
        joined = joined + "\x1f" + _canon(df[f]).astype(str)
    return pd.Series([hashlib.blake2b(t.encode("utf-8"), digest_size=16).hexdigest() for t in joined],
                     index=df.index, dtype="object")
