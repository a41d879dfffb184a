"""Site search: Pagefind indexes the built HTML (Polish stemming, diacritics folded)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from handbook.processes import die_with_parent

BUNDLE = "_pagefind"


def index_site(outdir: Path) -> str | None:
    """Index *outdir* in place; returns Pagefind's complaint, or None when it succeeded.

    Only elements marked ``data-pagefind-body`` (the chapter text, see site/theme/templates) are
    indexed, so navigation and footers never appear in results.
    """
    shutil.rmtree(outdir / BUNDLE, ignore_errors=True)  # no fragments of an older index
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pagefind",
            "--site",
            str(outdir),
            "--output-subdir",
            BUNDLE,
            "--force-language",
            "pl",
            "--silent",
        ],
        capture_output=True,
        text=True,
        check=False,
        # Ends with the build even if the build is killed outright; an interrupted build stops
        # it itself (subprocess.run kills its child on the way out).
        preexec_fn=die_with_parent,
    )
    if result.returncode != 0 or not (outdir / BUNDLE / "pagefind.js").exists():
        return (result.stderr or result.stdout).strip() or "brak indeksu"
    return None
