from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("residents/", views.resident_list, name="residents"),
    path("residents/new/", views.resident_create, name="resident_create"),
    path("residents/<int:pk>/", views.resident_detail, name="resident"),
    path("residents/<int:pk>/reveal/<str:field>/", views.resident_reveal, name="resident_reveal"),
    path("units/", views.unit_list, name="units"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("staff/", views.staff_list, name="staff"),
]
