from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "troth.api"
    label = "api"
