"""Builder-neutral Sphinx extensions: one module per concern of reading a chapter."""
