from django.contrib import admin
from django.urls import include, path

from huzhu.accounts import views as account_views
from huzhu.api import api
from huzhu.core import views as core_views

admin.site.site_header = "huzhu 系统配置"
admin.site.site_title = "huzhu 系统配置"
admin.site.index_title = "配置"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("login/", account_views.login, name="login"),
    path("logout/", account_views.logout, name="logout"),
    path("account/2fa/", account_views.second_factor, name="second_factor"),
    path("account/password/", account_views.password_change, name="password_change"),
    path("account/logins/", account_views.login_history, name="login_history"),
    path("account/session/", account_views.session_left, name="session_left"),
    path("", include("huzhu.core.urls")),
    path("", include("huzhu.organizations.urls")),
    path("", include("huzhu.members.urls")),
    path("", include("huzhu.contracts.urls")),
    path("", include("huzhu.claims.urls")),
    path("", include("huzhu.payments.urls")),
    path("", include("huzhu.quota.urls")),
    path("", include("huzhu.lookup.urls")),
    path("", include("huzhu.stats.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler400 = "huzhu.core.views.error_400"
handler403 = "huzhu.core.views.error_403"
handler404 = "huzhu.core.views.error_404"
handler500 = "huzhu.core.views.error_500"
