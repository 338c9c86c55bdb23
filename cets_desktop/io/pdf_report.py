"""Print a filing: one generic renderer driven by the definition (forms are data).

Parts, in order: cover; the definition's sections (pdf_body); 计算过程 (pdf_explain); 校验结果
(pdf_findings); 支撑材料清单 (pdf_evidence); 签章 (pdf_signoff). Every page carries the form
title, the enterprise and 第 x 页 共 y 页 (pdf_canvas), and a 草稿 watermark for drafts.

The font is the one Chinese TrueType font found at run time (io/fonts.py), embedded as a subset.
Before the layout runs, every string is checked against the font's cmap: characters without a
glyph are listed in 校验结果 and returned on the result, never fatal (the CLI and GUI warn).
The PDF is built in memory and written atomically, so a failed export never leaves half a file.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PosixPath, WindowsPath
from typing import Any

from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate
from reportlab.platypus.doctemplate import LayoutError

from .. import APP_NAME, __version__
from ..atomic import OutputError, atomic_write_bytes
from ..core.calc import Explanation, explain_all
from ..core.rules import Evaluation
from ..core.spec import FormSpec
from .fonts import missing_glyphs, register_pdf_font
from .pdf_body import body_story
from .pdf_canvas import PageFurniture, canvas_maker
from .pdf_context import RenderContext, template_and_version
from .pdf_cover import cover_story
from .pdf_evidence import evidence_story
from .pdf_explain import explain_story
from .pdf_findings import findings_story, glyph_note
from .pdf_signoff import signoff_story
from .pdf_styles import (
    FRAME_HEIGHT,
    FRAME_WIDTH,
    LANDSCAPE_FRAME_HEIGHT,
    LANDSCAPE_FRAME_WIDTH,
    LANDSCAPE_SIZE,
    LANDSCAPE_TEMPLATE,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    PAGE_SIZE,
    PORTRAIT_TEMPLATE,
    make_styles,
)

Progress = Callable[[int, int], None]
"""``progress(done, total)``: stages of the export, for the export wizard's progress bar."""

_STEPS = 8

if sys.platform == "win32":
    _ConcretePath = WindowsPath
else:
    _ConcretePath = PosixPath


class RenderedPdf(_ConcretePath):
    """The written file's path, plus what the caller should tell the user about it.

    A Path so callers that only need the file keep working; ``missing_glyphs`` lets the CLI and
    the GUI warn that some characters (rare ones in names, usually) print blank.
    """

    missing_glyphs: frozenset[str] = frozenset()
    pages: int = 0
    draft: bool = False
    outline: tuple[tuple[str, int, int], ...] = ()
    """The bookmarks: (title, level, page), level 0 for the cover and each chapter."""


def render_pdf(
    spec: FormSpec,
    evaluation: Evaluation,
    out_path: str | os.PathLike[str],
    *,
    explanations: dict[str, Explanation] | None = None,
    evidence: list[dict[str, Any]] | None = None,
    draft: bool = False,
    signature: dict[str, Any] | None = None,
    generated_at: dt.datetime | None = None,
    progress: Progress | None = None,
) -> RenderedPdf:
    """Write the printable report of ``evaluation`` to ``out_path`` and return its path.

    ``explanations`` default to :func:`explain_all` over the evaluation; ``evidence`` (dicts with
    name, sha256, size, path, kind) defaults to the document's evidence references. ``draft``
    prints the 草稿 watermark on every page. ``signature`` (e.g. fingerprint, package_sha256) is
    printed under the signature block. Raises FontNotFound (no Chinese font installed) or
    OutputError (cannot write the file), both with a Chinese message.
    """
    out = Path(out_path)
    step = _Steps(progress)
    report = _render(spec, evaluation, step, explanations, evidence, draft, signature, generated_at)
    atomic_write_bytes(out, report.data)
    step()

    result = RenderedPdf(out)
    result.missing_glyphs = report.missing_glyphs
    result.pages = report.pages
    result.draft = draft
    result.outline = report.outline
    step.finish()
    return result


@dataclass(frozen=True)
class PdfReport:
    """The report as bytes (what :func:`render_pdf` writes) and what to tell the user about it."""

    data: bytes
    missing_glyphs: frozenset[str]
    pages: int
    draft: bool
    outline: tuple[tuple[str, int, int], ...]


def pdf_bytes(
    spec: FormSpec,
    evaluation: Evaluation,
    *,
    explanations: dict[str, Explanation] | None = None,
    evidence: list[dict[str, Any]] | None = None,
    draft: bool = False,
    signature: dict[str, Any] | None = None,
    generated_at: dt.datetime | None = None,
) -> PdfReport:
    """:func:`render_pdf` without the file: for a caller that packs the report itself (the
    export), so no temporary copy is written, flushed to disk, read back and hashed again."""
    return _render(spec, evaluation, _Steps(None), explanations, evidence, draft, signature, generated_at)


def _render(
    spec: FormSpec,
    evaluation: Evaluation,
    step: _Steps,
    explanations: dict[str, Explanation] | None,
    evidence: list[dict[str, Any]] | None,
    draft: bool,
    signature: dict[str, Any] | None,
    generated_at: dt.datetime | None,
) -> PdfReport:
    font = register_pdf_font()
    ctx = RenderContext.create(spec, evaluation, make_styles(font))
    if evidence is None:
        evidence = [e.model_dump() for e in evaluation.document.evidence]
    if explanations is None:
        explanations = explain_all(spec, evaluation.values, ctx.env, evidence)
    ctx.anchors = {path: f"calc-{n}" for n, path in enumerate(explanations)}
    generated_at = generated_at or dt.datetime.now().astimezone()
    step()

    story: list[Flowable] = cover_story(ctx, draft=draft, generated_at=generated_at)
    story += body_story(ctx)
    step()
    story += explain_story(ctx, explanations)
    step()
    findings, glyph_slot = findings_story(ctx)
    story_tail = evidence_story(ctx, evidence) + signoff_story(ctx, signature)
    step()

    furniture = PageFurniture(
        font, f"{ctx.title} · {ctx.period_label}", ctx.enterprise_name, draft, created=generated_at
    )
    ctx.texts.extend(furniture.texts())
    missing = missing_glyphs("".join(ctx.texts), font)
    if missing:
        findings.insert(glyph_slot, glyph_note(ctx, missing))
    story += findings + story_tail
    step()

    data = _build(story, ctx, furniture)
    step()
    return PdfReport(data, frozenset(missing), furniture.pages, draft, tuple(ctx.outline))


def _build(story: list[Flowable], ctx: RenderContext, furniture: PageFurniture) -> bytes:
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=PAGE_SIZE,
        title=f"{ctx.title} {ctx.period_label}",
        author=ctx.enterprise_name,
        subject=f"{ctx.spec.title}（{template_and_version(ctx.spec)}）",
        creator=f"{APP_NAME} {__version__}",
        # Same filing and time, same bytes: the document ID is a digest of the content (no random
        # ID), and the creation date is the report's own (``generated_at``, set by the canvas).
        invariant=True,
    )
    frame = Frame(
        MARGIN_LEFT,
        MARGIN_BOTTOM,
        FRAME_WIDTH,
        FRAME_HEIGHT,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    wide = Frame(
        MARGIN_LEFT,
        MARGIN_BOTTOM,
        LANDSCAPE_FRAME_WIDTH,
        LANDSCAPE_FRAME_HEIGHT,
        id="wide",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates(
        [
            PageTemplate(id=PORTRAIT_TEMPLATE, frames=[frame], pagesize=PAGE_SIZE),
            PageTemplate(id=LANDSCAPE_TEMPLATE, frames=[wide], pagesize=LANDSCAPE_SIZE),
        ]
    )
    try:
        doc.build(story, canvasmaker=canvas_maker(furniture))
    except LayoutError as exc:
        raise OutputError(
            f"报告排版失败：有一项内容过长，无法放进一页（{exc}）；请缩短该项文字后重试"
        ) from None
    return buffer.getvalue()


class _Steps:
    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.done = 0

    def __call__(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(min(self.done, _STEPS), _STEPS)

    def finish(self) -> None:
        self.done = _STEPS - 1
        self()
