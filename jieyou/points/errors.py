from django.core.exceptions import ValidationError


class PointsError(ValidationError):
    """A refused change to the service points' records; messages name the field in Chinese."""
