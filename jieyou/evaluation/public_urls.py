from django.urls import path  # noqa: F401

# The public showing (公示) of published results.
urlpatterns = []
