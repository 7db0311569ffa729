from django.urls import path, re_path

from huzhu.claims import views

app_name = "claims"
urlpatterns = [
    path("claims/", views.claim_list, name="list"),
    path("claims/new/", views.claim_new, name="new"),
    path("claims/new/same-event/", views.claim_same_event, name="same_event"),
    path("claims/<str:number>/", views.claim_detail, name="detail"),
    path("claims/<str:number>/correct/", views.claim_correct, name="correct"),
    path("claims/<str:number>/documents/<str:item>/", views.upload_document, name="upload"),
    path("claims/<str:number>/documents/<str:item>/file", views.document_file, name="file"),
    path(
        "claims/<str:number>/documents/<str:item>/confirm/",
        views.confirm_statement,
        name="confirm",
    ),
    path(
        "claims/<str:number>/documents/<str:item>/paper/",
        views.receive_paper,
        name="paper",
    ),
    path("claims/<str:number>/actions/<str:action>/", views.claim_action, name="action"),
    re_path(
        r"^forms/(?P<form>application|power-of-attorney)\.pdf$", views.blank_form, name="blank"
    ),
    re_path(
        r"^claims/(?P<number>[^/]+)/(?P<form>application|power-of-attorney|payment-notice)\.pdf$",
        views.claim_pdf,
        name="pdf",
    ),
]
