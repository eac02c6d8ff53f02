from django.apps import AppConfig


class InteractionsConfig(AppConfig):
    name = "troth.interactions"
    label = "interactions"
