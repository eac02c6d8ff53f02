from django.apps import AppConfig


class SimConfig(AppConfig):
    name = "troth.sim"
    label = "sim"
