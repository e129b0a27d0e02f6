"""Numbers in Vietnamese notation."""
from voc.numbers import vn_number, vn_p_value


def test_thousands_take_a_dot_and_decimals_a_comma():
    assert vn_number(1234567) == "1.234.567"
    assert vn_number(2.5, 1) == "2,5"
    assert vn_number(1234.5678, 2) == "1.234,57"


def test_p_values_at_the_edges():
    assert vn_p_value(5.3e-06) == "p < 0,001"
    assert vn_p_value(0.001) == "p = 0,001"
    assert vn_p_value(0.0042) == "p = 0,004"
