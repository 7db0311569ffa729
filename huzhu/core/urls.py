from django.urls import path

from huzhu.core import views

app_name = "core"
urlpatterns = [
    path("audit/", views.audit_list, name="audit_list"),
]
