"""The public showing (公示) of published results, without an account."""

from django.urls import path

from .views import public

urlpatterns = [
    path("", public.cycle_index, name="evaluation_public_index"),
    path("<int:cycle_id>/", public.cycle_public, name="evaluation_public_cycle"),
]
