"""Meetings, visits, volunteers and events under /points/ (namespace `points`)."""

from django.urls import path

from .views import events, meetings, visits, volunteers

urlpatterns = [
    path("meetings/", meetings.meeting_list, name="meeting_list"),
    path("meetings/new/", meetings.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/suggest/", meetings.meeting_suggest, name="meeting_suggest"),
    path("visits/", visits.visit_list, name="visit_list"),
    path("visits/households/", visits.visit_households, name="visit_households"),
    path("visits/new/", visits.visit_new, name="visit_new"),
    path("visits/<int:pk>/", visits.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/concern/", visits.visit_concern, name="visit_concern"),
    path("volunteers/", volunteers.volunteer_list, name="volunteer_list"),
    path("volunteers/new/", volunteers.volunteer_form, name="volunteer_new"),
    path("volunteers/<int:pk>/", volunteers.volunteer_detail, name="volunteer_detail"),
    path("volunteers/<int:pk>/edit/", volunteers.volunteer_form, name="volunteer_edit"),
    path("volunteers/<int:pk>/retire/", volunteers.volunteer_retire, name="volunteer_retire"),
    path("volunteers/<int:pk>/activity/", volunteers.volunteer_activity, name="volunteer_activity"),
    path("events/", events.event_list, name="event_list"),
    path("events/calendar/", events.event_calendar, name="event_calendar"),
    path("events/new/", events.event_form, name="event_new"),
    path("events/<int:pk>/", events.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", events.event_form, name="event_edit"),
    path("events/<int:pk>/delete/", events.event_delete, name="event_delete"),
]
