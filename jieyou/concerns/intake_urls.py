"""Addresses of intake: the public form (/c/), tracking (/t/), staff intake, imports, photos."""

from django.urls import path

from . import intake_views as views

app_name = "intake"
urlpatterns = [
    path("c/<int:area_id>/", views.public_form, name="public"),
    path("c/<int:area_id>/similar/", views.public_similar, name="public_similar"),
    path("t/<str:code>", views.track, name="track"),
    path("concerns/intake/", views.staff_form, name="staff"),
    path("concerns/intake/residents/", views.staff_residents, name="residents"),
    path("concerns/intake/similar/", views.staff_similar, name="similar"),
    path("concerns/import-12345/", views.import_orders, name="import_12345"),
    path("concerns/photo/<str:token>", views.photo, name="photo"),
]
