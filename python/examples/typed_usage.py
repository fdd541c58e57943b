"""Exercises the API with precise types; checked with ``mypy --strict`` (it is not run)."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional

import versori
from versori.models import EndUser, EndUserCreate, KVEntry, ProjectsList, System


def sync_usage(client: versori.Client) -> None:
    user: EndUser = client.create_end_user(body=EndUserCreate(external_id="c-1", display_name="C"))
    external: str = user.external_id
    name: Optional[str] = user.display_name
    same: EndUser = client.users.get(external)
    wire: Dict[str, Any] = same.to_dict()
    projects: ProjectsList = client.list_projects(starred=True)
    for p in projects:
        print(p.name, name, wire)
    systems: versori.Paginator[System] = client.list_systems(first=10)
    for s in systems:
        print(s.name)
    for page in client.list_systems().pages():
        items: List[System] = page.items
        total: Optional[int] = page.total_count
        print(len(items), total)
    entries: List[KVEntry] = client.kv("store").entries(["a"]).to_list()
    value: Any = client.kv("store").get(["a", "b"])
    count: int = client.kv("store").count(["a"])
    print(entries, value, count)
    raw: Any = client.call("GetEndUser", user_id="c-1")
    print(raw)
    try:
        client.delete_end_user("c-1")
    except versori.NotFoundError as e:
        status: int = e.status
        request_id: Optional[str] = e.request_id
        print(status, request_id, e.fields)
    found: Optional[versori.models.Activation] = client.workflows.find_user_activation("env", "c-1")
    print(found)


async def async_usage(client: versori.AsyncClient) -> None:
    user: EndUser = await client.get_end_user("c-1")
    print(user.id)
    async for s in client.list_systems():
        name: str = s.name
        print(name)
    projects = await client.projects.list()
    print(len(projects))
    value: Any = await client.kv("store").get("k")
    print(value)


if __name__ == "__main__":
    with versori.testing.Emulator() as emu:
        sync_usage(emu.client())
        asyncio.run(async_usage(emu.async_client()))
