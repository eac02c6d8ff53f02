from django.apps import AppConfig


class AgendaConfig(AppConfig):
    name = "troth.agenda"
    label = "agenda"
