"""Unified social credit code (统一社会信用代码), GB 32100-2015: shape and check digit."""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 symbols: no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_digit(first17: str) -> str:
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def uscc_problem(code: str | None) -> str | None:
    """None when valid, else a Chinese sentence saying what is wrong and what to do."""
    if code is None or not str(code).strip():
        return "统一社会信用代码未填写；请按营业执照填写 18 位代码"
    text = str(code).strip().upper()
    if len(text) != 18:
        return f"统一社会信用代码应为 18 位，现为 {len(text)} 位；请按营业执照核对"
    bad = [ch for ch in text if ch not in ALPHABET]
    if bad:
        return f"统一社会信用代码含不允许的字符「{''.join(dict.fromkeys(bad))}」（不使用 I、O、S、V、Z）；请按营业执照核对"
    if not text[2:8].isdigit():
        return "统一社会信用代码第 3–8 位应为行政区划码（数字）；请按营业执照核对"
    expected = check_digit(text[:17])
    if text[17] != expected:
        return f"统一社会信用代码校验位不符（第 18 位应为 {expected}，按 GB 32100-2015 计算）；请核对是否抄错"
    return None


def complete(first17: str) -> str:
    """Append the check digit (demo data and tests)."""
    return first17 + check_digit(first17)
