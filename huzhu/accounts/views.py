"""Login and logout pages (Django's views, with Chinese templates)."""

from django.contrib.auth import views as auth_views

from huzhu.core.access import authenticated, public

login = public(
    auth_views.LoginView.as_view(
        template_name="accounts/login.html", redirect_authenticated_user=True
    )
)
logout = authenticated(auth_views.LogoutView.as_view())
