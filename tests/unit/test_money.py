import pytest

from ledger.domain.errors import ErrorCode, LedgerError
from ledger.domain.money import MAX_AMOUNT, Money, parse_asset, require_positive


@pytest.mark.parametrize("asset", ["CNY", "CREDITS", "COUPON:T-100", "GOODS:sku.42", "COUPON:a"])
def test_known_assets_are_accepted_as_written(asset):
    assert parse_asset(asset) == asset


@pytest.mark.parametrize("asset", ["", "cny", "USD", "COUPON:", "COUPON", "GOODS:has space", "COUPON:" + "x" * 65,
                                   "TICKET:1", "COUPON:-lead"])
def test_other_assets_are_refused_with_the_field_named(asset):
    with pytest.raises(LedgerError) as refused:
        parse_asset(asset)
    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID_INPUT, "asset")


@pytest.mark.parametrize("amount", [0, -1, MAX_AMOUNT + 1, True])
def test_amounts_must_be_positive_64_bit_integers(amount):
    with pytest.raises(LedgerError) as refused:
        require_positive(amount)
    assert refused.value.code is ErrorCode.INVALID_AMOUNT


@pytest.mark.parametrize(("amount", "asset", "text"), [
    (123456, "CNY", "¥1,234.56"), (5, "CNY", "¥0.05"), (-100, "CNY", "-¥1.00"),
    (1200, "CREDITS", "1,200 CREDITS"), (3, "COUPON:T1", "3 COUPON:T1"),
])
def test_money_is_formatted_for_people(amount, asset, text):
    assert Money(amount, asset).formatted() == text
