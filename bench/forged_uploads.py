"""Forged Excel uploads for the benchmark (`bench/run.py`): the files of issue 10, written as XML with zipfile.

Each builder takes the template a 担当者 downloaded and returns the bytes an attacker would upload. The figures
they produce (rows read, peak memory, reply size) are in README 「アップロードの上限」."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable

DATA_XML = "xl/worksheets/sheet1.xml"
MARKER_XML = "xl/worksheets/sheet2.xml"


def rebuild(content: bytes, member: str, edit: Callable[[str], str | Iterable[bytes]]) -> bytes:
    """The workbook with one member's XML replaced by `edit(xml)` (text, or byte chunks streamed in)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename != member:
                target.writestr(info.filename, data)
                continue
            produced = edit(data.decode())
            if isinstance(produced, str):
                target.writestr(info.filename, produced.encode())
            else:
                with target.open(info.filename, "w") as stream:
                    for chunk in produced:
                        stream.write(chunk)
    return out.getvalue()


def _append(rows: str, dimension: str | None = None) -> Callable[[str], str]:
    def edit(xml: str) -> str:
        if dimension is not None:
            xml = re.sub(r'<dimension ref="[^"]*" ?/>', f'<dimension ref="{dimension}" />', xml)
        return xml.replace("</sheetData>", rows + "</sheetData>")

    return edit


def _cell(ref: str, inner: str, cell_type: str = "n") -> Callable[[str], str]:
    def edit(xml: str) -> str:
        replacement = f'<c r="{ref}" t="{cell_type}">{inner}</c>'
        return re.sub(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', lambda _m: replacement, xml, count=1)

    return edit


def _many_rows(count: int) -> Callable[[str], Iterable[bytes]]:
    row = b"<row><c/><c/><c><v>1</v></c></row>"

    def edit(xml: str) -> Iterable[bytes]:
        head, tail = xml.split("</sheetData>")
        yield head.encode()
        for _ in range(count // 1000):
            yield row * 1000
        yield row * (count % 1000)
        yield ("</sheetData>" + tail).encode()

    return edit


FAR_CELL = '<row r="1048576"><c r="T1048576" t="n"><v>1</v></c></row>'

# name → (label, builder)
FORGED: dict[str, tuple[str, Callable[[bytes], bytes]]] = {
    "far_cell": (
        "T1048576に1セル（使用範囲もそのとおり）",
        lambda t: rebuild(t, DATA_XML, _append(FAR_CELL, "A1:T1048576")),
    ),
    "far_cell_lying": (
        "T1048576に1セル（使用範囲は A1:Q4 と偽る）",
        lambda t: rebuild(t, DATA_XML, _append(FAR_CELL)),
    ),
    "million_rows": (
        "1セルの行を100万行（使用範囲は偽る）",
        lambda t: rebuild(t, DATA_XML, _many_rows(1_000_000)),
    ),
    "rows_under_size_limit": (
        "1セルの行を11.5万行（展開後3.9 MB、部品の上限未満）",
        lambda t: rebuild(t, DATA_XML, _many_rows(115_000)),
    ),
    "id_exponent": (
        "指標IDのセルに文字列 1e999999999",
        lambda t: rebuild(t, DATA_XML, _cell("A2", "<is><t>1e999999999</t></is>", "inlineStr")),
    ),
    "id_infinity": (
        "指標IDのセルに <v>1E999</v>",
        lambda t: rebuild(t, DATA_XML, _cell("A2", "<v>1E999</v>")),
    ),
    "marker_infinity": (
        "年度マーカーのセルに <v>1E999</v>",
        lambda t: rebuild(t, MARKER_XML, _cell("B2", "<v>1E999</v>")),
    ),
}
