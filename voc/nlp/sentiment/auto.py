"""Backend "auto" and the factory every caller uses: ``make_backend(config, embed=None)``.

``auto`` takes the backend with the best measured TweetEval macro-recall (``figures.MEASURED``)
that can be loaded here; when it cannot (e.g. the sentence-encoder package is missing), the next
one, and the reason is kept in ``info()``.
"""
from __future__ import annotations

import inspect
import logging
from typing import Any, Optional, Sequence

from voc import registry
from voc.config import EmbedConfig, SentimentConfig
from voc.errors import VocError
from voc.nlp.sentiment.base import SentimentBackend, SentimentResult

log = logging.getLogger(__name__)


def _build(name: str, config: SentimentConfig, embed: Optional[EmbedConfig]) -> SentimentBackend:
    cls = registry.sentiment_backends.get(name)
    if "embed" in inspect.signature(cls.__init__).parameters:
        return cls(config, embed=embed)
    return cls(config)


def make_backend(config: SentimentConfig, embed: Optional[EmbedConfig] = None) -> SentimentBackend:
    """The backend named by ``config.backend`` (E103 lists the names when it is unknown).
    ``embed`` passes the pipeline's embedding settings to backends that embed texts."""
    return _build(config.backend, config, embed)


@registry.sentiment_backends.register("auto")
class AutoBackend(SentimentBackend):
    name = "auto"

    def __init__(self, config: SentimentConfig, embed: Optional[EmbedConfig] = None) -> None:
        super().__init__(config)
        self.embed = embed

    @property
    def chosen_(self) -> SentimentBackend:
        if "_chosen" not in self.__dict__:
            from voc.nlp.sentiment.figures import auto_order

            self._skipped: dict[str, str] = {}
            for name in auto_order():
                if name == "transformers" and not self.config.model:
                    continue
                b = _build(name, self.config, self.embed)
                try:
                    b.analyze(["ok"])  # loads the model now, so a missing piece shows here, not mid-run
                except VocError as e:
                    self._skipped[name] = f"[{e.code}] {e.cause}"
                    log.warning("sentiment backend %s unavailable (%s); trying the next", name, e.cause)
                    continue
                self._chosen = b
                break
            else:  # every measured backend failed to load: VADER needs no model file
                self._chosen = _build("vader", self.config, self.embed)
        return self._chosen

    def analyze(self, texts: Sequence[str]) -> SentimentResult:
        return self.chosen_.analyze(texts)

    def info(self) -> dict[str, Any]:
        d = {**self.chosen_.info(), "selected_by": "auto (best measured TweetEval macro-recall available)"}
        if self._skipped:
            d["skipped"] = dict(self._skipped)
        return d
