from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "troth.identity"
    label = "identity"
