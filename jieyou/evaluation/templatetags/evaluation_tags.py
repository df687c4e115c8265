from django import template

from jieyou.evaluation import grades

register = template.Library()


@register.filter
def grade_label(name):
    """A grade's name in the page's language (evaluation/grades.py)."""
    return grades.label(name) if name else name
