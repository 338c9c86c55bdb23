"""Small files with a huge cost are refused or bounded; parser and OS errors are one Chinese line.

Before: a zip bomb took GBs of memory, a FIFO hung forever, a link to /dev/zero ate memory,
100,000 rows printed 600,000 findings, a 1,000-deep JSON or a deflate error was an internal
error, EFBIG on export printed a traceback, and an unwritable crash log printed another.
"""

from __future__ import annotations

import copy
import errno
import json
import os
import re
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hardening_helpers import one_chinese_line, run_cli

from cets_desktop import cli
from cets_desktop.core.coerce import MAX_REPEAT_ROWS
from cets_desktop.core.document import parse_document
from cets_desktop.core.findings import MAX_PER_CODE, summarize
from cets_desktop.core.rules import evaluate
from cets_desktop.io.workbook_open import MAX_PART
from cets_desktop.io.xlsx_import import ImportFailure, read_workbook
from cets_desktop.workflow.definitions import definition_of


def evaluate_doc(data: dict[str, Any]) -> Any:
    doc = parse_document(data)
    return evaluate(definition_of(doc), doc)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path, filled_october: Path) -> None:
    bomb = tmp_path / "小文件.xlsx"
    with zipfile.ZipFile(filled_october) as zin, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename != "xl/worksheets/sheet4.xml":
                zout.writestr(info, zin.read(info.filename))
        with zout.open("xl/worksheets/sheet4.xml", "w") as fh:
            chunk = b"<row/>" * (1 << 17)
            for _ in range(MAX_PART // len(chunk) + 2):
                fh.write(chunk)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    started = time.monotonic()
    with pytest.raises(ImportFailure, match="解压后"):
        read_workbook(bomb)
    assert time.monotonic() - started < 5


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFO")
def test_a_fifo_or_a_device_is_refused_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "管道.xlsx"
    os.mkfifo(fifo)
    zero = tmp_path / "零.json"
    zero.symlink_to("/dev/zero")
    for path in (fifo, zero):
        result = run_cli("validate", str(path), timeout=60)
        assert result.returncode == 2
        assert "不是普通文件" in one_chinese_line(result)


def test_rows_beyond_the_limit_are_one_finding_and_not_checked(october: dict[str, Any]) -> None:
    fuel = october["values"]["units"][0]["fuels"][0]
    october["values"]["units"][0]["fuels"] = [copy.deepcopy(fuel) for _ in range(MAX_REPEAT_ROWS + 500)]
    started = time.monotonic()
    ev = evaluate_doc(october)
    assert time.monotonic() - started < 60
    at_table = [f for f in ev.findings if f.path == "units[0].fuels"]
    assert [f.code for f in at_table] == ["GEN-002"] and f"{MAX_REPEAT_ROWS + 500:,} 行" in at_table[
        0
    ].message
    assert len(ev.values["units"][0]["fuels"]) == MAX_REPEAT_ROWS
    # The same fuel 2,000 times: repeated findings are capped per code, with one summary line.
    per_code: dict[str, int] = {}
    for f in ev.findings:
        per_code[f.code] = per_code.get(f.code, 0) + 1
    assert max(per_code.values()) <= MAX_PER_CODE + 1
    summaries = [f for f in ev.findings if f.more]
    assert summaries and all("及其他" in f.message for f in summaries)
    totals = summarize(ev.findings)
    assert sum(totals.values()) == len([f for f in ev.findings if not f.more]) + sum(
        f.more for f in summaries
    )


def test_a_two_million_character_remark_is_a_finding(october: dict[str, Any], tmp_path: Path) -> None:
    october["values"]["remarks"] = "备注" * 1_000_000
    ev = evaluate_doc(october)
    remark = [f for f in ev.findings if f.path == "remarks"]
    assert [f.code for f in remark] == ["GEN-002"] and "超过上限" in remark[0].message
    assert len(remark[0].message) < 200


def test_pdf_of_thousands_of_rows_is_bounded(october: dict[str, Any], tmp_path: Path) -> None:
    from cets_desktop.io.pdf_body import MAX_PDF_ROWS

    fuel = october["values"]["units"][0]["fuels"][0]
    october["values"]["units"][0]["fuels"] = [
        dict(copy.deepcopy(fuel), fuel_name=name) for name in ["烟煤", "褐煤", "无烟煤"] * 40
    ]
    src = tmp_path / "多行.json"
    src.write_text(json.dumps(october, ensure_ascii=False), encoding="utf-8")
    result = run_cli("pdf", str(src), "-o", str(tmp_path / "多行.pdf"), "--draft", timeout=300)
    assert result.returncode in (0, 1), result.stderr.decode()
    data = (tmp_path / "多行.pdf").read_bytes()
    assert data.startswith(b"%PDF") and MAX_PDF_ROWS == 300


def test_json_nested_1000_deep_is_unusable_input(tmp_path: Path) -> None:
    deep = tmp_path / "深.json"
    deep.write_text('{"form": "power-monthly", "values": ' + "[" * 1000 + "]" * 1000 + "}", encoding="utf-8")
    result = run_cli("validate", str(deep))
    assert result.returncode == 2 and "嵌套" in one_chinese_line(result)


def test_a_deflate_error_inside_a_workbook_is_one_line(tmp_path: Path, filled_october: Path) -> None:
    data = bytearray(filled_october.read_bytes())
    with zipfile.ZipFile(filled_october) as z:
        info = z.getinfo("xl/worksheets/sheet4.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 40, start + min(info.compress_size, 400)):
        data[i] ^= 0x5A  # the compressed stream itself, not the directory
    broken = tmp_path / "损坏.xlsx"
    broken.write_bytes(bytes(data))
    result = run_cli("import", str(broken))
    assert result.returncode == 2
    assert "损坏" in one_chinese_line(result)


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.EFBIG, "FAT32"),
        (errno.ENOSPC, "磁盘空间不足"),
        (errno.EACCES, "没有写入权限"),
        (errno.EIO, "存储设备"),
        (errno.EROFS, "只读"),
    ],
)
def test_os_errors_on_output_are_one_chinese_line(
    tmp_path: Path,
    october: dict[str, Any],
    code: int,
    words: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    src = tmp_path / "十月.json"
    src.write_text(json.dumps(october, ensure_ascii=False), encoding="utf-8")

    def failing_fsync(fd: int) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "fsync", failing_fsync)
    status = cli.main(["pdf", str(src), "-o", str(tmp_path / "报告.pdf"), "--draft"])
    err = capsys.readouterr().err.strip()
    assert status == 2 and len(err.splitlines()) == 1 and words in err and "Traceback" not in err
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # no half file left


def test_an_unwritable_crash_log_prints_no_traceback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import platformdirs

    blocker = tmp_path / "不是文件夹"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setattr(platformdirs, "user_log_dir", lambda *a, **k: str(blocker / "log"))

    def broken(_args: Any) -> int:
        raise ValueError("模拟的程序缺陷")

    monkeypatch.setattr(cli, "cmd_forms", broken)
    status = cli.main(["forms"])
    err = capsys.readouterr().err
    assert status == 2 and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err and "未能写入日志" in err


def test_generic_os_error_in_a_command_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def unplugged(_args: Any) -> int:
        raise OSError(errno.ENODEV, "No such device", "E:\\申报包.zip")

    monkeypatch.setattr(cli, "cmd_forms", unplugged)
    assert cli.main(["forms"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "内部错误" not in err and re.search(r"[\u4e00-\u9fff]", err)


def test_verify_of_a_manifest_nested_1000_deep_is_a_failed_verification(
    tmp_path: Path, october: dict[str, Any]
) -> None:
    october["evidence"] = []
    src = tmp_path / "十月.json"
    src.write_text(json.dumps(october, ensure_ascii=False), encoding="utf-8")
    package = tmp_path / "申报包.zip"
    assert run_cli("export", str(src), "-o", str(package), "--draft").returncode in (0, 1)
    deep = tmp_path / "嵌套.zip"
    with zipfile.ZipFile(package) as zin, zipfile.ZipFile(deep, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "manifest.json":
                data = ('{"files": ' + "[" * 1000 + "]" * 1000 + "}").encode()
            zout.writestr(info, data)
    result = run_cli("verify", str(deep))
    assert result.returncode == 1, result.stderr.decode()
    assert "manifest.json" in result.stdout.decode()
