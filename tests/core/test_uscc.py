"""Unified social credit code check digit (GB 32100-2015)."""

import pytest

from cets_desktop.core.uscc import check_digit, complete, uscc_problem


def test_published_example_code_is_valid() -> None:
    # 91350100M000100Y43 is the example printed on a licence sample (check digit 3).
    assert check_digit("91350100M000100Y4") == "3"
    assert uscc_problem("91350100M000100Y43") is None


def test_lower_case_and_spaces_are_tolerated() -> None:
    assert uscc_problem(" " + complete("91310115MA1K3P7Q8").lower() + " ") is None


@pytest.mark.parametrize(
    "code, words",
    [
        ("", "未填写"),
        ("9135010", "18 位"),
        ("91350100M000100Y4I", "不允许的字符"),
        ("91350100M000100Y44", "校验位不符"),
        ("91AB0100M000100Y43", "行政区划码"),
    ],
)
def test_bad_codes_say_what_is_wrong(code: str, words: str) -> None:
    problem = uscc_problem(code)
    assert problem is not None and words in problem
