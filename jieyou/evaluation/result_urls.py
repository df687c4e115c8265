"""Results under /evaluation/: the managers' ranking and steps (score, publish, lock), the
score sheets, the appeals, and the subject's own results."""

from django.urls import path

from .views import appeals, results, sheet

urlpatterns = [
    path("results/", results.result_cycles, name="result_cycles"),
    path("cycles/<int:pk>/results/", results.cycle_results, name="result_cycle"),
    path("cycles/<int:pk>/results/score/", results.score, name="result_score"),
    path("cycles/<int:pk>/results/publish/", results.publish, name="result_publish"),
    path("cycles/<int:pk>/results/lock/", results.lock, name="result_lock"),
    path("subjects/<int:subject_id>/sheet/", sheet.sheet_page, name="sheet"),
    path("subjects/<int:subject_id>/sheet.pdf", sheet.sheet_pdf_view, name="sheet_pdf"),
    path("subjects/<int:subject_id>/sheet.xlsx", sheet.sheet_xlsx_view, name="sheet_xlsx"),
    path("appeals/", appeals.appeal_list, name="appeal_list"),
    path("appeals/<int:pk>/", appeals.appeal_detail, name="appeal_detail"),
    path("appeals/<int:pk>/decide/", appeals.appeal_decide, name="appeal_decide"),
    path("appeals/<int:pk>/evidence/", appeals.appeal_evidence, name="appeal_evidence"),
    path("mine/", appeals.mine, name="result_mine"),
    path("mine/<int:subject_id>/appeal/", appeals.appeal_new, name="appeal_new"),
]
