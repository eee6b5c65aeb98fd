"""What a revised plan text changes in the plan's structure: chapters, sections, headings and measures.

The stored plan is compared with the data about to be loaded (the shapes of plan.json and measures.json).
Measures are aligned by their text in plan order (difflib), so an inserted bullet shows as one measure added,
not as every later bullet reworded; a bullet whose text changed but is still close to the old one is reworded.
The result is kept on the PlanRevision (`changes`) with the old and the new wording side by side.
"""

from __future__ import annotations

import difflib

from measures.models import Chapter, Heading, Measure, PlanDocument, Section

# Texts at least this alike (difflib ratio) are one measure reworded rather than one removed and one added.
REWORDED_SIMILARITY = 0.6


def _place(chapters: dict[int, str], chapter: int, section: int | None, heading: str | None) -> str:
    """「I-2 (1)」: where a measure sits, in the plan's own numbering."""
    text = chapters.get(chapter, str(chapter))
    if section:
        text += f"-{section}"
    if heading:
        text += f" {heading}"
    return text


def _stored_measures(plan: PlanDocument) -> list[dict]:
    rows = Measure.objects.filter(plan=plan).select_related("chapter", "section", "heading__parent")
    result = []
    for m in rows.order_by("order"):
        heading = None
        if m.heading_id:
            heading = (m.heading.parent.label if m.heading.parent_id else "") + m.heading.label
        result.append(
            {
                "order": m.order,
                "text": m.text,
                "place": _place(
                    {m.chapter.number: m.chapter.numeral},
                    m.chapter.number,
                    m.section.number if m.section_id else None,
                    heading,
                ),
            }
        )
    return result


def _new_measures(plan_data: dict, text_data: dict) -> list[dict]:
    numerals = {ch["number"]: ch["numeral"] for ch in plan_data["chapters"]}
    labels = {}
    for ch in text_data["chapters"]:
        for sec in ch["sections"]:
            by_order = {h["order"]: h for h in sec["headings"]}
            for h in sec["headings"]:
                parent = by_order.get(h["parent"]) if h["parent"] else None
                labels[(ch["number"], sec["number"], h["order"])] = (parent["label"] if parent else "") + h[
                    "label"
                ]
    return [
        {
            "order": m["order"],
            "text": m["text"],
            "place": _place(
                numerals,
                m["chapter"],
                m["section"],
                labels.get((m["chapter"], m["section"], m["heading"])) if m["heading"] else None,
            ),
        }
        for m in text_data["measures"]
    ]


# Beyond this many old × new measures in one replaced stretch, they are listed as removed and added without
# looking for rewordings: comparing every pair would cost too much for a text rewritten wholesale.
MAX_PAIRS = 2500


def _pair_replaced(old: list[dict], new: list[dict]) -> list[dict]:
    """Within a replaced stretch, pair each old text with the closest new one (reworded) if close enough."""
    pairs = []
    if len(old) * len(new) <= MAX_PAIRS:
        for i, o in enumerate(old):
            for j, n in enumerate(new):
                matcher = difflib.SequenceMatcher(None, o["text"], n["text"])
                if (
                    matcher.real_quick_ratio() >= REWORDED_SIMILARITY
                    and matcher.quick_ratio() >= REWORDED_SIMILARITY
                ):
                    pairs.append((matcher.ratio(), i, j))
    pairs.sort(reverse=True)
    paired_old, paired_new, changes = set(), set(), []
    for score, i, j in pairs:
        if score < REWORDED_SIMILARITY or i in paired_old or j in paired_new:
            continue
        paired_old.add(i)
        paired_new.add(j)
        changes.append(_change("reworded", old[i], new[j]))
    changes += [_change("removed", o, None) for i, o in enumerate(old) if i not in paired_old]
    changes += [_change("added", None, n) for j, n in enumerate(new) if j not in paired_new]
    return changes


def _change(kind: str, old: dict | None, new: dict | None) -> dict:
    return {
        "change": kind,
        "place": (new or old)["place"],
        "old": old["text"] if old else None,
        "new": new["text"] if new else None,
        "old_order": old["order"] if old else None,
        "new_order": new["order"] if new else None,
    }


def measure_changes(*, plan: PlanDocument, plan_data: dict, text_data: dict) -> list[dict]:
    """Measures added, removed and reworded, in the new plan's order."""
    old, new = _stored_measures(plan), _new_measures(plan_data, text_data)
    matcher = difflib.SequenceMatcher(
        None, [m["text"] for m in old], [m["text"] for m in new], autojunk=False
    )
    changes = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        changes += _pair_replaced(old[i1:i2], new[j1:j2])
    return sorted(changes, key=lambda c: (c["new_order"] or c["old_order"] or 0, c["change"] != "removed"))


def structure_changes(*, plan: PlanDocument, plan_data: dict, text_data: dict) -> list[dict]:
    """Chapter and section titles changed, added or removed, and headings added, removed or renamed."""
    changes = []
    old_chapters = {c.number: c for c in Chapter.objects.filter(plan=plan)}
    new_chapters = {ch["number"]: ch for ch in plan_data["chapters"]}
    for number in sorted(set(old_chapters) | set(new_chapters)):
        old, new = old_chapters.get(number), new_chapters.get(number)
        if old is None or new is None or old.title != new["title"]:
            changes.append(
                {
                    "what": "章",
                    "place": (new or {}).get("numeral") or old.numeral,
                    "old": old.title if old else None,
                    "new": new["title"] if new else None,
                }
            )
    old_sections = {
        (s.chapter.number, s.number): s
        for s in Section.objects.filter(chapter__plan=plan).select_related("chapter")
    }
    new_sections = {(ch["number"], s["number"]): s for ch in plan_data["chapters"] for s in ch["sections"]}
    numerals = {n: ch["numeral"] for n, ch in new_chapters.items()} | {
        n: c.numeral for n, c in old_chapters.items()
    }
    for key in sorted(set(old_sections) | set(new_sections)):
        old, new = old_sections.get(key), new_sections.get(key)
        if old is None or new is None or old.title != new["title"]:
            changes.append(
                {
                    "what": "柱・項目",
                    "place": f"{numerals.get(key[0], key[0])}-{key[1]}",
                    "old": old.title if old else None,
                    "new": new["title"] if new else None,
                }
            )
    old_headings = {}
    for h in Heading.objects.filter(section__chapter__plan=plan).select_related("section__chapter"):
        old_headings.setdefault((h.section.chapter.number, h.section.number), []).append(
            f"{h.label} {h.title}"
        )
    new_headings = {}
    for ch in text_data["chapters"]:
        for sec in ch["sections"]:
            new_headings[(ch["number"], sec["number"])] = [
                f"{h['label']} {h['title']}" for h in sec["headings"]
            ]
    for key in sorted(set(old_headings) | set(new_headings)):
        before, after = old_headings.get(key, []), new_headings.get(key, [])
        matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            olds, news = before[i1:i2], after[j1:j2]
            for k in range(max(len(olds), len(news))):
                changes.append(
                    {
                        "what": "見出し",
                        "place": f"{numerals.get(key[0], key[0])}-{key[1]}",
                        "old": olds[k] if k < len(olds) else None,
                        "new": news[k] if k < len(news) else None,
                    }
                )
    return changes
