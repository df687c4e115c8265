"""实看 under /evaluation/inspections/: the draw and plans for managers, tasks for inspectors."""

from django.urls import path

from .views import inspections

urlpatterns = [
    path("", inspections.plan_list, name="inspection_plans"),
    path("draw/", inspections.plan_draw, name="inspection_draw"),
    path("plans/<int:pk>/", inspections.plan_detail, name="inspection_plan"),
    path("tasks/", inspections.task_list, name="inspection_tasks"),
    path("tasks/<int:pk>/", inspections.task_detail, name="inspection_task"),
    path("tasks/<int:pk>/record/", inspections.task_record, name="inspection_record"),
    path("photos/<int:pk>/", inspections.photo, name="inspection_photo"),
]
