"""Tools for chapter authors: scaffolding, checks without a build, the raw-HTML policy."""
