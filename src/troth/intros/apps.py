from django.apps import AppConfig


class IntrosConfig(AppConfig):
    name = "troth.intros"
    label = "intros"
