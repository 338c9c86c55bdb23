"""The three filings the tests print: the power plant's plan (builders), its October month (the
demo's figures) and an Appendix 5 table (电石), each evaluated as the CLI does."""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import builders as b

from cets_desktop.core.calc import explain_all
from cets_desktop.core.document import FilingDocument, parse_document
from cets_desktop.core.rules import Evaluation
from cets_desktop.demo import power_month_document
from cets_desktop.io.pdf_report import RenderedPdf, render_pdf
from cets_desktop.io.xlsx_template import write_workbook


def pdf_text(path: Path, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext", "-layout"]
    if first is not None:
        args += ["-f", str(first), "-l", str(last if last is not None else first)]
    return subprocess.run([*args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_info(path: Path, *extra: str) -> str:
    return subprocess.run(["pdfinfo", *extra, str(path)], capture_output=True, text=True, check=True).stdout


EXPORTED_AT = dt.datetime(2026, 11, 18, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
"""When the reports are made (a fixed time, so a test can read it back)."""


@dataclass
class Printed:
    document: FilingDocument
    evaluation: Evaluation
    pdf: RenderedPdf
    xlsx: Path


def month_document(**changes: Any) -> FilingDocument:
    data = power_month_document(10)
    for key, value in changes.items():
        data["values"]["units"][0]["fuels"][0][key] = value
    return parse_document(data)


DOCUMENTS = {
    "plan": b.power_plan,
    "month": month_document,
    "carbide": b.carbide_document,
}


def _named_like_users(doc: FilingDocument) -> FilingDocument:
    """The builders name attachments after the item they back (``units[0].generation.pdf``);
    real attachments are named by people (盖章生产报表-3.pdf)."""
    for n, ref in enumerate(doc.evidence, start=1):
        ref.name = f"{ref.kind or '支撑材料'}-{n}.pdf"
    return doc


def print_filing(name: str, folder: Path, document: FilingDocument | None = None) -> Printed:
    doc = _named_like_users(document or DOCUMENTS[name]())
    ev = b.run(doc)
    pdf = render_pdf(ev.spec, ev, folder / f"{name}.pdf", generated_at=EXPORTED_AT)
    xlsx = folder / f"{name}.xlsx"
    explanations = explain_all(ev.spec, ev.values, ev.env, []) if ev.env is not None else None
    write_workbook(ev.spec, xlsx, doc, ev.values, explanations)
    return Printed(doc, ev, pdf, xlsx)
