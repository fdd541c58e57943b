"""End users through the generated methods, the groups and typed results."""

from __future__ import annotations

import pytest

import versori
from versori.models import EndUser, EndUserCreate, EndUserUpdate


def test_create_get_update_delete(client: versori.Client) -> None:
    created = client.create_end_user(body={"externalId": "customer-1", "displayName": "One"})
    assert isinstance(created, EndUser)
    assert created.external_id == "customer-1"
    assert created.display_name == "One"
    assert created.to_dict()["externalId"] == "customer-1"
    assert "external_id='customer-1'" in repr(created)

    same = client.get_end_user("customer-1")
    assert same.id == created.id
    by_id = client.users.get(user_id=created.id)
    assert by_id == same

    updated = client.update_end_user("customer-1", EndUserUpdate(display_name="Uno"))
    assert updated.display_name == "Uno"

    assert client.delete_end_user("customer-1") is None
    with pytest.raises(versori.NotFoundError):
        client.get_end_user("customer-1")


def test_typed_body_and_listing(client: versori.Client) -> None:
    for i in range(3):
        client.users.create(body=EndUserCreate(external_id=f"c-{i}", display_name=f"C {i}"))
    page = client.list_end_users()
    ids = sorted(u.external_id for u in page.users)
    assert ids == ["c-0", "c-1", "c-2"]
    assert page.total_count == 3
    assert len(page) == 3
    assert sorted(u.external_id for u in page) == ids
    found = client.list_end_users(search="c-1")
    assert [u.external_id for u in found] == ["c-1"]


def test_organisation_override(client: versori.Client, org: str) -> None:
    client.create_end_user(body={"externalId": "mine"})
    other = client.with_organisation("01J8ZQ4N7G3Y5B2K9T6W1X0THR")
    assert other.organisation == "01J8ZQ4N7G3Y5B2K9T6W1X0THR"
    assert len(other.list_end_users()) == 0
    assert len(client.list_end_users(organisation_id=org)) == 1


def test_generic_call_returns_plain_json(client: versori.Client) -> None:
    made = client.call("CreateEndUser", body={"externalId": "raw"})
    assert isinstance(made, dict) and made["externalId"] == "raw"
    assert client.call("GetEndUser", user_id="raw")["id"] == made["id"]
