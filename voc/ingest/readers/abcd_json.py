"""Dialogues in the ABCD format (Action-Based Conversations Dataset, asappresearch/abcd): a list
(or {"train"|"dev"|"test": [...]}) of {convo_id, scenario{personal{customer_name, email, phone,
username, member_level}, order, product, flow, subflow}, original: [[speaker, text], ...],
delexed: [...]}. Speakers agent/customer; 'action' turns (what the agent did in the tools) are
system turns. The customer's email and phone from the scenario are kept as identifiers; flow and
subflow (the labelled intent) are kept on the record as ``tags`` (not in the contacts table, so
they never leak into the text analysed). A non-standard ``created_at`` key is honoured."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from voc import registry
from voc.config import IngestConfig
from voc.ingest.base import Item, Record, Reject
from voc.ingest.common import Warnings, clean_str, dict_records, load_json, message
from voc.ingest.json_stream import array_key, items, salvage
from voc.ingest.source import Source

SPLITS = ("train", "dev", "test")
SPEAKER_ROLES = {"agent": "agent", "customer": "customer", "action": "system", "system": "system"}


@registry.readers.register("abcd_json")
class AbcdJsonReader:
    name = "abcd_json"
    extensions = (".json",)

    def sniff(self, path: Path, head: str) -> float:
        if not head.lstrip().startswith(("{", "[")):
            return 0.0
        if '"convo_id"' in head:
            return 0.98
        if '"scenario"' in head and ('"original"' in head or '"delexed"' in head):
            return 0.95
        return 0.0

    def read(self, path: Path, text: str, config: IngestConfig) -> Iterator[Item]:
        yield from self.read_source(path, Source.of_text(text, path), config)

    def read_source(self, path: Path, source: Source, config: IngestConfig) -> Iterator[Item]:
        """A list of dialogues, or the dataset's {"train", "dev", "test"} lists, is streamed."""
        head = source.head.lstrip("\ufeff \t\r\n")
        if not source.streamed or not head.startswith(("[", "{")):
            yield from self._whole(path, source.text(), config)
            return
        if head.startswith("["):
            located: Iterator[tuple[str, Any]] = ((f"record {i}", c) for i, c in enumerate(items(source, "item"), 1))
        elif array_key(source, SPLITS, single=("convo_id", "scenario", "original")) is not None:
            located = ((f"{k} record {i}", c) for k in SPLITS for i, c in enumerate(items(source, f"{k}.item"), 1))
        else:
            yield from self._whole(path, source.text(), config)
            return
        warn = Warnings(path)
        for got in salvage(path, source, located):
            if isinstance(got, Reject):
                yield got
                return
            yield from dict_records(path, [got], _dialogue, warn)

    def _whole(self, path: Path, text: str, config: IngestConfig) -> Iterator[Item]:
        doc, salvaged, damage, _ = load_json(text, path)
        if salvaged is not None:
            convs = [(f"record {i}", c) for i, c in enumerate(salvaged, 1)]
        elif isinstance(doc, list):
            convs = [(f"record {i}", c) for i, c in enumerate(doc, 1)]
        elif isinstance(doc, dict) and any(isinstance(doc.get(k), list) for k in ("train", "dev", "test")):
            convs = [(f"{k} record {i}", c) for k in ("train", "dev", "test") for i, c in enumerate(doc.get(k) or [], 1)]
        elif isinstance(doc, dict):
            convs = [("record 1", doc)]
        else:
            convs = []
        yield from dict_records(path, convs, _dialogue)
        if damage is not None:
            yield damage


def _dialogue(c: dict[str, Any], loc: str, warn: Warnings) -> Record:
    scenario = c.get("scenario") or {}
    personal = scenario.get("personal") or {}
    created = warn.ts(c.get("created_at"), loc) if c.get("created_at") is not None else None
    contact = {
        "contact_id": clean_str(c.get("convo_id")),
        "channel": "chat",
        "customer_id": personal.get("customer_id"),
        "email": personal.get("email"),
        "phone": personal.get("phone"),
        "created_at": created,
        "status": c.get("status"),
        "subject": None,
        "language": None,
        "source_record": loc,
        "source_format": "abcd_json",
        "_source": "abcd",
        "tags": [t for t in (scenario.get("flow"), scenario.get("subflow")) if t],
    }
    name = personal.get("customer_name")
    msgs = []
    turns = c.get("original")
    if isinstance(turns, list):
        for j, t in enumerate(turns, 1):
            mloc = f"{loc} turn {j}"
            if isinstance(t, (list, tuple)) and len(t) >= 2:
                speaker, text = str(t[0]).lower(), t[1]
            else:
                speaker, text = "system", ""
            role = SPEAKER_ROLES.get(speaker, "system")
            msgs.append(message(role, str(text or ""), speaker=name if role == "customer" and name else speaker,
                                source_record=mloc))
    else:
        for j, t in enumerate(c.get("delexed") or [], 1):
            mloc = f"{loc} turn {j}"
            t = t if isinstance(t, dict) else {}
            role = SPEAKER_ROLES.get(str(t.get("speaker", "")).lower(), "system")
            msgs.append(message(role, str(t.get("text") or ""), speaker=t.get("speaker"), source_record=mloc))
    return Record(contact, msgs)
