"""The names of the grades in the page's language.

A cycle's bands are stored under their Chinese names (优秀, 良好, 一般, 较差 by default), and
results keep the name of their grade: the stored value stays the same whoever reads it, and
only its display is translated. A band named otherwise is shown as it was named.
"""

from django.utils.translation import pgettext_lazy

LABELS = {
    "优秀": pgettext_lazy("考核等次", "优秀"),
    "良好": pgettext_lazy("考核等次", "良好"),
    "一般": pgettext_lazy("考核等次", "一般"),
    "较差": pgettext_lazy("考核等次", "较差"),
}


def label(name: str) -> str:
    return str(LABELS.get(name, name))
