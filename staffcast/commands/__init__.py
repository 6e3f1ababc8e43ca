"""The staffcast commands other than `demo` and `run`, one module each; `cli.py` registers them on
the app."""
