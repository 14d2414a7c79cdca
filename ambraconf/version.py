"""The version, apart from the package's ``__init__``: that re-exports the Python API, and
the API client, which sends the version, must not import the API it serves."""

__version__ = "0.1.0"
