from django.urls import path

from .views import market, public

# Residents' pages of a point, opened from its QR poster: no account needed.
urlpatterns = [
    path("<int:pk>/", public.point_public, name="point_public"),
    path("<int:pk>/search/", public.point_public_search, name="point_public_search"),
    path("<int:pk>/market/ask/", market.public_ask, name="point_public_market_ask"),
]
