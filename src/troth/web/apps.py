from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "troth.web"
    label = "web"
    verbose_name = "troth web app"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        def ensure_me(sender, user, **kwargs) -> None:
            # favours, promises and needs point at the owner's own Person row
            from troth.owners import do_ensure_me

            do_ensure_me(user, user.get_full_name() or user.get_username())

        user_logged_in.connect(ensure_me, weak=False, dispatch_uid="troth.web.ensure_me")
