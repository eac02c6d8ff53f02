from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "troth.people"
    label = "people"
