"""The one normalisation of a contact's identifiers (e-mail, phone, customer id) and the hash built on it.

Ingestion, redaction (``redact.identifiers: hash``), identity resolution (voc.journey.identity) and the
CDP (voc.enrich: ``email_sha256`` / ``phone_sha256``) all call these functions, so one person
normalises and hashes the same way everywhere: a contact hashed by redaction still joins to an
identity map, and the CDP publishes the hash redaction would have written.

    email        trimmed, lower case; a 'mailto:', a display name ('Jane Doe <jane@x.com>') and
                 surrounding quotes/punctuation removed; None when no address is found.
                 ``gmail=True`` (the default; identity matching, journey.gmail_normalisation):
                 gmail.com and googlemail.com addresses also drop dots and a '+tag' of the local
                 part (one Gmail mailbox). Stored values and hashes never use it (``gmail=False``):
                 a hash is the standard sha256 of the trimmed, lower-cased address, as CDPs and ad
                 platforms compute it.
    phone        E.164 ('+14155550134'), parsed by phonenumbers in ``region`` when written without a
                 country code; a leading '00' is read as '+'; None when it is no possible number
                 (too short, letters, empty).
    customer id  trimmed text; None when missing or blank; a whole float (123.0, as a numeric CSV
                 column with gaps reads) is written as the integer '123'.
    hash         sha256 hex digest of the normalised value. A value that already is a sha256 hex
                 digest (64 hex characters) is taken as already hashed and passes through lower-cased,
                 so hashing twice changes nothing.
"""
from __future__ import annotations

import hashlib
import math
import re
from functools import lru_cache
from typing import Optional

import phonenumbers

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
# an address inside free text: no blanks, brackets, quotes or separators around the '@'
_EMAIL = re.compile(r"[^\s<>()\[\]\",;:]+@[^\s<>()\[\]\",;:'@]+\.[^\s<>()\[\]\",;:'@]+")
_GMAIL = ("gmail.com", "googlemail.com")


# customer ids voc derives from a contact's own e-mail / phone (voc.journey.identity, identifiers_as_customer)
EMAIL_KEY_PREFIX, PHONE_KEY_PREFIX = "email:", "phone:"


def is_derived_customer_id(value: object) -> bool:
    """True for a customer id voc derived from a contact's e-mail or phone ('email:<sha256>'), not one the
    business issued: it groups the contacts of one requester, and is never published as a customer id."""
    return isinstance(value, str) and value.startswith((EMAIL_KEY_PREFIX, PHONE_KEY_PREFIX))


def is_missing(value: object) -> bool:
    """None, NaN, pandas NA/NaT (anything that is not equal to itself, or pandas' NA singleton)."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    try:
        return bool(value != value)
    except (TypeError, ValueError):   # pandas.NA: its comparison is NA, whose truth value is ambiguous
        return True


def is_sha256(value: object) -> bool:
    """Whether ``value`` already is a sha256 hex digest (a hashed identifier)."""
    return isinstance(value, str) and bool(_HEX64.match(value.strip().lower()))


def normalise_id(value: object) -> Optional[str]:
    """A customer (or other record) id as text: trimmed, None when missing or blank, 123.0 -> '123'."""
    if is_missing(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    s = str(value).strip()
    return s or None


def normalise_email(value: object, *, gmail: bool = True) -> Optional[str]:
    """The address in ``value``, trimmed and lower-cased (see the module doc); a sha256 hex digest as is."""
    if is_missing(value):
        return None
    s = str(value).strip().lower()
    if _HEX64.match(s):
        return s
    m = _EMAIL.search(s)
    if not m:
        return None
    local, _, domain = m.group(0).rpartition("@")
    local, domain = local.strip("'."), domain.strip(".")
    if not local or not domain:
        return None
    if gmail and domain in _GMAIL:
        local = local.split("+", 1)[0].replace(".", "")
        domain = "gmail.com"
        if not local:
            return None
    return f"{local}@{domain}"


@lru_cache(maxsize=65536)
def _e164(raw: str, region: str) -> Optional[str]:
    try:
        num = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(num):
        return None
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)


def normalise_phone(value: object, region: str = "US") -> Optional[str]:
    """``value`` in E.164 (read in ``region`` without a country code); a sha256 hex digest as is; else None."""
    if is_missing(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    s = str(value).strip()
    if not s:
        return None
    if _HEX64.match(s.lower()):
        return s.lower()
    if s.startswith("00"):
        s = "+" + s[2:]       # the international prefix written as 00
    return _e164(s, (region or "US").upper())


def hash_value(normalised: Optional[str]) -> Optional[str]:
    """sha256 hex digest of an already normalised value (an existing digest passes through)."""
    if not normalised:
        return None
    if _HEX64.match(normalised):
        return normalised
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def hash_email(value: object) -> Optional[str]:
    """sha256 of the normalised e-mail (never Gmail-folded); None when ``value`` holds no address."""
    return hash_value(normalise_email(value, gmail=False))


def hash_phone(value: object, region: str = "US") -> Optional[str]:
    """sha256 of the E.164 phone; None when ``value`` is no possible phone number."""
    return hash_value(normalise_phone(value, region))
