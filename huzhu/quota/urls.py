from django.urls import path

from huzhu.quota import views

app_name = "quota"
urlpatterns = [
    path("quota/", views.board, name="board"),
    path("quota/pending-units/", views.pending_units, name="pending"),
    path("units/<str:code>/free-shares/", views.apply, name="apply"),
    path("units/<str:code>/free-shares/apply/", views.submit, name="submit"),
]
