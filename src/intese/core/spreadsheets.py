"""Helpers for files people open in spreadsheets."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(values: list) -> list:
    """Prefix with a quote every text cell a spreadsheet would run as a formula (CSV injection)."""
    return [f"'{v}" if isinstance(v, str) and v.startswith(FORMULA_STARTS) else v for v in values]


class Echo:
    """A file-like object that hands back what is written: csv.writer into a streamed response."""

    def write(self, value):
        return value
