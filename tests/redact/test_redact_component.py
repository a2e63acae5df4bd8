"""The `redact` pipeline component on canonical Batches, and identifier hashing."""
from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from voc import registry
from voc.component import Batch
from voc.config import DEFAULT_REDACT_ENTITIES, RedactConfig
from voc.identifiers import hash_email, hash_phone, normalise_email, normalise_phone
from voc.redact.component import RedactComponent
from voc.schema import contacts_frame, messages_frame


def sha(s: str) -> str:
    return hashlib.sha256(s.encode()).hexdigest()


def make_batch() -> Batch:
    contacts = contacts_frame([
        {"contact_id": "c1", "channel": "chat", "email": " Crystal.Minh@Email.com ", "phone": "(415) 555-0134",
         "subject": "Refund for Crystal Minh"},
        {"contact_id": "c2", "channel": "call", "email": None, "phone": "+44 20 7946 0958", "subject": None},
        {"contact_id": "c3", "channel": "ticket"},
    ])
    messages = messages_frame([
        {"contact_id": "c1", "seq": 0, "role": "agent", "speaker": "Agent", "text": "Hi, may I have your full name please?"},
        {"contact_id": "c1", "seq": 1, "role": "customer", "speaker": "Customer", "text": "crystal minh, cminh730@email.com"},
        {"contact_id": "c1", "seq": 2, "role": "system", "speaker": "system",
         "text": "Account has been pulled up for Crystal Minh."},
        {"contact_id": "c1", "seq": 3, "role": "agent", "speaker": "Agent", "text": "What is your membership level Crystal?"},
        {"contact_id": "c1", "seq": 4, "role": "customer", "speaker": "Customer", "text": None},
        {"contact_id": "c2", "seq": 0, "role": "agent", "speaker": "Sarah Lee", "text": "Thanks for calling, this is Sarah."},
        {"contact_id": "c2", "seq": 1, "role": "customer", "speaker": "SPEAKER_01",
         "text": "Hi Sarah, my card 4111 1111 1111 1111 was charged twice for order 3348917502."},
        {"contact_id": "c2", "seq": 2, "role": "agent", "speaker": "Sarah (Agent)", "text": "Let me check, Ms Lee here."},
        {"contact_id": "c3", "seq": 0, "role": "customer", "speaker": None,
         "text": "Version 2.13.0 crashes on 2026-03-04, I paid $94.00. IBAN DE89 3704 0044 0532 0130 00"},
    ])
    return Batch(contacts=contacts, messages=messages)


@pytest.fixture(scope="module")
def redacted() -> tuple[RedactComponent, Batch, Batch]:
    comp = RedactComponent(RedactConfig(identifiers="hash"))
    batch = make_batch()
    return comp, batch, comp(batch)


def test_registered_under_redact():
    assert registry.components.get("redact") is RedactComponent
    assert RedactComponent.name == "redact"


def test_messages_text(redacted):
    _, _, out = redacted
    text = list(out.messages["text"])
    assert text[0] == "Hi, may I have your full name please?"
    assert text[1] == "[PERSON], [EMAIL]"                         # the answer to 'your full name'
    assert text[2] == "Account has been pulled up for [PERSON]."   # that name, elsewhere in the contact
    assert text[3] == "What is your membership level [PERSON]?"
    assert pd.isna(text[4])
    assert text[5] == "Thanks for calling, this is [PERSON]."
    assert text[6] == "Hi [PERSON], my card [CARD] was charged twice for order 3348917502."
    # speaker 'Sarah Lee' is a known name ('Ms Lee' may go whole, as the model's PERSON entity)
    assert text[7] in ("Let me check, Ms [PERSON] here.", "Let me check, [PERSON] here.")
    assert text[8] == "Version 2.13.0 crashes on 2026-03-04, I paid $94.00. IBAN [IBAN]"


def test_speaker_column(redacted):
    _, _, out = redacted
    assert list(out.messages["speaker"].astype(object).where(out.messages["speaker"].notna(), None)) == [
        "Agent", "Customer", "system", "Agent", "Customer", "[PERSON]", "SPEAKER_01", "[PERSON] (Agent)", None]


def test_subject_uses_the_contacts_known_names(redacted):
    _, _, out = redacted
    assert out.contacts["subject"].iloc[0] == "Refund for [PERSON]"
    assert out.contacts["subject"].isna().tolist() == [False, True, True]


def test_identifiers_hashed_from_normalised_values(redacted):
    _, _, out = redacted
    assert list(out.contacts["email"].iloc[:1]) == [sha("crystal.minh@email.com")]
    assert list(out.contacts["phone"].iloc[:2]) == [sha("+14155550134"), sha("+442079460958")]
    assert out.contacts["email"].isna().tolist() == [False, True, True]


def test_dtypes_kept_and_input_untouched(redacted):
    _, batch, out = redacted
    assert out.messages.dtypes.equals(batch.messages.dtypes)
    assert out.contacts.dtypes.equals(batch.contacts.dtypes)
    assert batch.messages["text"].iloc[1] == "crystal minh, cminh730@email.com"
    assert len(out.messages) == len(batch.messages) and len(out.contacts) == len(batch.contacts)


def test_info_counts(redacted):
    comp, _, _ = redacted
    info = comp.info()
    assert info["counts"] == {"CARD": 1, "EMAIL": 1, "IBAN": 1, "PERSON": 9}
    # 8 non-null texts + 1 subject; changed: 7 texts (all but the first) + the subject.
    # PERSON: 6 in texts, 2 speaker labels, 1 subject
    assert info["texts"] == 9 and info["texts_redacted"] == 8
    assert info["identifiers"] == "hash" and info["identifier_values_hashed"] == 3   # 1 email + 2 phones
    assert info["entities"] == DEFAULT_REDACT_ENTITIES   # every type but URL (issue 12)


def test_drop_and_keep_identifiers():
    batch = make_batch()
    dropped = RedactComponent(RedactConfig(identifiers="drop", entities=["EMAIL"]))(batch)
    assert dropped.contacts["email"].isna().all() and dropped.contacts["phone"].isna().all()
    assert dropped.contacts["email"].dtype == batch.contacts["email"].dtype
    kept = RedactComponent(RedactConfig(identifiers="keep", entities=["EMAIL"]))(batch)
    assert kept.contacts["email"].equals(batch.contacts["email"])


def test_disabled_component_passes_through():
    batch = make_batch()
    out = RedactComponent(RedactConfig(enabled=False))(batch)
    assert out.messages["text"].equals(batch.messages["text"])


def test_empty_batch():
    comp = RedactComponent(RedactConfig())
    out = comp(Batch(contacts=contacts_frame([]), messages=messages_frame([])))
    assert len(out.contacts) == 0 and len(out.messages) == 0
    assert comp.info()["texts"] == 0


def test_pipe_accumulates_counts():
    comp = RedactComponent(RedactConfig(entities=["EMAIL"]))
    one = Batch(contacts=contacts_frame([{"contact_id": "a"}]),
                messages=messages_frame([{"contact_id": "a", "seq": 0, "role": "customer", "text": "a@example.com"}]))
    outs = list(comp.pipe([one, one]))
    assert [o.messages["text"].iloc[0] for o in outs] == ["[EMAIL]", "[EMAIL]"]
    assert comp.info()["counts"] == {"EMAIL": 2}


def test_identifier_normalisation():
    assert normalise_email("  Jane.Doe@Example.COM ") == "jane.doe@example.com"
    assert normalise_phone("(415) 555-0134", "US") == "+14155550134"
    assert normalise_phone("020 7946 0958", "GB") == "+442079460958"
    assert normalise_phone("+1 415.555.0134") == "+14155550134"
    assert hash_email("Jane@x.com") == hash_email("jane@x.com ") == sha("jane@x.com")
    assert hash_phone("415-555-0134") == hash_phone("+1 (415) 555 0134")
    assert hash_email(None) is None and hash_phone("  ") is None


def test_hashes_join_with_journey_identity():
    """Contacts hashed here must still join to an identity map in voc.journey.identity."""
    from voc.journey.identity import normalise_email as j_email
    from voc.journey.identity import normalise_phone as j_phone

    for email in ["Jane.Doe@Example.com", " support@shop.example "]:
        assert hash_email(email) == sha(j_email(email, gmail=False))
    for phone in ["(415) 555-0134", "+44 20 7946 0958", "0044 20 7946 0958"]:
        assert hash_phone(phone, "US") == sha(j_phone(phone, region="US"))


@pytest.mark.data
def test_abcd_dialogues_leak_no_personal_data(shared_data):
    """Real ABCD dialogues: the scenario lists each customer's name, email and phone; none of
    them may survive redaction, while order ids and amounts must."""
    import json
    import re

    from tests.conftest import shared_file

    convos = json.loads(shared_file(shared_data, "abcd_sample/abcd_sample.json").read_text(encoding="utf-8"))
    contacts, messages = [], []
    for c in convos:
        cid = str(c["convo_id"])
        contacts.append({"contact_id": cid, "channel": "chat"})
        for seq, (speaker, text) in enumerate(c["original"]):
            role = {"action": "system"}.get(speaker, speaker)
            messages.append({"contact_id": cid, "seq": seq, "role": role, "speaker": speaker, "text": text})
    out = RedactComponent(RedactConfig())(Batch(contacts_frame(contacts), messages_frame(messages)))
    for c in convos:
        text = " ".join(out.messages.loc[out.messages["contact_id"] == str(c["convo_id"]), "text"].dropna())
        personal = c["scenario"]["personal"]
        flat = re.sub(r"\D", "", text)
        for part in personal["customer_name"].split():
            assert not re.search(rf"\b{re.escape(part)}\b", text, re.I), part
        if personal.get("email"):
            assert personal["email"] not in text.lower()
        assert re.sub(r"\D", "", personal["phone"]) not in flat
        order_id = c["scenario"]["order"].get("order_id")
        original = " ".join(t for _, t in c["original"])
        if order_id and order_id in original:
            assert order_id in text          # order ids are not phone numbers
