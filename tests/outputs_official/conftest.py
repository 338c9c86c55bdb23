"""Outputs an official accepts: the filings rendered once per module (PDF, workbook, calc --json),
read back the way a reviewer or a tool would read them (pdftotext, pdftohtml, pdfinfo, openpyxl)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

_TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(_TESTS / "forms"))
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="session", autouse=True)
def _poppler() -> None:
    if not (shutil.which("pdftotext") and shutil.which("pdftohtml") and shutil.which("pdfinfo")):
        pytest.skip("poppler-utils (pdftotext, pdftohtml, pdfinfo) are needed to read the PDFs back")


@pytest.fixture(scope="session")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """name → Printed (PDF and workbook written once for the whole run)."""
    from official_data import DOCUMENTS, print_filing

    folder = tmp_path_factory.mktemp("printed")
    return {name: print_filing(name, folder) for name in DOCUMENTS}
