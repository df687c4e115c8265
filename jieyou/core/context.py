LARGE_TEXT_COOKIE = "jy_large_text"


def preferences(request):
    """Display preferences every page needs (the large-text mode for elderly users)."""
    return {"large_text": request.COOKIES.get(LARGE_TEXT_COOKIE) == "1"}
