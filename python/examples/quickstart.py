"""The platform's common workflows through the Python SDK.

    python python/examples/quickstart.py

With no VERSORI_* credentials it starts the embedded emulator in-process and runs the whole
workflow against it; with VERSORI_API_KEY (or VERSORI_JWT) and VERSORI_ORG set it talks to
the platform and only reads, unless given --write.
"""

from __future__ import annotations

import os
import sys
from typing import Optional

import versori
from versori.testing import Emulator


def read_only_tour(client: versori.Client) -> None:
    projects = client.projects.list()
    print(f"{len(projects)} project(s)")
    for p in list(projects)[:5]:
        print(f"  {p.id} {p.name} [{', '.join(e.name for e in p.environments)}]")
    systems = client.list_systems(first=50)
    count = sum(1 for _ in systems)
    print(f"{count} system(s) (total_count {systems.total_count})")
    connections = sum(1 for _ in client.connections.list(first=50))
    print(f"{connections} connection(s), fetched page by page")
    print(f"{len(client.users.list())} end user(s)")


def full_workflow(client: versori.Client) -> None:
    integration = client.workflows.setup_integration(
        "Quickstart Order Sync",
        "production",
        variables_schema={
            "type": "object",
            "properties": {"apiKey": {"type": "string"}, "region": {"type": "string"}},
            "required": ["apiKey"],
        },
        files={"workflow.ts": "export default function run() {}"},
    )
    project, env = integration.project, integration.environment
    print(f"deployed {project.name} to {env.name} ({env.status})")

    system = client.systems.create(
        body={
            "name": "Quickstart CRM",
            "domain": "crm.example.com",
            "templateBaseUrl": "https://crm.example.com/api",
            "authSchemeConfigs": [{"type": "none"}],
        }
    )
    template = client.connection_templates.create(
        project.id, body={"systemId": system.id, "name": "crm", "environmentId": env.id}
    )
    # a template's own id is connection_template_id (its id is the system's)
    template_id = template.connection_template_id
    if template_id is None:
        raise SystemExit("the platform answered with a template without its connectionTemplateId")
    connection = client.connections.create(
        body={"connectionTemplateId": template_id, "connection": {"name": "CRM production", "credentials": []}}
    )
    client.link_connection_to_environment(connection.id, {"connectionTemplateId": template_id})
    print(f"system {system.id}, template {template_id}, connection {connection.id} linked")

    activation = client.workflows.activate_user(
        env.id,
        "quickstart-customer",
        display_name="Quickstart Customer",
        connections=[versori.connection(template_id, existing_connection_id=connection.id)],
        dynamic_variables={"apiKey": "xyz123", "region": "eu-west-1"},
    )
    print(f"activated {activation.user.external_id} as {activation.id}")

    stored = client.workflows.update_activation_variables(env.id, activation.id, {"region": "us-east-1"})
    print(f"variables now {stored}")

    found = client.workflows.find_user_activation(env.id, "quickstart-customer")
    print(f"found activation: {found.id if found else 'none'}")

    try:
        client.workflows.activate_user(env.id, "second-customer", connections=[], dynamic_variables={})
    except versori.ValidationError as e:
        print(f"refused before sending: {e}")

    store = client.create_store(body={"name": "quickstart"})
    kv = client.kv(store.id or "quickstart")
    kv.set(["orders", "1001"], {"status": "shipped"})
    kv.set_many([(["orders", "1002"], {"status": "pending"})])
    print(f"orders/1001 = {kv.get(['orders', '1001'])}; {kv.count(['orders'])} order(s) stored")
    for entry in kv.entries(["orders"]):
        print(f"  {'/'.join(entry.key)} = {entry.value}")


def main() -> int:
    has_credentials = any(os.environ.get(v, "").strip() for v in ("VERSORI_API_KEY", "VERSORI_JWT", "VERSORI_SIGNING_KEY"))
    emulator: Optional[Emulator] = None
    try:
        if has_credentials:
            client = versori.Client()
            write = "--write" in sys.argv
        else:
            emulator = Emulator()
            print(f"no VERSORI_* credentials: using the embedded emulator at {emulator.base_url}")
            client = emulator.client(organisation="01J8ZQ4N7G3Y5B2K9T6W1XDEM0")
            write = True
        print(f"platform: {client.base_url}")
        if client.organisation is None:
            print("set VERSORI_ORG (and VERSORI_API_KEY) to run the quickstart against your organisation")
            return 0
        read_only_tour(client)
        if write:
            full_workflow(client)
        else:
            print("(pass --write to run the full workflow, which creates resources)")
    except versori.VersoriError as e:
        print(f"quickstart failed: {e}", file=sys.stderr)
        return 1
    finally:
        if emulator is not None:
            emulator.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
