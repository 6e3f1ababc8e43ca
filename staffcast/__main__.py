"""`python -m staffcast` runs the command line."""

from staffcast.cli import app

app(prog_name="staffcast")
