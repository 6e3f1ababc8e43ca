"""The newer staffcast commands, one module each; `cli.py` registers them on the app."""
