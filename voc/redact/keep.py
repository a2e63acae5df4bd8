"""Words that are never a person's name: brands, products, payment methods, the company's own name.

The small English NER model calls many capitalised product words persons ("Google [PERSON]", "Dr. Bronner's"
as "Dr. [PERSON]"); cue rules would take "thanks for contacting Northwind" for a name. Name spans (from the
model, the cues or sign-offs) are trimmed around every occurrence of a keep term, exactly as they are trimmed
around a pattern span; pattern entities (an e-mail at the company's domain, a card) are still redacted.

``KEEP_TERMS`` is the built-in list of widely used consumer brands and products in support text; a
deployment adds its own with ``redact.company_names`` and ``redact.keep``. Single words that are also first
names or common words ("Chase", "Wise", "Echo", "Pixel") are left out: a keep term would shield a person's
name ("Chase Miller") and the NER model rarely calls the word alone a person.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from voc.redact.spans import Span

KEEP_TERMS = (
    # payments
    "Apple Pay", "Google Pay", "Samsung Pay", "PayPal", "Venmo", "Zelle", "Cash App", "Klarna", "Afterpay", "Stripe", "Revolut",
    "Monzo", "Visa", "Mastercard", "Maestro", "American Express", "Amex",
    "UnionPay", "SEPA", "iDEAL", "Sofort", "Giropay", "Bancontact", "Alipay", "WeChat Pay", "Apple Card",
    # devices and services
    "Google Pixel", "Chromecast", "Google Nest", "Android", "Gmail", "YouTube", "iPhone", "iPad",
    "MacBook", "iMac", "AirPods", "Apple Watch", "Apple TV", "iCloud", "iTunes", "Siri", "Alexa", "Kindle",
    "Kindle Paperwhite", "Fire TV", "Amazon Prime", "Prime Video", "Samsung Galaxy", "OnePlus", "Xiaomi",
    "Huawei", "Motorola", "Nokia", "Fitbit", "Garmin", "Dyson", "Roomba", "Sonos", "Bose", "Nintendo Switch",
    "PlayStation", "Xbox", "Netflix", "Spotify", "Disney Plus", "Hulu", "WhatsApp", "Instagram",
    "Facebook", "TikTok", "Snapchat", "Outlook", "Chrome",
    "Firefox", "Uber", "Lyft", "Airbnb", "Tesla", "Tesla Model 3", "Ray-Ban", "Air Jordan", "Nike",
    "Adidas", "Dr. Bronner's", "Dr. Martens", "Dr Pepper", "Ben & Jerry's", "Trader Joe's", "Levi's", "McDonald's",
    "Charles Schwab", "Edward Jones", "Eddie Bauer", "Fred Meyer", "Papa John's", "Jimmy John's",
    "Wells Fargo", "Barclays", "Lloyds", "HSBC", "Santander", "Deutsche Bank", "Sparkasse", "ING", "N26",
    "DHL", "UPS", "FedEx", "USPS", "Royal Mail", "Evri", "DPD", "GLS", "La Poste", "Colissimo", "Chronopost",
    "Intercom", "Zendesk", "Freshdesk", "Salesforce", "HubSpot", "Trustpilot",
    # file formats: customers and voc's own reject messages name them ("chat JSON", "extension '.json'")
    "JSON", "JSONL", "CSV", "TSV", "XES", "SRT", "VTT", "WebVTT", "XML", "HTML", "PDF", "XLSX", "Parquet",
)


@lru_cache(maxsize=64)
def _keep_re(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    forms = sorted({t.strip() for t in terms if t and t.strip()}, key=len, reverse=True)
    if not forms:
        return None
    alts = "|".join(re.escape(t).replace(r"\ ", r"\s+").replace("'", "['\u2019]") for t in forms)
    return re.compile(rf"(?<![\w])(?:{alts})(?:['\u2019]s)?(?![\w])", re.I)


def keep_spans(text: str, terms: Iterable[str]) -> list[Span]:
    """Where the keep terms occur in ``text`` (case-insensitive, whole words), as 'KEEP' spans."""
    regex = _keep_re(tuple(terms))
    if regex is None:
        return []
    return [Span(m.start(), m.end(), "KEEP", "keep") for m in regex.finditer(text)]
