"""The mypy ratchet (scripts/mypy_ratchet.py): a file may not gain errors of a code; line shifts
and fixes never fail it."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("mypy_ratchet", ROOT / "scripts" / "mypy_ratchet.py")
assert _spec and _spec.loader
ratchet = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ratchet)

TODAY = """\
cets_desktop/io/xlsx_template.py:451: error: Argument 1 to "_put" has incompatible type "Cell | MergedCell"; expected "Cell"  [arg-type]
cets_desktop/io/xlsx_template.py:505: error: Argument 1 to "_put" has incompatible type "Cell | MergedCell"; expected "Cell"  [arg-type]
cets_desktop/io/pdf_findings.py:102: error: Incompatible return value type (got "list[Paragraph]", expected "list[Flowable]")  [return-value]
cets_desktop/io/pdf_findings.py:102: note: "list" is invariant -- see https://mypy.readthedocs.io/en/stable/common_issues.html#variance
cets_desktop/cli.py:433: error: Unsupported operand type for unary - ("object")  [operator]
"""


def _run(tmp_path: Path, output: str, mode: str | None = None) -> int:
    out = tmp_path / "mypy.txt"
    out.write_text(output, encoding="utf-8")
    args = ["--output", str(out), "--baseline", str(tmp_path / "baseline.json")]
    return int(ratchet.main(args + ([mode] if mode else [])))


def _baseline(tmp_path: Path) -> dict[str, dict[str, int]]:
    data = json.loads((tmp_path / "baseline.json").read_text(encoding="utf-8"))
    errors: dict[str, dict[str, int]] = data["errors"]
    assert data["total"] == sum(n for codes in errors.values() for n in codes.values())
    return errors


def test_baseline_counts_errors_per_file_and_code_not_notes(tmp_path: Path) -> None:
    assert _run(tmp_path, TODAY, mode="--reset") == 0
    assert _baseline(tmp_path) == {
        "cets_desktop/cli.py": {"operator": 1},
        "cets_desktop/io/pdf_findings.py": {"return-value": 1},
        "cets_desktop/io/xlsx_template.py": {"arg-type": 2},
    }


def test_same_errors_on_other_lines_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _run(tmp_path, TODAY, mode="--reset")
    shifted = TODAY.replace(":451:", ":470:").replace(":505:", ":530:").replace(":433:", ":12:")
    assert _run(tmp_path, shifted) == 0
    assert "mypy ratchet ok: 4 errors, baseline 4" in capsys.readouterr().out


def test_a_new_error_fails_and_is_printed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _run(tmp_path, TODAY, mode="--reset")
    capsys.readouterr()
    new = 'cets_desktop/io/xlsx_template.py:740: error: Argument 1 to "_put" has incompatible type "Cell | MergedCell"; expected "Cell"  [arg-type]\n'
    assert _run(tmp_path, TODAY + new) == 1
    out = capsys.readouterr().out
    assert "cets_desktop/io/xlsx_template.py [arg-type]: 3 errors, baseline allows 2" in out
    assert "xlsx_template.py:740" in out
    assert "mypy ratchet FAILED: 5 errors, baseline 4" in out


def test_a_new_code_in_a_clean_file_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _run(tmp_path, TODAY, mode="--reset")
    new = "cets_desktop/core/rules.py:10: error: Function is missing a return type annotation  [no-untyped-def]\n"
    assert _run(tmp_path, TODAY + new) == 1
    assert (
        "cets_desktop/core/rules.py [no-untyped-def]: 1 errors, baseline allows 0" in capsys.readouterr().out
    )


def test_fixed_errors_pass_and_suggest_lowering_the_baseline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _run(tmp_path, TODAY, mode="--reset")
    fewer = "\n".join(line for line in TODAY.splitlines() if ":505:" not in line and "cli.py" not in line)
    assert _run(tmp_path, fewer) == 0
    out = capsys.readouterr().out
    assert "cets_desktop/io/xlsx_template.py [arg-type]: 1 (baseline 2)" in out
    assert "cets_desktop/cli.py [operator]: 0 (baseline 1)" in out


def test_update_only_lowers_and_never_adds(tmp_path: Path) -> None:
    _run(tmp_path, TODAY, mode="--reset")
    one_fixed = "\n".join(line for line in TODAY.splitlines() if ":505:" not in line)
    new = "cets_desktop/core/rules.py:10: error: Function is missing a return type annotation  [no-untyped-def]\n"
    assert _run(tmp_path, one_fixed + "\n" + new + TODAY.splitlines()[-1] + "\n", mode="--update") == 0
    after = _baseline(tmp_path)
    assert after["cets_desktop/io/xlsx_template.py"] == {"arg-type": 1}  # lowered
    assert "cets_desktop/core/rules.py" not in after  # the new error is not let in
    assert _run(tmp_path, one_fixed + "\n" + new) == 1


def test_windows_paths_count_as_the_same_file(tmp_path: Path) -> None:
    _run(tmp_path, TODAY, mode="--reset")
    assert _run(tmp_path, TODAY.replace("cets_desktop/io/", "cets_desktop\\io\\")) == 0


def test_the_committed_baseline_is_well_formed() -> None:
    data = json.loads((ROOT / "scripts" / "mypy_baseline.json").read_text(encoding="utf-8"))
    counts = [n for codes in data["errors"].values() for n in codes.values()]
    assert data["total"] == sum(counts) and all(n > 0 for n in counts)
    assert all(Path(ROOT, f).suffix == ".py" for f in data["errors"])
