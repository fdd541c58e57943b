"""Pagination over many pages: systems (cursor) and KV (its own cursor)."""

from __future__ import annotations

import versori
from versori.models import KVEntry, System


def _systems(client: versori.Client, n: int) -> None:
    for i in range(n):
        client.create_system(
            body={
                "name": f"System {i:03}",
                "domain": f"s{i}.example.com",
                "templateBaseUrl": f"https://s{i}.example.com",
                "authSchemeConfigs": [{"type": "none"}],
            }
        )


def test_iterates_every_item_across_pages(client: versori.Client) -> None:
    _systems(client, 53)
    listing = client.list_systems(first=10)
    # the first page was fetched by the call
    assert listing.total_count == 53
    names = [s.name for s in listing]
    assert len(names) == 53 and len(set(names)) == 53
    assert listing.total_count == 53


def test_pages_one_at_a_time(client: versori.Client) -> None:
    _systems(client, 23)
    pages = list(client.systems.list(first=10).pages())
    assert [len(p) for p in pages] == [10, 10, 3]
    assert all(p.total_count == 23 for p in pages)
    assert pages[-1].next_cursor is None
    assert all(isinstance(s, System) for p in pages for s in p.items)


def test_kv_entries_across_pages(client: versori.Client) -> None:
    made = client.create_store(body={"name": "paging"})
    store_id = made.id or "paging"
    store = client.kv(store_id)
    store.set_many([(["item", f"{i:04}"], {"n": i}) for i in range(120)])
    store.set(["other", "x"], 1)
    entries = list(client.list_kv(store_id, {"selector": {"prefix": ["item"]}, "options": {"limit": 25}}))
    assert len(entries) == 120
    assert all(isinstance(e, KVEntry) for e in entries)
    # newest first: the last written leads
    assert [e.value["n"] for e in entries] == list(range(119, -1, -1))
    assert len(store.entries(["item"]).to_list()) == 120
    assert store.count(["item"]) == 120


def test_empty_listing(client: versori.Client) -> None:
    assert client.list_systems().to_list() == []
    pages = list(client.list_connections().pages())
    assert sum(len(p) for p in pages) == 0
