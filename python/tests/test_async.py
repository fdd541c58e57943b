"""The async client under asyncio: calls, concurrency, pagination, errors, workflows."""

from __future__ import annotations

import asyncio

import pytest

import versori
from versori.models import EndUser


def test_async_calls_and_pagination(aclient: versori.AsyncClient) -> None:
    async def main() -> None:
        users = await asyncio.gather(
            *(aclient.create_end_user(body={"externalId": f"a-{i}"}) for i in range(40))
        )
        assert all(isinstance(u, EndUser) for u in users)
        got = await aclient.users.get("a-7")
        assert got.external_id == "a-7"
        page = await aclient.list_end_users()
        assert len(page) == 40

        for i in range(27):
            await aclient.systems.create(
                body={
                    "name": f"S{i}",
                    "domain": "x.example.com",
                    "templateBaseUrl": "https://x.example.com",
                    "authSchemeConfigs": [{"type": "none"}],
                }
            )
        listing = aclient.list_systems(first=5)
        names = [s.name async for s in listing]
        assert len(names) == 27
        assert listing.total_count == 27
        sizes = [len(p) async for p in aclient.list_systems(first=10).pages()]
        assert sizes == [10, 10, 7]
        assert len(await aclient.list_systems(first=4).to_list()) == 27

        with pytest.raises(versori.NotFoundError):
            await aclient.get_end_user("missing")
        with pytest.raises(versori.ValidationError):
            await aclient.call("GetEndUser")
        raw = await aclient.call("GetEndUser", user_id="a-1")
        assert raw["externalId"] == "a-1"

    asyncio.run(main())


def test_async_kv(aclient: versori.AsyncClient) -> None:
    async def main() -> None:
        store = await aclient.create_store(body={"name": "async-store"})
        kv = aclient.kv(store.id or "async-store")
        await kv.set(["a", "b"], {"x": 1})
        assert await kv.get(["a", "b"]) == {"x": 1}
        assert await kv.get(["a", "missing"], "default") == "default"
        assert await kv.count(["a"]) == 1
        assert [e.key async for e in kv.entries(["a"])] == [["a", "b"]]
        await kv.delete(["a", "b"])
        assert await kv.get(["a", "b"]) is None

    asyncio.run(main())


def test_many_in_flight(aclient: versori.AsyncClient) -> None:
    async def main() -> None:
        await aclient.create_end_user(body={"externalId": "hot"})
        results = await asyncio.gather(*(aclient.get_end_user("hot") for _ in range(500)))
        assert {r.external_id for r in results} == {"hot"}

    asyncio.run(main())


def test_event_loop_stays_responsive(aclient: versori.AsyncClient) -> None:
    async def main() -> None:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0)

        task = asyncio.ensure_future(ticker())
        for i in range(20):
            await aclient.create_end_user(body={"externalId": f"t-{i}"})
        task.cancel()
        assert ticks > 20

    asyncio.run(main())


def test_cancelled_calls_leave_the_client_usable(aclient: versori.AsyncClient) -> None:
    async def main() -> None:
        try:
            await aclient.create_end_user(body={"externalId": "cancel-me"})
        except versori.ConflictError:
            pass  # made by an earlier round
        tasks = [asyncio.ensure_future(aclient.get_end_user("cancel-me")) for _ in range(50)]
        await asyncio.sleep(0)
        for t in tasks[::2]:
            t.cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        assert sum(isinstance(r, asyncio.CancelledError) for r in results) >= 1
        assert all(isinstance(r, (EndUser, asyncio.CancelledError)) for r in results)
        again = await asyncio.gather(*(aclient.get_end_user("cancel-me") for _ in range(100)))
        assert len(again) == 100

    for _ in range(3):  # a new event loop each time: each gets its own bridge
        asyncio.run(main())
