"""Model fields are native descriptors (``versori._native.Field``): each reads one value
of an undecoded listing item straight from the body, or the model's wire dict, and they
behave as read-only, documented, typed properties."""

from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from typing import Any, Dict, Iterator, List

import pytest

import versori
from versori import _native, models
from versori._model import _models

from stub_server import routes

ORG = "01J8ZQ4N7G3Y5B2K9T6W1XF1DS"


@contextmanager
def listing(users: List[Any]) -> Iterator[models.EndUserPage]:
    body = json.dumps({"totalCount": len(users), "users": users}).encode()
    with routes({f"/o/{ORG}/users": body}) as base_url:
        client = versori.Client(base_url=base_url, api_key="k", organisation=ORG, from_env=False)
        yield client.list_end_users()


def user(i: int, **extra: Any) -> Dict[str, Any]:
    return dict(
        {
            "id": f"01J8ZQ4N7G3Y5B2K9T6W{i:06d}",
            "organisationId": ORG,
            "externalId": f"user-{i}",
            "displayName": f"User {i}",
            "createdAt": "2026-01-02T03:04:05Z",
            "updatedAt": "2026-01-02T03:04:05Z",
        },
        **extra,
    )


def test_fields_are_native_descriptors_with_docs() -> None:
    field = models.EndUser.external_id
    assert isinstance(field, _native.Field)
    assert (field.wire, field.attr, field.required) == ("externalId", "external_id", True)
    assert "stable identifier" in (field.__doc__ or "")
    assert "\n        " not in (field.__doc__ or ""), "continuation lines are dedented"
    assert models.EndUserPage.next.required is False
    assert repr(models.EndUserPage.next) == 'Field("next", "next", required=False)'


def test_fields_are_read_only() -> None:
    u = models.EndUser.from_dict(user(1))
    with pytest.raises(AttributeError, match="read-only"):
        u.external_id = "other"  # type: ignore[assignment]
    with pytest.raises(AttributeError, match="read-only"):
        del u.external_id
    assert u.external_id == "user-1"


def test_each_kind_of_value_is_read_from_an_undecoded_item() -> None:
    tricky = user(
        0,
        displayName='quote " backslash \\ snowman \u2603 \U0001f600',
        externalId="tab\there",
        futureNumber=12.5,
        futureBig=2**63 + 5,
        futureFlags=[True, False, None],
        futureNested={"a": {"b": [1, "}", "]"]}},
    )
    with listing([tricky, user(1)]) as page:
        u = page.users[0]
        assert u.display_name == tricky["displayName"]
        assert u.external_id == "tab\there"
        assert u.id == tricky["id"]
        # the item was not decoded as a whole to read those
        assert u._data is None
        assert u.to_dict() == tricky
        assert page.users[1].external_id == "user-1"


def test_escaped_and_repeated_keys_read_as_json_decodes_them() -> None:
    body = (
        '{"totalCount": 1, "users": [{"id": "1", "organisationId": "o", "ext\\u0065rnalId": "escaped",'
        ' "displayName": "first", "displayName": "last", "createdAt": "c", "updatedAt": "u"}]}'
    ).encode()
    with routes({f"/o/{ORG}/users": body}) as base_url:
        client = versori.Client(base_url=base_url, api_key="k", organisation=ORG, from_env=False)
        (u,) = client.list_end_users().users
    assert u.external_id == "escaped"
    assert u.display_name == "last"
    assert u.to_dict() == json.loads(body)["users"][0]


def test_a_missing_required_field_names_the_fields_present() -> None:
    partial = {"id": "1", "externalId": "x"}
    with listing([partial]) as page:
        u = page.users[0]
        with pytest.raises(AttributeError, match=r"EndUser\.display_name: .*`displayName` \(fields present: id, externalId\)"):
            u.display_name
    with pytest.raises(AttributeError, match=r"fields present: none"):
        models.EndUser.from_dict({}).id


def test_optional_fields_read_as_none_when_absent() -> None:
    with listing([user(0)]) as page:
        assert page.next is None and page.prev is None
        assert page.total_count == 1


def test_nested_models_convert_from_items() -> None:
    activation = {
        "id": "act-1",
        "user": user(3),
        "environment": {"id": "env-1", "name": "production"},
        "connections": [{"id": "c-1", "name": "crm"}],
    }
    items = _native.RawJson(json.dumps([activation])).items()
    (act,) = _models(models.Activation, items)
    assert isinstance(act.user, models.EndUser) and act.user.external_id == "user-3"
    assert act.environment is not None and act.environment.id == "env-1"
    assert act.connections is not None and [c.name for c in act.connections] == ["crm"]
    assert act._data is None, "fields were read without decoding the whole item"


def test_items_are_read_alike_from_many_threads() -> None:
    users = [user(i) for i in range(2000)]
    with listing(users) as page:
        items = page.users
        errors: List[BaseException] = []

        def read() -> None:
            try:
                for i, u in enumerate(items):
                    assert u.external_id == f"user-{i}"
            except BaseException as e:  # noqa: BLE001 - reported below
                errors.append(e)

        threads = [threading.Thread(target=read) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not errors


def test_raw_items_field_at() -> None:
    raw = _native.RawJson(json.dumps([user(0), user(1)]))
    items = raw.items()
    assert isinstance(items, _native.RawItems)
    assert items.field_at(1, "externalId") == "user-1"
    with pytest.raises(KeyError):
        items.field_at(0, "nope")
    with pytest.raises(IndexError, match="out of range"):
        items.field_at(2, "id")
    # an array holding anything but objects is decoded at once
    assert _native.RawJson('[{"a": 1}, 2]').items() == [{"a": 1}, 2]


def test_listing_models_are_made_natively_and_left_to_reference_counting() -> None:
    import gc
    import pickle
    import sys

    with listing([user(i) for i in range(3)]) as page:
        users = page.users
    assert [type(u) for u in users] == [models.EndUser] * 3
    # made over the listing: no cycle is possible, so the collector leaves them alone
    assert not any(gc.is_tracked(u) for u in users)
    assert [u._index for u in users] == [0, 1, 2]
    # they still copy, pickle and compare as models
    clone = pickle.loads(pickle.dumps(users[1]))
    assert clone == users[1] and clone.external_id == "user-1"
    # and are freed by reference counting: each undecoded one held the items once
    # (pickling decoded users[1], which let go of them then)
    items = users[0]._raw
    assert users[1]._raw is None and users[2]._raw is items
    held = sys.getrefcount(items)
    del users
    assert sys.getrefcount(items) == held - 2


def test_raw_items_models_needs_a_model_class() -> None:
    items = _native.RawJson('[{"id": "1"}]').items()
    assert isinstance(items, _native.RawItems)
    with pytest.raises(TypeError, match="needs a model class"):
        items.models(dict)  # type: ignore[type-var]
    (u,) = items.models(models.EndUser)
    assert u.id == "1" and u._data is None
