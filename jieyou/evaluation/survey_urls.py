from django.urls import path

from .views import surveys

# 民评 pages for evaluators under /evaluation/surveys/ (the ballot page itself is /s/).
urlpatterns = [
    path("", surveys.home, name="survey_home"),
    path("<int:subject_id>/", surveys.progress, name="survey_progress"),
    path("<int:subject_id>/invite/", surveys.invite, name="survey_invite"),
    path("<int:subject_id>/signals/", surveys.signal_list, name="survey_signals"),
]
