"""The engine contract: what an engine provides to run `voc analyze`, and how one is chosen by name.

An engine is registered in ``voc.registry.engines`` and built from the whole config. The shared
orchestration (``voc.pipeline.analyze.analyze_with`` for the text pipeline, ``voc.pipeline.run`` for the
job around it) drives every engine through the same calls, in this order:

    info = engine.start(timer)                         # acquire what it runs on; run.json entries
    corpus = engine.read(input_path, progress)         # records -> Corpus (stats, rejects, data)
    processed = engine.process(corpus, steps, timer, progress)
                                                       # every batch through each step's pipe
                                                       # (voc.pipeline.batches.pipe_steps), corpus-level
                                                       # steps fitted first
    written = engine.write(processed, steps, out_dir, fmt)
                                                       # contacts/messages/embeddings -> Written
    engine.release()                                   # free cached data (always called)
    engine.journeys(events, contacts, ...)             # when --events is given

Everything else (redacting the rejects, building the steps, the step outputs and rejects.jsonl, run.json,
journeys' warnings, headline figures, trends, findings, the report, the transaction) is written once, in
voc.pipeline, for both engines. An engine never calls back into the orchestration.
"""
from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Optional, Sequence

import pandas as pd

from voc import registry
from voc.component import Batch, Component
from voc.config import JourneyConfig, VocConfig
from voc.ingest import IngestStats
from voc.pipeline.progress import Progress, Timer

# Which module registers each engine (imported when the engine is asked for: pyspark only with "spark").
ENGINE_MODULES: dict[str, str] = {
    "local": "voc.engines.local",
    "spark": "voc.engines.spark.job",
}


@dataclass
class Corpus:
    """What ``read`` returns: the engine's own handle on the records (``data``: batches in memory, a Spark
    DataFrame), the reading counts and the rejects (raw: the orchestration redacts them)."""

    data: Any
    stats: IngestStats
    rejects: list[dict[str, Any]]

    @property
    def empty(self) -> bool:
        return self.stats.records_read == 0


@dataclass
class Written:
    """What ``write`` returns: the final batch the step outputs and the journeys read (contacts always;
    messages and embeddings when the engine holds them), the files written, and the counts."""

    final: Batch
    outputs: dict[str, str] = field(default_factory=dict)
    n_contacts: Optional[int] = None      # None: len(final.contacts)
    n_messages: Optional[int] = None      # None: len(final.messages)


class Engine(ABC):
    """One way to execute the text pipeline (see the module docstring for the order of the calls)."""

    name: ClassVar[str] = ""
    write_timing: ClassVar[str] = "write"   # run.json timings_s key of ``write`` (lazy engines compute there)

    def __init__(self, config: VocConfig) -> None:
        self.config = config

    def start(self, timer: Timer) -> dict[str, Any]:
        """Acquire what the engine runs on (a Spark session); return what run.json records about it
        (its 'versions' entry is merged into the package versions)."""
        return {}

    @abstractmethod
    def read(self, input_path: Path, progress: Progress) -> Corpus:
        """Every record under ``input_path``, in the local engine's order, with rejects and counts."""

    @abstractmethod
    def process(self, corpus: Corpus, steps: dict[str, Component], timer: Timer, progress: Progress) -> Any:
        """Every batch of contacts through each step's ``pipe`` (``voc.pipeline.batches.pipe_steps``), in batches
        of the same size as the local engine's; every corpus-level step (``needs_fit``) is fitted on the
        contacts the steps before it produced (``Component.fit_sample`` says which) before it runs."""

    @abstractmethod
    def write(self, processed: Any, steps: dict[str, Component], out_dir: Path, fmt: str) -> Written:
        """contacts, messages (and, for Parquet, embeddings) into ``out_dir`` as voc.catalog names them."""

    def release(self) -> None:  # noqa: B027 - optional hook: an engine that caches nothing keeps this no-op
        """Free what ``process``/``write`` cached; called once after ``write``, also when it failed."""

    def journeys(self, events: Sequence[Path], contacts: Optional[pd.DataFrame], config: JourneyConfig, out_dir: Path,
                 *, fmt: str, embeddings: Optional[pd.DataFrame], tx: Any) -> Any:
        """The journey tables of ``events`` joined to this run's contacts (``voc.journey.run.run_journeys``)."""
        from voc.journey.run import run_journeys

        return run_journeys(list(events), contacts, config, out_dir, fmt, embeddings, tx=tx)


def get_engine(name: str) -> type[Engine]:
    """The engine class registered as ``name`` (E103 naming the available engines when unknown)."""
    module = ENGINE_MODULES.get(name)
    if module is not None:
        importlib.import_module(module)
    if name not in registry.engines:
        for other in ENGINE_MODULES.values():   # so that E103 lists every engine, not only those loaded
            try:
                importlib.import_module(other)
            except ImportError:
                pass
    return registry.engines.get(name)
