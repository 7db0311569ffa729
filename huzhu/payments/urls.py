from django.urls import path

from huzhu.payments import views

app_name = "payments"
urlpatterns = [
    path("payments/", views.payment_list, name="list"),
    path("payments/batches/", views.batch_create, name="create"),
    path("payments/batches/<str:code>/", views.batch_detail, name="batch"),
    path("payments/batches/<str:code>/export.xlsx", views.batch_export, name="export"),
    path(
        "payments/batches/<str:code>/<str:claim_number>/result/",
        views.payment_result,
        name="result",
    ),
    path("payments/reissue/<str:claim_number>/", views.reissue, name="reissue"),
    path("payments/batches/<str:code>/results/", views.bank_results, name="bank_results"),
    path("payments/batches/<str:code>/approve/", views.batch_approve, name="approve"),
    path("payments/batches/<str:code>/withdraw/", views.batch_withdraw, name="withdraw"),
]
