from django.apps import AppConfig


class TrustConfig(AppConfig):
    name = "troth.trust"
    label = "trust"
