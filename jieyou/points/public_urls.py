from django.urls import path  # noqa: F401

# Residents' pages of a point, opened from its QR poster: no account needed.
urlpatterns = []
