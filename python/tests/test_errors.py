"""Every exception class, from the emulator's rules and from a stub server."""

from __future__ import annotations

import asyncio
import time

import pytest

import versori
from versori.testing import Emulator

from stub_server import answering, closed_port, silent


def test_not_found(client: versori.Client) -> None:
    with pytest.raises(versori.NotFoundError) as info:
        client.get_end_user("nobody")
    err = info.value
    assert err.status == 404
    assert err.code
    assert err.message
    assert "404" in str(err)


def test_conflict_on_duplicate_external_id(client: versori.Client) -> None:
    client.create_end_user(body={"externalId": "dup"})
    with pytest.raises(versori.ConflictError) as info:
        client.create_end_user(body={"externalId": "dup"})
    assert info.value.status == 409


def test_unprocessable_when_a_rule_is_broken(client: versori.Client) -> None:
    client.create_end_user(body={"externalId": "fixed"})
    with pytest.raises(versori.UnprocessableEntityError) as info:
        client.update_end_user("fixed", {"externalId": "changed"})
    assert info.value.status == 422


def test_bad_request_with_fields(client: versori.Client) -> None:
    with pytest.raises(versori.BadRequestError) as info:
        client.create_connection(body={"name": "no template"})
    assert info.value.status == 400


def test_a_schema_400_names_its_fields(client: versori.Client) -> None:
    with pytest.raises(versori.BadRequestError) as info:
        client.create_connection(body={"name": "no template"})
    assert info.value.fields, "the 400 named no field"
    assert all(isinstance(f, versori.FieldError) and f.field and f.message for f in info.value.fields)


def test_every_field_of_the_error_body_is_read() -> None:
    fields = [
        {"field": "connections[0].connectionTemplateId", "message": "must be a valid ULID"},
        {"field": "name", "message": "is required", "hint": "a member the spec does not declare"},
    ]
    body = {"code": "invalid_argument", "message": "request body failed validation", "fields": fields}
    with answering(400, body) as url:
        client = versori.Client(base_url=url, api_key="k", organisation="o", max_retries=0, from_env=False)
        with pytest.raises(versori.BadRequestError) as info:
            client.create_end_user(body={"externalId": "x"})

        async def call() -> None:
            aclient = versori.AsyncClient(base_url=url, api_key="k", organisation="o", max_retries=0, from_env=False)
            await aclient.create_end_user(body={"externalId": "x"})

        with pytest.raises(versori.BadRequestError) as async_info:
            asyncio.run(call())
    for err in (info.value, async_info.value):
        assert err.fields == [
            versori.FieldError("connections[0].connectionTemplateId", "must be a valid ULID"),
            versori.FieldError("name", "is required"),
        ]
        assert err.code == "invalid_argument" and err.details is None


def test_authentication_error() -> None:
    with Emulator(api_key="right") as emu:
        client = versori.Client(base_url=emu.base_url, api_key="wrong", organisation="o", from_env=False)
        with pytest.raises(versori.AuthenticationError) as info:
            client.list_end_users()
        assert info.value.status == 401
        good = emu.client()
        assert len(good.list_end_users()) == 0


@pytest.mark.parametrize(
    "status, cls",
    [
        (400, versori.BadRequestError),
        (401, versori.AuthenticationError),
        (403, versori.PermissionDeniedError),
        (404, versori.NotFoundError),
        (409, versori.ConflictError),
        (422, versori.UnprocessableEntityError),
        (429, versori.RateLimitError),
        (500, versori.InternalServerError),
        (418, versori.APIError),
    ],
)
def test_each_status_maps_to_its_class(status: int, cls: type) -> None:
    body = {
        "code": "some_code",
        "message": "explained",
        "details": "more",
        "fields": [{"field": "name", "message": "required"}],
    }
    with answering(status, body, headers=(("x-request-id", "req-123"),)) as url:
        client = versori.Client(base_url=url, api_key="k", organisation="o", max_retries=0, from_env=False)
        with pytest.raises(cls) as info:
            client.list_projects()
    err = info.value
    assert type(err) is cls
    assert isinstance(err, versori.APIError)
    assert (err.status, err.code, err.message, err.details) == (status, "some_code", "explained", "more")
    assert err.fields == [versori.FieldError("name", "required")]
    assert err.request_id == "req-123"


def test_retries_then_rate_limit_error() -> None:
    with answering(429, headers=(("retry-after", "0"),)) as url:
        client = versori.Client(base_url=url, api_key="k", organisation="o", max_retries=2, from_env=False)
        with pytest.raises(versori.RateLimitError):
            client.list_projects()


def test_connection_error() -> None:
    client = versori.Client(
        base_url=f"http://127.0.0.1:{closed_port()}", api_key="k", organisation="o", max_retries=0, from_env=False
    )
    with pytest.raises(versori.APIConnectionError) as info:
        client.list_projects()
    assert not isinstance(info.value, versori.APITimeoutError)


def test_timeout_error() -> None:
    with silent() as url:
        client = versori.Client(
            base_url=url, api_key="k", organisation="o", timeout=0.3, max_retries=0, from_env=False
        )
        started = time.monotonic()
        with pytest.raises(versori.APITimeoutError):
            client.list_projects()
        assert time.monotonic() - started < 5


def test_generic_call_returns_any_json_the_server_sent() -> None:
    with answering(200, body="not an object") as url:
        client = versori.Client(base_url=url, api_key="k", organisation="o", from_env=False)
        # JSON of an unexpected shape is returned as is by the generic call
        assert client.call("ListProjects") == "not an object"
        # a typed result of the wrong shape is an error, never silently emptied
        with pytest.raises(versori.APIResponseError, match="ProjectsList") as info:
            client.list_projects()
        assert "not an object" in info.value.excerpt


def test_validation_errors_name_the_culprit(client: versori.Client) -> None:
    with pytest.raises(versori.ValidationError, match="user_id"):
        client.call("GetEndUser")
    with pytest.raises(versori.ValidationError, match="unknown operation"):
        client.call("NoSuchOperation")
    with pytest.raises(versori.ValidationError, match="first"):
        client.list_systems(first="ten").to_list()  # type: ignore[arg-type]
    with pytest.raises(versori.ValidationError, match="body"):
        client.create_end_user(body={"externalId": object()})  # type: ignore[dict-item]
    with pytest.raises(ValueError):
        client.call("GetEndUser", user_id=None, body={"x": 1})


def test_bad_configuration_is_refused() -> None:
    with pytest.raises(versori.ValidationError, match="plain http"):
        versori.Client(base_url="http://example.com", api_key="k", from_env=False)
    with pytest.raises(versori.ValidationError, match="only one"):
        versori.Client(api_key="k", jwt="j", from_env=False)
    with pytest.raises(versori.ValidationError, match="timeout"):
        versori.Client(timeout=-1, from_env=False)
    with pytest.raises(versori.CredentialsError):
        versori.Client(signing_key="-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----", signing_key_id="k", from_env=False)
    with pytest.raises(versori.ValidationError, match="organisation"):
        versori.Client(base_url="http://127.0.0.1:9", from_env=False).list_projects()
