"""The local engine: one process, the corpus in memory as batches of whole contacts (pandas + Arrow),
the steps run by ``voc.pipeline.batches.run_components`` (each step over every batch through its
``pipe``, corpus-level steps fitted on the whole corpus), the tables written by voc.datasets."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from voc import registry
from voc.component import Batch, Component
from voc.config import VocConfig
from voc.engines.base import Corpus, Engine, Written
from voc.pipeline.batches import concat_batches, read_batches, run_components
from voc.pipeline.outputs import write_tables
from voc.pipeline.progress import Progress, Timer


@registry.engines.register("local")
class LocalEngine(Engine):
    name = "local"

    def __init__(self, config: VocConfig, *, batch_size: Optional[int] = None) -> None:
        super().__init__(config)
        self.batch_size = config.batch_size if batch_size is None else batch_size   # default: the config's batch_size

    def read(self, input_path: Path, progress: Progress) -> Corpus:
        batches, rejects, stats = read_batches(input_path, self.config, progress, batch_size=self.batch_size)
        return Corpus(data=batches, stats=stats, rejects=rejects)

    def process(self, corpus: Corpus, steps: dict[str, Component], timer: Timer, progress: Progress) -> Batch:
        batches = run_components(corpus.data, steps, timer, progress)
        corpus.data = None                      # the batches live on in the final batch only
        return concat_batches(batches)

    def write(self, processed: Any, steps: dict[str, Component], out_dir: Path, fmt: str) -> Written:
        return Written(final=processed, outputs=write_tables(processed, steps, out_dir, fmt))
