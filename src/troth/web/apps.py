from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "troth.web"
    label = "web"
    verbose_name = "troth web app"
