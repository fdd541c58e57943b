"""Responses decoded straight from the body: typed models over the checked JSON, items of
a listing decoded when used, malformed bodies refused at call time, and the plain
``call`` and ``_native.loads`` agreeing with ``json``."""

from __future__ import annotations

import asyncio
import json
import pickle
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, Dict, Iterator

import pytest

import versori
from versori import _native, models

from stub_server import routes

ORG = "01J8ZQ4N7G3Y5B2K9T6W1X1AZY"


def user(i: int) -> Dict[str, Any]:
    return {
        "id": f"01J8ZQ4N7G3Y5B2K9T6W{i:06d}",
        "organisationId": ORG,
        "externalId": f"user-{i}",
        "displayName": f"Üser \"{i}\" \u2603",
        "createdAt": "2026-01-02T03:04:05Z",
        "updatedAt": "2026-01-02T03:04:05Z",
        "futureField": {"nested": [1, 2.5, None, True, "x"]},
    }


LISTING = {"totalCount": 3, "users": [user(i) for i in range(3)], "next": "cursor-1"}


@contextmanager
def serving(body: bytes) -> Iterator[versori.Client]:
    with routes({f"/o/{ORG}/users": body}) as base_url:
        yield versori.Client(base_url=base_url, api_key="k", organisation=ORG, from_env=False)


def test_listing_items_are_typed_models_with_working_attributes() -> None:
    with serving(json.dumps(LISTING).encode()) as client:
        page = client.list_end_users()
    assert isinstance(page, models.EndUserPage)
    assert page.total_count == 3 and page.next == "cursor-1" and len(page) == 3
    users = page.users
    assert [type(u) for u in users] == [models.EndUser] * 3
    assert users[2].external_id == "user-2"
    assert users[0].display_name == 'Üser "0" \u2603'
    assert users[1].created_at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert [u.external_id for u in page] == ["user-0", "user-1", "user-2"]
    # wire names and unknown fields, for an item and for the page
    assert users[0].to_dict() == user(0)
    assert json.loads(users[1].to_json()) == user(1)
    assert page.to_dict() == LISTING
    assert json.loads(page.to_json()) == LISTING
    # equality, repr and pickling see the data, decoded or not
    assert page == models.EndUserPage.from_dict(LISTING)
    assert users[2] == models.EndUser.from_dict(user(2))
    assert "user-1" in repr(users[1]) and "+1 unknown field" in repr(users[1])
    assert pickle.loads(pickle.dumps(page)).to_dict() == LISTING
    # a model from a response can be sent back as a request body
    assert versori.models.EndUserPage.from_dict(page.to_dict()) == page


def test_missing_field_of_an_undecoded_item_is_a_clear_attribute_error() -> None:
    listing = {"totalCount": 1, "users": [{"id": "u1"}]}
    with serving(json.dumps(listing).encode()) as client:
        item = client.list_end_users().users[0]
    with pytest.raises(AttributeError, match="externalId"):
        item.external_id
    assert item.id == "u1"
    assert not hasattr(item, "no_such_attribute")


def test_a_malformed_body_fails_at_call_time() -> None:
    for body in (b'{"totalCount": 1, "users": [{"id": "u1"', b'{"users": []} trailing', b'\xff\xfe'):
        with serving(body) as client:
            with pytest.raises(versori.APIResponseError) as info:
                client.list_end_users()
            assert info.value.status == 200

            async def call() -> Any:
                aclient = versori.AsyncClient(
                    base_url=client.base_url, api_key="k", organisation=ORG, from_env=False
                )
                return await aclient.list_end_users()

            with pytest.raises(versori.APIResponseError):
                asyncio.run(call())


def test_a_list_of_models_holding_something_else_is_an_api_response_error() -> None:
    with serving(json.dumps({"totalCount": 2, "users": [user(0), 7]}).encode()) as client:
        page = client.list_end_users()
    with pytest.raises(versori.APIResponseError, match="EndUser"):
        page.users


def test_async_listing_items_are_typed() -> None:
    with serving(json.dumps(LISTING).encode()) as client:

        async def main() -> Any:
            aclient = versori.AsyncClient(
                base_url=client.base_url, api_key="k", organisation=ORG, from_env=False
            )
            pages = await asyncio.gather(*(aclient.list_end_users() for _ in range(5)))
            plain = await aclient.call("ListEndUsers")
            return pages, plain

        pages, plain = asyncio.run(main())
    assert all(p.users[1].external_id == "user-1" for p in pages)
    assert plain == LISTING and type(plain["users"][0]) is dict


def test_generic_call_gives_plain_json() -> None:
    with serving(json.dumps(LISTING).encode()) as client:
        out = client.call("ListEndUsers")
    assert out == LISTING and type(out) is dict and type(out["users"][0]) is dict


DOCS = [
    {},
    [],
    {"a": [1, -2, 3.5, 1e300, 18446744073709551615, -9223372036854775808]},
    {"s": "esc \" \\ / \b \f \n \r \t \u00e9 \ud83d\ude00", "k\u00e9y": None, "t": True, "f": False},
    [[[[{"deep": [{}]}]]]],
    "just a string",
    42,
    None,
]


@pytest.mark.parametrize("doc", DOCS)
def test_native_loads_agrees_with_json(doc: Any) -> None:
    text = json.dumps(doc)
    assert _native.loads(text) == json.loads(text)
    assert _native.loads(text.encode()) == json.loads(text)
    raw = _native.RawJson(text)
    assert raw.value() == json.loads(text) and bytes(raw) == text.encode()


def test_integers_beyond_64_bits_stay_exact() -> None:
    assert _native.loads("[123456789012345678901234, -9223372036854775809]") == [
        123456789012345678901234,
        -9223372036854775809,
    ]


def test_native_loads_and_raw_json_refuse_bad_text() -> None:
    for bad in ("", "[1,", "{1: 2}", "nul", "[1] 2", b"\xff"):
        with pytest.raises(ValueError, match="invalid JSON"):
            _native.loads(bad)
        with pytest.raises(ValueError, match="invalid JSON"):
            _native.RawJson(bad)
    with pytest.raises(TypeError):
        _native.loads(3)  # type: ignore[arg-type]
    # nested deeper than the parser allows: an error, not a crash
    with pytest.raises(ValueError):
        _native.loads("[" * 100_000 + "]" * 100_000)


def test_raw_json_kinds_and_items() -> None:
    kinds = {"{}": "object", "[]": "array", '"x"': "string", "1": "number", "true": "boolean", "null": "null"}
    for text, kind in kinds.items():
        assert _native.RawJson(f"  {text} ").kind == kind
    items = _native.RawJson('[{"a": 1}, {"b": [2]}]').items()
    assert isinstance(items, _native.RawItems) and len(items) == 2
    assert items.value_at(1) == {"b": [2]} and items.value() == [{"a": 1}, {"b": [2]}]
    with pytest.raises(IndexError):
        items.value_at(2)
    # an array holding anything but objects is decoded at once
    assert _native.RawJson('[{"a": 1}, 2]').items() == [{"a": 1}, 2]
