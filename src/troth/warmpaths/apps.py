from django.apps import AppConfig


class WarmPathsConfig(AppConfig):
    name = "troth.warmpaths"
    label = "warmpaths"
