"""The ``redact`` pipeline component: runs first, so nothing stored or embedded holds PII.

- messages.text and contacts.subject are redacted (EMAIL, PHONE, CARD, IBAN, PERSON, ...).
- messages.speaker is redacted when it holds a person's name rather than a role word
  ('Sarah Lee' -> '[PERSON]', 'Sarah (Agent)' -> '[PERSON] (Agent)', 'Agent' stays); the
  names found in a contact's speaker labels are redacted wherever they occur in that
  contact's messages and subject.
- contacts.email / contacts.phone follow ``config.identifiers``: keep (for identity
  resolution), hash (sha256 hex of the normalised email / the E.164 phone, see voc.identifiers:
  the same hash identity resolution and the CDP use; a value that is no address or phone number
  becomes null) or drop (null).
Column dtypes (pandas ArrowDtype strings with nulls) are kept; null stays null.
"""
from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any, Callable, Optional

import pandas as pd

from voc import registry
from voc.component import Batch, Component
from voc.config import RedactConfig
from voc.identifiers import hash_email, hash_phone
from voc.redact.names import answered_name, asks_for_name, is_role_label, name_parts
from voc.redact.redactor import Redactor


@registry.components.register("redact")
class RedactComponent(Component):
    name = "redact"

    def __init__(self, config: Optional[RedactConfig] = None) -> None:
        self.config = config if config is not None else RedactConfig()

    # ---- state (set on first call) ---------------------------------------------------------
    def _state(self) -> Redactor:
        if getattr(self, "redactor_", None) is None:
            self.redactor_ = Redactor(self.config)
            self.counts_: Counter[str] = Counter()
            self.n_texts_ = 0
            self.n_texts_redacted_ = 0
            self.n_identifiers_ = 0
        return self.redactor_

    def load(self) -> None:
        if self.config.enabled:
            redactor = self._state()
            if "PERSON" in redactor.labels:
                redactor._load()

    def __call__(self, batch: Batch) -> Batch:
        if not self.config.enabled:
            return batch
        redactor = self._state()
        messages = batch.messages.copy()
        contacts = batch.contacts.copy()

        names_by_contact: dict[Any, list[str]] = {}
        if "speaker" in messages.columns and len(messages):
            speaker_names = self._speaker_names(messages)
            if "PERSON" in redactor.labels:
                for cid, names in zip(messages["contact_id"], speaker_names):
                    if names:
                        names_by_contact.setdefault(cid, [])
                        if names not in names_by_contact[cid]:
                            names_by_contact[cid].append(names)
            speaker_col = self._redact_column(
                messages["speaker"], lambda vals, idx: redactor.redact_many(
                    vals, [[n] if n else [] for n in (speaker_names[i] for i in idx)], ner=False),
                count=False)
        else:
            speaker_col = None
        if "PERSON" in redactor.labels and self.config.name_cues and {"text", "contact_id"} <= set(messages.columns):
            for cid, name in self._answered_names(messages):
                names_by_contact.setdefault(cid, [])
                if name not in names_by_contact[cid]:
                    names_by_contact[cid].append(name)
        if speaker_col is not None:
            messages["speaker"] = speaker_col
        if "text" in messages.columns and len(messages):
            cids = list(messages["contact_id"]) if "contact_id" in messages.columns else [None] * len(messages)
            messages["text"] = self._redact_column(
                messages["text"], lambda vals, idx: redactor.redact_many(
                    vals, [names_by_contact.get(cids[i], []) for i in idx]))
        if "subject" in contacts.columns and len(contacts):
            ccids = list(contacts["contact_id"]) if "contact_id" in contacts.columns else [None] * len(contacts)
            contacts["subject"] = self._redact_column(
                contacts["subject"], lambda vals, idx: redactor.redact_many(
                    vals, [names_by_contact.get(ccids[i], []) for i in idx]))
        self._identifiers(contacts)
        return dataclasses.replace(batch, contacts=contacts, messages=messages)

    def info(self) -> dict[str, Any]:
        self._state()
        out = {"enabled": self.config.enabled, **self.redactor_.info(), "identifiers": self.config.identifiers,
               "texts": self.n_texts_, "texts_redacted": self.n_texts_redacted_,
               "counts": {k: int(v) for k, v in sorted(self.counts_.items())}}
        if self.config.identifiers != "keep":
            out["identifier_values_" + ("hashed" if self.config.identifiers == "hash" else "dropped")] = self.n_identifiers_
        return out

    # ---- helpers -----------------------------------------------------------------------------
    @staticmethod
    def _speaker_names(messages: pd.DataFrame) -> list[str]:
        """Per message, the person name held by its speaker label ('' for role labels and nulls)."""
        roles = messages["role"] if "role" in messages.columns else pd.Series([None] * len(messages), index=messages.index)
        out = []
        for speaker, role in zip(messages["speaker"], roles):
            if speaker is None or pd.isna(speaker) or not str(speaker).strip():
                out.append("")
                continue
            s = str(speaker)
            if is_role_label(s) or (role is not None and not pd.isna(role) and s.strip().lower() == str(role).lower()):
                out.append("")
            else:
                out.append(name_parts(s))
        return out

    @staticmethod
    def _answered_names(messages: pd.DataFrame) -> list[tuple[Any, str]]:
        """(contact_id, name) for each message that answers a previous message asking for a name."""
        order = messages.reset_index(drop=True)
        order = order.sort_values(["contact_id", "seq"] if "seq" in order.columns else ["contact_id"], kind="stable")
        out = []
        prev_cid, prev_asks = object(), False
        for cid, text in zip(order["contact_id"], order["text"]):
            if text is None or pd.isna(text):
                continue
            text = str(text)
            if cid == prev_cid and prev_asks:
                name = answered_name(text)
                if name:
                    out.append((cid, name))
            prev_cid, prev_asks = cid, asks_for_name(text)
        return out

    def _redact_column(self, col: pd.Series, run: Callable[[list[str], list[int]], list[Any]], *,
                       count: bool = True) -> pd.Series:
        mask = col.notna().to_numpy()
        idx = [i for i, ok in enumerate(mask) if ok]
        if not idx:
            return col
        values = [str(v) for v in col.iloc[idx]]
        results = run(values, idx)
        new = list(col.astype(object).where(col.notna(), None))
        for i, res in zip(idx, results):
            new[i] = res.text
            if count:
                self.n_texts_ += 1
                if res.spans:
                    self.n_texts_redacted_ += 1
            self.counts_.update(res.counts)
        return pd.Series(new, index=col.index, dtype=col.dtype, name=col.name)

    def _identifiers(self, contacts: pd.DataFrame) -> None:
        mode = self.config.identifiers
        if mode == "keep":
            return
        region = self.config.default_region
        hashers = {"email": hash_email, "phone": lambda v: hash_phone(v, region)}
        for column, hasher in hashers.items():
            if column not in contacts.columns:
                continue
            col = contacts[column]
            present = int(col.notna().sum())
            self.n_identifiers_ += present
            if mode == "drop":
                values = [None] * len(col)
            else:
                values = [None if v is None or pd.isna(v) else hasher(str(v)) for v in col]
            contacts[column] = pd.Series(values, index=col.index, dtype=col.dtype, name=col.name)
