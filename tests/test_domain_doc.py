"""The domain rules live in the repository (docs/domain.md) and the code cites them there, by section."""

import re
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
DOC = BASE / "docs" / "domain.md"
SOURCES = [
    p
    for pattern in ("*.py", "*.md", "*.html")
    for p in BASE.rglob(pattern)
    if not any(
        part.startswith(".") or part in ("node_modules", "staticfiles") for part in p.relative_to(BASE).parts
    )
]


def test_nothing_cites_a_document_outside_the_repository():
    outside = re.compile(r"DOMAIN\.md|\.\./shared|/shared/")
    offenders = [
        str(p.relative_to(BASE))
        for p in SOURCES
        if p != Path(__file__).resolve() and outside.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_every_citation_names_a_section_of_the_domain_document():
    headings = [
        line.lstrip("#").strip()
        for line in DOC.read_text(encoding="utf-8").splitlines()
        if line.startswith("## ")
    ]
    cited = set()
    for path in SOURCES:
        for match in re.finditer(r"docs/domain\.md`?((?:「[^」]+」)+)", path.read_text(encoding="utf-8")):
            cited.update(re.findall(r"「([^」]+)」", match.group(1)))
    assert cited >= {"暦", "達成率と評定", "年度途中の進捗", "時点", "利用者と権限", "予算表"}
    missing = sorted(c for c in cited if not any(h.startswith(c) for h in headings))
    assert missing == []


def test_the_document_states_the_rounding_once_with_the_example_of_49_over_400():
    text = DOC.read_text(encoding="utf-8")
    assert text.count("ROUND_HALF_UP") == 1
    assert "49／400 ＝ 12.25% → 12.3%" in text
    assert "「-」は金額が無いことで、0 とは別" in text.replace("**", "")
