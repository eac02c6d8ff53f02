from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "troth.ledger"
    label = "ledger"
