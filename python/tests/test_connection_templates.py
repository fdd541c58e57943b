"""Connection templates mean what the spec says: ``id`` is the system's id and
``connection_template_id`` the template's own, which connections, links and the
activation workflow take (sync and async)."""

from __future__ import annotations

import asyncio
from typing import Tuple

import pytest

import versori
from versori.testing import Emulator


def _attached(client: versori.Client) -> Tuple[str, str, str, str]:
    """A deployed project with a system attached: (environment id, system id, template id,
    connection id)."""
    integration = client.workflows.setup_integration(
        "Templates", "production", files={"index.ts": "export {}"}
    )
    env_id = integration.environment.id
    system = client.create_system(
        body={"name": "CRM", "domain": "crm.example.com", "templateBaseUrl": "https://crm.example.com",
              "authSchemeConfigs": [{"type": "none"}]}
    )
    template = client.create_connection_template(
        integration.project.id, body={"systemId": system.id, "name": "crm", "environmentId": env_id}
    )
    assert template.id == system.id
    template_id = template.connection_template_id
    assert template_id and template_id != system.id
    listed = client.list_project_connection_templates(integration.project.id, env_id=env_id)
    assert [t.connection_template_id for t in listed.items] == [template_id]
    assert [t.id for t in listed.items] == [system.id]
    connection = client.create_connection(
        body={"connectionTemplateId": template_id, "connection": {"name": "CRM", "credentials": []}}
    )
    assert connection.base_url == "https://crm.example.com", "the template's base URL by default"
    client.link_connection_to_environment(connection.id, {"connectionTemplateId": template_id})
    return env_id, system.id, template_id, connection.id


def test_the_activation_workflow_takes_the_templates_own_id(client: versori.Client) -> None:
    env_id, system_id, template_id, connection_id = _attached(client)
    with pytest.raises(versori.ValidationError) as info:
        client.workflows.activate_user(
            env_id, "cust", connections=[versori.connection(system_id, existing_connection_id=connection_id)]
        )
    assert "not of a connection template" in str(info.value)
    assert template_id in str(info.value), "the message names the id to use"
    activation = client.workflows.activate_user(
        env_id, "cust", connections=[versori.connection(template_id, existing_connection_id=connection_id)]
    )
    assert activation.user.external_id == "cust"
    assert [c.connection_template_id for c in activation.connections or []] == [template_id]


def test_the_async_workflow_takes_it_too(emulator: Emulator, org: str) -> None:
    env_id, system_id, template_id, connection_id = _attached(emulator.client(organisation=org))

    async def run() -> None:
        aclient = emulator.async_client(organisation=org)
        with pytest.raises(versori.ValidationError):
            await aclient.workflows.activate_user(
                env_id, "a-cust", connections=[versori.connection(system_id, existing_connection_id=connection_id)]
            )
        done = await aclient.workflows.activate_user(
            env_id, "a-cust", connections=[versori.connection(template_id, existing_connection_id=connection_id)]
        )
        assert done.user.external_id == "a-cust"

    asyncio.run(run())


def test_connections_filter_by_their_end_user(client: versori.Client) -> None:
    env_id, _, template_id, _ = _attached(client)
    user = client.create_end_user(body={"externalId": "owner"})
    client.create_connection(
        body={"connectionTemplateId": template_id, "externalId": "owner",
              "connection": {"name": "owned", "credentials": []}}
    )
    assert [c.name for c in client.list_connections(end_user_id=user.id)] == ["owned"]
    assert len(list(client.list_connections())) == 2
    with pytest.raises(versori.UnprocessableEntityError) as info:
        client.create_connection(
            body={"connectionTemplateId": template_id, "externalId": "nobody",
                  "connection": {"name": "x", "credentials": []}}
        )
    assert [f.field for f in info.value.fields] == ["externalId"]
