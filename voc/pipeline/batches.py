"""The corpus as batches of whole contacts, and THE batch loop of both engines: every batch goes
through each step's ``pipe`` (``pipe_steps``).

The local engine runs the loop over the whole corpus one step at a time (``run_components``: each
step loads, fits when it is corpus-level, and is counted on its own progress line); the Spark engine
runs the same ``pipe_steps`` over each partition's batches (voc.engines.spark.nlp). A step's ``pipe``
consumes the batches in order, so chaining the steps or running them one after the other hands each
``pipe`` the same sequence of batches: the embed step groups the same batches into one encoder call."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

import numpy as np
import pandas as pd

from voc.component import Batch, Component
from voc.config import DEFAULT_BATCH_SIZE, VocConfig
from voc.ingest import IngestStats, iter_batches, scan
from voc.pipeline.progress import Progress, Timer, no_progress, uncounted

DEFAULT_BATCH = DEFAULT_BATCH_SIZE   # the config's batch_size default (contacts per `pipe` call, both engines)


def read_batches(path: Path, config: VocConfig, progress: Progress = no_progress, *, batch_size: int = DEFAULT_BATCH
                 ) -> tuple[list[Batch], list[dict[str, Any]], IngestStats]:
    """Every record under ``path`` as batches of at most ``batch_size`` whole contacts, built while the files
    are streamed (voc.ingest.iter_batches): memory holds the batches' tables, never every record at once."""
    stats, rejects = IngestStats(), []
    files = scan(path, config.ingest, stats.files_skipped)   # listed once: the total for progress, and what is read
    tick = progress("reading", len(files))
    ticked = 0

    def on_file(n: int) -> None:
        nonlocal ticked
        ticked += n
        tick(n)

    batches = [Batch(contacts=c, messages=m) for c, m in
               iter_batches(path, config.ingest, stats, rejects, batch_size=batch_size, on_file=on_file, files=files)]
    tick(max(len(files), stats.files) - ticked)      # the last file (and any the reader skipped)
    return batches, rejects, stats


def split_batches(contacts: pd.DataFrame, messages: pd.DataFrame, size: int = DEFAULT_BATCH) -> list[Batch]:
    """Cut the corpus into batches of whole contacts (a contact's messages stay in its batch)."""
    if len(contacts) == 0:
        return []
    order = {cid: i // size for i, cid in enumerate(contacts["contact_id"])}
    mbatch = messages["contact_id"].map(order).to_numpy()
    out = []
    for b in range(int(np.ceil(len(contacts) / size))):
        c = contacts.iloc[b * size:(b + 1) * size].reset_index(drop=True)
        m = messages[mbatch == b].reset_index(drop=True)
        out.append(Batch(contacts=c, messages=m))
    return out


def concat_batches(batches: list[Batch]) -> Batch:
    if not batches:
        raise ValueError("no batches")
    contacts = pd.concat([b.contacts for b in batches], ignore_index=True)
    messages = pd.concat([b.messages for b in batches], ignore_index=True)
    emb = None
    if all(b.embeddings is not None for b in batches):
        emb = np.concatenate([b.embeddings for b in batches], axis=0)
    extras: dict[str, Any] = {}
    for b in batches:
        extras.update(b.extras)
    return Batch(contacts=contacts, messages=messages, embeddings=emb, extras=extras)


def pipe_steps(batches: Iterable[Batch], steps: Mapping[str, Component]) -> Iterator[Batch]:
    """Every batch through each step's ``pipe``, in order (lazily: a batch leaves as soon as the last
    step yields it). Corpus-level steps must be fitted before."""
    out: Iterable[Batch] = batches
    for step in steps.values():
        out = step.pipe(out)
    return iter(out)


def run_components(batches: list[Batch], steps: dict[str, Component], timer: Timer,
                   progress: Progress = no_progress) -> list[Batch]:
    """The local engine's loop: each step in turn over every batch (``pipe_steps`` of that one step), after
    loading its model and, for a corpus-level step, fitting it on the whole corpus. The batches keep their
    sizes through a fit (as on Spark, where the fitted step runs per partition)."""
    for name, step in steps.items():
        with timer(name):
            if type(step).load is not Component.load:
                with uncounted(progress, f"{name}: loading model"):
                    step.load()
            if step.needs_fit:
                with uncounted(progress, f"{name}: fitting"):
                    step.fit(concat_batches(batches))
            tick = progress(name, sum(len(b) for b in batches))
            own = step.reports_progress
            if own:
                step.progress_ = tick
            out = []
            try:
                for b in pipe_steps(batches, {name: step}):
                    out.append(b)
                    if not own:
                        tick(len(b))
            finally:
                if own:
                    step.progress_ = None
            batches = out
    return batches
