"""voc: voice-of-customer analyzer.

Layers import only downward:
    cli > pipeline > nlp / redact / journey / sequences / report / enrich / engines > ingest
        > schema, config, errors, registry, datasets
"""

__version__ = "0.1.0"

# voc is written for pandas 3 semantics (the `str` dtype keeps missing values missing; copy-on-write), and
# runs on pandas 2.3 because pyspark 4.x supports pandas < 3 only: pandas 2.3 has both behaviours as
# opt-in options, which are the defaults of pandas 3. On pandas 3 this changes nothing.
def _pandas3_semantics() -> None:
    import pandas as pd

    if int(pd.__version__.split(".")[0]) < 3:
        pd.set_option("future.infer_string", True)
        pd.set_option("mode.copy_on_write", True)


_pandas3_semantics()
