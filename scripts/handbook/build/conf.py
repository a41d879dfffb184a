"""Sphinx's configuration file for every book: the settings of the book being built.

A book has no conf.py of its own: ``run_sphinx`` names the book in ``HANDBOOK_ROOT`` and
points Sphinx at this folder, and everything else comes from the book's conf/handbook.toml.
"""

import os
from pathlib import Path

from handbook.build.config import sphinx_config
from handbook.settings import load_settings

globals().update(sphinx_config(load_settings(Path(os.environ["HANDBOOK_ROOT"]))))
