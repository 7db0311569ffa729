from django.urls import path

from huzhu.members import views

app_name = "members"
urlpatterns = [
    path("roster/template.xlsx", views.roster_template, name="roster_template"),
    path("units/<str:code>/roster/", views.roster, name="roster"),
    path("units/<str:code>/roster/export.xlsx", views.roster_export, name="roster_export"),
    path("units/<str:code>/roster/check/", views.roster_check, name="roster_check"),
    path("units/<str:code>/roster/import/", views.roster_import, name="roster_import"),
    path("units/<str:code>/roster/report/<str:token>.xlsx", views.roster_report, name="report"),
    path("units/<str:code>/roster/<str:member>/leave/", views.roster_leave, name="roster_leave"),
    path("units/<str:code>/roster/<str:member>/edit/", views.roster_edit, name="roster_edit"),
    path("members/", views.member_search, name="search"),
    path("members/<str:code>/", views.member_detail, name="member_detail"),
    path("members/<str:code>/reveal/<str:what>/", views.reveal, name="reveal"),
    path("members/<str:code>/revoke-death/", views.revoke_death, name="revoke_death"),
    path("privacy-notice/", views.privacy_notice, name="privacy_notice"),
]
