"""Identifiers that are only personal data in context: CVV, NATIONAL_ID, DOB, PASSPORT, LICENCE, USERNAME, POSTCODE.

A bare "882", "912803456" or "12/03/1985" is a quantity, an order number or an ordinary date; what makes it a
card's security code, a passport number or a date of birth is the cue before it ("cvv 882", "passport number
912803456", "date of birth 12/03/1985", also across a question and its answer: "the three digits on the back?
Caller: 882"). Each detector finds its cue, then the first token of the right shape within a short window after
it. Formats that identify themselves are taken without a cue: US SSNs written 3-2-4 with dashes ("123-45-6789"),
UK National Insurance numbers ("QQ 12 34 56 C"), UK postcodes ("SW1A 1AA"), "@handles". Cues are English, German,
French, Spanish and Polish. Each detector is a pure function ``text -> list[Span]``.
"""
from __future__ import annotations

import re
from functools import lru_cache

from voc.redact.spans import Span

_GAP = re.compile(r" {4,}")    # a blanked span: an earlier detector's entity, or a placeholder on a second pass
_WINDOW = 60      # characters after a cue in which the value is looked for (crosses "?\nCaller: ")


def _after_cue(text: str, cue: re.Pattern[str], value: re.Pattern[str], label: str, window: int = _WINDOW,
               ok=lambda v: True) -> list[Span]:  # noqa: ANN001
    out: list[Span] = []
    hints = _HINTS.get(cue.pattern)
    if hints is not None and not has_any(lowered(text), hints):
        return out              # none of the cue's words occurs: skip the cue regex (most texts)
    for m in cue.finditer(text):
        for v in value.finditer(text, m.end(), min(len(text), m.end() + window)):
            if _GAP.search(text, m.end(), v.start()):
                break       # an entity (blanked) stands between: the cue was its, as on a second pass
            if ok(v.group()):
                out.append(Span(v.start(), v.end(), label))
                break
    return out


# ---- CVV ------------------------------------------------------------------------------------
_CVV_CUE = re.compile(r"\b(?:cvv2?|cvc2?|cid|csc|security\s+code|verification\s+(?:code|number|value)|"
                      r"(?:three|3|four|4)\s+digits?\s+(?:on|at)\s+the\s+back|card\s+code|código\s+de\s+seguridad|"
                      r"cryptogramme|prüfnummer|prüfziffer|kartenprüfnummer)\b", re.I)
_CVV_VALUE = re.compile(r"(?<![\d/.,:-])\d{3,4}(?![\d/.,:-]|\s*(?:€|\$|£|eur|usd|gbp))", re.I)


def find_cvv(text: str) -> list[Span]:
    return _after_cue(text, _CVV_CUE, _CVV_VALUE, "CVV", window=40)


# ---- NATIONAL_ID (US SSN, UK National Insurance number, other national ids after a cue) ---------
_SSN_DASHED = re.compile(r"(?<![\w-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\w-])")
_NINO = re.compile(r"(?<![\w])(?![DFIQUV])[A-CEGHJ-PR-TW-Z](?![DFIOQUV])[A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D](?!\w)")
_ID_CUE = re.compile(r"\b(?:ssn|social\s+security(?:\s+(?:number|no\.?|#))?|social|national\s+insurance(?:\s+(?:number|no\.?))?|"
                     r"ni\s+(?:number|no\.?)|nino|tax\s+id|tin|itin|sin|national\s+id(?:\s+number)?|id\s+card(?:\s+number)?|"
                     r"personalausweis(?:nummer)?|steuer-?id|numéro\s+de\s+sécurité\s+sociale|dni|nie|nif|pesel)\b", re.I)
_ID_VALUE = re.compile(r"(?<![\w-])(?=[A-Z0-9 -]*\d[A-Z0-9 -]*\d)[A-Z0-9](?:[A-Z0-9]|[ -](?=[A-Z0-9])){5,17}(?![\w-])", re.I)


def find_national_ids(text: str) -> list[Span]:
    if digit_count(text) < 6:
        return []
    out = [Span(m.start(), m.end(), "NATIONAL_ID") for m in _SSN_DASHED.finditer(text)] if "-" in text else []
    out += [Span(m.start(), m.end(), "NATIONAL_ID") for m in _NINO.finditer(text)]
    # a cue's value only where no self-identifying format was found ('ssn 123-45-6789 1600 ...' is the SSN alone)
    out += [s for s in _after_cue(text, _ID_CUE, _ID_VALUE, "NATIONAL_ID", window=30,
                                  ok=lambda v: sum(c.isdigit() for c in v) >= 6)
            if not any(s.start < o.end and o.start < s.end for o in out)]
    return _dedupe(out)


# ---- DOB ------------------------------------------------------------------------------------
_MONTHS = (r"(?:jan(?:uary|uar)?|feb(?:ruary|ruar)?|mar(?:ch)?|märz|apr(?:il)?|may|mai|jun(?:e|i)?|jul(?:y|i)?|aug(?:ust)?|"
           r"sep(?:t(?:ember)?)?|oct(?:ober)?|okt(?:ober)?|nov(?:ember)?|dec(?:ember)?|dez(?:ember)?|"
           r"janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre|"
           r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)\.?")
_DATE = re.compile(
    r"(?<![\w/.-])(?:\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})|\d{4}-\d{1,2}-\d{1,2}|"
    rf"\d{{1,2}}(?:st|nd|rd|th|er)?\.?\s+(?:of\s+)?{_MONTHS}\s+\d{{4}}|{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})(?![\w/-])",
    re.I)
_DOB_CUE = re.compile(r"\b(?:date\s+of\s+birth|d\.?o\.?b\.?|birth\s*date|birthday|born(?:\s+on)?|"
                      r"geburtsdatum|geboren(?:\s+am)?|date\s+de\s+naissance|née?\s+le|fecha\s+de\s+nacimiento|"
                      r"nacid[oa](?:\s+el)?|data\s+urodzenia|urodzon[ya])(?![\w])", re.I)


def find_dobs(text: str) -> list[Span]:
    return _after_cue(text, _DOB_CUE, _DATE, "DOB")


# ---- PASSPORT and LICENCE ---------------------------------------------------------------------
_PASSPORT_CUE = re.compile(r"\b(?:passport|reisepass(?:nummer)?|passeport|pasaporte|paszport)\b", re.I)
_LICENCE_CUE = re.compile(r"\b(?:driv(?:ing|er'?s?)\s+licen[cs]e|licen[cs]e(?:\s+(?:number|no\.?|#))?|dl\s+(?:number|no\.?|#)|"
                          r"führerschein(?:nummer)?|permis\s+de\s+conduire|permiso\s+de\s+conducir|carnet\s+de\s+conducir|"
                          r"prawo\s+jazdy)", re.I)
_DOC_VALUE = re.compile(r"(?<![\w-])(?=[A-Z0-9]*\d)[A-Z0-9]{6,18}(?![\w-])")


def _doc_ok(v: str) -> bool:
    return sum(c.isdigit() for c in v) >= 3


def find_passports(text: str) -> list[Span]:
    return _after_cue(text, _PASSPORT_CUE, _DOC_VALUE, "PASSPORT", window=40, ok=lambda v: sum(c.isdigit() for c in v) >= 2)


def find_licences(text: str) -> list[Span]:
    return _after_cue(text, _LICENCE_CUE, _DOC_VALUE, "LICENCE", window=40, ok=_doc_ok)


# ---- USERNAME -------------------------------------------------------------------------------
_USER_CUE = re.compile(r"\b(?:user\s*name|user\s*id|login(?:\s+name|\s+id)?|handle|account\s+name|screen\s+name|"
                       r"benutzername|nom\s+d'utilisateur|identifiant|nombre\s+de\s+usuario|nazwa\s+użytkownika)"
                       r"(?:\s+(?:is|was|ist|est|es))?\s*[:=]?\s*", re.I)
_BARE_USER_CUE = re.compile(r"\b(?:user|account)\s+(?=[\w.-]*[\d_.])", re.I)
_USER_VALUE = re.compile(r"[A-Za-z0-9][\w.-]{1,40}[A-Za-z0-9]")
_HANDLE = re.compile(r"(?<![\w@.])@\w(?:[\w.]{0,28}\w)?(?![\w@])")
_NOT_USER = {"is", "was", "and", "or", "the", "a", "an", "my", "your", "has", "have", "not", "locked", "blocked",
             "again", "please", "still", "keeps", "does", "doesn't", "did", "will", "can", "cannot", "issue", "issues",
             "page", "screen", "details", "failure", "failures", "attempt", "attempts", "error", "errors", "link", "button",
             "problem", "problems", "name", "email", "password", "ist", "est", "es"}


_USER_HINT = ("user", "login", "handle", "account", "screen", "benutzer", "utilisateur", "identifiant", "usuario",
              "użytkownika")


def find_usernames(text: str) -> list[Span]:
    out: list[Span] = []
    for cue in ((_USER_CUE, _BARE_USER_CUE) if has_any(lowered(text), _USER_HINT) else ()):
        for m in cue.finditer(text):
            if _GAP.search(m.group()):
                continue        # the value after the cue is an entity already (blanked)
            v = _USER_VALUE.match(text, m.end())
            if v and v.group().lower() not in _NOT_USER and (cue is _USER_CUE
                                                              or any(c.isdigit() or c in "_." for c in v.group())):
                out.append(Span(v.start(), v.end(), "USERNAME"))
    if "@" in text:
        out += [Span(m.start(), m.end(), "USERNAME") for m in _HANDLE.finditer(text)]
    return _dedupe(out)


# ---- POSTCODE (standalone; a postcode inside a full address is part of the ADDRESS span) -------
UK_POSTCODE = r"(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2}|GIR\s?0AA)"
_UK_POSTCODE_RE = re.compile(rf"(?<![\w-]){UK_POSTCODE}(?![\w-])")
_POSTCODE_CUE = re.compile(r"\b(?:post\s*code|postal\s+code|zip(?:\s*code)?|plz|postleitzahl|code\s+postal|"
                           r"código\s+postal|kod\s+pocztowy)\b", re.I)
_POSTCODE_VALUE = re.compile(rf"(?<![\w-])(?:{UK_POSTCODE}|\d{{5}}(?:-\d{{4}})?|\d{{2}}-\d{{3}}|\d{{4}})(?![\w-])", re.I)


def find_postcodes(text: str) -> list[Span]:
    # without a cue only the spaced UK form counts ('SW1A 1AA'); 'SW1A1AA' could be a part number
    out = [Span(m.start(), m.end(), "POSTCODE") for m in _UK_POSTCODE_RE.finditer(text) if " " in m.group()]
    out += _after_cue(text, _POSTCODE_CUE, _POSTCODE_VALUE, "POSTCODE", window=40)
    return _dedupe(out)


# Substrings one of which every match of a cue contains (a cheap pre-check before the cue regex).
_HINTS = {
    _CVV_CUE.pattern: ("cv", "cid", "csc", "code", "verification", "back", "cryptogramme", "prüf", "código"),
    _ID_CUE.pattern: ("ssn", "social", "insurance", "ni ", "nino", "tax", "tin", "sin", "national", "id card", "personalausweis",
                      "steuer", "sécurité", "dni", "nie", "nif", "pesel"),
    _DOB_CUE.pattern: ("birth", "dob", "d.o.b", "born", "geburt", "geboren", "naissance", "né", "nacimiento", "nacid",
                       "urodz"),
    _PASSPORT_CUE.pattern: ("passport", "reisepass", "passeport", "pasaporte", "paszport"),
    _LICENCE_CUE.pattern: ("licen", "dl ", "führerschein", "permis", "conducir", "prawo"),
    _POSTCODE_CUE.pattern: ("post", "zip", "plz", "postleitzahl", "código", "kod"),
}




@lru_cache(maxsize=8)
def digit_count(text: str) -> int:
    return sum(map(str.isdigit, text))


@lru_cache(maxsize=8)
def lowered(text: str) -> str:
    """``text.lower()``, computed once for the several detectors that pre-check the same text."""
    return text.lower()


def has_any(low: str, keys: tuple[str, ...]) -> bool:
    for k in keys:
        if k in low:
            return True
    return False


def _dedupe(spans: list[Span]) -> list[Span]:
    """Drop spans contained in another span of the list."""
    if len(spans) < 2:
        return spans
    spans = sorted(set(spans), key=lambda s: (s.start, -s.end))
    out: list[Span] = []
    for s in spans:
        if out and s.start >= out[-1].start and s.end <= out[-1].end:
            continue
        out.append(s)
    return out
