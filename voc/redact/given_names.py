"""PERSON names written without a cue and often in lower case, as customers type them in chats:
"call maria garcia at ...", "please ask john smith to call me back", "can you transfer to mike".

A gazetteer rule (voc/redact/data/person_names.json, built by scripts/build_person_names.py from the US Census
1990 name lists; see docs/privacy.md for sources, licences and measurements):

- (a) first name + surname: an unambiguous first name (one that is not also a common word) followed by a census
  surname ("maria garcia", "john smith"), or a first name that is also a word, capitalised, followed by a
  capitalised surname that is not a word ("Mark Garcia"; never "i hope jennette ..." or "will smith").
- (b) a lone unambiguous first name right after a person context ("to", "with", "ask", "agent", "husband",
  "my wife", "spoke to", "mr", ...) or right before one ("X said", "X told me", "X from billing"); a first name
  that is also a place (austin, dallas, kenya) not after a mere preposition ("to dallas"), and a possessive never
  alone ("wendy's", "trader joe's" are shops).
- (c) a first name that is also a common word (will, mark, bill, grace, rose, may, june, august, chase, hope,
  frank, art, sue, pat, ray, dawn, amber, penny, rich, ...) is never taken alone.

Checks are set lookups per word, on words that are not all capitals ('MARIA' is left to the NER model). The
gazetteer loads on first use (~6 ms); a pre-check (one regex over the lower-cased text, a set intersection)
skips the texts with no first name in them, nearly all of them.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable, NamedTuple

from voc.errors import Errors, VocError
from voc.redact.spans import Span

DATA = Path(__file__).with_name("data") / "person_names.json"

# The pre-check's words of a lower-cased ASCII text: every first-name word _WORD finds is one of them.
_ASCII_WORD = re.compile(r"[a-z]+")
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")

# The word before a lone first name that says a person follows. Prepositions also precede places ('to dallas',
# 'from austin'): after them a first name that is also a place name is not taken alone.
_WEAK_BEFORE = frozenset("to with by from for".split())
_BEFORE = _WEAK_BEFORE | frozenset("""
ask asked tell told thank call called email emailed text texted message pay paid cc
agent advisor adviser rep representative operator supervisor manager boss colleague coworker
husband wife son daughter mom mum mother dad father brother sister partner boyfriend girlfriend fiance fiancee
friend aunt uncle cousin grandson granddaughter grandma grandpa nephew niece
named mr mrs ms miss mx dr
""".split())
# Before a preposition, these make it a strong person context: "spoke to X", "you're speaking with X".
_TALK = frozenset("""
speak speaking spoke spoken talk talking talked chat chatting chatted meet meeting met work working worked
""".split())
# The word after a lone first name that says it is a person.
_AFTER = frozenset("""
said says told tells asked called emailed texted promised mentioned explained confirmed helped answered replied
sent from who
""".split())
# After a first name these words say it names a place or thing ('to austin branch', 'jordan account').
_NOT_AFTER = frozenset("""
bank branch office store shop airport street st road avenue ave city county state area university college
school hospital hotel account card app airlines airline mall center centre station stadium arena park beach lake
falls heights springs island hills valley bay port harbor harbour arbor grill steakhouse restaurant cafe diner pizza
bar pub club
""".split())
# Before a first name these words say it is not a person ('the austin branch', 'a jordan', 'in paris').
_NOT_BEFORE = frozenset("a an the in at of on into near".split())


class Gazetteer(NamedTuple):
    first: frozenset[str]          # unambiguous first names
    ambiguous: frozenset[str]      # first names that are also common words, places, months
    places: frozenset[str]         # unambiguous first names that are also places (austin, dallas, kenya)
    surnames: frozenset[str]       # surnames that are not common words
    word_surnames: frozenset[str]  # frequent surnames that are also words (smith, miller)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    from voc.redact.names import _COMMON_LOWER, _FOREIGN_WORDS, _NOT_NAMES

    try:
        data = json.loads(DATA.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:   # a broken install: say which file, not a traceback
        raise VocError(Errors.E202, name=str(DATA), detail=f"the first-name list of the redactor is unreadable ({e}); "
                                                           "reinstall voc") from None
    never = _NOT_NAMES | _COMMON_LOWER | _FOREIGN_WORDS | _BEFORE | _AFTER | _NOT_AFTER | _NOT_BEFORE

    def clean(key: str) -> frozenset[str]:
        return frozenset(w for w in data[key] if w not in never)

    return Gazetteer(clean("first_names"), clean("ambiguous_first_names"), clean("place_first_names"), clean("surnames"),
                     clean("common_word_surnames"))


def _plain(word: str) -> bool:
    """Lower-case or capitalised ('maria', 'Maria'), not all capitals ('MARIA' in a shouted text is left to NER)."""
    return word.islower() or (word[:1].isupper() and word[1:].islower())


# Entities of the NER model that say a capitalised candidate is not a person ('Chelsea' ORG, 'Levi Stadium' FAC).
# Places (GPE, LOC) and NORP do not block: the small model often reads a first name as one ('Adriana', 'Amelia'),
# as the cue rules found (voc.redact.names._BLOCKING).
_NOT_PERSON = frozenset({"FAC", "ORG", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW"})


def given_name_spans(text: str, not_person: Iterable[Span] = ()) -> list[Span]:
    """PERSON spans of first names (and the surname after them) found by the gazetteer rule. ``not_person``: the
    NER model's other entities; a candidate overlapping an organisation, product or building there is dropped."""
    if not text:
        return []
    if text.isascii():
        # the pre-check: no word of the text is a first name (most texts); one that is also a word counts only
        # in a text with capitals, since it is taken only as 'Mark Garcia'
        g = gazetteer()
        words = _ASCII_WORD.findall(text.lower())
        if g.first.isdisjoint(words) and (text.islower() or g.ambiguous.isdisjoint(words)):
            return []
    found = _find(text)
    blocked = [b for b in not_person if b.label in _NOT_PERSON]
    return [s for s, strong in found if strong or not any(b.start < s.end and s.start < b.end for b in blocked)]


def _find(text: str) -> list[tuple[Span, bool]]:
    """Candidate spans, each with whether a strong person context stands before it (the model's reading of the
    word as an organisation is then overruled: "you're speaking with Adriana" where it says ORG)."""
    g = gazetteer()
    words = [(m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(text)]
    out: list[tuple[Span, bool]] = []
    i = 0
    n = len(words)
    while i < n:
        s, e, w = words[i]
        unamb = w in g.first
        if not (unamb or w in g.ambiguous) or not _plain(text[s:e]):
            i += 1
            continue
        prev = words[i - 1][2] if i > 0 and _adjacent(text, words[i - 1][1], s) else ""
        nxt = words[i + 1] if i + 1 < n and _adjacent(text, e, words[i + 1][0]) else None
        if prev in _NOT_BEFORE or (nxt is not None and nxt[2] in _NOT_AFTER):
            i += 1
            continue
        # (a) first name + surname, not followed by a place word ('charlotte douglas airport'); a first name that is
        # also a word only capitalised with its surname ('Mark Garcia', not 'i hope jennette ...')
        if nxt is not None and _plain(text[nxt[0]:nxt[1]]) and (unamb or (text[s].isupper() and text[nxt[0]].isupper())):
            last = nxt[2][:-2] if nxt[2].endswith(("'s", "\u2019s")) else nxt[2]
            after = words[i + 2][2] if i + 2 < n and _adjacent(text, nxt[1], words[i + 2][0]) else ""
            if (last in g.surnames or (unamb and last in g.word_surnames)) and after not in _NOT_AFTER:
                out.append((Span(s, nxt[0] + len(last), "PERSON", "gazetteer"), False))
                i += 2
                continue
        # (b) a lone unambiguous first name in a person context; a place name not after a mere preposition
        if unamb and (prev in _BEFORE or (nxt is not None and nxt[2] in _AFTER)):
            before = words[i - 2][2] if prev and i > 1 and _adjacent(text, words[i - 2][1], words[i - 1][0]) else ""
            strong = (prev in _BEFORE and prev not in _WEAK_BEFORE) or before in _TALK
            weak = prev in _WEAK_BEFORE and not strong and not (nxt is not None and nxt[2] in _AFTER - {"from"})
            if not (w in g.places and weak):
                out.append((Span(s, e, "PERSON", "gazetteer"), strong))
        i += 1
    return out


def _adjacent(text: str, end: int, start: int) -> bool:
    """Two words are read together when only spaces or tabs (at most three) stand between them."""
    gap = text[end:start]
    return 0 < len(gap) <= 3 and not gap.strip(" \t")

