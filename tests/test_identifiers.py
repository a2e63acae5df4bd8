"""The one identity normalisation (voc.identifiers), pinned by a table, and the three callers agreeing on it:
redaction (redact.identifiers: hash), identity resolution (voc.journey.identity) and the CDP (voc.enrich.rows).

Before voc.identifiers the CDP hashed a phone as its digits ('415-555-0134' -> sha256('4155550134')) while
redaction hashed it in E.164 (sha256('+14155550134')): the same person had two hashes."""
from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from voc.component import Batch
from voc.config import JourneyConfig, RedactConfig
from voc.enrich.rows import sha256_identifier
from voc.identifiers import hash_email, hash_phone, hash_value, normalise_email, normalise_id, normalise_phone
from voc.journey.identity import resolve
from voc.redact.component import RedactComponent
from voc.schema import contacts_frame, messages_frame


def sha(s: str) -> str:
    return hashlib.sha256(s.encode("utf-8")).hexdigest()


US = "+14155550134"
UK = "+442079460958"
# (raw, region, E.164 or None)
PHONES = [
    ("415-555-0134", "US", US),
    ("415 555 0134", "US", US),
    ("415.555.0134", "US", US),
    ("(415) 555-0134", "US", US),
    ("(415)555-0134", "US", US),
    ("4155550134", "US", US),
    ("1-415-555-0134", "US", US),
    ("+1 415 555 0134", "US", US),
    ("+1 (415) 555-0134", "US", US),
    ("+1.415.555.0134", "US", US),
    ("+14155550134", "US", US),
    ("001 415 555 0134", "US", US),
    ("0014155550134", "US", US),
    ("  415-555-0134  ", "US", US),
    ("020 7946 0958", "GB", UK),
    ("+44 20 7946 0958", "US", UK),       # a country code wins over the region
    ("0044 20 7946 0958", "US", UK),      # 00 is the international prefix
    ("(020) 7946-0958", "GB", UK),
    ("12", "US", None),
    ("call me", "US", None),
    ("", "US", None),
    ("   ", "US", None),
]
# (raw, normalised with gmail=False: what is stored and hashed)
EMAILS = [
    ("jane.doe@example.com", "jane.doe@example.com"),
    ("  Jane.Doe@Example.COM ", "jane.doe@example.com"),
    ("JANE.DOE@EXAMPLE.COM", "jane.doe@example.com"),
    ("\tjane.doe@example.com\n", "jane.doe@example.com"),
    ("mailto:Jane.Doe@example.com", "jane.doe@example.com"),
    ("Jane Doe <Jane.Doe@Example.com>", "jane.doe@example.com"),
    ("'jane.doe@example.com'", "jane.doe@example.com"),
    ("(jane.doe@example.com)", "jane.doe@example.com"),
    ("jane.doe@example.com.", "jane.doe@example.com"),
    ("o'brien@example.ie", "o'brien@example.ie"),
    ("A.B+shop@googlemail.com", "a.b+shop@googlemail.com"),
    ("not an email", None),
    ("jane@localhost", None),
    ("", None),
]
IDS = [
    ("C-17", "C-17"), ("  C-17 ", "C-17"), (123, "123"), (123.0, "123"), ("0042", "0042"),
    ("", None), ("   ", None), (None, None), (float("nan"), None), (pd.NA, None),
]


@pytest.mark.parametrize("raw,region,expected", PHONES)
def test_phone_normalised_form(raw, region, expected):
    assert normalise_phone(raw, region) == expected
    assert hash_phone(raw, region) == (sha(expected) if expected else None)


@pytest.mark.parametrize("raw,expected", EMAILS)
def test_email_normalised_form(raw, expected):
    assert normalise_email(raw, gmail=False) == expected
    assert hash_email(raw) == (sha(expected) if expected else None)


def test_gmail_folding_is_for_matching_only():
    assert normalise_email("A.B+shop@googlemail.com") == "ab@gmail.com"           # journey.gmail_normalisation
    assert normalise_email("A.B+shop@example.com") == "a.b+shop@example.com"      # other providers left alone
    assert hash_email("A.B+shop@googlemail.com") == sha("a.b+shop@googlemail.com")  # hashes never fold


@pytest.mark.parametrize("raw,expected", IDS)
def test_customer_id_normalised_form(raw, expected):
    assert normalise_id(raw) == expected


def test_hashing_is_idempotent():
    h = sha("jane.doe@example.com")
    assert hash_email(h) == h and hash_email(h.upper()) == h and hash_phone(sha(US)) == sha(US)
    assert hash_value(h) == h
    assert hash_email(None) is None and hash_phone(None) is None and hash_email(float("nan")) is None


def _redacted(kind: str, values: list[str], region: str) -> list:
    rows = [{"contact_id": f"k{i}", "channel": "ticket", kind: v} for i, v in enumerate(values)]
    comp = RedactComponent(RedactConfig(identifiers="hash", entities=["EMAIL"], default_region=region))
    out = comp(Batch(contacts=contacts_frame(rows), messages=messages_frame([])))
    return [None if pd.isna(v) else v for v in out.contacts[kind]]


def _cdp(kind: str, values: list[str], region: str) -> list:
    return list(sha256_identifier(pd.Series(values, dtype=object), kind, region))


def _journey_customer(kind: str, contact_value: str, map_value: str, region: str):
    """The customer a contact carrying only ``contact_value`` resolves to, against an identity map
    that lists ``map_value`` for customer 'CUST'."""
    contacts = pd.DataFrame({"contact_id": ["k"], "customer_id": [None], kind: [contact_value]})
    imap = pd.DataFrame({"customer_id": ["CUST"], kind: [map_value]})
    got = resolve(contacts, JourneyConfig(default_region=region), imap).identity["customer_id"].iloc[0]
    return None if pd.isna(got) else got


@pytest.mark.parametrize("kind,cases", [
    ("phone", PHONES),
    ("email", [(raw, "US", expected) for raw, expected in EMAILS]),
], ids=["phone", "email"])
def test_redaction_journeys_and_cdp_agree(kind, cases):
    """Every row of the table, through the three callers: redaction's hash == the CDP's hash == the
    hash of the pinned normal form, and identity resolution links the raw value, and the value hashed
    by redaction, to an identity map that lists the normal form (and links nothing when there is none)."""
    for region in sorted({r for _, r, _ in cases}):
        rows = [(raw, expected) for raw, r, expected in cases if r == region]
        raws = [raw for raw, _ in rows]
        want = [sha(e) if e else None for _, e in rows]
        assert _redacted(kind, raws, region) == want, f"redaction ({region})"
        assert _cdp(kind, raws, region) == want, f"CDP ({region})"
        for (raw, expected), hashed in zip(rows, want):
            if expected is None:
                assert _journey_customer(kind, raw, raw, region) is None, raw
                continue
            assert _journey_customer(kind, raw, expected, region) == "CUST", raw
            assert _journey_customer(kind, hashed, raw, region) == "CUST", raw   # redacted contact, clear map
            assert _journey_customer(kind, expected, hashed, region) == "CUST", raw  # hashed map


def test_the_cdp_hashes_a_phone_as_redaction_does():
    """The bug of issue 17: '415-555-0134' hashed by the CDP as its digits, by redaction in E.164."""
    assert _cdp("phone", ["415-555-0134"], "US") == _redacted("phone", ["415-555-0134"], "US") == [sha(US)]
    assert _journey_customer("phone", _cdp("phone", ["415-555-0134"], "US")[0], "(415) 555 0134", "US") == "CUST"
