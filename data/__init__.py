"""The bundled sample (a fictional email-service help desk), shipped as package data:
read it through `staffcast.sample`, never through a path in the repository."""
