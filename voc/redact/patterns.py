"""Pattern detectors for structured PII: EMAIL, PHONE, CARD, IBAN, URL, IP (and, from voc.redact.contextual
and voc.redact.addresses, CVV, NATIONAL_ID, DOB, PASSPORT, LICENCE, USERNAME, POSTCODE, ADDRESS).

Each detector is a pure function ``text -> list[Span]`` (character offsets into ``text``).
Precision matters as much as recall in support text, which is full of order numbers,
dates, amounts and version strings; so:

- CARD: 13-19 digits, optionally grouped by single spaces or dashes, must pass the Luhn
  checksum *and* start with a real issuer prefix of a length that issuer uses.
- IBAN: ISO 13616 country code + check digits + BBAN of that country's registered length,
  must pass the mod-97 check.
- PHONE: ``phonenumbers.PhoneNumberMatcher`` (leniency POSSIBLE, numbers without a country
  code read in ``default_region``), then filtered: a bare run of digits counts only after a
  phone cue ("call me on", "my number is"); a number right after an identifier cue
  ("order", "invoice", "ticket", "account", ...) never counts; dotted quads (IP addresses,
  versions) never count.
"""
from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from typing import Callable

import phonenumbers

from voc.redact.addresses import find_addresses
from voc.redact.contextual import (
    find_cvv,
    find_dobs,
    find_licences,
    find_national_ids,
    find_passports,
    find_postcodes,
    find_usernames,
    has_any,
    lowered,
)
from voc.redact.spans import Span

# ---- EMAIL -----------------------------------------------------------------------------
# RFC 5322 dot-atom local part (unicode letters allowed), domain of LDH labels, TLD of
# letters or an IDN "xn--" label.
_LOCAL = r"[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*"
_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
_TLD = r"(?:[xX][nN]--[a-zA-Z0-9-]{1,59}|[^\W\d_]{2,63})"
EMAIL_RE = re.compile(rf"(?<![\w.!#$%&'*+/=?^`{{|}}~-]){_LOCAL}@(?:{_LABEL}\.)+{_TLD}(?![\w-])")


# Obfuscated forms: "john dot doe at gmail dot com", "jane[at]web.de", "j.doe (at) gmx (dot) net".
_OB_DOT = r"(?:\s*\.\s*|\s+dot\s+|\s*[\[({<]\s*(?:dot|\.)\s*[\])}>]\s*)"
_OB_AT_BRACKET = r"\s*[\[({<]\s*(?:at|@)\s*[\])}>]\s*"
_OB_TLDS = (r"com|net|org|edu|gov|mil|int|info|biz|io|co|me|us|uk|de|fr|es|it|nl|be|ch|at|pl|ru|eu|se|no|dk|fi|ie|pt|"
            r"cz|gr|hu|ro|ca|au|nz|in|jp|cn|br|mx|ar|za|app|dev|email|online|xyz")
_OB_LOCAL = rf"[\w+-]+(?:{_OB_DOT}[\w+-]+){{0,3}}"
_OB_DOMAIN = rf"[\w-]+(?:{_OB_DOT}[\w-]+){{0,2}}{_OB_DOT}(?:{_OB_TLDS})"
OBFUSCATED_EMAIL_RE = re.compile(
    rf"(?<![\w.+-])(?P<local>{_OB_LOCAL})(?P<at>{_OB_AT_BRACKET}|\s+at\s+)(?P<domain>{_OB_DOMAIN})(?![\w-]|\.\w)", re.I)
_MAIL_PROVIDERS = {"gmail", "googlemail", "yahoo", "hotmail", "outlook", "live", "msn", "aol", "icloud", "me", "mac",
                   "proton", "protonmail", "pm", "gmx", "web", "t-online", "freenet", "orange", "free", "laposte",
                   "wanadoo", "sfr", "btinternet", "sky", "virginmedia", "yandex", "mail", "onet", "wp", "interia", "o2",
                   "zoho", "fastmail", "tutanota", "hey", "comcast", "verizon", "att", "sbcglobal"}
_NOT_LOCAL = {"me", "us", "him", "her", "them", "you", "it", "look", "looking", "arrive", "arrived", "stay", "staying",
              "work", "working", "live", "living", "be", "is", "am", "are", "was", "were", "here", "there", "email", "mail",
              "found", "sold", "bought", "available", "order", "ordered", "shop", "shopping", "account", "login", "sign"}


_OB_AT = (" at ", "[at]", "(at)", "{at}", "<at>", "[ at ]", "( at )", "[@]", "(@)")
_OB_HINT_RE = re.compile(rf"(?:\.|\bdot\b|[\[({{<]\s*dot\s*[\])}}>])\s*(?:{_OB_TLDS})\b", re.I)


def find_emails(text: str) -> list[Span]:
    out = [Span(m.start(), m.end(), "EMAIL") for m in EMAIL_RE.finditer(text)] if "@" in text else []
    low = lowered(text)
    if not (has_any(low, _OB_AT) and _OB_HINT_RE.search(low)):
        return out          # no 'at' form, or no '.com' / 'dot de' / '[dot] net': no obfuscated address
    for m in OBFUSCATED_EMAIL_RE.finditer(text):
        if "@" in m.group() and EMAIL_RE.fullmatch(m.group()):
            continue
        if not re.search(r"[\[({<@]", m.group("at")):        # plain ' at ': only with a mail provider or a dotted/odd local part
            local = m.group("local").lower()
            first_label = re.split(_OB_DOT, m.group("domain").lower())[0]
            if local in _NOT_LOCAL or not (first_label in _MAIL_PROVIDERS or re.search(rf"{_OB_DOT}|[\d_+]", local)):
                continue
        if not any(s.start < m.end() and m.start() < s.end for s in out):
            out.append(Span(m.start(), m.end(), "EMAIL"))
    return sorted(out)


# ---- CARD ------------------------------------------------------------------------------
_DIGIT_RUN_RE = re.compile(r"(?<![\w.,])\d+(?:[ \-\u00a0]\d+)*(?![\w])")
_GROUP_RE = re.compile(r"\d+")


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) checksum used by payment card numbers."""
    if not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _issuer_lengths(digits: str) -> range | tuple[int, ...]:
    """Lengths the issuer identified by the number's prefix uses; () if no known issuer."""
    p2, p4 = int(digits[:2]), int(digits[:4])
    if digits[0] == "4":                        # Visa
        return (13, 16, 19)
    if p2 in (34, 37):                          # American Express
        return (15,)
    if 51 <= p2 <= 55 or 2221 <= p4 <= 2720:    # Mastercard
        return (16,)
    if 2200 <= p4 <= 2204:                      # Mir
        return range(16, 20)
    if p2 == 35:                                # JCB
        return range(16, 20)
    if p2 in (30, 36, 38, 39):                  # Diners Club
        return range(14, 20)
    if digits[0] == "6" or p2 == 50 or 56 <= p2 <= 58:   # Discover, UnionPay, Maestro
        return range(13, 20)
    return ()


def card_valid(digits: str) -> bool:
    return 13 <= len(digits) <= 19 and len(digits) in _issuer_lengths(digits) and luhn_valid(digits)


def find_cards(text: str) -> list[Span]:
    """Card numbers: a run of digit groups (single space/dash between groups) is searched for
    the longest sequence of whole groups that is a valid card number, so a card followed by
    its CVV or expiry ('4111 1111 1111 1111 123') is still found; a bare run of digits must
    be a valid card number as a whole."""
    out: list[Span] = []
    for run in _DIGIT_RUN_RE.finditer(text):
        groups = [(m.start() + run.start(), m.end() + run.start()) for m in _GROUP_RE.finditer(run.group())]
        if sum(e - s for s, e in groups) < 13 or len(groups) > 40:
            continue
        i = 0
        while i < len(groups):
            found = None
            n = 0
            j = i
            while j < len(groups) and n + (groups[j][1] - groups[j][0]) <= 19:
                n += groups[j][1] - groups[j][0]
                j += 1
            for k in range(j, i, -1):   # groups i..k-1, longest first
                digits = "".join(text[s:e] for s, e in groups[i:k])
                if card_valid(digits):
                    found = k
                    break
            if found is None:
                i += 1
                continue
            whole = i == 0 and found == len(groups)
            sizes = [e - s for s, e in groups]
            card_grouped = len(sizes) > 1 and (all(n == 4 for n in sizes[:-1]) or sizes[:2] == [4, 6])
            if not (whole and card_grouped) and _id_not_card(text, groups[0][0]):
                i = found       # 'tracking number 9400 ...': part of another identifier, not a card
                continue
            out.append(Span(groups[i][0], groups[found - 1][1], "CARD"))
            i = found
    return out


_CARD_CUE_RE = re.compile(r"\b(?:card|credit|debit|visa|mastercard|amex|american\s+express|discover|maestro|cc|pan|"
                          r"karte|kreditkarte|carte|tarjeta|karta)\b", re.I)


_NAMED_ID_RE = re.compile(
    r"\b(?:conversation|ticket|order|tracking|invoice|case|reference|ref|shipment|parcel|booking|reservation|"
    r"confirmation|transaction|serial|imei|sku|ean|gtin|upc|isbn|item|article|artikel|model|part|"
    r"bestellung|rechnung|sendung|auftrag|commande|facture|colis|pedido|factura|"
    r"zamówienie|przesyłka)(?:\s+(?:id|number|no\.?|nr\.?|#|nummer|numéro|número))?(?:\s*(?:is|was|ist|est|es|:|=))?[\s#]*$",
    re.I)


def _id_not_card(text: str, start: int) -> bool:
    """A run of digits that directly follows the name of another identifier ('conversation id is
    628676043135796', 'tracking number 9400 ...', 'Bestellung 355-...') is that identifier even when a part of
    it passes the Luhn check (one number in ten does). Any other context, 'ID 4000...' included, keeps the
    card rule: a valid card number is redacted."""
    return _NAMED_ID_RE.search(text[max(0, start - 40):start]) is not None


# ---- IBAN ------------------------------------------------------------------------------
# Registered IBAN lengths (SWIFT IBAN registry, ISO 13616).
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21, "HU": 28,
    "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28,
    "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22,
    "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23,
    "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24,
    "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}
_IBAN_START_RE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?= ?[A-Za-z0-9])")


def iban_valid(iban: str) -> bool:
    """ISO 13616: registered country and length, and (rearranged, letters as 10..35) mod 97 == 1."""
    s = re.sub(r"\s+", "", iban).upper()
    if len(s) < 5 or not s.isalnum() or IBAN_LENGTHS.get(s[:2]) != len(s) or not s[2:4].isdigit():
        return False
    rearranged = s[4:] + s[:4]
    try:
        return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1
    except ValueError:
        return False


def find_ibans(text: str) -> list[Span]:
    """IBANs, compact or printed in groups of four ('DE89 3704 0044 0532 0130 00')."""
    out: list[Span] = []
    pos = 0
    while True:
        m = _IBAN_START_RE.search(text, pos)
        if m is None:
            return out
        want = IBAN_LENGTHS.get(m.group()[:2].upper())
        end = None
        if want is not None:
            n, i = 0, m.start()
            while i < len(text) and n < want:
                c = text[i]
                if c.isascii() and c.isalnum():
                    n += 1
                elif c == " " and i > m.start() and i + 1 < len(text) and text[i + 1] != " ":
                    pass
                else:
                    break
                i += 1
            nxt = text[i] if i < len(text) else ""
            if n == want and not (nxt.isascii() and nxt.isalnum()) and iban_valid(text[m.start():i]):
                end = i
        if end is not None:
            out.append(Span(m.start(), end, "IBAN"))
            pos = end
        else:
            pos = m.start() + 1


# ---- PHONE -----------------------------------------------------------------------------
_PHONE_CUE_RE = re.compile(
    r"\b(?:phone|tel|telephone|mobile|cell|cellphone|landline|call(?:ed|ing)?|ring|dial|text|sms|"
    r"whatsapp|fax|reach|contact|number\s+is|number:|no\.?\s*:|ph)\b", re.I)
_ID_CUE_RE = re.compile(
    r"\b(?:order|orders|invoice|inv|tracking|track|shipment|parcel|ticket|case|ref|reference|account|acct|"
    r"confirmation|conf|transaction|txn|serial|model|sku|item|product|policy|claim|member|membership|"
    r"customer|id|pin|otp|code|zip|postal|postcode|version|ver|build|iban|routing|sort|booking|reservation|"
    r"receipt|imei|license|licence|passport|ssn|vin|po|amount|total|price|balance|paid|pay|charged|cost|fee|refund|"
    r"usd|eur|gbp|bestellung|bestellnummer|rechnung|auftrag|sendung|kundennummer|commande|facture|colis|pedido|factura|"
    r"envío|zamówienie|faktura|przesyłka)\b|[#$€£¥]", re.I)
_PHONE_AFTER_RE = re.compile(r"^\W{0,3}(?:is|was)\s+(?:my|our|his|her|the)\s+(?:\w+\s+)?(?:phone|number|cell|mobile)\b", re.I)
_DOTTED_RE = re.compile(r"^\d+(?:\.\d+){3,}$")
_THOUSANDS_RE = re.compile(r"^\d{1,3}(?:([ .,\u00a0])\d{3})(?:\1\d{3})+$")


def _last_cue(regex: re.Pattern[str], context: str) -> int:
    last = -1
    for m in regex.finditer(context):
        last = m.end()
    return last


# Digits read out: "four one five, five five five, zero one three four", "oh seven seven double oh ...".
_DIGIT_WORD = r"(?:zero|oh|o|one|two|three|four|five|six|seven|eight|nine|double|triple)"
_SPELLED_RE = re.compile(rf"(?<![\w-])(?:(?:plus|\+)\s*)?{_DIGIT_WORD}(?:(?:\s*[,-]\s*|\s+){_DIGIT_WORD}){{5,}}(?![\w-])", re.I)
_ANY_DIGIT_WORD = re.compile(r"\b(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)\b[\s,-]+"
                             r"(?:zero|oh|o|one|two|three|four|five|six|seven|eight|nine|double|triple)\b", re.I)
_WORD_VALUE = {"zero": 1, "oh": 1, "o": 1, "one": 1, "two": 1, "three": 1, "four": 1, "five": 1, "six": 1, "seven": 1,
               "eight": 1, "nine": 1, "double": 1, "triple": 2}   # 'double five' is two digits: 1 + 1


def find_spelled_phones(text: str) -> list[Span]:
    out: list[Span] = []
    if not _ANY_DIGIT_WORD.search(text):
        return out
    for m in _SPELLED_RE.finditer(text):
        words = re.findall(r"[a-z]+", m.group().lower())
        n = sum(_WORD_VALUE.get(w, 0) for w in words)
        if n >= 7 and sum(w in ("oh", "o") for w in words) < len(words) / 2:
            out.append(Span(m.start(), m.end(), "PHONE"))
    return out


# Numbers written with the international prefix '00' ('0044 20 7946 0958') are read as '+44 ...'; numbers in
# national format ('07700 900123', '030 1234567') that are not valid in the default region are tried in these.
FALLBACK_REGIONS = ("GB", "DE", "FR", "ES", "IT", "NL", "PL", "IE", "AU")
_INTL_00_RE = re.compile(r"(?<![^\s(:])00(?=[1-9]\d)")      # '00' opening a number, not inside '555-0010'
_NATIONAL_RE = re.compile(r"(?<![\w+.,/-])0\d[\d \-().\u00a0]{6,}\d")   # a number in national format, 0 first


def find_phones(text: str, default_region: str = "US") -> list[Span]:
    out = find_spelled_phones(text)
    if sum(map(str.isdigit, text)) < 7:
        return out
    text_in = text
    if "00" in text:
        text = _INTL_00_RE.sub(" +", text)      # same length: offsets stay those of the original
    found = _find_phones(text, default_region, phonenumbers.Leniency.POSSIBLE)
    scan = text
    for s in found:
        scan = scan[:s.start] + " " * (s.end - s.start) + scan[s.end:]
    for region in FALLBACK_REGIONS:
        if region == default_region:
            continue
        if _NATIONAL_RE.search(scan) is None:
            break
        more = [s for s in _find_phones(scan, region, phonenumbers.Leniency.VALID) if text_in[s.start] == "0"]
        found += more
        for s in more:
            scan = scan[:s.start] + " " * (s.end - s.start) + scan[s.end:]
    found = [Span(s.start - 1, s.end, s.label)
             if s.start > 0 and text[s.start] == "+" and text_in[s.start - 1:s.start + 1] == "00" else s for s in found]
    return sorted(out + [s for s in found if not any(o.start < s.end and s.start < o.end for o in out)])


def _find_phones(text: str, default_region: str, leniency: int) -> list[Span]:
    out: list[Span] = []
    # The matcher reads a run of digits and separators as one candidate and, when that fails,
    # gives back only one number inside it ('0 415-555-0134 (977) 625-2661'): blank out what it
    # found and ask again until it finds nothing new.
    seen: set[tuple[int, int]] = set()
    scan = text
    for _ in range(8):
        new = [m for m in phonenumbers.PhoneNumberMatcher(scan, default_region, leniency=leniency,
                                                          max_tries=1 << 30) if (m.start, m.end) not in seen]
        if not new:
            break
        for m in new:
            seen.add((m.start, m.end))
            if _is_phone(text, m.start, m.end, m.raw_string, out):
                out.append(Span(m.start, m.end, "PHONE"))
            scan = scan[:m.start] + " " * (m.end - m.start) + scan[m.end:]
    return sorted(out)


_DATE_LIKE_RE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$")
# "tracking number is", "order no.:": the identifier word names the number, not 'number is'
_ID_NUMBER_RE = re.compile(_ID_CUE_RE.pattern.split("|[#")[0] + r"\s+(?:number|no\.?|#)\s*(?:is|was|:)?", re.I)


_ENTITY_GAP_RE = re.compile(r" {4,}")   # a blanked entity (an earlier detector's span, a placeholder on a second pass)


def _cue_consumed(text: str, cue_end: int, start: int, found: list[Span]) -> bool:
    """Whether an entity stands between a phone cue and this number ('call me 415-555-0134 3348917502': the cue
    belongs to the first number). Counting it keeps a second pass identical: there the first number is a
    placeholder, blanked, and the cue would otherwise reach further."""
    return _ENTITY_GAP_RE.search(text, cue_end, start) is not None or any(cue_end <= f.start and f.end <= start for f in found)


def _is_phone(text: str, start: int, end: int, raw: str, found: list[Span] = ()) -> bool:  # type: ignore[assignment]
    if _DOTTED_RE.match(raw) or _DATE_LIKE_RE.match(raw):
        return False
    before = text[max(0, start - 40):start]
    phone_cue, id_cue = _last_cue(_PHONE_CUE_RE, before), _last_cue(_ID_CUE_RE, before)
    base = start - len(before)
    if phone_cue >= 0 and _cue_consumed(text, base + phone_cue, start, list(found)):
        phone_cue = -1
    if id_cue >= 0 and _cue_consumed(text, base + id_cue, start, list(found)):
        id_cue = -1         # 'licence D1234567 ... 07700 900123': the cue named the licence, not this number
    id_number = _last_cue(_ID_NUMBER_RE, before)
    if id_number >= 0 and _cue_consumed(text, base + id_number, start, list(found)):
        id_number = -1
    if id_number >= 0 and id_number >= phone_cue:
        return False
    if id_cue > phone_cue:
        return False      # "Order ID: 334-891-7502" is an order number, whatever it looks like
    formatted = raw.startswith("+") or any(c in raw for c in " -.()/\u00a0")
    if not formatted or _THOUSANDS_RE.match(raw):
        # a bare run of digits, or one grouped like an amount ('3 000 000', '1.234.567'), is a
        # phone number only when the text says so
        return phone_cue >= 0 or bool(_PHONE_AFTER_RE.match(text[end:end + 40]))
    return True


# ---- URL and IP ------------------------------------------------------------------------
_URL_RE = re.compile(r"(?<![\w@])(?:https?://|www\.)[^\s<>\"'`]+", re.I)
_URL_TRAIL = ".,;:!?'\")]}>"


def find_urls(text: str) -> list[Span]:
    out = []
    for m in _URL_RE.finditer(text):
        s, e = m.start(), m.end()
        while e > s:
            c = text[e - 1]
            if c in ")]}" and text[s:e].count({")": "(", "]": "[", "}": "{"}[c]) >= text[s:e].count(c):
                break     # balanced bracket belongs to the URL (wikipedia-style paths)
            if c not in _URL_TRAIL:
                break
            e -= 1
        if e - s > len("www."):
            out.append(Span(s, e, "URL"))
    return out


_IPV4_RE = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)")
_IPV6_RE = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{1,4}:|:){2,7}(?:[0-9A-Fa-f]{1,4}|:)(?![\w:])")
_VERSION_CUE_RE = re.compile(r"\b(?:version|ver|v|build|release|firmware|app)\.?\s*$", re.I)


def find_ips(text: str) -> list[Span]:
    out: list[Span] = []
    for regex in ((_IPV4_RE,) if "." in text else ()) + ((_IPV6_RE,) if "::" in text or text.count(":") >= 2 else ()):
        for m in regex.finditer(text):
            try:
                ipaddress.ip_address(m.group())
            except ValueError:
                continue
            if regex is _IPV4_RE and _VERSION_CUE_RE.search(text[max(0, m.start() - 12):m.start()]):
                continue
            out.append(Span(m.start(), m.end(), "IP"))
    return out


# ---- registry of detectors -------------------------------------------------------------
def detectors(default_region: str = "US") -> dict[str, Callable[[str], list[Span]]]:
    """Label -> detector, for the pattern entities."""
    return {
        "EMAIL": find_emails,
        "URL": find_urls,
        "CARD": find_cards,
        "IBAN": find_ibans,
        "IP": find_ips,
        "PHONE": lambda t: find_phones(t, default_region),
        "NATIONAL_ID": find_national_ids,
        "PASSPORT": find_passports,
        "LICENCE": find_licences,
        "CVV": find_cvv,
        "DOB": find_dobs,
        "ADDRESS": find_addresses,
        "POSTCODE": find_postcodes,
        "USERNAME": find_usernames,
    }


# Precedence: a URL may hold an email, an email or IBAN may hold digits, a card is followed by its
# CVV, an address holds a postcode, anything may hold something phone-like; PHONE, the loosest, comes last.
PATTERN_LABELS = ("URL", "EMAIL", "IBAN", "CARD", "IP", "NATIONAL_ID", "PASSPORT", "LICENCE", "CVV", "DOB", "ADDRESS",
                  "POSTCODE", "USERNAME", "PHONE")


def find_patterns(text: str, labels: tuple[str, ...] | list[str], default_region: str = "US") -> list[Span]:
    """Non-overlapping pattern spans of the given labels.

    Detectors run in PATTERN_LABELS order and each later one sees the spans found before it
    blanked out (as spaces, exactly as a placeholder is blanked on a second pass), so a
    later detector never reads part of an earlier entity ('...?y=1 415-555-0134' after a URL)
    and a second pass over redacted text finds the same things.
    """
    found: list[Span] = []
    table = _detectors_cached(default_region)
    scan = text
    for label in PATTERN_LABELS:
        if label not in labels:
            continue
        spans = table[label](scan)
        if not spans:
            continue
        if found:   # a detector never claims what an earlier one found (it sees it blanked; a loose rule can span it)
            spans = [s for s in spans if not any(s.start < f.end and f.start < s.end for f in found)]
        found.extend(spans)
        for s in spans:
            scan = scan[:s.start] + " " * (s.end - s.start) + scan[s.end:]
    return sorted(found)


@lru_cache(maxsize=16)
def _detectors_cached(default_region: str) -> dict[str, Callable[[str], list[Span]]]:
    return detectors(default_region)
