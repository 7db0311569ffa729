from django.urls import path

from huzhu.organizations import views

app_name = "organizations"
urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/import/", views.unit_import, name="unit_import"),
    path("units/import/template.xlsx", views.unit_template, name="unit_template"),
    path("units/<str:code>/", views.unit_detail, name="unit_detail"),
    path("units/<str:code>/edit/", views.unit_edit, name="unit_edit"),
    path("unions/", views.union_list, name="union_list"),
    path("unions/<slug:code>/", views.union_detail, name="union_detail"),
]
