"""The intent taxonomy: named intents with a description and example phrases, read from YAML."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import yaml

from voc.errors import Errors, VocError

DEFAULT_TAXONOMY = Path(__file__).with_name("taxonomy.yaml")


@dataclass(frozen=True)
class Intent:
    name: str
    description: str
    examples: tuple[str, ...]


@dataclass(frozen=True)
class Taxonomy:
    name: str
    intents: tuple[Intent, ...]
    unknown_label: str = "unknown"
    threshold: Optional[float] = None
    path: Optional[str] = None

    @property
    def labels(self) -> list[str]:
        return [i.name for i in self.intents]


def _fail(path: Any, detail: str) -> VocError:
    return VocError(Errors.E207, path=str(path), detail=detail)


def parse_taxonomy(data: Any, *, path: str = "<taxonomy>") -> Taxonomy:
    """Validate a taxonomy mapping (as read from YAML); every problem is an E207 naming the intent."""
    if not isinstance(data, dict):
        raise _fail(path, "the top level must be a mapping with an 'intents' list")
    intents = data.get("intents")
    if not isinstance(intents, list) or not intents:
        raise _fail(path, "'intents' must be a non-empty list")
    unknown = str(data.get("unknown_label", "unknown"))
    thr = data.get("threshold")
    if thr is not None:
        if isinstance(thr, bool) or not isinstance(thr, (int, float)) or not 0 <= float(thr) <= 1:
            raise _fail(path, f"threshold must be a number between 0 and 1, got {thr!r}")
        thr = float(thr)
    seen: set[str] = set()
    out = []
    for i, item in enumerate(intents, start=1):
        where = f"intent #{i}"
        if not isinstance(item, dict):
            raise _fail(path, f"{where} is not a mapping")
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise _fail(path, f"{where} has no name")
        name = name.strip()
        where = f"intent #{i} '{name}'"
        if name in seen:
            raise _fail(path, f"{where} is defined twice")
        if name == unknown:
            raise _fail(path, f"{where} uses the reserved unknown label")
        seen.add(name)
        desc = item.get("description")
        if not isinstance(desc, str) or not desc.strip():
            raise _fail(path, f"{where} has no description")
        ex = item.get("examples")
        if not isinstance(ex, list) or not ex:
            raise _fail(path, f"{where} has no example phrases")
        bad = [j for j, e in enumerate(ex, start=1) if not isinstance(e, str) or not e.strip()]
        if bad:
            raise _fail(path, f"{where}: example(s) {bad} are empty or not text")
        out.append(Intent(name=name, description=desc.strip(), examples=tuple(e.strip() for e in ex)))
    extra = set(data) - {"version", "name", "description", "unknown_label", "threshold", "intents"}
    if extra:
        raise _fail(path, f"unknown key(s) {sorted(extra)}")
    return Taxonomy(name=str(data.get("name", Path(path).stem)), intents=tuple(out), unknown_label=unknown,
                    threshold=thr, path=path)


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Read a taxonomy YAML (default: voc's shipped customer-support taxonomy)."""
    p = Path(path) if path is not None else DEFAULT_TAXONOMY
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except OSError as e:
        raise _fail(p, f"cannot be read ({e.strerror or e})") from None
    except yaml.YAMLError as e:
        raise _fail(p, f"is not valid YAML ({str(e).splitlines()[0]})") from None
    return parse_taxonomy(data, path=str(p))
