"""Numbers written the Vietnamese way: 1.234,5 (dot for thousands, comma for decimals)."""


def vn_number(value: float, digits: int = 0) -> str:
    text = f"{value:,.{digits}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")
