from django.urls import path

from huzhu.contracts import views

app_name = "contracts"
urlpatterns = [
    path("contracts/", views.contract_list, name="list"),
    path("units/<str:code>/enrol/", views.enrol, name="enrol"),
    path("contracts/<str:public_id>/", views.contract_detail, name="detail"),
    path("contracts/<str:public_id>/submit/", views.submit, name="submit"),
    path("contracts/<str:public_id>/confirm-fee/", views.confirm_fee, name="confirm_fee"),
    path("contracts/<str:public_id>/cancel/", views.cancel, name="cancel"),
    path("contracts/<str:public_id>/renew/", views.renew, name="renew"),
    path("contracts/<str:public_id>/certificate.pdf", views.certificate_pdf, name="certificate"),
]
