"""JSON bodies read with Decimal for every number with a fraction (never float) and a bound on the size."""

import json
from decimal import Decimal

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# A write carries one actual: a few hundred bytes. Anything far larger is refused before it is read.
MAX_BODY_BYTES = 64 * 1024


class DecimalJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        try:
            length = int((request.META.get("CONTENT_LENGTH") or 0) if request is not None else 0)
        except ValueError:
            length = 0
        if length > MAX_BODY_BYTES:
            raise ParseError(f"要求の本文が大きすぎます（{MAX_BODY_BYTES:,}バイトまで）。")
        raw = stream.read(MAX_BODY_BYTES + 1) if stream is not None else b""
        if len(raw) > MAX_BODY_BYTES:
            raise ParseError(f"要求の本文が大きすぎます（{MAX_BODY_BYTES:,}バイトまで）。")
        try:
            text = raw.decode("utf-8")
            return json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise ParseError("本文をJSONとして読めません。UTF-8のJSONオブジェクトを送ってください。") from exc


def _refuse_constant(name):
    raise ValueError(f"{name} is not a number")
