"""transformers backend: a tiny BERT classifier created in tmp_path (no download) proves that a
local model folder is loaded, batched and its labels mapped; plus label-mapping rules and E201."""
from __future__ import annotations

import numpy as np
import pytest

from voc.config import SentimentConfig
from voc.errors import VocError
from voc.nlp.sentiment.hf import TransformersBackend, label_matrix, map_label

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "i", "love", "hate", "this", "the", "service", "is", "slow",
         "great", "refund", "please", "my", "order"]
TEXTS = ["i love this", "i hate the slow service", "refund my order please", "great", "", "this service is great i love this"]


def _tiny_model(folder, id2label):
    torch = pytest.importorskip("torch")
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    torch.manual_seed(0)
    cfg = BertConfig(vocab_size=len(VOCAB), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=32, max_position_embeddings=64, num_labels=len(id2label),
                     id2label=id2label, label2id={v: k for k, v in id2label.items()})
    model = BertForSequenceClassification(cfg).eval()
    with torch.no_grad():  # spread the logits so the classes differ clearly between texts
        model.classifier.weight.mul_(50.0)
    tok = BertTokenizer(vocab={w: i for i, w in enumerate(VOCAB)})
    model.save_pretrained(folder)
    tok.save_pretrained(folder)
    return model, tok


def _direct_proba(model, tok, text):
    import torch

    with torch.no_grad():
        return torch.softmax(model(**tok([text], return_tensors="pt")).logits, -1)[0].numpy()


def test_local_folder_is_loaded_and_matches_the_model_one_text_at_a_time(tmp_path):
    # label order deliberately not negative/neutral/positive: the backend must follow id2label
    id2label = {0: "positive", 1: "negative", 2: "neutral"}
    model, tok = _tiny_model(tmp_path / "m", id2label)
    b = TransformersBackend(SentimentConfig(backend="transformers", model=str(tmp_path / "m"), batch_size=2, device="cpu"))
    res = b.analyze(TEXTS)
    assert res.proba.shape == (len(TEXTS), 3)
    np.testing.assert_allclose(res.proba.sum(axis=1), 1.0, atol=1e-5)
    for i, t in enumerate(TEXTS):
        if not t:
            continue
        p = _direct_proba(model, tok, t)  # unbatched, unpadded reference
        np.testing.assert_allclose(res.proba[i], [p[1], p[2], p[0]], atol=1e-4)
        assert res.scores[i] == pytest.approx(p[0] - p[1], abs=1e-4)
        assert res.labels[i] == ["positive", "negative", "neutral"][int(p.argmax())]
    assert res.labels[TEXTS.index("")] == "neutral" and res.scores[TEXTS.index("")] == 0.0
    info = b.info()
    assert info["backend"] == "transformers" and info["device"] == "cpu"
    assert info["labels"] == {"positive": "positive", "negative": "negative", "neutral": "neutral"}


def test_star_rating_model_probabilities_are_summed(tmp_path):
    id2label = {i: f"{i + 1} star{'s' if i else ''}" for i in range(5)}
    model, tok = _tiny_model(tmp_path / "stars", id2label)
    res = TransformersBackend(SentimentConfig(model=str(tmp_path / "stars"), device="cpu")).analyze(TEXTS[:2])
    p = _direct_proba(model, tok, TEXTS[0])
    np.testing.assert_allclose(res.proba[0], [p[0] + p[1], p[2], p[3] + p[4]], atol=1e-4)


def test_label_mapping_rules():
    assert [map_label(n, i, 3) for i, n in enumerate(["NEG", "Neutral", "positive"])] == ["negative", "neutral", "positive"]
    assert [map_label(f"LABEL_{i}", i, 3) for i in range(3)] == ["negative", "neutral", "positive"]
    assert [map_label(f"LABEL_{i}", i, 2) for i in range(2)] == ["negative", "positive"]
    assert map_label("3 stars", 2, 5) == "neutral" and map_label("1 star", 0, 5) == "negative"
    assert map_label("joy", 0, 6) is None
    assert map_label("joy", 0, 6, {"joy": "positive"}) == "positive"
    with pytest.raises(VocError) as e:
        label_matrix({0: "anger", 1: "joy"}, path="emo-model")
    assert e.value.code == "E202" and "sentiment.labels" in e.value.cause


@pytest.mark.parametrize("model", [None, "does/not/exist", "EMPTY"])
def test_missing_model_folder_is_E201(tmp_path, model):
    if model == "EMPTY":
        model = str(tmp_path)  # a folder, but no config.json in it
    with pytest.raises(VocError) as e:
        TransformersBackend(SentimentConfig(backend="transformers", model=model)).predict(["hello"])
    assert e.value.code == "E201"
    assert "never downloads" in e.value.fix
