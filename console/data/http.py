"""httpx plumbing shared by the Prometheus and Alertmanager sources: client, GET json, coercion.

Both sources speak JSON over HTTP; one helper keeps the client lifecycle, the status check and
the JSON-to-plain-value coercion identical, so the two modules only map JSON to models.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from console.data.models import Alert
from console.safety.masking import mask_text

if TYPE_CHECKING:
    import httpx  # imported when the first client is made: ~0.1 s the console's start saves

# Mapping[str, str] and not Any: every query parameter is rendered to text by its caller.
Params = Mapping[str, str]

_FRACTION = re.compile(r"(\.\d{6})\d+")


class ApiResponseError(Exception):
    """The server answered with an API error; its text is the message.

    The class name ends in ResponseError on purpose: errors.classify() maps it to kind "query".
    """


class ApiTimeoutError(Exception):
    """The server reported that it gave up on the request (e.g. Prometheus errorType timeout).

    The class name holds TimeoutError on purpose: errors.classify() maps it to kind "timeout".
    """


class JsonClient:
    """One lazily created httpx.AsyncClient for one base URL; GET returns parsed JSON.

    Lazy, so the client belongs to the event loop that first uses it (the app's or the test's).
    """

    def __init__(self, base_url: str, timeout_s: float) -> None:
        self._base_url = base_url.rstrip("/")
        self._timeout_s = timeout_s
        self._client: httpx.AsyncClient | None = None

    @property
    def base_url(self) -> str:
        return self._base_url

    async def close(self) -> None:
        """Close the client if one was opened; the next call opens a new one."""
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    async def get(
        self, path: str, params: Params | Sequence[tuple[str, str]] | None = None
    ) -> object:
        """GET `path` and return its JSON body; a non-2xx answer raises with the server's text.

        Raises ApiResponseError/ApiTimeoutError for API errors, httpx.HTTPStatusError otherwise.
        """
        response = await self._get_client().get(path, params=query_items(params))
        return answer(path, response)

    def _get_client(self) -> httpx.AsyncClient:
        if self._client is None:
            import httpx

            self._client = httpx.AsyncClient(
                base_url=self._base_url,
                timeout=httpx.Timeout(self._timeout_s),
                headers={"Accept": "application/json", "User-Agent": "opsconsole"},
                follow_redirects=False,
            )
        return self._client


def query_items(
    params: Params | Sequence[tuple[str, str]] | None,
) -> tuple[tuple[str, str], ...]:
    """Query parameters as pairs: a name may repeat (Alertmanager's `filter`)."""
    if params is None:
        return ()
    return tuple(params.items()) if isinstance(params, Mapping) else tuple(params)


def answer(path: str, response: httpx.Response, *, empty_ok: bool = False) -> object:
    """The JSON body of a 2xx answer (None for an empty one when `empty_ok`: a DELETE); a
    non-2xx answer raises with the server's own text (ApiResponseError, ApiTimeoutError or
    httpx.HTTPStatusError)."""
    body = _json_or_none(response)
    if response.is_success:
        if body is None and not (empty_ok and not response.content.strip()):
            raise ApiResponseError(f"{path}: the answer is not JSON")
        return body
    raise _status_error(path, response, body)


def _json_or_none(response: httpx.Response) -> object:
    try:
        body: object = response.json()
    except ValueError:  # not JSON (a proxy's HTML page, an empty body)
        return None
    return body


def _status_error(path: str, response: httpx.Response, body: object) -> Exception:
    """The exception for a non-2xx answer: the API's own text when it gave one."""
    message = api_error_text(body)
    status = response.status_code
    if message is not None and status not in (401, 403, 407):
        kind = obj(body).get("errorType")
        if kind == "timeout":
            return ApiTimeoutError(message)
        return ApiResponseError(message)
    detail = f": {message}" if message else ""
    text = f"HTTP {status} {response.reason_phrase} from {path}{detail}"
    import httpx  # loaded already: `response` came from it

    return httpx.HTTPStatusError(text, request=response.request, response=response)


def api_error_text(body: object) -> str | None:
    """The error text of a JSON error body (Prometheus `error`, Alertmanager `message`/string)."""
    if isinstance(body, str) and body.strip():
        return body.strip()
    fields = obj(body)
    for key in ("error", "message"):
        value = fields.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


# --- JSON coercion: plain values in, typed values out (nothing untyped leaves a source) --------


def obj(value: object) -> dict[str, object]:
    """`value` if it is a JSON object, else an empty one."""
    if isinstance(value, dict):
        return {str(key): item for key, item in value.items()}
    return {}


def items(value: object) -> list[object]:
    """`value` if it is a JSON array, else an empty one."""
    return list(value) if isinstance(value, list) else []


def text(value: object, default: str = "") -> str:
    """A JSON scalar as text; `default` for null, objects and arrays."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return default


def labels(value: object) -> tuple[tuple[str, str], ...]:
    """A JSON label object as sorted (name, value) pairs."""
    return tuple(sorted((name, text(item)) for name, item in obj(value).items()))


def number(value: object) -> float:
    """A Prometheus sample value ("1", "NaN", "+Inf", 1.5) as a float; NaN if unreadable."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return math.nan
    return math.nan


def parse_time(value: object) -> datetime | None:
    """Unix seconds or RFC 3339 text (nanoseconds allowed) as an aware UTC datetime.

    None for absent or unreadable values and for Go's zero time ("0001-01-01T00:00:00Z").
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(float(value), UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(_FRACTION.sub(r"\1", value.strip()))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    if parsed.year <= 1:
        return None
    return parsed.astimezone(UTC)


# --- model pieces both sources build the same way ---------------------------------------------


def make_alert(
    fingerprint: str,
    label_pairs: tuple[tuple[str, str], ...],
    annotations: object,
    state: str,
    starts_at: datetime | None,
    silenced_by: tuple[str, ...] = (),
) -> Alert:
    """An Alert from its labels and annotations: name, severity ("none" if absent), summary.

    Prometheus and Alertmanager describe alerts alike; one builder keeps them consistent and masked.
    """
    by_name = dict(label_pairs)
    notes = obj(annotations)
    summary = text(notes.get("summary")) or text(notes.get("description"))
    return Alert(
        fingerprint=fingerprint,
        name=by_name.get("alertname", ""),
        severity=by_name.get("severity") or "none",
        state=state,
        starts_at=starts_at,
        summary=mask_text(" ".join(summary.split())),
        labels=label_pairs,
        silenced_by=silenced_by,
    )
