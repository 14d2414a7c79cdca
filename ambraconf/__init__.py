"""ambraconf: configuration as code for Ambra Health accounts."""

__version__ = "0.1.0"
