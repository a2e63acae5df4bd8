"""Identity resolution: link each contact to a customer.

Methods, in order of trust (the first that links wins; ``matched_by`` says which):
  identity_map  the contact's own id (e.g. a help-desk requester id) is listed in the identity map's
                id columns -> that row's customer_id
  customer_id   the contact carries a customer id
  email         its normalised email is known: from the identity map, or from another contact that
                carries both a customer id and this email
  phone         the same with its phone number in E.164
  email_key     (``journey.identifiers_as_customer``, default on) none of the above links it, but it has an
                e-mail: the address is the customer, ``customer_id`` 'email:<sha256 of the normalised address>'
                (the digest ``redact.identifiers: hash`` writes), as a help desk counts its requesters; so
                repeat contact and first-contact resolution work on exports that carry only e-mails (.eml, CSV)
  phone_key     the same with its phone number, after a contact holding this phone and a keyed e-mail lent
                it that e-mail's key ('phone:<sha256 of the E.164 number>' otherwise)
An email or phone linked to two different customers is ambiguous and never used (counted in the stats).

Identifiers are normalised by voc.identifiers (the one normalisation redaction and the CDP use too).
Email: trimmed, lower-cased, ``mailto:`` and display names removed. With ``gmail_normalisation``
(default on), gmail.com/googlemail.com addresses also ignore dots and a ``+tag`` in the local part,
because Gmail delivers those to the same mailbox; other providers' plus/dot rules differ, so they are
left alone (a false merge of two customers is worse than a miss). Hashed identifiers
(``redact.identifiers: hash``, voc.identifiers.hash_email / hash_phone) match too. Phones are E.164,
parsed with phonenumbers in ``default_region`` when written without a country code. Customer ids
are trimmed text.

Unmatched contacts are kept: their customer_id is null and they form a journey of their own,
``unmatched:<contact_id>``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from voc.config import JourneyConfig
from voc.errors import Errors, VocError
from voc.identifiers import (
    EMAIL_KEY_PREFIX,
    PHONE_KEY_PREFIX,
    hash_email,
    hash_value,
    normalise_email,
    normalise_id,
    normalise_phone,
)

METHODS = ("identity_map", "customer_id", "email", "phone", "email_key", "phone_key")
UNMATCHED_PREFIX = "unmatched:"


@dataclass
class IdentityResult:
    identity: pd.DataFrame                # contact_id, customer_id, matched_by
    stats: dict = field(default_factory=dict)


def read_identity_map(path: str | Path) -> pd.DataFrame:
    """An identity-map CSV: customer_id plus any of email, phone and other id columns (E305)."""
    path = Path(path)
    if not path.exists():
        raise VocError(Errors.E316, path=str(path))
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as e:
        raise VocError(Errors.E305, file=str(path), needed="customer_id + (email | phone | an id column)",
                       present=f"unreadable file: {str(e).splitlines()[0]}") from None
    df.columns = [c.strip() for c in df.columns]
    if "customer_id" not in df.columns or len(df.columns) < 2:
        raise VocError(Errors.E305, file=str(path), needed="customer_id + (email | phone | an id column)",
                       present=", ".join(df.columns) or "(none)")
    return df


def _text(s: pd.Series) -> pd.Series:
    """Ids as voc.identifiers.normalise_id writes them: trimmed text, None for missing or blank (a pandas
    'string' column's <NA> is missing, not '<NA>')."""
    missing = s.isna().to_numpy()
    # a str is normalise_id's trimmed text, written inline (one call less per contact: 1M contacts)
    vals = [None if m else ((v.strip() or None) if type(v) is str else normalise_id(v))
            for v, m in zip(s.astype(object), missing)]
    return pd.Series(vals, index=s.index, dtype=object)


class _Links:
    """key -> customer_id, remembering keys claimed by two different customers (ambiguous).

    ``add`` takes the keys of ONE identifier (its normalised form and hashes); ``n_ambiguous`` counts
    identifiers, not keys (an ambiguous e-mail is one, however many of its forms were claimed)."""

    def __init__(self) -> None:
        self.map: dict[str, str] = {}
        self.ambiguous: set[str] = set()
        self.n_ambiguous = 0

    def add(self, keys: object, cid: str | None) -> None:
        if not cid:
            return
        newly = False
        for key in dict.fromkeys(keys if isinstance(keys, (list, tuple, set)) else [keys]):
            if not key or key in self.ambiguous:
                continue
            prev = self.map.get(key)
            if prev is None:
                self.map[key] = cid
            elif prev != cid:
                self.ambiguous.add(key)
                del self.map[key]
                newly = True
        self.n_ambiguous += newly

    def get(self, keys: object) -> str | None:
        """The customer of the first of ``keys`` (one key, or an identifier's forms) that is linked."""
        for key in (keys if isinstance(keys, (list, tuple)) else [keys]):
            if key and key in self.map:
                return self.map[key]
        return None


def resolve(contacts: pd.DataFrame, config: JourneyConfig, identity_map: pd.DataFrame | None = None) -> IdentityResult:
    """Link every contact to a customer (see the module doc). One output row per contact, in input order."""
    n = len(contacts)
    get = lambda c: _text(contacts[c]) if c in contacts.columns else pd.Series([None] * n, dtype=object)  # noqa: E731
    cids, emails_raw, phones_raw = get("customer_id"), get("email"), get("phone")
    gmail, region = config.gmail_normalisation, config.default_region
    emails_raw, phones_raw = emails_raw.tolist(), phones_raw.tolist()
    # the rows with an e-mail or a phone: the only ones the e-mail and phone links read or learn from
    # (contacts with customer ids only, the usual case at scale, skip the per-identifier work)
    keyed = [i for i, (e, p) in enumerate(zip(emails_raw, phones_raw)) if e is not None or p is not None]
    emails: list[str | None] = [None] * n
    phones: list[str | None] = [None] * n
    for i in keyed:
        emails[i] = normalise_email(emails_raw[i], gmail=gmail)
        phones[i] = normalise_phone(phones_raw[i], region=region)
    cids = [v if isinstance(v, str) else None for v in cids]

    email_links, phone_links, id_links = _Links(), _Links(), _Links()
    if identity_map is not None and len(identity_map):
        im = identity_map.copy()
        im_cid = _text(im["customer_id"])
        for col in im.columns:
            if col == "customer_id":
                continue
            vals = _text(im[col])
            low = col.lower()
            for v, cid in zip(vals, im_cid):
                if not isinstance(v, str) or not isinstance(cid, str):
                    continue
                if "email" in low or "mail" == low:
                    # the address, and its hashes: Gmail-folded and as redaction / the CDP hash it
                    e = normalise_email(v, gmail=gmail)
                    email_links.add([e, hash_value(e), hash_email(v)], cid)
                elif "phone" in low or "mobile" in low or "msisdn" in low:
                    p = normalise_phone(v, region=region)
                    phone_links.add([p, hash_value(p)], cid)
                else:
                    id_links.add(v, cid)
    # links learned from contacts that carry a customer id
    for i in keyed:
        cid, raw, e, p = cids[i], emails_raw[i], emails[i], phones[i]
        if cid is not None:
            email_links.add([e, hash_value(e), hash_email(raw)], cid)
            phone_links.add([p, hash_value(p)], cid)

    map_customers: set[str] = set()
    if identity_map is not None and len(identity_map):
        map_customers = set(_text(identity_map["customer_id"]).dropna())
    # a contact's own customer id (or no customer): what every contact without an e-mail or phone gets
    # when the identity map lists no other ids
    out_cid: list[str | None] = list(cids)
    method: list[str | None] = ["customer_id" if cid is not None else None for cid in cids]
    for i in (keyed if not id_links.map else range(n)):
        cid, raw, e, p = cids[i], emails_raw[i], emails[i], phones[i]
        # a contact in clear also finds an identity map that lists hashes (its forms' hashes)
        by_email = email_links.get([e, hash_value(e), hash_email(raw)]) if e and cid is None else None
        by_phone = phone_links.get([p, hash_value(p)]) if p and cid is None else None
        if cid is not None and cid not in map_customers and id_links.get(cid):
            out_cid[i], method[i] = id_links.get(cid), "identity_map"
        elif cid is not None:
            out_cid[i], method[i] = cid, "customer_id"
        elif by_email:
            out_cid[i], method[i] = by_email, "email"
        elif by_phone:
            out_cid[i], method[i] = by_phone, "phone"
        else:
            out_cid[i], method[i] = None, None
    if config.identifiers_as_customer:
        _key_by_identifiers(keyed, out_cid, method, emails, phones, email_links, phone_links)
    ident = pd.DataFrame({
        "contact_id": _text(contacts["contact_id"]).to_numpy(dtype=object),
        "customer_id": pd.Series(out_cid, dtype=object).to_numpy(),
        "matched_by": pd.Series(method, dtype=object).to_numpy(),
    })
    by = {m: int((ident["matched_by"] == m).sum()) for m in METHODS}
    # linked to a customer the business knows (its id, the map, another contact) vs grouped by the contact's own
    # e-mail / phone (a requester with no customer id) vs neither
    keyed = by["email_key"] + by["phone_key"]
    matched = int(ident["customer_id"].notna().sum()) - keyed
    stats = {
        "contacts": n, "matched": matched, "keyed": keyed, "unmatched": n - matched - keyed,
        "match_rate": round(matched / n, 4) if n else None,
        "matched_by": by,
        "match_rate_by_method": {m: (round(c / n, 4) if n else None) for m, c in by.items()},
        "ambiguous_emails": email_links.n_ambiguous, "ambiguous_phones": phone_links.n_ambiguous,
        "unmatched_contact_ids": ident.loc[ident["customer_id"].isna(), "contact_id"].head(20).tolist(),
    }
    return IdentityResult(ident, stats)


def _key_by_identifiers(rows: list[int], out_cid: list[str | None], method: list[str | None],
                        emails: list[str | None], phones: list[str | None], email_links: _Links, phone_links: _Links) -> None:
    """Contacts (of ``rows``: those with an e-mail or phone) still without a customer become the customer of their
    e-mail, else their phone (in place). An identifier two customers claim (ambiguous) keys nothing: the contact
    stays unmatched."""
    lent = _Links()   # phone -> the e-mail key of a contact that carries both
    for i in rows:
        e, p = emails[i], phones[i]
        if out_cid[i] is None and e and e not in email_links.ambiguous:
            out_cid[i], method[i] = EMAIL_KEY_PREFIX + hash_value(e), "email_key"
            if p and p not in phone_links.ambiguous:
                lent.add([p], out_cid[i])
    for i in rows:
        p = phones[i]
        if out_cid[i] is None and p and p not in phone_links.ambiguous and p not in lent.ambiguous:
            out_cid[i], method[i] = (lent.get([p]) or PHONE_KEY_PREFIX + hash_value(p)), "phone_key"


def journey_key(customer_id: pd.Series, contact_id: pd.Series) -> pd.Series:
    """customer_id, or 'unmatched:<contact_id>' for contacts with no customer."""
    return customer_id.astype(object).where(customer_id.notna(), UNMATCHED_PREFIX + contact_id.astype(str))
