"""Service points, the catalogue and the 15-minute circle under /points/ (namespace `points`)."""

from django.urls import path

from .views import catalogue, circle
from .views import points as views

urlpatterns = [
    path("", views.point_list, name="catalogue_points"),
    path("new/", views.point_new, name="catalogue_point_new"),
    path("<int:pk>/", views.point_detail, name="catalogue_point"),
    path("<int:pk>/edit/", views.point_edit, name="catalogue_point_edit"),
    path("<int:pk>/retire/", views.point_retire, name="catalogue_point_retire"),
    path("<int:pk>/poster/", views.point_poster, name="catalogue_poster"),
    path("<int:pk>/services/new/", views.service_new, name="catalogue_service_new"),
    path("<int:pk>/deliveries/new/", views.delivery_new, name="catalogue_delivery_new"),
    path("services/", catalogue.catalogue_search, name="catalogue_search"),
    path("services/<int:pk>/edit/", views.service_edit, name="catalogue_service_edit"),
    path("services/<int:pk>/retire/", views.service_retire, name="catalogue_service_retire"),
    path("circle/", circle.circle_list, name="catalogue_circle"),
    path("circle/<int:pk>/", circle.circle_community, name="catalogue_circle_community"),
]
