"""Helpers for the login lockout (django-axes)."""

from django.contrib.auth import get_user_model

USERNAME_MAX_LENGTH = get_user_model()._meta.get_field("username").max_length


def axes_username(request, credentials: dict | None = None) -> str | None:
    """The username a failed login is recorded under, cut to the longest username that can exist.

    Axes stores it in a 255-character column; a longer one typed at the login form would make PostgreSQL refuse
    the record and the login page fail with a 500. No real account is affected by the cut (none is longer)."""
    source = credentials if credentials else getattr(request, "data", request.POST)
    username = source.get("username") if source else None
    return username[:USERNAME_MAX_LENGTH] if isinstance(username, str) else username
