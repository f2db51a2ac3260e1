from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = "Mentorship and sponsorship"

    def ready(self):
        from matching.mentorship import pool

        pool.connect()  # the suggestions' mentor pool forgets itself when what it holds changes
