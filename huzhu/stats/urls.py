from django.urls import path

from huzhu.stats import views

app_name = "stats"
urlpatterns = [
    path("stats/", views.dashboard, name="dashboard"),
    path("stats/history/", views.history, name="history"),
    path("stats/<str:table>.xlsx", views.export, name="export"),
]
