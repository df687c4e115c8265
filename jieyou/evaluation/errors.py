from django.core.exceptions import ValidationError


class EvaluationError(ValidationError):
    """A refused change to an evaluation; messages name the field and the rule in Chinese."""
