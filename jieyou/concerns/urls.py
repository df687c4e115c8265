from django.urls import path

from . import views

app_name = "concerns"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("tasks/", views.task_list, name="tasks"),
    path("<int:pk>/", views.concern_detail, name="detail"),
    path("<int:pk>/<slug:action>/", views.concern_act, name="act"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_read, name="inbox_read_all"),
    path("inbox/<int:pk>/read/", views.inbox_read, name="inbox_read"),
]
