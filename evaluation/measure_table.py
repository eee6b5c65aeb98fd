"""The rows of the 施策の一覧 as HTML, built in Python.

The plan has about 200 measures, and a 管理者's row holds a form with every 部署 to choose from: rendered by the
template language, the page took 74 ms (33 times a plain page). The 部署 options are written once and each row
marks its own; the URLs are reversed once; every text from the plan or a person goes through `escape`."""

from __future__ import annotations

from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from smrj_plan import formatting

_PK = 987654321  # reversed once, replaced by each measure's id


def measure_rows_html(*, measures, departments, can_change_department: bool, csrf_token: str) -> SafeString:
    """The <tr> of every measure (each with `can_see_status` and `latest` set by the view)."""
    history_url = reverse("evaluation:measure_history", args=[_PK])
    change_url = reverse("evaluation:measure_department", args=[_PK])
    options = [(d.pk, f'<option value="{d.pk}">{escape(d.name)}</option>') for d in departments]
    hidden = f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">'
    rows = []
    for m in measures:
        department = m.department
        place = f"{escape(m.chapter.numeral)}-{m.section.number}" if m.section else escape(m.chapter.numeral)
        department_cell = escape(department.name) if department is not None else "—"
        if not m.department_is_default:
            department_cell += ' <span class="badge">変更</span>'
        if m.can_see_status:
            latest = m.latest
            status = (
                f'<span class="badge measure-status-{latest.status}" data-status="{latest.status}">'
                f"{escape(latest.label)}</span>"
            )
            if latest.quarter:
                status += f' <span class="muted">第{latest.quarter}四半期</span>'
        else:
            status = '<span class="muted">—</span>'
        cells = [
            f'<td><a href="{history_url.replace(str(_PK), str(m.pk))}">施策{m.order}</a></td>',
            f"<td>{place}</td>",
            f'<td class="measure-text">{escape(formatting.shorten(m.text, 80))}</td>',
            f"<td>{department_cell}</td>",
            f"<td>{status}</td>",
        ]
        if can_change_department:
            choices = "".join(
                html.replace(">", " selected>", 1) if pk == m.department_id else html for pk, html in options
            )
            cells.append(
                f'<td><form method="post" action="{change_url.replace(str(_PK), str(m.pk))}" class="reason-form">'
                f'{hidden}<select name="department" aria-label="施策{m.order}の担当部署">{choices}</select>'
                f'<input type="text" name="reason" placeholder="変更の理由（必須）" '
                f'aria-label="施策{m.order}の担当部署の変更理由" required maxlength="2000">'
                '<button type="submit" class="button">変更</button></form></td>'
            )
        code = escape(department.code) if department is not None else ""
        rows.append(f'<tr id="measure-{m.order}" data-department="{code}">{"".join(cells)}</tr>')
    return mark_safe("\n".join(rows))
