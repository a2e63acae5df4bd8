"""Which module provides each named pipeline component. Importing the module registers the
component in ``voc.registry.components``; the pipeline then builds it from its config section."""
from __future__ import annotations

import importlib

from voc import registry
from voc.component import Component
from voc.config import VocConfig

COMPONENT_MODULES: dict[str, str] = {
    "redact": "voc.redact.component",
    "embed": "voc.nlp.embed",
    "intent": "voc.nlp.intent",
    "sentiment": "voc.nlp.sentiment",
    "topics": "voc.nlp.topics",
}

# Other config sections a component is built with (keyword = section name): intent and sentiment
# share the user's embedding settings (model, device, cache) and so the one loaded encoder.
SHARED_SECTIONS: dict[str, tuple[str, ...]] = {
    "intent": ("embed",),
    "sentiment": ("embed",),
    "topics": ("embed",),
}

# Steps that need another step before them (checked when the pipeline is built).
REQUIRES: dict[str, tuple[str, ...]] = {
    "topics": ("embed",),
}


def build(name: str, config: VocConfig) -> Component:
    module = COMPONENT_MODULES.get(name)
    if module is not None:
        importlib.import_module(module)
    factory = registry.components.get(name)
    extra = {section: getattr(config, section) for section in SHARED_SECTIONS.get(name, ())}
    return factory(getattr(config, name, None), **extra)  # a user-registered step may have no section


def resolve_steps(config: VocConfig) -> list[str]:
    """The ordered step names: redaction always first when enabled, and never skipped silently."""
    steps = [s for s in config.pipeline if s != "redact"]
    if config.redact.enabled:
        steps.insert(0, "redact")
    if not config.topics.enabled and "topics" in steps:
        steps.remove("topics")
    for step in steps:
        if step not in COMPONENT_MODULES and step not in registry.components:
            registry.components.get(step)  # raises E103 with the available names
    for step, needs in REQUIRES.items():
        if step in steps:
            for need in needs:
                if need not in steps:
                    steps.insert(steps.index(step), need)
    return steps
