"""Suite-wide settings: hypothesis draws the same examples on every run (reproducible CI)."""

from hypothesis import settings

settings.register_profile("staffcast", derandomize=True, print_blob=True)
settings.load_profile("staffcast")
