"""Progress of a long command on the terminal, or as log lines when stderr is not a terminal.

Both implement the pipeline's progress callback (``voc.pipeline.progress.Progress``):
``progress(label, total)`` starts a step and returns ``tick(n)``. A step with a total shows counts,
a bar, elapsed time and the time remaining; a step without one (model loading, topic fitting) shows a
spinner with the elapsed time and ends with its first tick.

* ``TerminalProgress``: rich bars on stderr (a terminal).
* ``LogProgress``: one line on stderr when a step starts and ends, and every ``every_s`` seconds
  in between, with counts, rate and time remaining (piped output, CI logs, ``nohup``).
"""
from __future__ import annotations

import sys
import threading
import time
from typing import Callable, Optional, TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
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


class _Step:
    def __init__(self, label: str, total: Optional[int], start: float) -> None:
        self.label, self.total, self.start, self.last, self.done, self.ended = label, total, start, start, 0, False


class LogProgress:
    """Log lines for a non-terminal stderr: when each step starts and ends, and every ``every_s`` seconds
    in between, also while a step reports nothing (a model loading, topics fitting, a long batch)."""

    def __init__(self, stream: Optional[TextIO] = None, every_s: float = 5.0,
                 clock: Callable[[], float] = time.monotonic, heartbeat: bool = True) -> None:
        self.stream = stream
        self.every_s = every_s
        self.clock = clock
        self.heartbeat = heartbeat
        self._open: list[_Step] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None

    def __enter__(self) -> "LogProgress":
        if self.heartbeat:
            self._thread = threading.Thread(target=self._beat_loop, name="voc-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def _beat_loop(self) -> None:
        while not self._stop.wait(min(1.0, self.every_s)):
            self.beat()

    def _say(self, text: str) -> None:
        stream = self.stream if self.stream is not None else sys.stderr
        print(f"voc: {text}", file=stream, flush=True)

    def _status(self, step: _Step, now: float) -> str:
        elapsed = now - step.start
        if step.total is None:
            return f"{step.label} ... {_clock(elapsed)} elapsed"
        done, total = step.done, step.total
        left = elapsed / done * (total - done) if done else None
        rate = f", {done / elapsed:,.1f}/s" if elapsed > 0 and done else ""
        eta = f", about {_clock(left)} left" if left is not None else ""
        return f"{step.label}: {done:,}/{total:,} ({done / max(total, 1):.0%}){rate}, {_clock(elapsed)} elapsed{eta}"

    def beat(self) -> None:
        """A line for each open step that has been quiet for ``every_s`` seconds."""
        now = self.clock()
        with self._lock:
            for step in self._open:
                if not step.ended and now - step.last >= self.every_s:
                    step.last = now
                    self._say(self._status(step, now))

    def __call__(self, label: str, total: Optional[int]) -> Tick:
        step = _Step(label, total, self.clock())
        with self._lock:
            self._open = [s for s in self._open if not s.ended] + [step]
            self._say(f"{label} ..." if total is None else f"{label}: 0/{total:,}")

        def tick(n: int) -> None:
            with self._lock:
                if step.ended:
                    return
                now = self.clock()
                elapsed = _clock(now - step.start)
                if step.total is None:
                    step.ended = True
                    self._say(f"{label}: done in {elapsed}")
                    return
                step.done += n
                if step.done >= step.total:
                    step.ended = True
                    self._say(f"{label}: {step.done:,}/{step.total:,} done in {elapsed}")
                elif now - step.last >= self.every_s:
                    step.last = now
                    self._say(self._status(step, now))

        return tick
