"""Cancelling an ``AsyncClient`` call aborts its request at once: the connection is
dropped and no retry follows (checked with a server that never answers and counts the
connections it holds)."""

from __future__ import annotations

import asyncio
import time
from typing import Any, Iterator

import pytest

import versori
from fault_server import FaultServer

ORG = "01J8ZQ4N7G3Y5B2K9T6W1X00RG"


@pytest.fixture
def stall() -> Iterator[FaultServer]:
    with FaultServer() as server:
        yield server


def stalled(server: FaultServer) -> versori.AsyncClient:
    # long attempts and quick retries: a call that carried on would show up as a
    # connection still open, or as new ones
    return versori.AsyncClient(
        base_url=server.base_url("stall"), api_key="k", organisation=ORG, from_env=False, timeout=30, max_retries=5
    )


def settle(server: FaultServer, open_now: int, accepted: int) -> None:
    """Waits (up to 5 s) for ``open_now`` stalled connections, then checks that no other
    connection arrives for a while."""
    deadline = time.monotonic() + 5
    while True:
        stats = server.stats()
        if stats["open"].get("stall", 0) == open_now:
            break
        assert time.monotonic() < deadline, f"connections still open: {stats}"
        time.sleep(0.01)
    time.sleep(0.5)
    stats = server.stats()
    assert stats["open"].get("stall", 0) == open_now, stats
    assert stats["accepted"].get("stall", 0) == accepted, f"a retry followed the cancellation: {stats}"


async def until_connected(server: FaultServer, n: int) -> None:
    deadline = time.monotonic() + 10
    while server.stats()["accepted"].get("stall", 0) < n:
        assert time.monotonic() < deadline, "the calls never reached the server"
        await asyncio.sleep(0.01)


def test_twenty_cancelled_calls_leave_no_connection_and_no_retry(stall: FaultServer) -> None:
    client = stalled(stall)

    async def main() -> None:
        tasks = [asyncio.ensure_future(client.get_end_user(f"u{i}")) for i in range(20)]
        await until_connected(stall, 20)
        started = time.monotonic()
        for t in tasks:
            t.cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        assert all(isinstance(r, asyncio.CancelledError) for r in results), results
        assert time.monotonic() - started < 1, "cancellation waited for the requests"

    asyncio.run(main())
    settle(stall, open_now=0, accepted=20)


def test_wait_for_timing_out_aborts_the_call(stall: FaultServer) -> None:
    client = stalled(stall)

    async def main() -> None:
        for i in range(3):
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(client.call("GetEndUser", user_id=f"u{i}"), 0.2)

    asyncio.run(main())
    settle(stall, open_now=0, accepted=3)


def test_cancelling_an_async_listing_or_workflow_aborts_it_too(stall: FaultServer) -> None:
    client = stalled(stall)

    async def listing() -> Any:
        return [s async for s in client.list_systems()]

    async def main() -> None:
        for n, make in enumerate([listing, lambda: client.workflows.find_user_activation("env", "u")], 1):
            task = asyncio.ensure_future(make())
            await until_connected(stall, n)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

    asyncio.run(main())
    settle(stall, open_now=0, accepted=2)


def test_other_calls_on_the_loop_are_not_disturbed(stall: FaultServer) -> None:
    with FaultServer() as other:
        good = versori.AsyncClient(
            base_url=other.base_url("echo-ok"), api_key="k", organisation=ORG, from_env=False, max_retries=0
        )
        client = stalled(stall)

        async def main() -> None:
            doomed = asyncio.ensure_future(client.get_end_user("u"))
            await until_connected(stall, 1)
            doomed.cancel()
            # a call whose result arrives after a cancelled one still gets it
            with pytest.raises(versori.APIResponseError):
                await good.get_end_user("u")

        asyncio.run(main())
    settle(stall, open_now=0, accepted=1)
