"""voc: voice-of-customer analyzer.

Layers import only downward:
    cli > pipeline > nlp / redact / journey / sequences / report / enrich / engines > ingest > schema, config, errors, registry, datasets
"""

__version__ = "0.1.0"
