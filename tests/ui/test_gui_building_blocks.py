"""The small pieces under the GUI: self-test, background helper, paths, paste, applicability."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest

from cets_desktop.core.applicability import assess
from cets_desktop.core.loader import default_registry
from cets_desktop.ui import instance_paths
from cets_desktop.ui.background import CancelledError, CancelToken, run_in_background
from cets_desktop.ui.clipboard_paste import apply_paste, parse_clipboard


def test_qt_self_test_reports_chinese_rendering_and_translations(qapp) -> None:
    from cets_desktop.ui.selftest import qt_checks

    checks = qt_checks()
    assert checks["platform"] == "offscreen"
    assert checks["cjk_font"]
    assert checks["cjk_renders"] is True
    assert checks["qtbase_zh_CN_loaded"] is True
    assert checks["ok"] is True


def test_background_job_reports_result_and_progress_on_the_gui_thread(qtbot) -> None:
    gui_thread = threading.get_ident()
    seen: dict[str, object] = {}

    def op(progress, cancelled):  # type: ignore[no-untyped-def]
        seen["worker"] = threading.get_ident()
        progress(1, 2)
        return "完成"

    def done(result: str) -> None:
        seen["done_thread"] = threading.get_ident()
        seen["result"] = result

    steps: list[tuple[int, int]] = []
    job = run_in_background(
        op, done, lambda exc: seen.setdefault("error", exc), lambda d, t: steps.append((d, t))
    )
    qtbot.waitUntil(lambda: job.finished, timeout=5000)
    assert seen["result"] == "完成"
    assert seen["worker"] != gui_thread
    assert seen["done_thread"] == gui_thread
    qtbot.waitUntil(lambda: steps == [(1, 2)], timeout=2000)


def test_background_job_passes_failures_and_cancellation_to_on_error(qtbot) -> None:
    errors: list[BaseException] = []

    def boom(progress, cancelled):  # type: ignore[no-untyped-def]
        raise ValueError("文件已损坏")

    job = run_in_background(boom, lambda r: None, errors.append)
    qtbot.waitUntil(lambda: job.finished, timeout=5000)
    assert isinstance(errors[0], ValueError)

    token = CancelToken()

    def slow(progress, cancelled):  # type: ignore[no-untyped-def]
        while not cancelled():
            time.sleep(0.01)
        raise RuntimeError("stopped")

    job = run_in_background(slow, lambda r: None, errors.append, cancel=token)
    token.cancel()
    qtbot.waitUntil(lambda: job.finished, timeout=5000)
    assert isinstance(errors[-1], CancelledError)


def test_instance_paths_read_and_write_nested_rows() -> None:
    values: dict = {"units": [{"unit_name": "1号机组", "fuels": [{"fuel_name": "烟煤"}]}]}
    assert instance_paths.parse("units[0].fuels[0].consumption") == ["units", 0, "fuels", 0, "consumption"]
    assert instance_paths.schema_path("units[0].fuels[1].ncv") == "units[].fuels[].ncv"
    instance_paths.set_value(values, "units[0].fuels[0].consumption", "152340.50")
    assert instance_paths.get(values, "units[0].fuels[0].consumption") == "152340.50"
    instance_paths.set_value(values, "units[0].fuels[0].consumption", None)
    assert "consumption" not in values["units"][0]["fuels"][0]
    assert instance_paths.is_under("units[0].fuels[0].ncv", "units[0]")
    assert not instance_paths.is_under("units[10].x", "units[1]")


def test_paste_keeps_invalid_text_and_maps_choice_labels() -> None:
    spec = default_registry().get("power-monthly")
    assert spec is not None
    fuels = spec.field("units[].fuels[]")
    columns = [
        f for f in fuels.data_fields() if f.type not in ("repeat", "group", "note") and not f.calculation
    ]
    grid = parse_clipboard("烟煤\t152,340.50\t实测值\r\n柴油\t约35\t缺省值\r\n")
    result = apply_paste(spec, [{"fuel_name": "褐煤"}], columns, 0, 0, grid, dict)
    assert result.added_rows == 1
    assert result.rows[0]["fuel_name"] == "烟煤"
    assert result.rows[0]["consumption"] == "152340.50"
    assert result.rows[1]["consumption"] == "约35"  # kept as typed, reported
    assert any("约35" in p for p in result.problems)


@pytest.mark.parametrize(
    ("code", "emissions", "covered", "expect"),
    [
        ("4411", Decimal(300000), True, "月度信息化存证"),
        ("2614", Decimal(50000), True, "补充数据核算报告"),
        ("3011", Decimal(20000), False, None),
        ("1234", None, False, None),
    ],
)
def test_applicability_uses_industry_code_and_threshold(
    code: str, emissions: Decimal | None, covered: bool, expect: str | None
) -> None:
    result = assess(code, emissions)
    assert result.covered is covered
    if expect:
        assert any(expect in f for f in result.filings)


def test_captive_power_plant_makes_any_industry_a_power_unit() -> None:
    result = assess("2621", Decimal(40000), captive_power=True)
    assert "power" in result.sectors and "other" in result.sectors
    assert any("月度信息化存证" in f for f in result.filings)
