from django.apps import AppConfig


class ProgramConfig(AppConfig):
    name = "program"
    verbose_name = "Program"

    def ready(self):
        # Registers how notify() asks for a delivery run, in the web process as in the worker.
        from program.delivery import tasks  # noqa: F401

        # Registers how the upload page asks the worker to run a large import.
        from program.imports import tasks as import_tasks  # noqa: F401

        # Cached report figures (the equity page) forget themselves when their data changes.
        from program.reports import figures_cache

        figures_cache.connect()
