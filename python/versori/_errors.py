"""The exceptions of the SDK, rooted at :class:`VersoriError`."""

from __future__ import annotations

from typing import List, Optional, Tuple


class VersoriError(Exception):
    """Anything that went wrong calling the Versori Platform."""

    message: str

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class VersoriWarning(UserWarning):
    """Something in a response the SDK read past rather than fail on (a timestamp that
    is not RFC 3339 reads as the string the platform sent)."""


class FieldError:
    """A field-level problem the platform reported with an :class:`APIError`."""

    __slots__ = ("field", "message")

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message

    def __repr__(self) -> str:
        return f"FieldError(field={self.field!r}, message={self.message!r})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, FieldError)
            and other.field == self.field
            and other.message == self.message
        )

    def __hash__(self) -> int:
        return hash((self.field, self.message))


class APIError(VersoriError):
    """The platform answered with an error status (4xx or 5xx).

    ``str(err)`` reads ``HTTP 404 not_found: ... (request id ...)``; ``message`` is the
    platform's own message.
    """

    status: int
    code: str
    details: Optional[str]
    fields: List[FieldError]
    request_id: Optional[str]

    def __init__(
        self,
        text: str,
        *,
        status: int,
        code: str,
        message: str,
        details: Optional[str] = None,
        fields: Optional[List[FieldError]] = None,
        request_id: Optional[str] = None,
    ) -> None:
        super().__init__(text)
        self.message = message
        self.status = status
        self.code = code
        self.details = details
        self.fields = list(fields or [])
        self.request_id = request_id

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else self.message


class BadRequestError(APIError):
    """HTTP 400: the request was malformed."""


class AuthenticationError(APIError):
    """HTTP 401: the credentials are missing or not accepted."""


class PermissionDeniedError(APIError):
    """HTTP 403: the credentials do not allow this."""


class NotFoundError(APIError):
    """HTTP 404: the resource does not exist."""


class ConflictError(APIError):
    """HTTP 409: the request conflicts with the current state (a duplicate, a resource in use)."""


class UnprocessableEntityError(APIError):
    """HTTP 422: the request was understood but breaks one of the platform's rules."""


class RateLimitError(APIError):
    """HTTP 429: too many requests (retried automatically before this is raised)."""


class InternalServerError(APIError):
    """HTTP 5xx: the platform failed."""


class RedirectError(APIError):
    """The server answered with a redirect (3xx), which the SDK never follows: the
    platform's API does not redirect, so a redirect comes from a wrong base URL or from
    something in between (a proxy, a login page), and following it could send the request
    and its credentials where they were not meant to go. ``status`` is the 3xx status,
    ``code`` is ``"redirect"``, and ``location`` the ``Location`` header (None without one)."""

    location: Optional[str]

    def __init__(
        self,
        text: str,
        *,
        status: int,
        location: Optional[str],
        request_id: Optional[str] = None,
    ) -> None:
        super().__init__(text, status=status, code="redirect", message=text, request_id=request_id)
        self.location = location


class APIConnectionError(VersoriError):
    """The request could not be sent or its answer not received (refused, reset, DNS, TLS)."""


class APITimeoutError(APIConnectionError):
    """The request, or the whole call with its retries, took too long."""


class APIResponseError(VersoriError):
    """A success response whose body does not match the spec."""

    status: Optional[int]
    excerpt: str

    def __init__(self, message: str, *, status: Optional[int], excerpt: str) -> None:
        super().__init__(message)
        self.status = status
        self.excerpt = excerpt


class ResponseTooLargeError(APIResponseError):
    """A response body was longer than the client's ``max_response_bytes`` (64 MiB unless
    set): reading stopped at the limit, so memory stays near it. ``limit`` is the limit
    in bytes, ``status`` the response's HTTP status."""

    limit: int

    def __init__(self, message: str, *, status: Optional[int], limit: int) -> None:
        super().__init__(message, status=status, excerpt="")
        self.limit = limit


class ValidationError(VersoriError, ValueError):
    """The input was rejected before anything was sent (an unknown or missing parameter,
    a value of the wrong type, a workflow rule); the message names the culprit."""


class CredentialsError(ValidationError):
    """The credentials are missing, unreadable or could not be used (for example a bad
    signing key)."""


_BY_STATUS = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def _api_class(status: int) -> type[APIError]:
    cls = _BY_STATUS.get(status)
    if cls is not None:
        return cls
    if status >= 500:
        return InternalServerError
    return APIError


def _from_native(
    kind: str,
    message: str,
    status: Optional[int],
    code: Optional[str],
    api_message: Optional[str],
    details: Optional[str],
    fields: List[Tuple[str, str]],
    request_id: Optional[str],
    excerpt: Optional[str],
    location: Optional[str] = None,
    limit: Optional[int] = None,
) -> VersoriError:
    """Builds the exception for an error of the native core (called from Rust)."""
    if kind == "api" and status is not None:
        return _api_class(status)(
            message,
            status=status,
            code=code or "",
            message=api_message or message,
            details=details,
            fields=[FieldError(f, m) for f, m in fields],
            request_id=request_id,
        )
    if kind == "redirect" and status is not None:
        return RedirectError(message, status=status, location=location, request_id=request_id)
    if kind == "too_large" and limit is not None:
        return ResponseTooLargeError(message, status=status, limit=limit)
    if kind == "timeout":
        return APITimeoutError(message)
    if kind == "transport":
        return APIConnectionError(message)
    if kind == "decode":
        return APIResponseError(message, status=status, excerpt=excerpt or "")
    if kind == "invalid":
        return ValidationError(message)
    if kind == "credentials":
        return CredentialsError(message)
    return VersoriError(message)
