"""The built-in readers; importing this package registers them in voc.registry.readers."""
from voc.ingest.readers import (
    abcd_json,  # noqa: F401
    diarized_json,  # noqa: F401
    email_eml,  # noqa: F401
    intercom_json,  # noqa: F401
    srt_reader,  # noqa: F401
    tickets_csv,  # noqa: F401
    tickets_json,  # noqa: F401
    transcript_txt,  # noqa: F401
    webvtt_reader,  # noqa: F401
)
