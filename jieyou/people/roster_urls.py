from django.urls import path

from . import roster_views

app_name = "roster"
urlpatterns = [
    path("", roster_views.roster_home, name="home"),
    path("<int:pk>/", roster_views.roster_result, name="result"),
    path("<int:pk>/problems.xlsx", roster_views.roster_problems, name="problems"),
    path("template.xlsx", roster_views.roster_template, name="template"),
    path("export.xlsx", roster_views.roster_download, name="export"),
]
