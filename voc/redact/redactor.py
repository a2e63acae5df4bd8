"""The Redactor: text in, text with typed placeholders out.

    r = Redactor(RedactConfig())
    r.redact("Call me on 415-555-0134, Sarah").text   # 'Call me on [PHONE], [PERSON]'  (names per model)
    r.redact_many(texts, known_names=[["Crystal Minh"], []])

Patterns run first and their spans win over names (see voc.redact.spans); names come from
spaCy PERSON entities, self-introduction cues, a first-name gazetteer for names written without a cue
('please ask john smith to call me back', voc.redact.given_names) and the names the caller already knows.
Placeholders already present in a text are never detected again, so redaction is
idempotent for the pattern entities, and for names whenever the model gives the same
answer on the redacted text (it sees less context there, so that is likely, not certain).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterator, Optional, Sequence

from voc.config import REDACT_ENTITIES, RedactConfig
from voc.redact.given_names import given_name_spans
from voc.redact.keep import KEEP_TERMS, keep_spans
from voc.redact.names import cue_spans, known_name_spans, load_ner, ner_spans
from voc.redact.patterns import find_patterns
from voc.redact.spans import Span, apply, resolve

_CHUNK = 20_000   # characters per spaCy doc; longer texts are split at whitespace


@dataclass(frozen=True)
class Redaction:
    text: str                                  # the redacted text
    spans: tuple[Span, ...] = ()               # what was replaced, offsets into the original text
    counts: dict[str, int] = field(default_factory=dict)   # entity type -> number of spans

    @property
    def changed(self) -> bool:
        return bool(self.spans)


class Redactor:
    """Redacts the pattern entities (EMAIL, PHONE, CARD, IBAN, URL, IP, CVV, NATIONAL_ID, DOB, ADDRESS, POSTCODE,
    USERNAME, PASSPORT, LICENCE) and PERSON (spaCy + rules) in text; brand, product and company names
    (voc.redact.keep, ``config.company_names``, ``config.keep``) are never taken for names.

    The constructor only stores the config; the spaCy model is loaded on first use into
    ``nlp_`` (and only when PERSON is among ``config.entities``).
    """

    def __init__(self, config: Optional[RedactConfig] = None) -> None:
        self.config = config if config is not None else RedactConfig()

    @property
    def _keep_terms(self) -> tuple[str, ...]:
        return tuple(KEEP_TERMS) + tuple(self.config.company_names) + tuple(self.config.keep)

    # ---- public API --------------------------------------------------------------------
    def redact(self, text: str, known_names: Sequence[str] = ()) -> Redaction:
        return self.redact_many([text], [known_names])[0]

    def redact_many(self, texts: Sequence[str], known_names: Optional[Sequence[Sequence[str]]] = None, *,
                    ner: bool = True) -> list[Redaction]:
        """Redact many texts; the NER runs batched through ``nlp.pipe``.

        ``known_names[i]`` are names to redact in ``texts[i]`` wherever they occur (e.g. the
        customer's name from the CRM, a transcript's speaker labels). ``ner=False`` skips the
        statistical model (patterns, cues and known names only), e.g. for short labels.
        """
        texts = ["" if t is None else str(t) for t in texts]
        if known_names is not None and len(known_names) != len(texts):
            raise ValueError(f"known_names has {len(known_names)} entries for {len(texts)} texts")
        labels = self.labels
        want_names = "PERSON" in labels
        found = self._ner(texts) if want_names and ner else [None] * len(texts)
        protected_re = self._placeholder_re()
        out: list[Redaction] = []
        for i, text in enumerate(texts):
            if not text:
                out.append(Redaction(text))
                continue
            protected = [Span(m.start(), m.end(), "PLACEHOLDER") for m in protected_re.finditer(text)]
            # rules see placeholders as blanks: '[PHONE] 3348917502' must not read as a phone cue; a name
            # placeholder reads as a word, as the name did on the first pass ('Customer [PERSON] (...')
            masked = protected_re.sub(self._mask, text) if protected else text
            spans = find_patterns(masked, labels, self.config.default_region)
            if want_names:
                persons, others = found[i] if found[i] is not None else ((), ())
                spans.extend(persons)
                if self.config.name_cues:
                    # the cue rules read the text with the pattern entities blanked, as a second pass reads
                    # the placeholders: 'this is maria garcia cvv 123' and its redaction get the same answer
                    blanked = masked
                    for sp in spans:
                        if sp.source == "pattern":
                            blanked = blanked[:sp.start] + " " * (sp.end - sp.start) + blanked[sp.end:]
                    spans.extend(cue_spans(blanked, others))
                    spans.extend(given_name_spans(blanked, others))     # names without a cue ('ask john smith')
                if known_names is not None and known_names[i]:
                    spans.extend(known_name_spans(masked, known_names[i]))
            keep = keep_spans(masked, self._keep_terms) if any(s.source != "pattern" for s in spans) else []
            final = resolve(text, spans, protected, keep)
            out.append(Redaction(apply(text, final, self.config.placeholder), tuple(final),
                                 dict(Counter(s.label for s in final))))
        return out

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(e for e in REDACT_ENTITIES if e in self.config.entities)

    def info(self) -> dict[str, Any]:
        nlp = getattr(self, "nlp_", None)
        model = None
        if nlp is not None:
            model = f"{nlp.meta.get('lang', '')}_{nlp.meta.get('name', '')}-{nlp.meta.get('version', '')}"
        elif "PERSON" in self.labels:
            model = self.config.spacy_model
        return {"entities": list(self.labels), "spacy_model": model, "placeholder": self.config.placeholder,
                "default_region": self.config.default_region, "name_cues": self.config.name_cues,
                "company_names": len(self.config.company_names), "keep_terms": len(self._keep_terms)}

    # ---- internals -----------------------------------------------------------------------
    def _mask(self, m: re.Match[str]) -> str:
        if m.group() == self._person_placeholder:
            return "X" + "x" * (len(m.group()) - 1)
        return " " * len(m.group())

    @property
    def _person_placeholder(self) -> str:
        return self.config.placeholder.format(label="PERSON")

    def _placeholder_re(self) -> re.Pattern[str]:
        forms = sorted({self.config.placeholder.format(label=lab) for lab in REDACT_ENTITIES}, key=len, reverse=True)
        return re.compile("|".join(map(re.escape, forms)))

    def _load(self) -> Any:
        if getattr(self, "nlp_", None) is None:
            self.nlp_ = load_ner(self.config.spacy_model)
        return self.nlp_

    def _ner(self, texts: list[str]) -> list[Optional[tuple[tuple[Span, ...], tuple[Span, ...]]]]:
        """(PERSON spans, non-person entity spans) per text, from one batched nlp.pipe."""
        jobs = [(i, off, chunk) for i, t in enumerate(texts) if _may_name(t) for off, chunk in _chunks(t, _CHUNK)]
        result: list[Optional[tuple[list[Span], list[Span]]]] = [None] * len(texts)
        if not jobs:
            return [None] * len(texts)
        nlp = self._load()
        docs = nlp.pipe((c for _, _, c in jobs), batch_size=self.config.batch_size, n_process=self.config.n_process)
        for (i, off, _), doc in zip(jobs, docs):
            persons, others = ner_spans(doc)
            slot = result[i]
            if slot is None:
                slot = result[i] = ([], [])
            slot[0].extend(Span(s.start + off, s.end + off, s.label, s.source) for s in persons)
            slot[1].extend(Span(s.start + off, s.end + off, s.label, s.source) for s in others)
        return [None if r is None else (tuple(r[0]), tuple(r[1])) for r in result]


_CAPITALISED = re.compile(r"\b[A-Z][\w'\u2019-]*")


def _common_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS) | {"hi", "hello", "hey", "dear", "thanks", "thank", "please", "ok", "okay",
                                    "yes", "yeah", "sure", "regards", "cheers", "sorry", "great", "good"}


_COMMON: frozenset[str] | None = None


def _may_name(text: str) -> bool:
    """Whether the statistical NER can find a PERSON here: English names are written capitalised, so a
    text whose only capitalised words are common words ('I', 'Why', 'Hello'), contractions ("I'm") or,
    in a text that is not all capitals, acronyms ('ATM', 'PIN', 'SEPA') is not sent to the model.
    Lower-case names ('my name is john') are caught by the cue rules, which always run. Measured on
    Banking77, the ABCD sample and the shipped fixtures: the texts skipped hold no PERSON entity the
    model finds (checked by running it on them), and NER runs on 9% of Banking77 queries instead of 21%."""
    global _COMMON
    if _COMMON is None:
        _COMMON = _common_words()
    shouting = not any(c.islower() for c in text)
    for m in _CAPITALISED.finditer(text):
        word = m.group().replace("\u2019", "'")
        low = word.lower()
        if low in _COMMON or low.rstrip("'s") in _COMMON or _CONTRACTION.match(low):
            continue
        if not shouting and word.rstrip("'s").isupper():
            continue
        return True
    return False


_CONTRACTION = re.compile(r"^(?:i|you|we|they|he|she|it|that|there|here|what|who|let)(?:'(?:m|ve|d|ll|re|s)|m|ve)$")


def _chunks(text: str, size: int = _CHUNK) -> Iterator[tuple[int, str]]:
    """(offset, piece) with pieces of at most ``size`` characters, cut at a line break or a
    sentence end in the last half of the piece when there is one (a name is not split), else
    at a space."""
    pos = 0
    n = len(text)
    while pos < n:
        end = min(n, pos + size)
        if end < n:
            half = pos + size // 2
            sentence = text.rfind(". ", half, end - 1)
            cut = max(text.rfind("\n", half, end), sentence + 1 if sentence >= 0 else -1)
            if cut < 0:
                cut = text.rfind(" ", pos, end)
            if cut > pos:
                end = cut + 1
        yield pos, text[pos:end]
        pos = end
