"""warroom: a keyboard-driven terminal war room for production incidents."""

# The one place the version is written (pyproject reads it from here): `warroom --version`
# answers without importlib.metadata, which costs more than the rest of the answer.
__version__ = "0.1.0"
