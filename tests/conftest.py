"""Suite-wide settings and fixtures.

Hypothesis draws the same examples on every run (reproducible CI). `sample_dir` is the
bundled sample as installed (package data), never a path in the checkout.
"""

from pathlib import Path

import pytest
from hypothesis import settings
from sample_paths import SAMPLE_DIR

settings.register_profile("staffcast", derandomize=True, print_blob=True)
settings.load_profile("staffcast")

@pytest.fixture
def sample_dir() -> Path:
    return SAMPLE_DIR
