from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("residents/", views.resident_list, name="residents"),
    path("units/", views.unit_list, name="units"),
]
