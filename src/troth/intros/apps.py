from django.apps import AppConfig


class IntrosConfig(AppConfig):
    name = "troth.intros"
    label = "intros"

    def ready(self) -> None:
        # Each step's verdict on someone's follow-through is part of their trust score.
        # Trust reads the steps through what is registered here: intros asks trust for
        # its verdicts (the handoff guard, closer paths), so trust cannot import intros.
        from troth.intros.conduct import conduct_rows
        from troth.intros.models import IntroStep
        from troth.trust import signals, sources

        sources.register_conduct(conduct_rows)
        # a step without a verdict on anyone's follow-through does not count
        signals.feed(IntroStep, lambda r: (r.person_id,) if r.good is not None else ())
