"""The rows of the 確認・承認 queue as HTML, built in Python.

A row holds up to four forms (承認, 差戻し, 再開, the bulk-approval checkbox) and ten cells; rendered by the template
language, 50 rows cost more than five times a whole plain page (README「速さ」). Each row is built here from the
`QueueRow` the selector gives, with the URLs reversed once per page and the one CSRF token of the request. Every
text that comes from a person (names, notes, reasons, codes) goes through `escape`."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import normalize_newlines

from indicators.review_queue import QueueRow
from smrj_plan import formatting

_PK = 987654321  # reversed once, replaced by each row's id


def _url_pattern(name: str) -> str:
    return reverse(name, args=[_PK])


@dataclass
class ReviewTable:
    """What every row shares: the quarter, who looks, what they may do, the filters the forms carry back."""

    quarter: int
    user_id: int
    can_review: bool
    locked: bool
    overdue_states: frozenset
    filter_query: str
    csrf_token: str

    def __post_init__(self):
        self._urls = {
            name: _url_pattern(name)
            for name in (
                "indicators:detail",
                "dashboard:indicator",
                "entry:history_indicator",
                "entry:approve",
                "entry:return",
                "entry:reopen",
            )
        }
        self._hidden = (
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(self.csrf_token)}">'
            f'<input type="hidden" name="filters" value="{escape(self.filter_query)}">'
        )

    def _url(self, name: str, pk: int) -> str:
        return self._urls[name].replace(str(_PK), str(pk))

    def body_html(self, rows: list[QueueRow]) -> SafeString:
        return mark_safe("\n".join(self.row_html(r) for r in rows))

    def row_html(self, r: QueueRow) -> str:
        ind, a = r.indicator, r.actual
        code = escape(ind.code)
        head = (
            f'<th scope="row"><a href="{self._url("indicators:detail", ind.pk)}">{code}</a> '
            f'{escape(formatting.shorten(ind.name, 40))}<br><span class="muted">'
            f'<a href="{self._url("dashboard:indicator", ind.pk)}?q={self.quarter}">進捗</a>・'
            f'<a href="{self._url("entry:history_indicator", ind.pk)}">変更履歴</a></span></th>'
        )
        previous = escape(r.previous_display)
        if r.previous is not None:
            previous += f'<br><span class="muted">{r.previous_state_label}</span>'
        cells = [
            head,
            f'<td data-label="担当部署">{escape(r.department_name)}</td>',
            f'<td class="num value" data-label="今四半期の値">{escape(r.display)}</td>',
            f'<td class="num" data-label="目標">{escape(r.target_text)}</td>',
            f'<td class="num" data-label="前四半期">{previous}</td>',
            f'<td class="num cumulative" data-label="累計（承認したとき）">{escape(r.cumulative_text)}</td>',
            f'<td class="num rate" data-label="達成率">{escape(r.rate_text)}</td>',
            f'<td class="long-text" data-label="備考・根拠">{self._notes(a)}</td>',
            f'<td class="long-text" data-label="状態">{self._state(r)}</td>',
            f'<td data-label="更新">{self._updated(a)}</td>',
        ]
        if self.can_review:
            cells.append(f'<td class="actions" data-label="操作">{self._actions(r)}</td>')
        department = ind.department_id if ind.department_id is not None else ""
        return f'<tr id="actual-{code}" data-state="{r.state}" data-department="{department}">{"".join(cells)}</tr>'

    @staticmethod
    def _notes(a) -> str:
        if a is None:
            return ""
        html = escape(normalize_newlines(a.note)).replace("\n", "<br>")
        if a.evidence:
            html += f'<br><span class="muted">根拠：{escape(a.evidence)}</span>'
        if a.as_of:
            html += f'<br><span class="muted">基準日：{a.as_of:%Y-%m-%d}</span>'
        return html

    def _state(self, r: QueueRow) -> str:
        a = r.actual
        if a is None:
            html = '<span class="badge state-empty">未入力</span>'
        else:
            html = (
                f'<span class="badge state-{a.state}">{escape(a.get_state_display())}</span> '
                f'<span class="muted">版{a.version}</span>'
            )
        if r.state in self.overdue_states:
            html += ' <span class="overdue-mark">期限超過</span>'
        if r.old_reason_label:
            html += f'<br><span class="muted review-comment">{r.old_reason_label}：{escape(a.review_comment)}</span>'
        return html

    @staticmethod
    def _updated(a) -> str:
        if a is None:
            return ""
        moment = timezone.localtime(a.updated_at).strftime("%Y-%m-%d %H:%M") if a.updated_at else ""
        return f'{escape(formatting.person_name(a.updated_by))}<br><span class="muted">{moment}</span>'

    def _reason_form(self, action: str, a, code: str, label: str) -> str:
        return (
            f'<form method="post" action="{self._url(f"entry:{action}", a.pk)}" class="reason-form">{self._hidden}'
            f'<input type="hidden" name="version" value="{a.version}">'
            f'<input type="text" name="reason" placeholder="{label}の理由（必須）" aria-label="{code}の{label}の理由" '
            f'required maxlength="2000"><button type="submit" class="button">{label}</button></form>'
        )

    def _actions(self, r: QueueRow) -> str:
        a = r.actual
        if a is None or self.locked:
            return ""
        code = escape(r.indicator.code)
        if a.state == "submitted":
            if a.submitted_by_id == self.user_id:
                html = (
                    '<p class="muted own-submission">自分が提出した値のため、承認は別の管理者が行います。</p>'
                )
            else:
                html = (
                    f'<label class="select"><input type="checkbox" name="ids" value="{a.pk}" form="bulk-form" '
                    f'id="select-{a.pk}"> {code}を一括承認に含める</label>'
                    f'<input type="hidden" name="version-{a.pk}" value="{a.version}" form="bulk-form">'
                    f'<form method="post" action="{self._url("entry:approve", a.pk)}">{self._hidden}'
                    f'<input type="hidden" name="version" value="{a.version}">'
                    '<button type="submit" class="button primary">承認</button></form>'
                )
            return html + self._reason_form("return", a, code, "差戻し")
        if a.state == "approved":
            return f'<details class="reopen"><summary>再開…</summary>{self._reason_form("reopen", a, code, "再開")}</details>'
        return ""
