"""Pattern detectors: concrete cases (incl. false-positive guards) and properties."""
from __future__ import annotations

import string

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voc.redact.patterns import (
    PATTERN_LABELS,
    card_valid,
    find_cards,
    find_emails,
    find_ibans,
    find_ips,
    find_patterns,
    find_phones,
    find_urls,
    iban_valid,
    luhn_valid,
)


def found(text: str, labels=PATTERN_LABELS, region: str = "US") -> list[tuple[str, str]]:
    return [(text[s.start:s.end], s.label) for s in sorted(find_patterns(text, labels, region))]


# ---- independent reference implementations (not the code under test) -------------------------
def ref_luhn_ok(number: str) -> bool:
    digits = [int(c) for c in number]
    odd = digits[-1::-2]
    even = [sum(divmod(2 * d, 10)) for d in digits[-2::-2]]
    return (sum(odd) + sum(even)) % 10 == 0


def with_check_digit(body: str) -> str:
    return next(body + str(d) for d in range(10) if ref_luhn_ok(body + str(d)))


# ---- false-positive guards -------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "Order ID: 3348917502",
    "Order #334-891-7502 has not arrived",
    "It was delivered on 2026-03-04 at 10:30",
    "I paid $94.00 and then $1,299.99",
    "After updating to version 2.13.0 the app crashes",
    "tracking number 1Z999AA10123456784",
    "ticket 12345678 was closed",
    "open from 9:00-17:00, 11.06.2019",
    "amount 1 234 567 890 was charged",
    "my zip is 75227 and I have 3 items",
    "IMEI 490154203237518",                 # Luhn-valid, but 15 digits starting with 4 is no card
    "order 1234567812345678",               # 16 digits, fails Luhn
    "dates 2026-03-04 2026-03-05",
    "we have 3 000 000 customers and 1.234.567 rows",
    "ISBN 978-3-16-148410-0, Ref: 2024-000123, case 00123456",
    "from 2024-01-01 to 2024-12-31, between 10:00 and 12:00, on 03/04/2026",
])
def test_support_numbers_are_not_pii(text):
    assert found(text, ("EMAIL", "PHONE", "CARD", "IBAN")) == []


# ---- EMAIL -----------------------------------------------------------------------------------
@pytest.mark.parametrize("text, email", [
    ("reach me at cminh730@email.com thanks", "cminh730@email.com"),
    ("Mail: Crystal.Minh+orders@mail.example.co.uk.", "Crystal.Minh+orders@mail.example.co.uk"),
    ("(jane_o'neil@sub-domain.example.org)", "jane_o'neil@sub-domain.example.org"),
    ("josé.garcía@correo.es", "josé.garcía@correo.es"),
])
def test_email_found(text, email):
    assert [text[s.start:s.end] for s in find_emails(text)] == [email]


@pytest.mark.parametrize("text", ["user@localhost", "@handle on twitter", "a@b", "price 5@3.50"])
def test_not_email(text):
    assert find_emails(text) == []


# ---- PHONE -----------------------------------------------------------------------------------
@pytest.mark.parametrize("text, phone", [
    ("call me at (977) 625-2661 please", "(977) 625-2661"),
    ("my number is 977-625-2661", "977-625-2661"),
    ("UK office +44 20 7946 0958.", "+44 20 7946 0958"),
    ("call me 3348917502", "3348917502"),                 # bare digits after a phone cue
    ("3348917502 is my cell number", "3348917502"),       # ... or before one
    ("text 415.555.0134 anytime", "415.555.0134"),
])
def test_phone_found(text, phone):
    assert [text[s.start:s.end] for s in find_phones(text, "US")] == [phone]


def test_bare_digits_without_cue_are_not_phone():
    assert find_phones("reference 3348917502", "US") == []
    assert find_phones("I got 3348917502 back", "US") == []


def test_default_region_reads_national_numbers():
    text = "ring me on 020 7946 0958 after five"
    assert [text[s.start:s.end] for s in find_phones(text, "GB")] == ["020 7946 0958"]


@pytest.mark.parametrize("phone", ["020 7946 0958", "07700 900123", "0044 20 7946 0958", "0049 89 1234567",
                                   "06 12 34 56 78", "030 1234567"])
def test_national_and_00_formats_are_found_outside_the_default_region(phone):
    # issue 12: with default_region US, UK/DE/FR numbers written nationally or with '00' leaked
    text = f"ring me on {phone} after five"
    assert [text[s.start:s.end] for s in find_phones(text, "US")] == [phone]


def test_invalid_national_numbers_stay():
    assert find_phones("ring me on 0 12 after five, ref 01 2345", "US") == []


def test_ip_address_is_not_phone():
    assert find_phones("my ip is 192.168.100.201", "US") == []


@settings(max_examples=60, deadline=None)
@given(region=st.sampled_from(sorted(phonenumbers.SUPPORTED_REGIONS)),
       kind=st.sampled_from([phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE]),
       before=st.sampled_from(["Call me on ", "My phone: ", "reach me at ", ""]))
def test_international_numbers_are_found(region, kind, before):
    ex = phonenumbers.example_number_for_type(region, kind)
    if ex is None:
        return
    number = phonenumbers.format_number(ex, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    text = f"{before}{number} thanks"
    spans = [s for s in find_phones(text, "US")]
    assert len(spans) == 1
    assert text[spans[0].start:spans[0].end] == number


# ---- CARD ------------------------------------------------------------------------------------
def test_luhn_known_values():
    assert luhn_valid("4111111111111111")
    assert luhn_valid("79927398713")           # the textbook example
    assert not luhn_valid("79927398710")
    assert not luhn_valid("4111111111111112")
    assert not luhn_valid("4111 1111")


@pytest.mark.parametrize("number", ["4111111111111111", "5500005555555559", "378282246310005", "6011111111111117",
                                    "3530111333300000", "4222222222222"])
def test_card_valid_and_one_digit_changed(number):
    assert card_valid(number)
    for i in range(len(number)):
        changed = number[:i] + str((int(number[i]) + 1) % 10) + number[i + 1:]
        assert not card_valid(changed), changed   # Luhn catches every single-digit error


@pytest.mark.parametrize("text, card", [
    ("card 4111 1111 1111 1111 exp 12/27", "4111 1111 1111 1111"),
    ("card 4111-1111-1111-1111", "4111-1111-1111-1111"),
    ("amex 3782 822463 10005.", "3782 822463 10005"),
    ("4111111111111111", "4111111111111111"),
    ("card 4111 1111 1111 1111 123 (cvv)", "4111 1111 1111 1111"),   # CVV after the number
])
def test_card_found(text, card):
    assert [text[s.start:s.end] for s in find_cards(text)] == [card]


def test_two_cards_in_one_run():
    text = "old 4111111111111111 5500005555555559 new"
    assert [text[s.start:s.end] for s in find_cards(text)] == ["4111111111111111", "5500005555555559"]


ISSUERS = [("4", 16), ("4", 13), ("4", 19), ("34", 15), ("37", 15), ("51", 16), ("55", 16), ("2221", 16),
           ("2720", 16), ("6011", 16), ("65", 16), ("3528", 17), ("36", 14), ("62", 19), ("2200", 16)]


@st.composite
def card_numbers(draw):
    prefix, length = draw(st.sampled_from(ISSUERS))
    body = prefix + draw(st.text(string.digits, min_size=length - len(prefix) - 1, max_size=length - len(prefix) - 1))
    return with_check_digit(body)


@st.composite
def grouped(draw, number):
    sep = draw(st.sampled_from(["", " ", "-"]))
    if not sep:
        return number
    return sep.join(number[i:i + 4] for i in range(0, len(number), 4))


filler = st.text(string.ascii_letters + " ,.!?:;()\n", max_size=40)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), before=filler, after=filler)
def test_any_valid_card_in_text_is_redacted(data, before, after):
    number = data.draw(card_numbers())
    shown = data.draw(grouped(number))
    text = f"{before} {shown} {after}"
    spans = find_cards(text)
    assert [text[s.start:s.end] for s in spans] == [shown]


@settings(max_examples=200, deadline=None)
@given(digits=st.text(string.digits, min_size=13, max_size=19).filter(lambda d: not ref_luhn_ok(d)),
       before=filler, after=filler)
def test_digits_failing_luhn_are_never_cards(digits, before, after):
    assert find_cards(f"{before} {digits} {after}") == []


# ---- IBAN ------------------------------------------------------------------------------------
VALID_IBANS = ["DE89370400440532013000", "GB82WEST12345698765432", "FR1420041010050500013M02606",
               "NL91ABNA0417164300", "BE68539007547034", "CH9300762011623852957", "ES9121000418450200051332",
               "IT60X0542811101000000123456", "NO9386011117947"]


@pytest.mark.parametrize("iban", VALID_IBANS)
def test_iban_valid_and_one_character_changed(iban):
    assert iban_valid(iban)
    for i in range(2, len(iban)):     # every position after the country code
        c = iban[i]
        repl = str((int(c) + 1) % 10) if c.isdigit() else ("A" if c != "A" else "B")
        assert not iban_valid(iban[:i] + repl + iban[i + 1:])


def test_iban_wrong_length_or_country():
    assert not iban_valid("DE8937040044053201300")     # one digit short
    assert not iban_valid("QQ89370400440532013000")    # no such country


@pytest.mark.parametrize("text, iban", [
    ("pay to DE89 3704 0044 0532 0130 00 and confirm", "DE89 3704 0044 0532 0130 00"),
    ("IBAN: GB82WEST12345698765432.", "GB82WEST12345698765432"),
    ("iban fr14 2004 1010 0505 0001 3m02 606", "fr14 2004 1010 0505 0001 3m02 606"),
])
def test_iban_found(text, iban):
    assert [text[s.start:s.end] for s in find_ibans(text)] == [iban]


def test_iban_lookalikes_not_found():
    assert find_ibans("DE89 3704 0044 0532 0130 01") == []      # check digits wrong
    assert find_ibans("model AB12 CDEF GHIJ KLMN") == []


@settings(max_examples=100, deadline=None)
@given(iban=st.sampled_from(VALID_IBANS), spaced=st.booleans(), before=filler, after=filler)
def test_valid_ibans_in_text_are_found(iban, spaced, before, after):
    shown = " ".join(iban[i:i + 4] for i in range(0, len(iban), 4)) if spaced else iban
    text = f"{before} {shown} {after}"
    assert [text[s.start:s.end] for s in find_ibans(text)] == [shown]


# ---- URL and IP ------------------------------------------------------------------------------
def test_urls():
    text = "see https://example.com/a?b=c). and www.shop.example/track/123, or (https://en.wikipedia.org/wiki/Foo_(bar))"
    assert [text[s.start:s.end] for s in find_urls(text)] == [
        "https://example.com/a?b=c", "www.shop.example/track/123", "https://en.wikipedia.org/wiki/Foo_(bar)"]


def test_ips_and_versions():
    text = "from 192.168.1.100 and fe80::1ff:fe23:4567:890a, app version 1.2.3.4, at 10:30:00, 999.1.1.1"
    assert [text[s.start:s.end] for s in find_ips(text)] == ["192.168.1.100", "fe80::1ff:fe23:4567:890a"]
