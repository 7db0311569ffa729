from django.urls import path, re_path

from huzhu.contracts import views

app_name = "contracts"
urlpatterns = [
    path("contracts/", views.contract_list, name="list"),
    path("units/<str:code>/enrol/", views.enrol, name="enrol"),
    path("contracts/<str:public_id>/", views.contract_detail, name="detail"),
    re_path(
        r"^contracts/(?P<public_id>[^/]+)/(?P<step>submit|confirm-fee|cancel|renew)/$",
        views.contract_step,
        name="step",
    ),
    path("contracts/<str:public_id>/certificate.pdf", views.certificate_pdf, name="certificate"),
]
