"""The one decode path, over every response shape: cursor pages, KV pages, bare arrays,
wrapper objects and single objects; integers beyond 64 bits; timestamps; the cycle
collector's view of listing models; and when listings send their requests."""

from __future__ import annotations

import asyncio
import gc
import json
import warnings
import weakref
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, Iterator, List

import pytest

import versori
from stub_server import JsonHandler, serve
from stub_server import routes as serve_routes
from versori import _native, models

ORG = "01J8ZQ4N7G3Y5B2K9T6W1XDEC0"
BIG = 2**70


def system(i: int, **extra: Any) -> Dict[str, Any]:
    return {
        "id": f"s{i}",
        "name": f"System {i}",
        "domain": f"s{i}.example.com",
        "templateBaseUrl": f"https://s{i}.example.com",
        "authSchemeConfigs": [{"type": "none"}],
        **extra,
    }


def cursor_pages(n_pages: int, per_page: int) -> Dict[str, bytes]:
    routes = {}
    for p in range(n_pages):
        page: Dict[str, Any] = {
            "totalCount": n_pages * per_page,
            "items": [system(p * per_page + i, big=BIG + p * per_page + i) for i in range(per_page)],
        }
        if p + 1 < n_pages:
            page["next"] = f"c{p + 1}"
        routes[f"/o/{ORG}/systems" + (f"?after=c{p}" if p else "")] = json.dumps(page).encode()
    return routes


@contextmanager
def serving(bodies: Dict[str, bytes]) -> Iterator[versori.Client]:
    with serve_routes(bodies) as base_url:
        yield versori.Client(base_url=base_url, api_key="k", organisation=ORG, from_env=False)


def async_twin(client: versori.Client) -> versori.AsyncClient:
    return versori.AsyncClient(base_url=client.base_url, api_key="k", organisation=ORG, from_env=False)


# --- integers beyond 64 bits, on every shape -------------------------------------------


def test_big_integers_are_exact_in_a_cursor_page() -> None:
    with serving(cursor_pages(3, 4)) as client:
        items = list(client.list_systems())
        assert [s.to_dict()["big"] for s in items] == [BIG + i for i in range(12)]

        async def collect() -> List[int]:
            return [s.to_dict()["big"] async for s in async_twin(client).list_systems()]

        assert asyncio.run(collect()) == [BIG + i for i in range(12)]


def test_big_integers_are_exact_in_a_single_object_and_a_bare_array() -> None:
    user = {"id": "u1", "externalId": "x", "n": BIG, "neg": -BIG, "nested": {"n": [BIG]}}
    runs = [{"id": "r1", "count": BIG}]
    routes = {
        f"/o/{ORG}/users/x": json.dumps(user).encode(),
        f"/o/{ORG}/automations/a1/run": json.dumps(runs).encode(),
    }
    with serving(routes) as client:
        got = client.get_end_user("x")
        assert got.to_dict() == user and type(got.to_dict()["n"]) is int
        assert client.call("GetEndUser", user_id="x") == user
        listed = client.list_automation_runs("a1")
        assert [r.to_dict()["count"] for r in listed] == [BIG]
    assert _native.loads(json.dumps([BIG, -BIG, 1.5])) == [BIG, -BIG, 1.5]


# --- every listing shape iterates over its items ---------------------------------------


def test_every_listing_shape_iterates_over_its_items() -> None:
    stores = {"stores": [{"id": "st1", "name": "one"}, {"id": "st2", "name": "two"}]}
    routes = {
        f"/o/{ORG}/store": json.dumps(stores).encode(),
        f"/o/{ORG}/users": json.dumps({"totalCount": 1, "users": [{"id": "u1", "externalId": "e"}]}).encode(),
        f"/o/{ORG}/automations/a1/run": json.dumps([{"id": "r1"}, {"id": "r2"}]).encode(),
        **cursor_pages(2, 3),
    }
    with serving(routes) as client:
        assert [s.name for s in client.list_stores()] == ["one", "two"]
        assert len(client.list_stores()) == 2
        assert [u.external_id for u in client.list_end_users()] == ["e"]
        assert [r.id for r in client.list_automation_runs("a1")] == ["r1", "r2"]
        assert [s.id for s in client.list_systems()] == [f"s{i}" for i in range(6)]
    # a wrapper whose list is optional iterates as empty when the list is missing
    with serving({f"/o/{ORG}/store": b"{}"}) as client:
        assert list(client.list_stores()) == [] and len(client.list_stores()) == 0


def test_a_kv_page_iterates_and_follows_its_cursor(client: versori.Client) -> None:
    store = client.create_store(body={"name": "decode"}).id or "decode"
    client.kv(store).set_many([(["k", f"{i:03}"], {"n": i, "at": "2026-01-02T03:04:05Z"}) for i in range(30)])
    listing = client.list_kv(store, {"selector": {"prefix": ["k"]}, "options": {"limit": 7}})
    entries = list(listing)
    # newest first: the last written leads
    assert [e.value["n"] for e in entries] == list(range(29, -1, -1))
    assert all(isinstance(e, models.KVEntry) and isinstance(e.created_at, datetime) for e in entries)


# --- when listings send their requests -------------------------------------------------


class Counting:
    """A loopback server of fixed routes (its URL) and the paths of the requests it answered."""

    def __init__(self, url: str, paths: List[str]) -> None:
        self.url = url
        self.paths = paths


@pytest.fixture
def counting() -> Iterator[Counting]:
    routes = {path: (200, body) for path, body in cursor_pages(3, 2).items()}
    routes[f"/o/{ORG}/systems?search=denied"] = (401, b'{"code": "unauthenticated", "message": "bad key"}')
    paths: List[str] = []

    class Handler(JsonHandler):
        def do_GET(self) -> None:
            paths.append(self.path)
            self.send_json(*routes.get(self.path, (404, b'{"code": "not_found", "message": "no route"}')))

    with serve(Handler) as url:
        yield Counting(url, paths)


def test_a_list_method_sends_its_first_request_when_called(counting: Counting) -> None:
    client = versori.Client(base_url=counting.url, api_key="k", organisation=ORG, max_retries=0, from_env=False)
    listing = client.list_systems()
    assert counting.paths == [f"/o/{ORG}/systems"]
    assert listing.total_count == 6
    # later pages only as iteration reaches them
    it = iter(listing)
    assert [next(it).id for _ in range(2)] == ["s0", "s1"] and len(counting.paths) == 1
    assert next(it).id == "s2" and len(counting.paths) == 2
    assert [s.id for s in it] == ["s3", "s4", "s5"] and len(counting.paths) == 3
    # errors raise at the call site
    with pytest.raises(versori.AuthenticationError):
        client.list_systems(search="denied")
    with pytest.raises(versori.ValidationError):
        client.list_systems(first="many")  # type: ignore[arg-type]


def test_an_async_list_method_sends_its_first_request_when_called(counting: Counting) -> None:
    async def main() -> None:
        client = versori.AsyncClient(base_url=counting.url, api_key="k", organisation=ORG, max_retries=0, from_env=False)
        listing = await client.list_systems()
        assert counting.paths == [f"/o/{ORG}/systems"] and listing.total_count == 6
        assert [s.id async for s in listing] == [f"s{i}" for i in range(6)]
        assert len(counting.paths) == 3
        with pytest.raises(versori.AuthenticationError):
            await client.list_systems(search="denied")
        # without await, the request is on its way already and its error raises on first use
        pending = client.list_systems(search="denied")
        with pytest.raises(versori.AuthenticationError):
            async for _ in pending:
                pass

    asyncio.run(main())


REPEATED = {
    f"/o/{ORG}/systems": json.dumps({"items": [system(0)], "next": "c1"}).encode(),
    f"/o/{ORG}/systems?after=c1": json.dumps({"items": [system(1)], "next": "c1"}).encode(),
}


def test_a_repeated_cursor_stops_the_listing_with_an_error() -> None:
    with serving(REPEATED) as client:
        seen = 0
        with pytest.raises(versori.VersoriError, match="cursor"):
            for _ in client.list_systems():
                seen += 1
                assert seen < 50, "a repeated cursor was followed again and again"

        async def main() -> None:
            seen = 0
            async for _ in async_twin(client).list_systems():
                seen += 1
                assert seen < 50, "a repeated cursor was followed again and again"

        with pytest.raises(versori.VersoriError, match="cursor"):
            asyncio.run(main())


# --- timestamps --------------------------------------------------------------------------


def test_timestamps_read_as_aware_datetimes_and_keep_their_wire_text() -> None:
    user = {"id": "u1", "externalId": "x", "createdAt": "2026-01-02T03:04:05.123456789Z",
            "updatedAt": "2026-01-02T05:04:05+02:00"}
    listing = {"totalCount": 1, "users": [user]}
    with serving({f"/o/{ORG}/users/x": json.dumps(user).encode(),
                  f"/o/{ORG}/users": json.dumps(listing).encode()}) as client:
        for got in (client.get_end_user("x"), client.list_end_users().users[0]):
            assert got.created_at == datetime(2026, 1, 2, 3, 4, 5, 123456, timezone.utc)
            assert got.updated_at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
            assert got.updated_at.utcoffset() == timedelta(hours=2)
            assert got.to_dict() == user and json.loads(got.to_json()) == user
    built = models.EndUser.from_dict(user)
    assert built.created_at.tzinfo is not None


def test_a_malformed_timestamp_reads_as_sent_with_a_warning() -> None:
    for bad in ("yesterday", "2026-01-02T03:04:05", "2026-13-02T03:04:05Z", "2026-01-02"):
        user = models.EndUser.from_dict({"id": "u1", "externalId": "x", "createdAt": bad})
        with pytest.warns(versori.VersoriWarning, match="EndUser.created_at"):
            assert user.created_at == bad
        assert user.external_id == "x"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert models.EndUser.from_dict({"id": "u", "externalId": "x"}).to_dict() == {"id": "u", "externalId": "x"}


TIMESTAMP_TEXTS = [
    "2026-01-02T03:04:05Z", "2026-01-02 03:04:05.5Z", "2026-01-02T03:04:05.123456789+00:00",
    "2026-12-31T23:59:59.000001-00:00", "2024-02-29T12:00:00.1Z", "2026-01-02T03:04:05+01:00",
    "2026-01-02T03:04:05.Z", "2026-01-02t03:04:05z", "2026-02-30T00:00:00Z", "2026-01-01T24:00:00Z",
    "2026-01-01T00:00:60Z", "0000-01-01T00:00:00Z", "2026-01-02T03:04:05", "2026-1-02T03:04:05Z",
    "yesterday", "",
]


@pytest.mark.parametrize("text", TIMESTAMP_TEXTS)
def test_a_timestamp_read_from_a_body_reads_as_the_python_reading_does(text: str) -> None:
    # a listing's models read their timestamps natively from the body; a model over a
    # dict goes through the Python converter: both give the same value, or the same
    # warning and the text as sent, on every Python version
    item = {"id": "u1", "externalId": "x", "createdAt": text}
    body = json.dumps({"totalCount": 1, "users": [item]})
    native = models.EndUserPage._from_wire(_native.RawJson(body)).users[0]
    python = models.EndUser.from_dict(item)
    with warnings.catch_warnings(record=True) as from_body:
        warnings.simplefilter("always")
        got = native.created_at
    with warnings.catch_warnings(record=True) as from_dict:
        warnings.simplefilter("always")
        want = python.created_at
    assert type(got) is type(want) and got == want
    if isinstance(want, datetime):
        assert isinstance(got, datetime) and got.utcoffset() == want.utcoffset()
        assert got.tzinfo is want.tzinfo or want.tzinfo is not timezone.utc
    assert [str(w.message) for w in from_body] == [str(w.message) for w in from_dict]
    assert native.to_dict() == item


def test_a_request_takes_datetimes_and_refuses_naive_ones() -> None:
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    entry = models.KVEntry(key=["a"], value=1, versionstamp="v", created_at=when)
    assert entry.to_dict()["createdAt"] == "2026-01-02T03:04:05Z" and entry.created_at == when
    local = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=-5)))
    assert models.KVEntry(key=["a"], value=1, versionstamp="v", created_at=local).to_dict()["createdAt"] == (
        "2026-01-02T03:04:05-05:00"
    )
    with pytest.raises(versori.ValidationError, match="timezone"):
        models.KVEntry(key=["a"], value=1, versionstamp="v", created_at=datetime(2026, 1, 2))


# --- the cycle collector -----------------------------------------------------------------


def test_listing_models_are_untracked_only_while_they_cannot_join_a_cycle() -> None:
    listing = {"totalCount": 2, "users": [{"id": "u1", "externalId": "a"}, {"id": "u2", "externalId": "b"}]}
    with serving({f"/o/{ORG}/users": json.dumps(listing).encode()}) as client:
        users = client.list_end_users().users
    first, second = users
    assert not gc.is_tracked(first)
    assert first.external_id == "a" and not gc.is_tracked(first)
    first.to_dict()  # decoded: it holds a dict now
    assert gc.is_tracked(first)

    class Probe:
        model: Any = None

    probe = Probe()
    second._data = {"probe": probe}
    assert gc.is_tracked(second)
    probe.model = second
    gone = weakref.ref(probe)
    del probe, second, users
    gc.collect()
    assert gone() is None, "a cycle through a listing model was not collected"


def test_a_model_subclass_with_a_dict_stays_tracked() -> None:
    class Mine(models.EndUser):
        pass

    items = _native.RawJson('[{"id": "u1"}]').items()
    assert isinstance(items, _native.RawItems)
    (mine,) = items.models(Mine)
    assert gc.is_tracked(mine) and mine.id == "u1"
