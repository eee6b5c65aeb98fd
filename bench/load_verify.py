"""Checks the database after a load run against the clients' log of every write they attempted.

Run by bench/load_test.py: `python bench/load_verify.py LOG.json` with the load test's environment; prints JSON.

Each entry-page save or upload wrote a unique note (the request's id) on every row it changed, each at a known
version. So for each request the history holds either every row of it at version+1, or none:
- acknowledged (redirect after save)  → every row exactly once, with exactly the figures sent (else: lost);
- refused (form shown again)          → no row (else: saved although refused);
- in doubt (connection dropped / 5xx) → every row or none (else: partial batch).
Review actions (承認・差戻し・再開) are checked the same way by actual and version. Then every actual's history
must hold versions 1…version exactly once each, and the stored row must equal its last history row and a
request that was acknowledged or in doubt.
"""

import json
import os
import sys
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smrj_plan.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402

from indicators.models import Actual  # noqa: E402

FIGURES = ["value", "numerator", "denominator", "growth_rate", "benchmark_rate", "milestone_status"]
REVIEW_STATE = {"approve": "approved", "return": "returned", "reopen": "draft"}


def _same(field: str, sent: str, stored) -> bool:
    if field == "milestone_status":
        return (sent or "") == (stored or "")
    if sent in ("", None):
        return stored is None
    return stored is not None and Decimal(sent) == stored


def main(log_path: str) -> None:
    log = json.loads(Path(log_path).read_text(encoding="utf-8"))
    history = defaultdict(list)  # (indicator, quarter) -> rows
    by_version = Counter()
    for h in Actual.history.filter(fiscal_year__year=2024).order_by("history_id"):
        history[(h.indicator_id, h.quarter)].append(h)
        by_version[(h.id, h.version)] += 1

    users = dict(get_user_model().objects.values_list("username", "pk"))
    problems = defaultdict(list)
    outcome = Counter()
    notes = {}
    for req in log["writes"]:
        if req["kind"] in ("save", "submit", "upload"):
            notes[req["id"]] = req
            found = 0
            for pk, row in req["rows"].items():
                matches = [
                    h
                    for h in history[(int(pk), req["quarter"])]
                    if h.version == row["version"] + 1
                    and h.note == req["note"]
                    and h.updated_by_id == users[req["user"]]
                ]
                if len(matches) > 1:
                    problems["duplicated"].append([req["id"], pk])
                if matches:
                    found += 1
                    h = matches[0]
                    bad = [
                        f for f, v in row["fields"].items() if f in FIGURES and not _same(f, v, getattr(h, f))
                    ]
                    if bad:
                        problems["figures_differ"].append([req["id"], pk, bad])
            expected = len(req["rows"])
            applied = found == expected and expected > 0
            if 0 < found < expected and not (req["outcome"] == "ack" and req.get("saved") == found):
                problems["partial_batch"].append([req["id"], found, expected])
            confirmed = req.get("saved")
            if req["outcome"] == "ack" and confirmed is not None and confirmed < expected:
                # The page confirmed fewer rows than were sent: rows closed meanwhile (submitted by a colleague
                # sharing the quarter) are skipped. Then exactly the confirmed number must be stored.
                if found != confirmed:
                    problems["lost"].append([req["id"], found, confirmed])
                outcome[f"{req['kind']}:ack_fewer_rows_than_sent"] += 1
                continue
            if req["outcome"] == "ack" and not applied and expected:
                problems["lost"].append([req["id"], found, expected])
            if req["outcome"] == "refused" and found:
                problems["saved_although_refused"].append([req["id"], found, expected])
            outcome[f"{req['kind']}:{req['outcome']}:{'applied' if applied else 'not_applied'}"] += 1
        else:
            state = REVIEW_STATE[req["kind"]]
            n = Actual.history.filter(
                id=req["actual"], version=req["version"] + 1, state=state, updated_by__username=req["user"]
            ).count()
            if n > 1:
                problems["duplicated"].append([req["id"], req["actual"]])
            if req["outcome"] == "ack" and n == 0:
                problems["lost"].append([req["id"], req["actual"]])
            if req["outcome"] == "refused" and n:
                problems["saved_although_refused"].append([req["id"], req["actual"]])
            outcome[f"{req['kind']}:{req['outcome']}:{'applied' if n else 'not_applied'}"] += 1

    actuals = list(Actual.objects.filter(fiscal_year__year=2024))
    per_slot = Counter((a.indicator_id, a.quarter) for a in actuals)
    problems["duplicate_actual_rows"] = [list(k) for k, n in per_slot.items() if n > 1]
    for a in actuals:
        rows = [h for h in history[(a.indicator_id, a.quarter)] if h.id == a.id]
        versions = sorted(h.version for h in rows)
        if versions != list(range(1, a.version + 1)):
            problems["version_gaps_or_repeats"].append([a.id, a.version, versions])
        last = max(rows, key=lambda h: (h.version, h.history_id)) if rows else None
        if last is None or any(
            getattr(last, f) != getattr(a, f) for f in FIGURES + ["state", "note", "version"]
        ):
            problems["row_differs_from_history"].append(a.id)
        req = notes.get(a.note.removeprefix("load:")) if a.note.startswith("load:") else None
        if req is None or req["outcome"] == "refused":
            problems["row_from_no_accepted_request"].append([a.id, a.note])
        else:
            sent = req["rows"].get(str(a.indicator_id), {}).get("fields", {})
            if any(not _same(f, v, getattr(a, f)) for f, v in sent.items() if f in FIGURES):
                problems["row_figures_differ_from_request"].append([a.id, req["id"]])
    repeated = [list(k) for k, n in by_version.items() if n > 1]
    if repeated:
        problems["history_version_repeated"] = repeated
    print(
        json.dumps(
            {
                "actuals": len(actuals),
                "history_rows": sum(by_version.values()),
                "states": dict(Counter(a.state for a in actuals)),
                "outcomes": dict(sorted(outcome.items())),
                "problems": {k: v for k, v in problems.items() if v},
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
