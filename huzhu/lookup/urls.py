from django.urls import path

from huzhu.lookup import views

app_name = "lookup"
urlpatterns = [
    path("lookup/", views.search, name="search"),
    path("scheme/", views.scheme, name="scheme"),
]
