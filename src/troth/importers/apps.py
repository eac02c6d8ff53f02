from django.apps import AppConfig


class ImportersConfig(AppConfig):
    name = "troth.importers"
    label = "importers"
