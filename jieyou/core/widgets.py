"""Form widgets shared by every app's forms."""

from django import forms


class DateInput(forms.DateInput):
    """A date picker; its value is always ISO (the zh-hans input format 2024/06/01 would leave
    the browser's picker empty)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")
