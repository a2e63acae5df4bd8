"""Distant sentiment labels from labelled support intents (Banking77, CLINC150).

There is no labelled support-domain sentiment data here, but there is labelled support-domain text: many
intents are by definition a problem report ("card_not_working", "lost_luggage") and others a plain
request ("exchange_rate", "book_flight"). ``service_intents.yaml`` (next to this file) maps each
intent once to ``problem`` (-> negative), ``request`` (-> neutral) or ``unclear`` (left out); it was
written before any model figure on it was seen. ``distant_data`` turns an intent data set into
sentiment examples with that mapping, keeping the intent of each text (for group-wise evaluation).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from voc.errors import Errors, VocError

MAPPING_PATH = Path(__file__).with_name("service_intents.yaml")
KINDS = ("problem", "request", "unclear")
DATASETS = ("banking77", "clinc150")


@dataclass
class DistantData:
    """Sentiment examples derived from an intent data set (``unclear`` intents left out)."""
    texts: list[str]
    labels: list[str]            # 'negative' (problem) | 'neutral' (request)
    intents: list[str]
    kinds: list[str]             # 'problem' | 'request'
    dataset: str                 # 'banking77' | 'clinc150'
    source: str                  # what was read
    path: str = ""               # the path it was read from, as given
    mapping_sha256: str = ""     # of the mapping file used
    excluded: dict[str, int] = field(default_factory=dict)   # reason -> rows left out

    def __len__(self) -> int:
        return len(self.texts)


def _unique_key_loader():
    """A yaml SafeLoader that refuses a key given twice in one mapping (plain YAML keeps the last silently,
    so an intent mapped twice would lose one of its two labels without a word)."""
    import yaml

    class UniqueKeyLoader(yaml.SafeLoader):
        pass

    def construct_mapping(loader, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = loader.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"key {key!r} appears twice", key_node.start_mark)
            seen.add(key)
        return yaml.SafeLoader.construct_mapping(loader, node, deep)

    UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return UniqueKeyLoader


def load_intent_mapping(path: Optional[str | Path] = None) -> dict[str, Any]:
    """Read and check the mapping: ``{"sentiment": {kind: label}, "banking77": {intent: {label, why}},
    "clinc150": {...}}``. Every entry needs a label in ``KINDS`` and a rationale (E210 otherwise).
    ``_sha256`` is added: the hash of the file, recorded with every model trained through it."""
    import hashlib

    import yaml

    p = Path(path) if path is not None else MAPPING_PATH
    if not p.is_file():
        raise VocError(Errors.E201, path=str(p))
    try:
        raw = p.read_bytes()
        doc = yaml.load(raw.decode("utf-8"), Loader=_unique_key_loader())  # noqa: S506  a SafeLoader
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise VocError(Errors.E210, path=str(p), detail=f"not readable YAML ({e})") from None
    if not isinstance(doc, dict):
        raise VocError(Errors.E210, path=str(p), detail="the file must be a mapping")
    sent = doc.get("sentiment") or {}
    if sent.get("problem") != "negative" or sent.get("request") != "neutral":
        raise VocError(Errors.E210, path=str(p), detail="'sentiment' must map problem: negative and request: neutral")
    for ds in DATASETS:
        entries = doc.get(ds)
        if not isinstance(entries, dict) or not entries:
            raise VocError(Errors.E210, path=str(p), detail=f"no '{ds}' section")
        for name, e in entries.items():
            if not isinstance(name, str):   # YAML 1.1 reads an unquoted yes/no/on/off key as a boolean
                raise VocError(Errors.E210, path=str(p), detail=f"{ds}: intent name {name!r} is not a string (quote it)")
            if not isinstance(e, dict) or e.get("label") not in KINDS or not str(e.get("why") or "").strip():
                raise VocError(Errors.E210, path=str(p),
                               detail=f"{ds}.{name}: needs label ({' | '.join(KINDS)}) and why (the rationale)")
    doc["_sha256"] = hashlib.sha256(raw).hexdigest()
    return doc


def _read_intents(path: Path) -> tuple[str, list[str], list[str], str]:
    """(dataset, texts, intents, source) of a Banking77 CSV / folder or a CLINC150 JSON / folder."""
    from voc.nlp.intent.data import read_clinc, read_csv

    if path.is_dir():
        for name in ("train.csv", "train_val.json", "data_full.json"):
            if (path / name).is_file():
                path = path / name
                break
        else:
            raise VocError(Errors.E206, path=str(path),
                           detail="no train.csv (Banking77) or train_val.json / data_full.json (CLINC150) in the folder")
    if not path.is_file():
        raise VocError(Errors.E001, path=str(path))
    if path.suffix.lower() == ".json":
        splits = read_clinc(path)
        texts, intents = [], []
        for s in ("train", "val"):      # in-scope only; oos_* rows have no intent
            texts += splits[s].texts
            intents += splits[s].labels
        return "clinc150", texts, intents, f"{path.name} (train + val)"
    lab = read_csv(path)
    return "banking77", lab.texts, lab.labels, path.name


def distant_data(path: str | Path, *, mapping: Optional[dict[str, Any]] = None) -> DistantData:
    """Sentiment examples of a Banking77 or CLINC150 data set through the intent mapping.

    Rows of ``unclear`` intents are left out, and so are rows whose intent the mapping does not list
    (counted in ``excluded``; the CLI warns about them). Which data set it is follows from the intent
    names: the one whose mapping section covers more of them."""
    mapping = mapping or load_intent_mapping()
    p = Path(path).expanduser()
    if not p.exists():
        raise VocError(Errors.E001, path=str(p))
    kind_guess, texts, intents, source = _read_intents(p)
    names = set(intents)
    dataset = max(DATASETS, key=lambda d: (len(names & set(mapping[d])), d == kind_guess))
    table = mapping[dataset]
    if not names & set(table):
        raise VocError(Errors.E210, path=str(p), detail=f"none of its {len(names)} intents is in the mapping "
                                                         f"(first: {', '.join(sorted(names)[:3])})")
    to_label = mapping["sentiment"]
    out = DistantData([], [], [], [], dataset, f"{dataset} {source}", path=str(path),
                      mapping_sha256=str(mapping.get("_sha256", "")))
    for t, i in zip(texts, intents):
        e = table.get(i)
        if e is None:
            out.excluded["intent not in the mapping"] = out.excluded.get("intent not in the mapping", 0) + 1
        elif e["label"] == "unclear":
            out.excluded["unclear intent"] = out.excluded.get("unclear intent", 0) + 1
        else:
            out.texts.append(t)
            out.intents.append(i)
            out.kinds.append(e["label"])
            out.labels.append(to_label[e["label"]])
    return out
