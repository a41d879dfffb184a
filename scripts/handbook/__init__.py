"""Publication pipeline for the handbook: data → charts → Sphinx → HTML (and PDF)."""

__version__ = "0.1.0"
