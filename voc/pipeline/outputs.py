"""The text pipeline's output files (both engines): contacts and messages typed as declared, the contact
embeddings, what the steps write themselves (topic tables and model), and rejects.jsonl."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from voc import catalog, datasets
from voc.component import Batch, Component
from voc.schema import CONTACT_NLP_COLUMNS, CONTACTS, MESSAGE_NLP_COLUMNS, MESSAGES, conform


def embeddings_table(contact_ids: pd.Series, emb: np.ndarray, model: str) -> pa.Table:
    """contact_id, embedding (list<float32>), model: one row per contact."""
    dim = emb.shape[1]
    flat = pa.array(emb.astype(np.float32, copy=False).ravel())
    offsets = pa.array(np.arange(0, (len(emb) + 1) * dim, dim, dtype=np.int32))
    return pa.table({"contact_id": pa.array(contact_ids.astype(str).tolist()),
                     "embedding": pa.ListArray.from_arrays(offsets, flat),
                     "model": pa.array([model] * len(contact_ids))})


def write_tables(final: Batch, steps: dict[str, Component], out_dir: Path, fmt: str) -> dict[str, str]:
    """contacts, messages (typed as declared) and, for Parquet, the contact embeddings."""
    outputs = {
        "contacts": str(datasets.write_table(conform(final.contacts, CONTACTS, CONTACT_NLP_COLUMNS),
                                             catalog.path(out_dir, "contacts", fmt), dataset="contacts")),
        "messages": str(datasets.write_table(conform(final.messages, MESSAGES, MESSAGE_NLP_COLUMNS),
                                             catalog.path(out_dir, "messages", fmt), dataset="messages")),
    }
    if final.embeddings is not None and fmt == "parquet":
        model = steps["embed"].info().get("model", "") if "embed" in steps else ""
        emb = embeddings_table(final.contacts["contact_id"], final.embeddings, model)
        outputs["embeddings"] = str(datasets.write_arrow(emb, catalog.path(out_dir, "embeddings"), dataset="embeddings"))
    return outputs


def write_step_outputs(final: Batch, steps: dict[str, Component], rejects: list[dict[str, Any]], out_dir: Path,
                       fmt: str) -> dict[str, str]:
    """What the steps write themselves (e.g. the topic tables and model), then rejects.jsonl."""
    outputs: dict[str, str] = {}
    for step in steps.values():
        writer = getattr(step, "write_outputs", None)
        if writer is not None:
            outputs.update(writer(final, out_dir, fmt))
    outputs["rejects"] = str(datasets.write_jsonl(rejects, catalog.path(out_dir, "rejects"), dataset="rejects"))
    return outputs
