from django.urls import path

from . import views

app_name = "places"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("areas/<int:pk>/", views.area_detail, name="area"),
    path("grids/", views.grid_list, name="grids"),
    path("grids/<int:pk>/", views.grid_detail, name="grid"),
]
