from django.apps import AppConfig


class DavConfig(AppConfig):
    name = "troth.dav"
    label = "dav"
