from django.urls import path

from .views import ballot

# The public ballot page /s/<token>/: no account, one answer per token.
urlpatterns = [
    path("", ballot.enter, name="ballot_enter"),
    path("thanks/", ballot.thanks, name="ballot_thanks"),
    path("<str:token>/", ballot.page, name="ballot_page"),
]
