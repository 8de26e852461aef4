"""大写金额: the Chinese capital amount printed on statements (aftersales.money.rmb_capital)."""

from decimal import Decimal

import pytest

from aftersales.money import rmb_capital


@pytest.mark.parametrize(
    ("amount", "capital"),
    [
        ("0", "零元整"),
        ("0.00", "零元整"),
        ("0.05", "伍分"),
        ("0.50", "伍角整"),
        ("0.55", "伍角伍分"),
        ("10", "壹拾元整"),
        ("16.00", "壹拾陆元整"),
        ("110", "壹佰壹拾元整"),
        ("1001", "壹仟零壹元整"),
        ("1757.50", "壹仟柒佰伍拾柒元伍角整"),
        ("1409.50", "壹仟肆佰零玖元伍角整"),
        ("1680.32", "壹仟陆佰捌拾元零叁角贰分"),
        ("325.04", "叁佰贰拾伍元零肆分"),
        ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
        ("10010", "壹万零壹拾元整"),
        ("20000.00", "贰万元整"),
        ("107000.53", "壹拾万零柒仟元零伍角叁分"),
        ("1000000", "壹佰万元整"),
        ("100000000.10", "壹亿元零壹角整"),
        ("100010000", "壹亿零壹万元整"),
        ("100000001", "壹亿零壹元整"),
        ("1010101010.10", "壹拾亿零壹仟零壹拾万零壹仟零壹拾元零壹角整"),
        ("999999999999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ],
)
def test_capital_amount_follows_the_accounting_convention(amount, capital):
    # given an exact amount in yuan
    value = Decimal(amount)

    # when it is written in capitals
    written = rmb_capital(value)

    # then it reads as on a PBOC settlement voucher
    assert written == capital


def test_negative_amounts_are_prefixed_and_negative_zero_is_zero():
    # given a credit and a negative zero
    # when / then
    assert rmb_capital(Decimal("-12.30")) == "负壹拾贰元叁角整"
    assert rmb_capital(Decimal("-0.05")) == "负伍分"
    assert rmb_capital(Decimal("-0.00")) == "零元整"


def test_whole_yuan_as_int_is_accepted_and_trailing_zeros_do_not_matter():
    # given the same amount written three ways
    # when / then
    assert rmb_capital(1001) == rmb_capital(Decimal("1001.00")) == rmb_capital(Decimal("1001.000")) == "壹仟零壹元整"


@pytest.mark.parametrize("amount", [10.0, 0.05, "10", None, True])
def test_anything_but_an_exact_amount_is_refused_with_type_error(amount):
    # given a float, a string, None or a bool
    # when / then it is refused before any conversion
    with pytest.raises(TypeError):
        rmb_capital(amount)


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity", "sNaN", "0.005", "1.001", "1000000000000"])
def test_non_finite_fractional_fen_and_too_large_amounts_are_refused(amount):
    # given a value that is no printable amount of money
    # when / then
    with pytest.raises(ValueError):
        rmb_capital(Decimal(amount))
