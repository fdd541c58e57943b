"""The SDK's events through :mod:`logging`, logger ``versori``: one DEBUG record per
request with its operation, method, path template, status, attempt, latency and request
id; every retry at INFO with its reason and delay; never a secret; ``VERSORI_LOG=debug``
installs a stderr handler."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
from typing import Any, List

import pytest

import versori
from stub_server import answering

ORG = "01J8ZQ4N7G3Y5B2K9T6W1X00RG"
KEY = "vk_logging_secret_77aa"


def records(caplog: pytest.LogCaptureFixture, message: str) -> List[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "versori" and r.getMessage().startswith(message + " ")]


def client_for(url: str, cls: Any = versori.Client, **kw: Any) -> Any:
    return cls(base_url=url, api_key=KEY, organisation=ORG, from_env=False, **kw)


def test_each_request_is_one_debug_record_and_each_retry_an_info_record(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="versori")
    with answering(503, headers=(("x-request-id", "req-503"),)) as url:
        with pytest.raises(versori.APIError):
            client_for(url, max_retries=1).get_end_user("u")
    responses = records(caplog, "response")
    assert len(responses) == 2, [r.getMessage() for r in caplog.records]
    for attempt, r in enumerate(responses, 1):
        assert r.levelno == logging.DEBUG
        fields = r.__dict__
        assert fields["operation_id"] == "GetEndUser"
        assert fields["method"] == "GET"
        assert fields["path"] == "/o/{organisation_id}/users/{user_id}"
        assert fields["status"] == 503
        assert fields["attempt"] == attempt
        assert fields["request_id"] == "req-503"
        assert isinstance(fields["latency_ms"], float) and fields["latency_ms"] >= 0
        assert "status=503" in r.getMessage() and f"attempt={attempt}" in r.getMessage()
    retries = records(caplog, "retrying")
    assert len(retries) == 1
    retry = retries[0]
    assert retry.levelno == logging.INFO
    assert retry.__dict__["reason"] == "HTTP 503"
    assert isinstance(retry.__dict__["delay_ms"], float)
    assert retry.__dict__["operation_id"] == "GetEndUser"


def test_no_record_holds_a_secret(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="versori")
    with answering(401, body={"code": "unauthorized", "message": f"bad key {KEY}"}) as url:
        with pytest.raises(versori.AuthenticationError) as info:
            client_for(url).get_end_user("u")
        with pytest.raises(versori.AuthenticationError):
            client_for(url).call("GetEndUser", user_id="u")
    assert KEY not in str(info.value)
    assert caplog.records, "records were made"
    for r in caplog.records:
        assert KEY not in r.getMessage() and KEY not in repr(r.__dict__), r.getMessage()


def test_async_calls_are_logged_too(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="versori")
    with answering(404) as url:
        client = client_for(url, versori.AsyncClient)

        async def main() -> None:
            with pytest.raises(versori.NotFoundError):
                await client.get_end_user("u")

        asyncio.run(main())
    (r,) = records(caplog, "response")
    assert r.__dict__["status"] == 404 and r.__dict__["operation_id"] == "GetEndUser"


def test_the_level_is_followed_when_it_changes(caplog: pytest.LogCaptureFixture) -> None:
    with answering(404) as url:
        client = client_for(url)
        caplog.set_level(logging.WARNING, logger="versori")
        with pytest.raises(versori.NotFoundError):
            client.get_end_user("u")
        assert records(caplog, "response") == []
        caplog.set_level(logging.DEBUG, logger="versori")
        with pytest.raises(versori.NotFoundError):
            client.get_end_user("u")
        assert len(records(caplog, "response")) == 1
        caplog.clear()
        caplog.set_level(logging.INFO, logger="versori")
        with pytest.raises(versori.NotFoundError):
            client.get_end_user("u")
        assert records(caplog, "response") == []


def test_versori_log_debug_installs_a_stderr_handler() -> None:
    with answering(404) as url:
        code = (
            "import versori\n"
            f"c = versori.Client(base_url={url!r}, api_key={KEY!r}, organisation={ORG!r}, from_env=False)\n"
            "try:\n"
            "    c.get_end_user('u')\n"
            "except versori.NotFoundError:\n"
            "    pass\n"
        )
        env = dict(os.environ, VERSORI_LOG="debug")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "DEBUG versori: response operation_id=GetEndUser method=GET" in out.stderr, out.stderr
    assert "status=404" in out.stderr and KEY not in out.stderr
    bad = subprocess.run(
        [sys.executable, "-c", "import versori"],
        capture_output=True,
        text=True,
        env=dict(os.environ, VERSORI_LOG="loud"),
        timeout=60,
    )
    assert bad.returncode == 0 and "VERSORI_LOG='loud' is not one of" in bad.stderr, bad.stderr


def test_a_handler_calling_back_into_the_client_gets_an_error_not_a_hang(client: versori.Client) -> None:
    # a record is handed over on the calling thread while its call runs; a call made
    # from the handler cannot run there (the thread is busy with the outer call), so it
    # raises at once, and the outer call carries on
    client.create_end_user(body={"externalId": "outer"})
    seen: List[BaseException] = []

    class CallingBack(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.getMessage().startswith("response ") and not seen:
                try:
                    client.get_end_user("outer")
                except BaseException as e:  # noqa: BLE001 - recorded for the assertion
                    seen.append(e)

    logger = logging.getLogger("versori")
    handler = CallingBack(logging.DEBUG)
    old = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        assert client.get_end_user("outer").external_id == "outer"
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old)
    assert len(seen) == 1
    assert isinstance(seen[0], versori.ValidationError), repr(seen[0])
    assert "must not call the SDK" in str(seen[0])
