"""The fault-injection suite: every fault of ``fault_server.py`` against the sync and async
clients and the listings. Each case checks the exception's type, status and message, and
that the credential appears nowhere in it; each is bounded in time by the client's own
timeout and at most one retry."""

from __future__ import annotations

import asyncio
import faulthandler
import json
import logging
import pathlib
import subprocess
import sys
import time
from typing import Any, Callable, Iterator, Optional, Type

import pytest

import versori
from fault_server import BIG_INT, REQUEST_ID, FaultServer

ORG = "01J8ZQ4N7G3Y5B2K9T6W1X00RG"
KEY = "vk_fault_secret_8c1f2e"
# a structurally valid JWT, echoed by the servers that echo credentials
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYXVsdCJ9.c2VjcmV0LXNpZ25hdHVyZQ"
# the signing key of the test fixtures, as PEM text
SIGNING_KEY = (pathlib.Path(__file__).parents[2] / "crates/versori/tests/fixtures/test-signing-key.pem").read_text()
# every case finishes well within this (a stalled one after its timeouts and one retry)
BOUND = 10.0


@pytest.fixture(autouse=True)
def hard_timeout() -> Iterator[None]:
    """A hang ends the run with every thread's traceback instead of stalling the suite."""
    faulthandler.dump_traceback_later(120, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture(scope="module")
def faults() -> Iterator[FaultServer]:
    with FaultServer() as server:
        yield server


def make(faults: FaultServer, case: str, cls: Any = versori.Client, **kw: Any) -> Any:
    options: dict[str, Any] = {"timeout": 1.0, "max_retries": 1}
    options.update(kw)
    return cls(base_url=faults.base_url(case), api_key=KEY, organisation=ORG, from_env=False, **options)


def texts(exc: BaseException) -> str:
    """Everything an exception shows: its text, repr, args and attributes."""
    parts = [str(exc), repr(exc), repr(exc.args)]
    for name in ("message", "details", "excerpt", "location", "code", "request_id"):
        parts.append(repr(getattr(exc, name, None)))
    for f in getattr(exc, "fields", None) or []:
        parts.append(repr(f))
    return " ".join(parts)


def check(exc: BaseException, kind: Type[BaseException], *fragments: str, status: Optional[int] = None) -> None:
    assert type(exc) is kind, f"{type(exc).__name__}: {exc}"
    message = str(exc)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    if status is not None:
        assert getattr(exc, "status", None) == status, repr(exc)
    shown = texts(exc)
    assert KEY not in shown, f"the credential leaked: {shown}"


def fails(call: Callable[[], Any]) -> BaseException:
    started = time.monotonic()
    with pytest.raises(versori.VersoriError) as info:
        call()
    assert time.monotonic() - started < BOUND
    return info.value


def afails(make_call: Callable[[], Any]) -> BaseException:
    async def run() -> BaseException:
        started = time.monotonic()
        with pytest.raises(versori.VersoriError) as info:
            await make_call()
        assert time.monotonic() - started < BOUND
        return info.value

    return asyncio.run(run())


# (case, exception, message fragments, status): one GetEndUser call each
SINGLE = [
    ("reset-headers", versori.APIConnectionError, ["the request failed", "reset"], None),
    ("reset-body", versori.APIConnectionError, ["the response body could not be read", "reset"], None),
    ("stall", versori.APITimeoutError, ["within the request timeout", "waiting for the response"], None),
    ("drip", versori.APITimeoutError, ["within the request timeout", "body was arriving"], None),
    ("truncated", versori.APIConnectionError, ["the response body could not be read", "end of file"], None),
    ("chunked-cut", versori.APIConnectionError, ["the response body could not be read", "EOF"], None),
    ("huge", versori.ResponseTooLargeError, ["67108864 bytes", "max_response_bytes"], 200),
    ("many-headers", versori.APIConnectionError, ["the request failed", "message head is too large"], None),
    ("deep", versori.APIResponseError, ["could not decode the response (HTTP 200)", "recursion limit"], 200),
    ("redirect-loop", versori.RedirectError, ["HTTP 307", "redirect-loop", "does not follow"], 307),
    ("redirect-none", versori.RedirectError, ["HTTP 302", "without a Location header"], 302),
    ("echo", versori.AuthenticationError, ["HTTP 401", "Bearer <redacted>"], 401),
    ("echo-json", versori.PermissionDeniedError, ["HTTP 403 forbidden", "credential <redacted> lacks access"], 403),
    ("echo-ok", versori.APIResponseError, ["could not decode", "welcome <redacted>"], 200),
    ("echo-redirect", versori.RedirectError, ["HTTP 302", "/login?key=<redacted>&next=%2F"], 302),
]


@pytest.mark.parametrize("case,kind,fragments,status", SINGLE, ids=[c[0] for c in SINGLE])
def test_sync_call(faults: FaultServer, case: str, kind: Type[BaseException], fragments: list[str], status: Optional[int]) -> None:
    client = make(faults, case)
    check(fails(lambda: client.get_end_user("u")), kind, *fragments, status=status)
    # the generic call meets the same fault the same way
    check(fails(lambda: client.call("GetEndUser", user_id="u")), kind, *fragments, status=status)


@pytest.mark.parametrize("case,kind,fragments,status", SINGLE, ids=[c[0] for c in SINGLE])
def test_async_call(faults: FaultServer, case: str, kind: Type[BaseException], fragments: list[str], status: Optional[int]) -> None:
    client = make(faults, case, versori.AsyncClient)
    check(afails(lambda: client.get_end_user("u")), kind, *fragments, status=status)


def test_retries_are_bounded(faults: FaultServer) -> None:
    before = faults.stats()["requests"].get("reset-headers", 0)
    fails(lambda: make(faults, "reset-headers", max_retries=2).get_end_user("u"))
    assert faults.stats()["requests"]["reset-headers"] - before == 3, "one attempt and two retries"


def test_a_redirect_to_another_origin_is_an_error_and_is_not_followed(faults: FaultServer) -> None:
    client = make(faults, "redirect-cross")
    # a POST that read as a successful `{}` before
    exc = fails(lambda: client.create_end_user(body={"externalId": "c-1"}))
    check(exc, versori.RedirectError, "HTTP 302", "/witness/", status=302)
    assert isinstance(exc, versori.RedirectError)
    assert exc.location is not None and exc.location.startswith("http://localhost:")
    assert exc.code == "redirect"
    exc = afails(lambda: make(faults, "redirect-cross", versori.AsyncClient).get_end_user("u"))
    check(exc, versori.RedirectError, "HTTP 302", status=302)
    assert faults.stats()["witness"] == [], "the other origin saw nothing, and no credential"


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_listings_stop_on_a_repeated_cursor_and_on_deep_items(faults: FaultServer, kind: str) -> None:
    expected = [
        ("cursor-repeat", "handed back the cursor it was asked with (\"c1\")"),
        ("deep-item", "recursion limit"),
    ]
    for case, fragment in expected:
        if kind == "sync":
            client = make(faults, case)
            exc = fails(lambda: list(client.list_systems()))
            check(exc, versori.APIResponseError, fragment)
            exc = fails(lambda: [p for p in client.list_systems().pages()])
            check(exc, versori.APIResponseError, fragment)
        else:
            aclient = make(faults, case, versori.AsyncClient)

            async def collect() -> Any:
                return [s async for s in aclient.list_systems()]

            check(afails(collect), versori.APIResponseError, fragment)

            async def collect_pages() -> Any:
                return [p async for p in aclient.list_systems().pages()]

            check(afails(collect_pages), versori.APIResponseError, fragment)


# the echo cases: the exception, its status, and where the redacted credential shows
ECHO = {
    "echo": (versori.AuthenticationError, 401, "Authorization: JWT <redacted>"),
    "echo-json": (versori.PermissionDeniedError, 403, "credential <redacted> lacks access"),
    "echo-ok": (versori.APIResponseError, 200, "welcome <redacted>"),
    "echo-redirect": (versori.RedirectError, 302, "key=<redacted>&next=%2F"),
}


def assert_no_token(exc: BaseException, token: Optional[str] = None) -> None:
    """Nothing of a JWT in what the exception shows: no ``eyJ`` (every JWT starts so) and,
    when it is known, none of its parts."""
    shown = texts(exc)
    assert "eyJ" not in shown, f"a token leaked: {shown}"
    for part in token.split(".") if token else []:
        assert part not in shown, f"the token leaked: {shown}"


@pytest.mark.parametrize("case", sorted(ECHO))
def test_an_echoed_jwt_is_redacted(faults: FaultServer, case: str) -> None:
    kind, status, shown = ECHO[case]
    client = versori.Client(base_url=faults.base_url(case), jwt=JWT, organisation=ORG, from_env=False,
                            timeout=1.0, max_retries=0)
    for call in (lambda: client.get_end_user("u"), lambda: client.call("GetEndUser", user_id="u")):
        exc = fails(call)
        check(exc, kind, "<redacted>", shown, status=status)
        assert_no_token(exc, JWT)


@pytest.mark.parametrize("case", sorted(ECHO))
def test_an_echoed_minted_token_is_redacted(faults: FaultServer, case: str) -> None:
    """A signing-key client acting as an end user sends a token it minted; echoed back, it
    is redacted like any credential (whether or not it is shaped like one where it shows)."""
    kind, status, shown = ECHO[case]
    client = versori.Client(base_url=faults.base_url(case), signing_key=SIGNING_KEY,
                            signing_key_id="01J8ZQ4N7G3Y5B2K9T6W1XSKEY", organisation=ORG, from_env=False,
                            timeout=1.0, max_retries=0).acting_as("u")
    exc = fails(lambda: client.get_end_user("u"))
    check(exc, kind, "<redacted>", shown, status=status)
    assert_no_token(exc)
    aclient = versori.AsyncClient(base_url=faults.base_url(case), signing_key=SIGNING_KEY,
                                  signing_key_id="01J8ZQ4N7G3Y5B2K9T6W1XSKEY", organisation=ORG,
                                  from_env=False, timeout=1.0, max_retries=0).acting_as("u")
    exc = afails(lambda: aclient.call("GetEndUser", user_id="u"))
    check(exc, kind, "<redacted>", shown, status=status)
    assert_no_token(exc)


def test_the_request_id_reaches_the_exception_and_the_debug_record(
    faults: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="versori")
    exc = fails(lambda: make(faults, "echo-json").get_end_user("u"))
    check(exc, versori.PermissionDeniedError, f"request id {REQUEST_ID}", status=403)
    assert getattr(exc, "request_id", None) == REQUEST_ID
    (record,) = [r for r in caplog.records if r.name == "versori" and r.getMessage().startswith("response ")]
    assert record.__dict__["request_id"] == REQUEST_ID
    assert f"request_id={REQUEST_ID}" in record.getMessage()
    assert KEY not in record.getMessage() and KEY not in repr(record.__dict__)


def test_integers_beyond_64_bits_are_exact(faults: FaultServer) -> None:
    got = make(faults, "big-int").call("GetEndUser", user_id="u")
    assert [type(got[k]) for k in ("count", "negative", "odd")] == [int, int, int]
    assert (got["count"], got["negative"], got["odd"]) == (2**70, -(2**70), 2**70 + 1)


def test_a_huge_body_is_refused_and_memory_stays_near_the_limit(faults: FaultServer) -> None:
    """500 MB arrive in chunks with no length given: reading stops at the limit. Peak RSS
    is measured in a fresh interpreter, against the default limit and a small one."""
    script = (
        "import json, resource, sys, versori\n"
        "url, limit = sys.argv[1], int(sys.argv[2])\n"
        "kw = {'max_response_bytes': limit} if limit else {}\n"
        f"c = versori.Client(base_url=url, api_key={KEY!r}, organisation='o', from_env=False, max_retries=0, **kw)\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n"
        "    c.get_end_user('u')\n"
        "    kind, message, seen = 'none', '', 0\n"
        "except versori.ResponseTooLargeError as e:\n"
        "    kind, message, seen = type(e).__name__, str(e), e.limit\n"
        "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(json.dumps([kind, message, seen, before, after]))\n"
    )
    for limit, name in [(0, "64 MiB default"), (1 << 20, "1 MiB")]:
        out = subprocess.run(
            [sys.executable, "-c", script, faults.base_url("huge-chunked"), str(limit)],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        kind, message, seen, before_kib, after_kib = json.loads(out.stdout)
        expected = limit or 64 * 1024 * 1024
        assert kind == "ResponseTooLargeError" and seen == expected, out.stdout
        assert f"{expected} bytes" in message
        assert KEY not in out.stdout + out.stderr, "the credential leaked"
        grown = (after_kib - before_kib) * 1024
        # the body is held once (plus the chunk in flight), never the 500 MB sent
        assert grown < 2 * expected + (16 << 20), f"{name}: RSS grew by {grown >> 20} MiB"


def test_a_small_limit_applies_to_every_path(faults: FaultServer) -> None:
    """The typed call, the generic call and a listing, sync and async, all stop at the
    client's limit."""
    client = make(faults, "huge", max_response_bytes=4096)
    for call in (
        lambda: client.get_end_user("u"),
        lambda: client.call("GetEndUser", user_id="u"),
        lambda: list(client.list_systems()),
    ):
        exc = fails(call)
        check(exc, versori.ResponseTooLargeError, "4096 bytes", "max_response_bytes", status=200)
        assert isinstance(exc, versori.ResponseTooLargeError) and exc.limit == 4096
    aclient = make(faults, "huge", versori.AsyncClient, max_response_bytes=4096)

    async def listed() -> Any:
        return [s async for s in aclient.list_systems()]

    for acall in (
        lambda: aclient.get_end_user("u"),
        lambda: aclient.call("GetEndUser", user_id="u"),
        listed,
    ):
        exc = afails(acall)
        check(exc, versori.ResponseTooLargeError, "4096 bytes", "max_response_bytes", status=200)
        assert isinstance(exc, versori.ResponseTooLargeError) and exc.limit == 4096
    with pytest.raises(versori.ValidationError, match="max_response_bytes"):
        make(faults, "huge", max_response_bytes=0)
