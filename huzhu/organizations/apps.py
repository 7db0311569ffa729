from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "huzhu.organizations"
    label = "organizations"
    verbose_name = "工会组织与单位"
