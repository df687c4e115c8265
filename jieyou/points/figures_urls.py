from django.urls import path

from .views import figures

urlpatterns = [
    path("community/", figures.community_home, name="community_home"),
    path("community/<int:area_id>/", figures.community_page, name="community"),
    path(
        "community/<int:area_id>/figures/<str:figure>/",
        figures.community_records,
        name="community_records",
    ),
]
