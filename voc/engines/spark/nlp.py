"""The NLP components on Spark: per-partition Batches through ``voc.pipeline.components``.

Records (one row per contact, messages nested) go through ``mapInArrow``; a partition's Arrow
batches are cut into Batches of ``batch_size`` whole contacts (the config's, as on the local engine; a Batch may span
two Arrow batches), exactly as the local engine cuts the corpus, and the partition's Batches go through the
local engine's loop, ``voc.pipeline.batches.pipe_steps``: every step's ``pipe`` sees the same
sequence of batches as it would locally (the embed step groups them into the same encoder calls
on a single partition). The components (and so their models: spaCy,
MiniLM, the intent classifier) are built ONCE per Python worker: a module-level cache keyed by
the config and the step names (Spark reuses its Python workers between tasks by default,
``spark.python.worker.reuse=true``).

The output columns of the steps are found by a probe: the driver runs the steps on the first
few contacts and takes the Arrow schema of what comes out (so a component adding a column needs
no change here). Embeddings travel as a ``__embedding`` array<float> column.

Corpus-level steps (``needs_fit``, the topic model) cannot run per partition: the driver fits
them (see ``voc.engines.spark.job``) and the fitted component is broadcast to stage 2.
"""
from __future__ import annotations

import importlib
import pickle
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa

from voc.component import Batch, Component
from voc.config import VocConfig
from voc.pipeline.batches import concat_batches, pipe_steps
from voc.schema import CONTACT_NLP_COLUMNS, CONTACTS, MESSAGE_NLP_COLUMNS, MESSAGES

EMBEDDING = "__embedding"
KEYS = [("file_index", pa.int64()), ("item_index", pa.int64())]

_STEPS: dict[tuple[str, tuple[str, ...]], dict[str, Component]] = {}


def cached_steps(config_json: str, names: tuple[str, ...]) -> dict[str, Component]:
    """The built components for this config, once per Python process (executor worker or driver)."""
    key = (config_json, names)
    steps = _STEPS.get(key)
    if steps is None:
        from voc.pipeline import components as registry

        config = VocConfig.model_validate_json(config_json)
        steps = {n: registry.build(n, config) for n in names}
        _STEPS[key] = steps
    return steps


# ---------------------------------------------------------------- records <-> Batch
def to_batch(table: pa.Table) -> tuple[pd.DataFrame, Batch]:
    """Nested records (keys, contact columns, messages, optional __embedding) -> (keys, Batch)."""
    keys = table.select([k for k, _ in KEYS]).to_pandas()
    contact_cols = [c for c in table.column_names if c not in ("messages", EMBEDDING) and c not in keys.columns]
    contacts = table.select(contact_cols).to_pandas(types_mapper=pd.ArrowDtype)
    msgs = table.column("messages").combine_chunks()
    flat = msgs.flatten()
    mtable = pa.Table.from_arrays([flat.field(i) for i in range(flat.type.num_fields)],
                                  names=[f.name for f in flat.type])
    messages = mtable.to_pandas(types_mapper=pd.ArrowDtype)
    emb = None
    if EMBEDDING in table.column_names:
        col = table.column(EMBEDDING).combine_chunks()
        dim = len(col[0]) if len(col) else 0
        emb = col.flatten().to_numpy(zero_copy_only=False).astype(np.float32).reshape(len(col), dim)
    return keys, Batch(contacts=contacts, messages=messages, embeddings=emb)


def nest_messages(contacts: pd.DataFrame, messages: pd.DataFrame, schema: pa.Schema | None = None) -> pa.Array:
    """Messages as one list per contact (contacts' order, by seq within a contact)."""
    pos = pd.Series(np.arange(len(contacts)), index=contacts["contact_id"].astype(str).to_numpy())
    mpos = messages["contact_id"].astype(str).map(pos).to_numpy(dtype=np.int64, na_value=-1)
    if (mpos < 0).any():
        raise ValueError("a step returned messages of a contact that is not in its batch")
    order = np.lexsort((messages["seq"].to_numpy(dtype=np.int64), mpos))
    counts = np.bincount(mpos, minlength=len(contacts))
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    mt = pa.Table.from_pandas(messages.iloc[order].reset_index(drop=True), schema=schema, preserve_index=False)
    values = pa.StructArray.from_arrays([c.combine_chunks() for c in mt.columns], fields=list(mt.schema))
    return pa.ListArray.from_arrays(pa.array(offsets), values)


def from_batch(keys: pd.DataFrame, batch: Batch, schema: pa.Schema) -> pa.Table:
    """(keys, Batch) -> nested records with exactly ``schema`` (the probed output schema)."""
    c = batch.contacts.reset_index(drop=True)
    msg_type = schema.field("messages").type.value_type
    arrays: list[pa.Array] = [pa.array(keys[k].to_numpy(), type=t) for k, t in KEYS]
    cfields = [f for f in schema if f.name not in {k for k, _ in KEYS} | {"messages", EMBEDDING}]
    ctable = pa.Table.from_pandas(c[[f.name for f in cfields]], schema=pa.schema(cfields), preserve_index=False)
    arrays += [col.combine_chunks() for col in ctable.columns]
    m = batch.messages[[f.name for f in msg_type]]
    arrays.append(nest_messages(c, m, pa.schema(list(msg_type))))
    if EMBEDDING in schema.names:
        emb = np.asarray(batch.embeddings, dtype=np.float32)
        offsets = np.arange(0, emb.size + 1, max(emb.shape[1], 1) if emb.ndim == 2 else 1, dtype=np.int32)
        arrays.append(pa.ListArray.from_arrays(pa.array(offsets[:len(c) + 1]), pa.array(emb.ravel())))
    return pa.Table.from_arrays(arrays, schema=schema)


def run_steps(batch: Batch, steps: dict[str, Component]) -> Batch:
    """One batch through the steps' loop (the driver's probe)."""
    return next(pipe_steps([batch], steps))


def rebatch(pieces: Iterable[tuple[pd.DataFrame, Batch]], size: int) -> Iterator[tuple[pd.DataFrame, Batch]]:
    """Whole-contact Batches of exactly ``size`` contacts (the last one smaller) from pieces of any size, in
    order, a contact's messages with it: a partition's Arrow batches cut as the local engine cuts the corpus."""
    held: list[tuple[pd.DataFrame, Batch]] = []
    n = 0
    for keys, batch in pieces:
        if len(batch) == 0:
            continue
        held.append((keys, batch))
        n += len(batch)
        if n >= size:
            keys, batch = _joined(held)
            full = n - n % size
            for start in range(0, full, size):
                yield _slice(keys, batch, start, start + size)
            held = [_slice(keys, batch, full, n)] if n > full else []
            n -= full
    if held:
        yield _joined(held)


def _joined(held: list[tuple[pd.DataFrame, Batch]]) -> tuple[pd.DataFrame, Batch]:
    if len(held) == 1:
        return held[0]
    return pd.concat([k for k, _ in held], ignore_index=True), concat_batches([b for _, b in held])


def _slice(keys: pd.DataFrame, batch: Batch, start: int, stop: int) -> tuple[pd.DataFrame, Batch]:
    """Contacts ``start:stop`` of ``batch`` with their messages (in their order) and embeddings."""
    contacts = batch.contacts.iloc[start:stop].reset_index(drop=True)
    keep = batch.messages["contact_id"].astype(str).isin(set(contacts["contact_id"].astype(str))).to_numpy()
    emb = batch.embeddings[start:stop] if batch.embeddings is not None else None
    return (keys.iloc[start:stop].reset_index(drop=True),
            Batch(contacts=contacts, messages=batch.messages[keep].reset_index(drop=True), embeddings=emb,
                  extras=dict(batch.extras)))


# ---------------------------------------------------------------- output schema (probe)
def _spark_safe(t: pa.DataType, name: str, known: dict[str, pa.DataType]) -> pa.DataType:
    from voc.engines.spark.types import arrow_type_for_spark

    if pa.types.is_null(t):
        return known.get(name, pa.string())
    return arrow_type_for_spark(t)


def output_schema(probe: Batch) -> pa.Schema:
    """The nested record schema of the steps' output, from a probe Batch (contacts, messages, embeddings)."""
    known_c = {**{f.name: f.type for f in CONTACTS}, **CONTACT_NLP_COLUMNS}
    known_m = {**{f.name: f.type for f in MESSAGES}, **MESSAGE_NLP_COLUMNS}
    cs = pa.Schema.from_pandas(probe.contacts, preserve_index=False)
    ms = pa.Schema.from_pandas(probe.messages, preserve_index=False)
    cfields = [pa.field(f.name, known_c[f.name] if f.name in CONTACTS.names else _spark_safe(f.type, f.name, known_c))
               for f in cs]
    mfields = [pa.field(f.name, known_m[f.name] if f.name in MESSAGES.names else _spark_safe(f.type, f.name, known_m))
               for f in ms]
    fields = [pa.field(k, t) for k, t in KEYS] + cfields + [pa.field("messages", pa.list_(pa.struct(mfields)))]
    if probe.embeddings is not None:
        fields.append(pa.field(EMBEDDING, pa.list_(pa.float32())))
    return pa.schema(fields)


# ---------------------------------------------------------------- the mapInArrow functions
@dataclass
class StageSpec:
    """What a stage's executors need: the config, step names, output schema; optionally fitted
    components (pickled bytes, broadcast) that replace the freshly built ones."""

    config_json: str
    names: tuple[str, ...]
    schema: pa.Schema
    batch_size: int
    extras: dict[str, Any] = field(default_factory=dict)
    fitted: Any = None            # a Spark Broadcast of pickle.dumps({name: fitted component})
    fitted_key: str = ""          # identifies that broadcast in a worker's cache (Broadcast objects carry no public id)
    modules: tuple[str, ...] = ()  # modules registering the steps (a user's own component: importable on executors)


_FITTED: dict[str, dict[str, Component]] = {}
FITTED_KEPT = 4                    # fitted sets alive per worker (one per corpus-level step of a run)


def _stage_steps(spec: StageSpec) -> dict[str, Component]:
    for module in spec.modules:
        importlib.import_module(module)
    steps = dict(cached_steps(spec.config_json, spec.names))
    if spec.fitted is not None:
        key = spec.fitted_key
        if key not in _FITTED:
            while len(_FITTED) >= FITTED_KEPT:
                _FITTED.pop(next(iter(_FITTED)))
            _FITTED[key] = pickle.loads(spec.fitted.value)
        steps.update({k: v for k, v in _FITTED[key].items() if k in steps})
    return {n: steps[n] for n in spec.names}


def stage_fn(spec: StageSpec) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """The partition function of a stage: the partition's records as Batches of ``spec.batch_size`` contacts
    (``rebatch``), through the local engine's loop (``pipe_steps``), back to records."""
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        steps = _stage_steps(spec)
        pending: deque[pd.DataFrame] = deque()     # the keys of the batches in the steps, in order

        def pieces() -> Iterator[tuple[pd.DataFrame, Batch]]:
            for rb in batches:
                if rb.num_rows:
                    keys, batch = to_batch(pa.Table.from_batches([rb]))
                    batch.extras.update(spec.extras)
                    yield keys, batch

        def fed() -> Iterator[Batch]:
            for keys, batch in rebatch(pieces(), spec.batch_size):
                pending.append(keys)
                yield batch

        for out in pipe_steps(fed(), steps):
            keys = pending.popleft()
            if len(keys) != len(out):
                raise ValueError(f"a step's pipe returned {len(out)} contacts for a batch of {len(keys)}")
            yield from from_batch(keys, out, spec.schema).to_batches()
    return run
