"""Progress of a long command on the terminal, or as log lines when stderr is not a terminal.

Both implement the pipeline's progress callback (``voc.pipeline.analyze.Progress``):
``progress(label, total)`` starts a step and returns ``tick(n)``. A step with a total shows counts,
a bar, elapsed time and the time remaining; a step without one (model loading, topic fitting) shows a
spinner with the elapsed time and ends with its first tick.

* ``TerminalProgress``: rich bars on stderr (a terminal).
* ``LogProgress``: one line on stderr when a step starts and ends, and every ``every_s`` seconds
  in between, with counts, rate and time remaining (piped output, CI logs, ``nohup``).
"""
from __future__ import annotations

import sys
import time
from typing import Callable, Optional, TextIO

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, SpinnerColumn, Task,
                           TaskProgressColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn)
from rich.text import Text

Tick = Callable[[int], None]


def _clock(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


class CountsColumn(ProgressColumn):
    """'42/134  31%  left 0:00:12' for a counted step; nothing for one without counts (a spinner)."""

    def __init__(self) -> None:
        super().__init__()
        self.counts, self.share, self.left = MofNCompleteColumn(), TaskProgressColumn(), TimeRemainingColumn()

    def render(self, task: Task) -> Text:
        if task.fields.get("uncounted"):
            return Text("")
        out = Text()
        out.append_text(self.counts.render(task))
        out.append(" ")
        out.append_text(self.share.render(task))
        out.append(" left ")
        out.append_text(self.left.render(task))
        return out


class TerminalProgress:
    """Rich progress bars; use as a context manager around the run."""

    def __init__(self, console: Console) -> None:
        self.bars = Progress(SpinnerColumn(finished_text="[green]✓[/]"), TextColumn("{task.description:<24}"),
                             BarColumn(), TextColumn("elapsed"), TimeElapsedColumn(), CountsColumn(),
                             console=console, transient=True)

    def __enter__(self) -> "TerminalProgress":
        self.bars.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bars.stop()

    def __call__(self, label: str, total: Optional[int]) -> Tick:
        task = self.bars.add_task(label, total=total, uncounted=total is None)
        if total is None:
            def end(n: int) -> None:
                self.bars.update(task, total=1, completed=1)
            return end
        return lambda n: self.bars.advance(task, n)


class LogProgress:
    """Log lines for a non-terminal stderr: start, every ``every_s`` seconds, and end of each step."""

    def __init__(self, stream: Optional[TextIO] = None, every_s: float = 5.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.every_s = every_s
        self.clock = clock

    def __enter__(self) -> "LogProgress":
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def _say(self, text: str) -> None:
        stream = self.stream if self.stream is not None else sys.stderr
        print(f"voc: {text}", file=stream, flush=True)

    def __call__(self, label: str, total: Optional[int]) -> Tick:
        start = self.clock()
        state = {"done": 0, "last": start, "ended": False}
        if total is None:
            self._say(f"{label} ...")
        else:
            self._say(f"{label}: 0/{total:,}")

        def tick(n: int) -> None:
            if state["ended"]:
                return
            now = self.clock()
            elapsed = now - start
            if total is None:
                state["ended"] = True
                self._say(f"{label}: done in {_clock(elapsed)}")
                return
            state["done"] += n
            done = state["done"]
            if done >= total:
                state["ended"] = True
                self._say(f"{label}: {done:,}/{total:,} done in {_clock(elapsed)}")
            elif now - state["last"] >= self.every_s:
                state["last"] = now
                left = elapsed / done * (total - done) if done else None
                rate = f", {done / elapsed:,.1f}/s" if elapsed > 0 else ""
                eta = f", about {_clock(left)} left" if left is not None else ""
                self._say(f"{label}: {done:,}/{total:,} ({done / total:.0%}){rate}, {_clock(elapsed)} elapsed{eta}")

        return tick
