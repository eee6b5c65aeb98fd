from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The schema generator finds the token authentication's description through this import.
        from api import schema  # noqa: F401
