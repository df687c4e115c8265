from django.urls import path  # noqa: F401

# The public ballot page /s/<token>: no account, one answer per token.
urlpatterns = []
