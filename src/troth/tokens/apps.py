from django.apps import AppConfig


class TokensConfig(AppConfig):
    name = "troth.tokens"
    label = "tokens"
