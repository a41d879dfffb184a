"""The print handbook: a Sphinx builder that writes Typst and compiles it to a tagged PDF."""
