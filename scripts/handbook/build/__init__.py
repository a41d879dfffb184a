"""Running Sphinx for a book: configuration from settings, staged builds, Polish messages, preview."""
