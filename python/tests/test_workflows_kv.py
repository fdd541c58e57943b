"""The common workflows and the KV helpers, end to end on the emulator."""

from __future__ import annotations

import pytest

import versori
from versori.models import Activation

SCHEMA = {
    "type": "object",
    "properties": {"apiKey": {"type": "string"}, "region": {"type": "string"}},
    "required": ["apiKey"],
}


def _integration(client: versori.Client) -> tuple[str, str, str, str]:
    integration = client.workflows.setup_integration(
        "Order Sync", "production", variables_schema=SCHEMA, files={"workflow.ts": "export default {}"}
    )
    assert integration.environment.name == "production"
    assert integration.project.name == "Order Sync"
    project_id, env_id = integration.project.id, integration.environment.id
    system = client.create_system(
        body={
            "name": "CRM",
            "domain": "crm.example.com",
            "templateBaseUrl": "https://crm.example.com",
            "authSchemeConfigs": [{"type": "none"}],
        }
    )
    template = client.create_connection_template(
        project_id, body={"systemId": system.id, "name": "crm", "environmentId": env_id}
    )
    # a template's own id is connection_template_id; its id is the system's
    assert template.id == system.id
    template_id = template.connection_template_id
    assert template_id
    connection = client.create_connection(
        body={"connectionTemplateId": template_id, "connection": {"name": "CRM prod", "credentials": []}}
    )
    client.link_connection_to_environment(connection.id, {"connectionTemplateId": template_id})
    return project_id, env_id, template_id, connection.id


def test_activation_workflow(client: versori.Client) -> None:
    project_id, env_id, template_id, connection_id = _integration(client)
    assert [p.id for p in client.list_projects()] == [project_id]

    with pytest.raises(versori.ValidationError) as info:
        client.workflows.activate_user(env_id, "cust-1", connections=[], dynamic_variables={"apiKey": "k"})
    assert "no connection for system" in str(info.value)
    with pytest.raises(versori.ValidationError, match="apiKey"):
        client.workflows.activate_user(
            env_id,
            "cust-1",
            connections=[versori.connection(template_id, existing_connection_id=connection_id)],
            dynamic_variables={"region": "eu"},
        )

    activation = client.workflows.activate_user(
        env_id,
        "cust-1",
        display_name="Customer One",
        connections=[versori.connection(template_id, existing_connection_id=connection_id)],
        dynamic_variables={"apiKey": "xyz", "region": "eu"},
    )
    assert isinstance(activation, Activation)
    assert activation.user.external_id == "cust-1"
    assert client.get_end_user("cust-1").display_name == "Customer One"

    stored = client.workflows.update_activation_variables(env_id, activation.id, {"region": "us"})
    assert stored == {"apiKey": "xyz", "region": "us"}
    with pytest.raises(versori.ValidationError, match="apiKey"):
        client.workflows.update_activation_variables(env_id, activation.id, {"apiKey": None})

    found = client.workflows.find_user_activation(env_id, "cust-1")
    assert found is not None and found.id == activation.id
    assert client.workflows.find_user_activation(env_id, "nobody") is None
    listed = client.activations(env_id).list()
    assert [a.id for a in listed] == [activation.id]


def test_async_workflows(client: versori.Client, aclient: versori.AsyncClient) -> None:
    import asyncio

    _, env_id, template_id, connection_id = _integration(client)

    async def main() -> None:
        activation = await aclient.workflows.activate_user(
            env_id,
            "async-cust",
            connections=[{"connectionTemplateId": template_id, "existingConnectionId": connection_id}],
            dynamic_variables={"apiKey": "k"},
        )
        found = await aclient.workflows.find_user_activation(env_id, "async-cust")
        assert found is not None and found.id == activation.id
        stored = await aclient.workflows.update_activation_variables(env_id, activation.id, {"region": "x"})
        assert stored["region"] == "x"
        integration = await aclient.workflows.setup_integration("Second", "staging")
        assert integration.environment.name == "staging"

    asyncio.run(main())


def test_sync_and_async_workflows_are_one_native_call(client: versori.Client) -> None:
    """Both forms run the same native work; it runs once, and a second run says so."""
    import asyncio

    _, env_id, _, _ = _integration(client)
    native = client._native
    work = native.find_user_activation(env_id, "nobody")
    assert work.wait() is None
    with pytest.raises(RuntimeError, match="has run already"):
        work.wait()

    async def main() -> None:
        pending = native.find_user_activation(env_id, "nobody")
        assert await pending.awaitable() is None
        with pytest.raises(RuntimeError, match="has run already"):
            pending.awaitable()

    asyncio.run(main())
    # bad arguments fail when the call is made, in either form
    with pytest.raises(versori.VersoriError):
        native.update_activation_variables(env_id, "x", {"k": object()})


def test_kv_helpers(client: versori.Client) -> None:
    made = client.create_store(body={"name": "orders"})
    kv = client.kv(made.id or "orders")
    assert kv.get(["products", "1"]) is None
    stamp = kv.set(["products", "1"], {"stock": 7})
    assert stamp is None or isinstance(stamp, str)
    assert kv.get(["products", "1"]) == {"stock": 7}
    assert kv.get("missing", default=0) == 0
    kv.set_many([(["products", "2"], 2), (["products", "3"], "three")])
    got = kv.get_many([["products", "2"], ["products", "3"], ["products", "9"]])
    assert sorted((tuple(e.key), e.value) for e in got) == [(("products", "2"), 2), (("products", "3"), "three")]
    assert kv.count(["products"]) == 3
    # newest first, the overwritten "1" kept its place as the oldest
    kv.set(["products", "1"], {"stock": 8})
    assert [e.key for e in kv.entries(["products"])] == [["products", "3"], ["products", "2"], ["products", "1"]]
    kv.delete_many([["products", "2"], ["products", "3"]])
    kv.delete(["products", "1"])
    kv.delete(["products", "1"])
    assert kv.count(["products"]) == 0
    with pytest.raises(versori.ValidationError, match="'/'"):
        kv.set(["a/b"], 1)
    with pytest.raises(versori.ValidationError, match="at least one segment"):
        kv.get([])
