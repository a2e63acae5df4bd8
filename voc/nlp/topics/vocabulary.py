"""The words a topic may be described by.

Topic keywords come from c-TF-IDF over the (redacted) customer text. Three kinds of token must
never become a keyword, whatever their frequency:

* redaction placeholders (``[EMAIL]``, ``<PHONE>``, ``[ORDER_ID]``, ``{{name}}``, ``__NUM__``,
  ``XXXX``, a bare ``num``): stripped from the text
  before counting, so a genuine "email" in "change my email address" still counts while the
  placeholder ``[EMAIL]`` never does;
* English stop words (scikit-learn's list) and support small talk: greetings, thanks,
  sign-offs, politeness and filler ("hi", "thanks", "please", "regards", "asap", ...);
* pure numbers (order numbers, amounts, dates): tokens must contain a letter.
"""
from __future__ import annotations

import re
from typing import Iterable

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer, strip_accents_unicode

# The labels voc's redactor writes (voc.config.REDACT_ENTITIES).
PLACEHOLDER_LABELS = ("EMAIL", "PHONE", "CARD", "IBAN", "PERSON", "URL", "IP")

# Placeholders other anonymisers write bare, in lower case (Kaggle's airline support threads write
# "num" for every number); a genuine word is never one of these.
BARE_PLACEHOLDERS = ("num",)

# A redaction placeholder: a label in square or angle brackets ([EMAIL], <PHONE>, [ORDER_ID], <num>),
# in double braces ({{name}}) or double underscores (__NUM__); one of voc's labels written bare in
# capitals (a template without brackets); a run of x's masking digits (XXXX); a bare placeholder.
PLACEHOLDER = re.compile(
    r"[\[<]\s*[A-Za-z][A-Za-z0-9_]*\s*[\]>]"
    r"|\{\{\s*\w+\s*\}\}"
    r"|\b__[A-Za-z][A-Za-z0-9_]*?__\b"
    r"|\b(?:" + "|".join(PLACEHOLDER_LABELS) + r")\b"
    r"|\b[xX]{3,}\b"
    r"|\b(?:" + "|".join(BARE_PLACEHOLDERS) + r")\b")

# Tokens of two or more word characters holding at least one letter ("2fa" yes, "55812" no).
TOKEN_PATTERN = r"(?u)\b(?=\w*[^\W\d_])\w\w+\b"

SUPPORT_STOP_WORDS = frozenset("""
hi hello hey hiya dear greetings morning afternoon evening good
thanks thank thankyou thx ty cheers regards kind best sincerely yours
please pls plz kindly sorry apologies appreciate appreciated
ok okay yes yeah yep nope sure fine great
sir madam mr mrs ms miss team support guys folks
im ive id ill dont didnt doesnt cant couldnt wont wouldnt isnt wasnt arent havent hasnt
don didn doesn couldn won wouldn isn wasn aren haven hasn ll ve re
just really actually still also even though anyway asap urgent urgently
get got getting want wanted need needs needed like would could can know let tell told
help helping assist assistance question query issue problem there bye goodbye
came come comes coming went go goes going tried try tries trying use using used make made making
see saw seen look looking looked think thought say said says way thing things able yet ago soon
ve lot lots bit maybe probably literally
""".split())

# English contractions as BERTopic's c-TF-IDF sees them: it deletes apostrophes before counting
# ("hadn't" -> "hadnt"), so each must be a stop word without its apostrophe as well.
CONTRACTIONS = frozenset("""
im ive id ill youre youve youll youd hes shes its weve wed theyre theyve theyll theyd
thats whats wheres whos whens whys hows theres heres lets
dont doesnt didnt cant couldnt wont wouldnt shouldnt shant isnt arent wasnt werent
hasnt havent hadnt mustnt neednt mightnt aint
""".split())

STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | SUPPORT_STOP_WORDS | CONTRACTIONS


def strip_placeholders(text: str) -> str:
    """``'mail me at [EMAIL] thanks'`` -> ``'mail me at   thanks'``."""
    return PLACEHOLDER.sub(" ", text or "")


def keyword_docs(texts: Iterable[str]) -> list[str]:
    """The texts as the keyword counter sees them (placeholders removed)."""
    return [strip_placeholders(t) for t in texts]


_TERM_RE = re.compile(r"(?=\w*[^\W\d_])\w\w+")   # TOKEN_PATTERN, matched on one word
_WORD_RE = re.compile(r"\w+")
_BREAK_RE = re.compile(r"[^\w\s]+")             # punctuation ends a phrase


class KeywordAnalyzer:
    """Keyword terms of one text: words that are not stop words, plus bigrams of two such words
    standing next to each other within a phrase. (scikit-learn's own analyzer builds bigrams after
    removing stop words, joining words that were never adjacent: "declined [when I] tried".)
    Stop words, numbers and punctuation break a bigram. ``extra_stop_words`` are added to
    ``STOP_WORDS`` (e.g. brand names)."""

    def __init__(self, extra_stop_words: Iterable[str] = ()) -> None:
        self.extra_stop_words = tuple(sorted({w.lower() for w in extra_stop_words}))
        self._stop = STOP_WORDS | set(self.extra_stop_words)

    def __call__(self, text: str) -> list[str]:
        stop = self._stop
        terms: list[str] = []
        for chunk in _BREAK_RE.split(strip_accents_unicode(strip_placeholders(text).lower())):
            prev: str | None = None
            for tok in _WORD_RE.findall(chunk):
                if tok in stop or not _TERM_RE.fullmatch(tok):
                    prev = None
                    continue
                terms.append(tok)
                if prev is not None and prev != tok:
                    terms.append(f"{prev} {tok}")
                prev = tok
        return terms


analyze = KeywordAnalyzer()


def make_vectorizer(extra_stop_words: Iterable[str] = ()) -> CountVectorizer:
    """Unigrams and adjacent bigrams (see ``KeywordAnalyzer``), stop words, placeholders and numbers removed.

    ``min_df`` stays 1 on purpose: BERTopic fits the vectorizer on one concatenated document
    per topic, so ``min_df=2`` would drop exactly the words that are specific to one topic.
    """
    return CountVectorizer(analyzer=KeywordAnalyzer(extra_stop_words))


def is_clean_keyword(keyword: str, extra_stop_words: Iterable[str] = ()) -> bool:
    """True when no word of the keyword is a stop word."""
    extra = {w.lower() for w in extra_stop_words}
    words = keyword.split()
    return bool(words) and not any(w in STOP_WORDS or w in extra for w in words)
