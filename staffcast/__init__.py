"""staffcast: contact-centre workforce management.

One installed package. In the repository its parts sit where a reader looks for them:
`forecast/` and `scheduler/` (the two engines) and `data/` (the bundled sample) are
the subpackages `staffcast.forecast`, `staffcast.scheduler` and `staffcast.data`
(`pyproject.toml` maps them), and `cli.py` at the top is `staffcast.cli` (this folder
holds a link to it). This folder holds the glue both engines share or that wires them:
the error type, atomic files, frame I/O, the planning config, the pipeline and the
report.
"""
