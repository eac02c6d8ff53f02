from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "troth.sync"
    label = "sync"
