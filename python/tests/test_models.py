"""Typed models: wire names, unknown fields and enum values kept, equality, repr."""

from __future__ import annotations

import json
import pickle

import pytest

from versori import models


def test_unknown_fields_and_enum_values_are_kept() -> None:
    wire = {
        "id": "01J8ZQ4N7G3Y5B2K9T6W1X1SSV",
        "severity": "catastrophic",
        "brandNewField": {"nested": [1, 2]},
    }
    issue = models.Issue.from_dict(wire)
    assert issue.severity == "catastrophic"
    assert issue.to_dict()["brandNewField"] == {"nested": [1, 2]}
    assert json.loads(issue.to_json())["brandNewField"] == {"nested": [1, 2]}
    assert "unknown field" in repr(issue)


def test_constructor_uses_snake_case_and_produces_wire_names() -> None:
    body = models.EndUserCreate(external_id="x", display_name="X")
    assert body.to_dict() == {"externalId": "x", "displayName": "X"}
    assert body.external_id == "x"
    assert body == models.EndUserCreate.from_dict({"externalId": "x", "displayName": "X"})
    assert body != models.EndUserCreate(external_id="y")


def test_nested_models_are_wrapped() -> None:
    page = models.EndUserPage.from_dict(
        {"totalCount": 1, "users": [{"id": "1", "externalId": "e", "organisationId": "o"}]}
    )
    (user,) = page.users
    assert isinstance(user, models.EndUser)
    assert user.external_id == "e"


def test_missing_required_field_is_a_clear_attribute_error() -> None:
    user = models.EndUser.from_dict({"id": "1"})
    with pytest.raises(AttributeError, match="externalId"):
        _ = user.external_id


def test_to_dict_is_a_copy_and_models_pickle() -> None:
    user = models.EndUser.from_dict({"id": "1", "externalId": "e"})
    d = user.to_dict()
    d["externalId"] = "changed"
    assert user.external_id == "e"
    assert pickle.loads(pickle.dumps(user)) == user


def test_keyword_named_fields_get_an_underscore() -> None:
    cfg = models.AuthSchemeConfigAPIKey.from_dict({"name": "X-Key", "in": "header"})
    assert cfg.in_ == "header"
