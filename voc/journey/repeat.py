"""Repeat contact and first-contact resolution (FCR).

A contact is a repeat when the same customer contacted before, on any channel, at most
config.repeat_window_days earlier (inclusive). It is about the ``same_issue`` when the intents match
(and are not 'unknown') or the two contacts' customer-side embeddings are close (cosine >=
config.same_issue_similarity; from embeddings.parquet when available). FCR: a contact not followed
by a same-issue contact within the window. Definitions: sql/repeat_*.sql."""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from voc.config import JourneyConfig
from voc.journey import sqlrun


def pair_similarity(pairs: pd.DataFrame, embeddings: pd.DataFrame | None) -> np.ndarray:
    """Cosine similarity of each (earlier_id, later_id) pair; NaN where either has no embedding."""
    out = np.full(len(pairs), np.nan)
    if embeddings is None or not len(embeddings) or not len(pairs):
        return out
    ids = embeddings["contact_id"].astype(str).tolist()
    vecs = [np.asarray(v, dtype=np.float32) if v is not None and len(v) else None for v in embeddings["embedding"]]
    dim = max((len(v) for v in vecs if v is not None), default=0)
    if dim == 0:
        return out
    index = {}
    mat = np.zeros((len(ids), dim), dtype=np.float32)
    for i, (cid, v) in enumerate(zip(ids, vecs)):
        if v is not None and len(v) == dim and np.isfinite(v).all():
            norm = float(np.linalg.norm(v))
            if norm > 0:
                mat[i] = v / norm
                index[cid] = i
    a = pairs["earlier_id"].astype(str).map(index)
    b = pairs["later_id"].astype(str).map(index)
    ok = (a.notna() & b.notna()).to_numpy()
    if ok.any():
        ai = a[ok].astype(int).to_numpy()
        bi = b[ok].astype(int).to_numpy()
        out[ok] = np.einsum("ij,ij->i", mat[ai], mat[bi])
    return out


def compute_repeats(con: duckdb.DuckDBPyConnection, config: JourneyConfig, embeddings: pd.DataFrame | None,
                    *, data_end_s: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(repeat_contacts, repeat_summary) from the contacts table ``ct`` registered on ``con``.
    Leaves ``rc`` (repeat_contacts) on the connection for the journey merge."""
    window_s = float(config.repeat_window_days) * 86400.0
    pairs = con.sql(sqlrun.render("repeat_pairs", window_s=window_s)).to_arrow_table()
    pdf = pairs.to_pandas()
    sim = pair_similarity(pdf, embeddings)
    pairs = pairs.append_column("similarity", pa.array(sim, type=pa.float64(), from_pandas=True))
    con.register("pairs", pairs)
    sqlrun.materialise(con, "rc", "repeat_contacts", window_s=window_s, similarity=float(config.same_issue_similarity),
                       data_end_s=float(data_end_s))
    rc = sqlrun.fetch(con, "SELECT * FROM rc")
    summary = sqlrun.query(con, "repeat_summary")
    return rc, summary
