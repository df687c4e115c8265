"""What every app's forms do alike: an action's error shown on the field it names."""

from django import forms
from django.core.exceptions import ValidationError


def add_action_error(form: forms.Form, error: ValidationError) -> None:
    """Put an action's error on the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.error_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error)


def errors_of(form: forms.Form) -> dict[str, list[str]]:
    return {field: [str(m) for m in messages] for field, messages in form.errors.items()}
