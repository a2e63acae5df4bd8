"""Identifier columns (a contact's email and phone): keep, hash or drop.

Hashing is the sha256 hex digest of the *normalised* value, so the same person hashes the
same way across exports and across tables (an identity map hashed with the same functions
still joins): emails are stripped and lowercased; phones are E.164 ('+14155550134'), read in
``default_region`` when written without a country code ('0044 ...' read as '+44 ...'), or,
when they cannot be parsed, their digits with a leading '+' kept. voc.journey.identity hashes
identity-map values the same way, so hashed contacts still join to customers.
"""
from __future__ import annotations

import hashlib
import re
from typing import Optional

import phonenumbers


def normalise_email(value: str) -> str:
    return value.strip().lower()


def normalise_phone(value: str, default_region: str = "US") -> str:
    raw = value.strip()
    if raw.startswith("00"):
        raw = "+" + raw[2:]     # international prefix written as 00 (as voc.journey.identity reads it)
    try:
        num = phonenumbers.parse(raw, default_region)
        if phonenumbers.is_possible_number(num):
            return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        pass
    digits = re.sub(r"\D", "", raw)
    return ("+" + digits) if raw.startswith("+") else digits


def hash_value(normalised: str) -> str:
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def hash_email(value: Optional[str]) -> Optional[str]:
    if value is None or not str(value).strip():
        return None
    return hash_value(normalise_email(str(value)))


def hash_phone(value: Optional[str], default_region: str = "US") -> Optional[str]:
    if value is None or not str(value).strip():
        return None
    norm = normalise_phone(str(value), default_region)
    return hash_value(norm) if norm else None
