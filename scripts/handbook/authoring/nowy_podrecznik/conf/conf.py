"""Sphinx configuration: everything comes from conf/handbook.toml through the handbook package."""

from pathlib import Path

from handbook.build.config import sphinx_config
from handbook.settings import load_settings

globals().update(sphinx_config(load_settings(Path(__file__).resolve().parent.parent)))
