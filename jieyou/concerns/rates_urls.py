from django.urls import path

from . import rates_views

app_name = "rates"
urlpatterns = [
    path("", rates_views.rates_page, name="page"),
    path("export.xlsx", rates_views.rates_export, name="export"),
]
