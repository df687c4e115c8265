from django.urls import path

from . import views

app_name = "party"
urlpatterns = [
    path("", views.org_tree, name="orgs"),
    path("orgs/<int:pk>/", views.org_detail, name="org"),
    path("orgs/<int:pk>/figures/<str:name>/", views.figure_records, name="figure"),
    path("orgs/<int:pk>/summary.xlsx", views.org_workbook, name="workbook"),
    path("members/", views.member_list, name="members"),
    path("members/new/", views.member_create, name="member_create"),
    path("members/<int:pk>/", views.member_detail, name="member"),
    path("members/<int:pk>/advance/", views.member_advance, name="member_advance"),
    path("activities/", views.activity_list, name="activities"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/attendees/", views.attendee_choices, name="attendee_choices"),
    path("activities/<int:pk>/", views.activity_detail, name="activity"),
    path("responsibility/", views.responsibility_list, name="responsibility"),
    path("responsibility/<int:pk>/", views.item_detail, name="item"),
    path("responsibility/<int:pk>/progress/", views.item_progress, name="item_progress"),
    path("responsibility/<int:pk>/check/", views.item_check, name="item_check"),
    path("responsibility/checks/<int:pk>/rectified/", views.check_rectified, name="rectified"),
    path("firms/", views.firm_list, name="firms"),
    path("firms/<int:pk>/", views.firm_detail, name="firm"),
]
