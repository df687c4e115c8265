"""The market book under /points/market/ (namespace `points`)."""

from django.urls import path

from .views import market as views

urlpatterns = [
    path("", views.market_list, name="market_list"),
    path("new/", views.market_new, name="market_new"),
    path("<int:pk>/", views.market_book, name="market_book"),
    path("<int:pk>/edit/", views.market_edit, name="market_edit"),
    path("<int:pk>/register/", views.market_register, name="market_register"),
    path("<int:pk>/closures/", views.market_closures, name="market_closures"),
    path("closures/<int:pk>/remove/", views.closure_remove, name="market_closure_remove"),
    path(
        "registrations/<int:pk>/cancel/",
        views.registration_cancel,
        name="market_registration_cancel",
    ),
    path("vendors/", views.vendor_list, name="market_vendors"),
    path("vendors/<int:pk>/reveal/", views.vendor_reveal, name="market_vendor_reveal"),
    path("seasonal/", views.seasonal_list, name="market_seasonal"),
    path("seasonal/<int:pk>/remove/", views.seasonal_remove, name="market_seasonal_remove"),
    path("ask/", views.market_ask, name="market_ask"),
]
