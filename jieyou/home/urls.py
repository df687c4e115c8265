from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("prefs/large-text/", views.toggle_large_text, name="large_text"),
]
