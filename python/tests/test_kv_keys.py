"""KV keys on the wire: every Python path (the KV helpers, the typed methods with a path
string or a list of segments, sync and async) sends a key as the platform's official client
does, one segment after another with literal slashes between them and each segment escaped
on its own; and on the emulator every such key round trips as its segments."""

from __future__ import annotations

import asyncio
import json
from contextlib import contextmanager
from typing import Iterator, List, Sequence, Tuple

import pytest

import versori
from stub_server import JsonHandler, serve

# keys with 1, 2 and 5 segments and segments that need escaping, and their path on the wire
KEYS: List[Tuple[List[str], str]] = [
    (["orders"], "orders"),
    (["orders", "1042"], "orders/1042"),
    (["a", "b", "c", "d", "e"], "a/b/c/d/e"),
    (["with space", "50%"], "with%20space/50%25"),
    (["what?", "#tag"], "what%3F/%23tag"),
    (["caf\u00e9", "\u2713"], "caf%C3%A9/%E2%9C%93"),
]


@contextmanager
def recording() -> Iterator[Tuple[str, List[Tuple[str, str]]]]:
    """A loopback server answering every request with a KV value, recording the method and
    the raw request target of each."""
    seen: List[Tuple[str, str]] = []
    payload = json.dumps({"value": 1, "versionstamp": "v", "createdAt": "2026-01-02T03:04:05Z",
                          "ok": True, "committed": True, "status": "deleted"}).encode()

    class Handler(JsonHandler):
        def _answer(self) -> None:
            seen.append((self.command, self.path))
            self.read_body()
            self.send_json(200, payload)

        do_GET = do_PUT = do_DELETE = do_POST = _answer

    with serve(Handler) as base_url:
        yield base_url, seen


def _client(base_url: str) -> versori.Client:
    return versori.Client(base_url=base_url, api_key="k", organisation="o", from_env=False)


@pytest.mark.parametrize("segments, wire", KEYS)
def test_every_sync_path_sends_the_official_clients_form(segments: List[str], wire: str) -> None:
    with recording() as (url, seen):
        client = _client(url)
        kv = client.kv("s1")
        client.get_kv("s1", "/".join(segments))
        client.get_kv("s1", segments)
        kv.get(segments)
        kv.set(segments, 1)
        kv.delete(segments)
        client.set_kv("s1", segments, {"value": 1})
        # the generic call by operationId, with the key as segments or as its path form
        client.call("GetKV", store="s1", key=segments)
        client.call("GetKV", store="s1", key="/".join(segments))
        client.call("SetKV", store="s1", key=segments, body={"value": 1})
    assert [m for m, _ in seen] == ["GET", "GET", "GET", "PUT", "DELETE", "PUT", "GET", "GET", "PUT"]
    assert {t for _, t in seen} == {f"/store/s1/kv/{wire}"}


@pytest.mark.parametrize("segments, wire", KEYS)
def test_every_async_path_sends_the_official_clients_form(segments: List[str], wire: str) -> None:
    async def run(url: str) -> None:
        client = versori.AsyncClient(base_url=url, api_key="k", organisation="o", from_env=False)
        kv = client.kv("s1")
        await client.get_kv("s1", "/".join(segments))
        await kv.get(segments)
        await kv.set(segments, 1)
        await kv.delete(segments)

    with recording() as (url, seen):
        asyncio.run(run(url))
    assert [m for m, _ in seen] == ["GET", "GET", "PUT", "DELETE"]
    assert {t for _, t in seen} == {f"/store/s1/kv/{wire}"}


@pytest.mark.parametrize(
    "key, says",
    [
        (["orders", "10/42"], "'/'"),
        ("orders//1042", "empty segment"),
        ("orders/..", '".."'),
        (["orders", ""], "empty segment"),
        ([], "at least one segment"),
    ],
)
def test_a_key_that_cannot_travel_is_a_validation_error(key: str | Sequence[str], says: str) -> None:
    with recording() as (url, seen):
        client = _client(url)
        with pytest.raises(versori.ValidationError) as info:
            client.get_kv("s1", key)
        assert says in str(info.value)
        with pytest.raises(versori.ValidationError):
            client.kv("s1").set(["ok", "a/b"], 1)
    assert seen == [], "nothing is sent for a bad key"


def test_keys_round_trip_on_the_emulator(client: versori.Client) -> None:
    made = client.create_store(body={"name": "keys"})
    assert made.id
    kv = client.kv(made.id)
    for i, (segments, _) in enumerate(KEYS):
        kv.set(segments, i)
        assert kv.get(segments) == i
        assert client.get_kv(made.id, "/".join(segments)).to_dict()["value"] == i
    listed = [entry.key for entry in kv.entries()]
    assert sorted(listed) == sorted(segments for segments, _ in KEYS)
    assert kv.count(["a", "b"]) == 1
    got = kv.get_many([segments for segments, _ in KEYS])
    assert len(got) == len(KEYS)
    kv.delete(["a", "b", "c", "d", "e"])
    assert kv.get(["a", "b", "c", "d", "e"]) is None
    assert kv.count() == len(KEYS) - 1


def test_the_delete_answer_carries_its_status(client: versori.Client) -> None:
    made = client.create_store(body={"name": "status"})
    assert made.id
    client.kv(made.id).set(["k"], 1)
    answer = client.delete_kv(made.id, ["k"], {"options": {}})
    assert answer.to_dict() == {"status": "deleted"}
