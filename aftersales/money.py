"""Money as printed on documents: the Chinese capital amount 大写金额 of an amount in yuan (人民币).

The rules are the PBOC's for bills and settlement vouchers (《正确填写票据和结算凭证的基本规定》),
with one choice fixed wherever they allow two, so the same amount always prints the same:

- ``元整`` after a whole amount (``拾元整``); ``整`` also after an amount ending in 角 (``伍角整``, as
  the issue's example 壹仟柒佰伍拾柒元伍角整), never after 分.
- A leading ten keeps its ``壹``: ``壹拾元整``, ``壹拾万元整`` — a bare ``拾`` invites a digit written in
  front of it, which is why cheques require ``壹拾``.
- One ``零`` for each run of zeros between two written digits, across 万 and 亿 too (``壹万零壹拾元整``,
  ``壹仟零壹元整``), and a ``零`` after ``元`` when the unit digit is 0 and 角 follows
  (``壹亿元零壹角整``, ``壹仟陆佰捌拾元零叁角贰分``) or when 角 is 0 and 分 follows (``叁佰贰拾伍元零肆分``).
  The rules allow leaving the first out; writing it is the stricter form.
- Under one yuan nothing is written for the yuan: ``伍分``, ``伍角整``. Zero is ``零元整``.
- A negative amount (a credit) is prefixed ``负``.

Only exact amounts are accepted: a ``Decimal`` (or an ``int``) in whole 分. A float is refused
(``TypeError``) because its binary value is not the amount written; NaN, infinities and fractions of a
分 are refused (``ValueError``).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACES = ("", "拾", "佰", "仟")
SECTIONS = ("", "万", "亿")
#: Up to 9,999 亿 (the largest amount a 14-digit, 2-place money field holds is below this).
LIMIT = Decimal(10) ** 12
CENT = Decimal("0.01")


def _integer_words(yuan: int) -> str:
    """The whole yuan as capitals (without 元); ``yuan`` is between 1 and 10¹² − 1."""
    digits = str(yuan)
    words: list[str] = []
    zero_pending = False
    section_has_digit = False
    for index, char in enumerate(digits):
        position = len(digits) - 1 - index
        digit = int(char)
        if digit == 0:
            # A zero is written only once a later digit shows it was a gap, never at the end.
            zero_pending = bool(words)
        else:
            if zero_pending:
                words.append(DIGITS[0])
                zero_pending = False
            words.append(DIGITS[digit] + PLACES[position % 4])
            section_has_digit = True
        if position % 4 == 0:
            if section_has_digit:
                words.append(SECTIONS[position // 4])
            section_has_digit = False
    return "".join(words)


def rmb_capital(amount: Decimal) -> str:
    """大写金额: ``Decimal("1757.50")`` → ``"壹仟柒佰伍拾柒元伍角整"`` (see the module for the conventions)."""
    if isinstance(amount, bool) or not isinstance(amount, (Decimal, int)):
        raise TypeError(f"rmb_capital() takes a Decimal amount, not {type(amount).__name__}")
    amount = Decimal(amount)
    if not amount.is_finite():
        raise ValueError(f"Not an amount of money: {amount}")
    cents_exact = amount.quantize(CENT)
    if cents_exact != amount:
        raise ValueError(f"{amount} is not a whole number of fen (分)")
    if abs(cents_exact) >= LIMIT:
        raise ValueError(f"{amount} is too large for a Chinese capital amount")
    sign = "负" if cents_exact < 0 else ""
    total_cents = int(abs(cents_exact) * 100)
    yuan, cents = divmod(total_cents, 100)
    jiao, fen = divmod(cents, 10)

    if yuan == 0 and cents == 0:
        return "零元整"
    words = ""
    if yuan:
        words = _integer_words(yuan) + "元"
    if cents == 0:
        return sign + words + "整"
    if jiao:
        # 元 followed by 角 when the unit digit is zero: the gap is a 零 (壹亿元零壹角).
        if yuan and yuan % 10 == 0:
            words += DIGITS[0]
        words += DIGITS[jiao] + "角"
    elif yuan:
        words += DIGITS[0]
    if fen:
        words += DIGITS[fen] + "分"
    else:
        words += "整"
    return sign + words


def to_amount(value) -> Decimal:
    """An amount as an exact Decimal in whole 分 (half up), from a Decimal, an int or a decimal string.

    A float is refused (``TypeError``): SQLite hands sums of money back as REAL, and printing that float is how
    ``¥2391.90000000000`` reached a page. Sum with ``output_field=DecimalField`` and quantize at the source instead.
    """
    if isinstance(value, (bool, float)):
        raise TypeError(f"Money must be a Decimal, not {type(value).__name__}")
    if isinstance(value, str):
        value = Decimal(value)
    if not isinstance(value, (Decimal, int)):
        raise TypeError(f"Money must be a Decimal, not {type(value).__name__}")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(value) -> str:
    """Money as every page, document, export and message prints it: ``¥2,391.90``, ``-¥15.00``; ``—`` for none.

    The one place that decides the look of an amount (two places, thousands separators, the yuan sign before the
    digits and a minus before the sign), so pages, PDFs, e-mails and notifications cannot drift apart.
    """
    if value is None or value == "":
        return "—"
    amount = to_amount(value)
    if amount < 0:
        return f"-¥{-amount:,.2f}"
    return f"¥{amount:,.2f}"
