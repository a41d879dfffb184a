"""Sphinx configuration: everything comes from conf/handbook.toml through the handbook package."""

from pathlib import Path

from handbook.settings import load_settings
from handbook.sphinx_conf import sphinx_config

globals().update(sphinx_config(load_settings(Path(__file__).resolve().parent.parent)))
