"""Writing cells that a spreadsheet will not run: every export of user text goes through here."""

# A cell starting with one of these is read by Excel or WPS as a formula (CSV/DDE injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
