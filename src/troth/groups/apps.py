from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "troth.groups"
    label = "groups"
