from django.urls import path

from . import views

app_name = "places"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("grids/", views.grid_list, name="grids"),
]
