"""The benchmark's synthetic book (scripts/bench_book.py) is a valid book: unique labels, every
chart declared, every reference resolved. Only its text is checked here; `make bench` builds it."""

from __future__ import annotations

import importlib.util
import re
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bench_book", ROOT / "scripts" / "bench_book.py")
assert _spec and _spec.loader
bench_book = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_book)


def test_synthetic_book_has_unique_labels_and_declared_charts(tmp_path: Path) -> None:
    docs = bench_book.generate(20, tmp_path / "ksiazka", ROOT)
    pages = tmp_path / "ksiazka" / "handbook"
    index = (pages / "index.md").read_text(encoding="utf-8")
    assert bench_book.chapters_of(index) == docs
    assert len(docs) == len(set(docs)) == 20
    texts = {page.stem: page.read_text(encoding="utf-8") for page in pages.glob("*.md")}
    labels = Counter(a or b for text in texts.values() for a, b in bench_book.LABEL.findall(text))
    charts = Counter(c for text in texts.values() for c in bench_book.CHART.findall(text))
    assert labels and max(labels.values()) == 1
    assert charts and max(charts.values()) == 1
    declared = tomllib.loads((tmp_path / "ksiazka" / "conf" / "wykresy.toml").read_text(encoding="utf-8"))
    assert set(charts) <= set(declared)
    targets = bench_book.targets_of(texts)
    for doc in docs:
        for _role, _text, target in bench_book.REFERENCE.findall(texts[doc]):
            assert target in targets, (doc, target)
    titles = [re.search(r"^tytul: (.*)$", texts[doc], re.M).group(1) for doc in docs]
    assert len(set(titles)) == 20
