"""Every shipped form, not only the three printed in full: its blank Excel template and the PDF of
a new, empty filing (cover, every section, the findings an empty filing has) carry no internal
name — no form id such as power-monthly, no snake_case field, no expression, no bare tag."""

from __future__ import annotations

from pathlib import Path

import pytest
from official_data import EXPORTED_AT, pdf_text
from test_words_not_internals import ALLOWED, _offences, visible_workbook_texts

from cets_desktop.core.loader import default_registry
from cets_desktop.core.rules import evaluate
from cets_desktop.io.pdf_report import render_pdf
from cets_desktop.io.xlsx_template import write_workbook
from cets_desktop.workflow.documents import default_period, new_document

FORMS = sorted({spec.id for spec in default_registry().all()})


def test_every_form_is_swept() -> None:
    # the four sectors' months and plans and the thirteen Appendix 5 tables
    assert len(FORMS) >= 21


@pytest.mark.parametrize("form_id", FORMS)
def test_blank_template_and_empty_filing_speak_to_an_official(form_id: str, tmp_path: Path) -> None:
    registry = default_registry()
    spec = registry.latest(form_id)
    assert spec is not None
    period = default_period(spec)
    spec = registry.for_period(form_id, period) or spec
    workbook = tmp_path / "template.xlsx"
    write_workbook(spec, workbook)
    problems = _offences(visible_workbook_texts(workbook), ALLOWED)

    document = new_document(spec, period, {"name": "示例企业有限公司"})
    evaluation = evaluate(spec, document)
    assert evaluation.findings, "an empty filing has findings, so the PDF prints them too"
    pdf = render_pdf(spec, evaluation, tmp_path / "report.pdf", generated_at=EXPORTED_AT)
    lines = pdf_text(pdf).splitlines()
    problems += _offences(((f"report.pdf 第 {n} 行", line) for n, line in enumerate(lines, 1)), ALLOWED)
    assert problems == []
