"""The built-in readers; importing this package registers them in voc.registry.readers."""
from voc.ingest.readers import tickets_csv  # noqa: F401
from voc.ingest.readers import tickets_json  # noqa: F401
from voc.ingest.readers import intercom_json  # noqa: F401
from voc.ingest.readers import transcript_txt  # noqa: F401
from voc.ingest.readers import webvtt_reader  # noqa: F401
from voc.ingest.readers import srt_reader  # noqa: F401
from voc.ingest.readers import diarized_json  # noqa: F401
from voc.ingest.readers import abcd_json  # noqa: F401
from voc.ingest.readers import email_eml  # noqa: F401
