"""Progress and timing of a run's steps (both engines): the ``Progress`` callback the CLI implements,
``uncounted`` for steps that cannot count, and the ``Timer`` behind run.json's timings_s."""
from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Callable, Iterator, Optional

# progress(label, total) starts a step and returns tick(n). With a total the step counts (files, contacts);
# with None it cannot (model loading, topic fitting): the caller shows a spinner and one tick ends it.
Progress = Callable[[str, Optional[int]], Callable[[int], None]]


def no_progress(label: str, total: Optional[int]) -> Callable[[int], None]:
    return lambda n: None


@contextmanager
def uncounted(progress: Progress, label: str) -> Iterator[None]:
    """A step that reports no counts (a spinner with the elapsed time), ended when the block ends."""
    tick = progress(label, None)
    try:
        yield
    finally:
        tick(1)


class Timer:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        t = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = round(self.timings.get(name, 0.0) + time.perf_counter() - t, 3)
