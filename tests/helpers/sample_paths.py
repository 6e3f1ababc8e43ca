"""The bundled sample as installed (package data), never a path in the checkout."""

from importlib.resources import files
from pathlib import Path

SAMPLE_DIR = Path(str(files("staffcast.data")))
