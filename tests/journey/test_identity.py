"""Identity resolution: normalisation of emails and phones, link methods and their order."""
from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from voc.config import JourneyConfig
from voc.errors import VocError
from voc.identifiers import normalise_email, normalise_phone
from voc.journey.identity import read_identity_map, resolve


@pytest.mark.parametrize("raw", ["+1 (415) 555-1037", "415-555-1037", "(415) 555 1037", "001 415 555 1037",
                                 "+14155551037", "tel. 415.555.1037"])
def test_us_phone_variants_are_one_e164_number(raw):
    assert normalise_phone(raw, region="US") == "+14155551037"


def test_phone_region_and_garbage():
    assert normalise_phone("020 7946 0958", region="GB") == "+442079460958"
    assert normalise_phone("+44 20 7946 0958", region="US") == "+442079460958"   # a country code wins over the region
    assert normalise_phone("12", region="US") is None
    assert normalise_phone("call me", region="US") is None
    assert normalise_phone(None) is None


def test_email_normalisation():
    assert normalise_email("  Maria.Garcia@Example.COM ") == "maria.garcia@example.com"
    assert normalise_email("mailto:Maria Garcia <maria.garcia@example.com>") == "maria.garcia@example.com"
    assert normalise_email("A.B+shop@googlemail.com") == "ab@gmail.com"
    assert normalise_email("A.B+shop@googlemail.com", gmail=False) == "a.b+shop@googlemail.com"
    assert normalise_email("a.b+shop@example.com") == "a.b+shop@example.com"      # other providers left alone
    assert normalise_email("not an email") is None


def test_resolution_methods_in_order_and_unmatched_kept():
    imap = pd.DataFrame({"customer_id": ["C1", "C2", "C3"],
                         "email": ["ONE@Example.com", "two@example.com", None],
                         "phone": [None, None, "+1 415 555 0003"],
                         "legacy_id": ["L-1", None, None]})
    contacts = pd.DataFrame({
        "contact_id": ["k1", "k2", "k3", "k4", "k5", "k6", "k7"],
        "customer_id": ["C9", None, None, "L-1", None, None, None],
        "email": ["nine@example.com", " one@EXAMPLE.com", None, None, "nine@example.com", None, "stranger@example.com"],
        "phone": [None, None, "(415) 555-0003", None, None, None, None],
    })
    res = resolve(contacts, JourneyConfig(identifiers_as_customer=False), imap)
    got = res.identity.set_index("contact_id")
    assert got.loc["k1"].tolist() == ["C9", "customer_id"]
    assert got.loc["k2"].tolist() == ["C1", "email"]
    assert got.loc["k3"].tolist() == ["C3", "phone"]
    assert got.loc["k4"].tolist() == ["C1", "identity_map"]          # a legacy id listed in the map
    assert got.loc["k5"].tolist() == ["C9", "email"]                 # learned from k1 (id + email)
    assert pd.isna(got.loc["k6", "customer_id"]) and pd.isna(got.loc["k6", "matched_by"])
    assert pd.isna(got.loc["k7", "customer_id"])
    assert res.stats["matched"] == 5 and res.stats["unmatched"] == 2
    assert res.stats["match_rate"] == pytest.approx(5 / 7, abs=1e-4)
    assert res.stats["matched_by"] == {"identity_map": 1, "customer_id": 1, "email": 2, "phone": 1,
                                       "email_key": 0, "phone_key": 0}
    # by default the stranger's address is the customer; k6 (no identifier at all) stays unmatched
    keyed = resolve(contacts, JourneyConfig(), imap).identity.set_index("contact_id")
    assert keyed.loc["k7"].tolist() == ["email:" + hashlib.sha256(b"stranger@example.com").hexdigest(), "email_key"]
    assert pd.isna(keyed.loc["k6", "customer_id"])
    assert keyed.drop(index="k7").equals(got.drop(index="k7"))     # the links above are unchanged


def test_contacts_with_only_emails_or_phones_are_grouped_into_customers():
    """An export that carries only requester e-mails (.eml, a CSV) has customers: before, every contact stayed
    unmatched, so the report said customers n/a and repeat-contact rate n/a."""
    contacts = pd.DataFrame({
        "contact_id": ["a", "b", "c", "d", "e", "f"],
        "customer_id": [None] * 6,
        "email": ["Ann@Example.com", " ann@example.com", "bob@example.com", None, None, "a.n.n+x@gmail.com"],
        "phone": [None, "+1 415 555 0101", None, "(415) 555-0101", "415 555 0199", "ann@gmail.com"],
    })
    got = resolve(contacts, JourneyConfig(), None).identity.set_index("contact_id")
    assert got.loc["a", "customer_id"] == got.loc["b", "customer_id"] != got.loc["c", "customer_id"]
    assert got.loc["d"].tolist() == [got.loc["b", "customer_id"], "phone_key"]     # lent by b (ann's e-mail + this phone)
    assert got.loc["e"].tolist() == ["phone:" + hashlib.sha256(b"+14155550199").hexdigest(), "phone_key"]
    assert got.loc["f", "customer_id"] == "email:" + hashlib.sha256(b"ann@gmail.com").hexdigest()   # Gmail dots and +tag folded
    assert got["matched_by"].value_counts().to_dict() == {"email_key": 4, "phone_key": 2}


def test_ambiguous_email_is_not_used_and_hashed_identifiers_match():
    contacts = pd.DataFrame({"contact_id": ["a", "b", "c", "d"], "customer_id": ["C1", "C2", None, None],
                             "email": ["shared@example.com", "shared@example.com", "shared@example.com",
                                       hashlib.sha256(b"x@example.com").hexdigest()]})
    imap = pd.DataFrame({"customer_id": ["C7"], "email": ["X@example.com"]})
    res = resolve(contacts, JourneyConfig(), imap)
    got = res.identity.set_index("contact_id")["customer_id"]
    assert pd.isna(got["c"]) and res.stats["ambiguous_emails"] >= 1
    assert got["d"] == "C7"


def test_identity_map_needs_customer_id(tmp_path):
    p = tmp_path / "map.csv"
    p.write_text("email,phone\na@example.com,1\n")
    with pytest.raises(VocError, match="E305"):
        read_identity_map(p)


def test_fixture_identity_map_links_the_roster(root):
    imap = read_identity_map(root / "fixtures" / "events" / "identity_map.csv")
    roster = pd.read_csv(root / "fixtures" / "customers.csv", dtype=str)
    contacts = pd.DataFrame({"contact_id": [f"k{i}" for i in range(len(roster))], "customer_id": None,
                             "email": None, "phone": roster["phone"]})
    res = resolve(contacts, JourneyConfig(default_region="US"), imap)
    assert res.identity["customer_id"].tolist() == roster["customer_id"].tolist()
    assert set(res.identity["matched_by"]) == {"phone"}
