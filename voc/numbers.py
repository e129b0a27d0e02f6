"""Numbers written the Vietnamese way: 1.234,5 (dot for thousands, comma for decimals)."""


def vn_number(value: float, digits: int = 0) -> str:
    text = f"{value:,.{digits}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def vn_p_value(p: float) -> str:
    """A test's p-value as a reader wants it: "p < 0,001" when tiny, else three decimals."""
    return "p < 0,001" if p < 0.001 else f"p = {vn_number(p, 3)}"


def vn_percent(value: float, digits: int = 1) -> str:
    """A percentage already on the 0-100 scale: 57,1%."""
    return f"{vn_number(value, digits)}%"
