"""Sphinx's own LaTeX route for a book, the comparison `make bench` measures the PDF against.

The engine builds PDF with Typst only; this is the route a Sphinx project would take instead:
`sphinx-build -b latex` with the engine's configuration plus lualatex, B5 paper, xindy for the
Polish index, and the SVG charts converted to PDF by rsvg-convert (LaTeX reads no SVG). It lives
in the benchmark, not in the engine: `conf_for_latex` writes a conf.py that loads the engine's
and adds this module as an extension, which gives the engine's print-only nodes their LaTeX form.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.ext.imgconverter import ImageConverter
from sphinx.transforms.post_transforms import SphinxPostTransform

ENGINE_CONF_DIR = Path(__file__).resolve().parent / "handbook" / "build"

CONF = """\
# Written by scripts/bench_latex.py: the engine's configuration with Sphinx's LaTeX route.
import sys
sys.path.insert(0, {scripts!r})
exec(compile(open({engine!r}, encoding="utf-8").read(), {engine!r}, "exec"))
extensions = [*extensions, "bench_latex"]
latex_engine = "lualatex"
latex_use_xindy = True
latex_elements = {{"papersize": "b5paper", "geometry": r"\\usepackage[b5paper]{{geometry}}"}}
latex_documents = [("index", "podrecznik.tex", project, author, "manual")]
"""


def conf_for_latex(folder: Path) -> Path:
    """A Sphinx configuration folder for the LaTeX route; Sphinx runs with HANDBOOK_ROOT set."""
    folder.mkdir(parents=True, exist_ok=True)
    engine = ENGINE_CONF_DIR / "conf.py"
    scripts = str(Path(__file__).resolve().parent)
    (folder / "conf.py").write_text(CONF.format(scripts=scripts, engine=str(engine)), encoding="utf-8")
    # Polish quotation marks, as the engine's builds read them.
    shutil.copyfile(ENGINE_CONF_DIR / "docutils.conf", folder / "docutils.conf")
    return folder


class SvgToPdf(ImageConverter):
    """SVG charts as vector PDF for LaTeX, by rsvg-convert (librsvg)."""

    conversion_rules = [("image/svg+xml", "application/pdf")]

    def is_available(self) -> bool:
        return shutil.which("rsvg-convert") is not None

    def convert(self, _from: str, _to: str) -> bool:
        subprocess.run(["rsvg-convert", "-f", "pdf", "-o", _to, _from], check=True)
        return True


class PrintDrawingForLatex(SphinxPostTransform):
    """The chart's print drawing alone, as the engine gives Typst (no <picture> in print)."""

    default_priority = 100
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        from handbook.sphinxext.charts import chart_picture

        for picture in list(self.document.findall(chart_picture)):
            picture.replace_self(picture[0])


def skip(self: Any, node: nodes.Node) -> None:
    raise nodes.SkipNode


def line_break(self: Any, node: nodes.Node) -> None:
    self.body.append("\\newline{}")
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict[str, Any]:
    from handbook.sphinxext.charts import chart_data
    from handbook.sphinxext.safety import inline_tag

    app.add_post_transform(SvgToPdf)
    app.add_post_transform(PrintDrawingForLatex)
    # The chart's data table is left out of print, as in the Typst PDF; a hard break is a break.
    app.add_node(chart_data, override=True, latex=(skip, None))
    app.add_node(inline_tag, override=True, latex=(line_break, None))
    return {"parallel_read_safe": True}
