import pytest

from api.ids import decode_cursor, decode_id, decode_id_of, encode_cursor, encode_id
from api.scalars import parse_minor_units


def test_global_ids_round_trip_and_name_their_type():
    assert decode_id(encode_id("Reward", 42)) == ("Reward", 42)
    assert decode_id_of("Reward", encode_id("Reward", 42)) == 42
    assert decode_id_of("Campaign", encode_id("Reward", 42)) is None


@pytest.mark.parametrize("garbage", ["", "!!!", "UmV3YXJk", encode_id("Reward", 0), "UmV3YXJkOi0x",
                                     "UmV3YXJkOjk5OTk5OTk5OTk5OTk5OTk5OTk5", "Q2FtcGFpZ246YWJj", "\u00e9\u00e9"])
def test_undecodable_ids_are_none_never_an_exception(garbage):
    assert decode_id(garbage) is None


def test_cursors_round_trip_and_reject_ids():
    assert decode_cursor(encode_cursor(7)) == 7
    assert decode_cursor(encode_id("Reward", 7)) is None
    assert decode_cursor("not-a-cursor") is None


@pytest.mark.parametrize(("value", "expected"), [("1250", 1250), (1250, 1250), ("-5", -5),
                                                  ("9223372036854775807", 2**63 - 1)])
def test_minor_units_accept_digits_and_ints(value, expected):
    assert parse_minor_units(value) == expected


@pytest.mark.parametrize("value", ["1.5", "1e3", "abc", "", " 12", "9223372036854775808", 2**63, True, 1.0, None])
def test_minor_units_refuse_everything_else(value):
    with pytest.raises(ValueError):
        parse_minor_units(value)
