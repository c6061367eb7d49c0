"""File answers that follow the request's Accept header: the file itself, or its content as one JSON string.

EnergyCAP's SDK sends `Accept: application/json` to a file endpoint and reads the answer as a JSON string
(`get_chargeback_task_error_file` deserializes `str`); curl, browsers and the pages ask for anything (`*/*`) and get
the file with its own media type. The JSON string holds a text file's text (CSV, without its byte-order mark) or a
binary file's bytes (XLSX, ZIP) in base64.

Negotiation (RFC 9110 §12.5.1, simplified): each of the two answers gets the quality of the most specific Accept
entry that matches it (`application/json` before `application/*` before `*/*`); JSON is sent when its quality is
higher, or equal and named more specifically than the file's. No Accept header, or one naming neither, gets the file.

    prefers_json("application/json", "text/csv") is True
    prefers_json("*/*", "text/csv") is False
    prefers_json("application/json, text/csv", "text/csv") is False   (a tie named equally: the file)
    prefers_json("text/csv;q=0.5, application/json", "text/csv") is True
"""

from __future__ import annotations

import base64
from collections.abc import Mapping

from fastapi import Request, Response
from fastapi.responses import JSONResponse

JSON = "application/json"


def _accepted(accept: str) -> list[tuple[str, float]]:
    """(media range, quality) per entry of an Accept header; entries that cannot be read are left out."""
    entries: list[tuple[str, float]] = []
    for part in accept.split(","):
        media, *parameters = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if "/" in media:
            entries.append((media.lower(), quality))
    return entries


def _match(entries: list[tuple[str, float]], media_type: str) -> tuple[int, float]:
    """(specificity, quality) of the most specific entry matching `media_type`; (0, 0.0) when none does."""
    kind = media_type.split("/", 1)[0]
    best = (0, 0.0)
    for media, quality in entries:
        specificity = 3 if media == media_type else 2 if media == f"{kind}/*" else 1 if media == "*/*" else 0
        if specificity > best[0]:
            best = (specificity, quality)
    return best


def prefers_json(accept: str | None, media_type: str) -> bool:
    """Whether a request with this Accept header should get the file's content as a JSON string."""
    if not accept:
        return False
    entries = _accepted(accept)
    json_specificity, json_quality = _match(entries, JSON)
    file_specificity, file_quality = _match(entries, media_type.split(";", 1)[0].strip().lower())
    if json_quality <= 0:
        return False
    return json_quality > file_quality or (json_quality == file_quality and json_specificity > file_specificity)


def file_response(
    request: Request,
    content: bytes | str,
    media_type: str,
    *,
    text: bool,
    file_name: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The file, or (when the request prefers JSON) its text or base64 bytes as a JSON string.

    `text` says whether the content is UTF-8 text (sent as itself in JSON) or binary (sent as base64).
    """
    data = content.encode() if isinstance(content, str) else content
    if prefers_json(request.headers.get("accept"), media_type):
        value = data.decode("utf-8-sig") if text else base64.b64encode(data).decode("ascii")
        return JSONResponse(value)
    all_headers = dict(headers or {})
    if file_name is not None:
        safe = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in file_name)
        all_headers["Content-Disposition"] = f'attachment; filename="{safe}"'
    return Response(data, media_type=media_type, headers=all_headers)


def documented(description: str, *media_types: str) -> dict[int | str, dict[str, object]]:
    """The `responses` of a file route for the OpenAPI document: the file in one of its media types, or a JSON
    string."""
    content: dict[str, object] = {media_type: {} for media_type in media_types}
    content[JSON] = {"schema": {"type": "string"}}
    return {200: {"description": description, "content": content}}
