"""Clients survive ``fork``: a forked child gets a runtime and connection pool of its own
without doing anything, and the parent carries on undisturbed. Each scenario runs in a
fresh interpreter under its own timeout, so a hang fails the test instead of the suite."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs os.fork")

# what every scenario starts with: the emulator (served by the parent's runtime), a
# client that has made calls (so its runtime, pool and connections exist), and a helper
# that makes a few calls and checks their results
PRELUDE = """
import multiprocessing, os, sys, threading, time, warnings
import versori
from versori.testing import Emulator

# forking with the runtime's threads running is the point of these tests
warnings.simplefilter("ignore", DeprecationWarning)

emu = Emulator()
client = emu.client(organisation="01J8ZQ4N7G3Y5B2K9T6W1XF0RK")

def work(c, who, n=5):
    for i in range(n):
        ext = f"{who}-{i}"
        made = c.create_end_user(body={"externalId": ext})
        assert c.get_end_user(ext).id == made.id, ext
        assert any(u.external_id == ext for u in c.list_end_users(search=ext))
"""


def run(body: str, timeout: float = 60.0) -> str:
    code = PRELUDE + textwrap.dedent(body)
    try:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"the scenario hung (over {timeout} s); output so far: {e.stdout!r} {e.stderr!r}")
    assert out.returncode == 0, f"exit {out.returncode}\nstdout: {out.stdout}\nstderr: {out.stderr}"
    return out.stdout


def test_four_forked_children_call_while_the_parent_keeps_calling() -> None:
    out = run(
        """
        work(client, "parent-before")
        ctx = multiprocessing.get_context("fork")

        def child(n):
            work(client, f"child{n}")       # the parent's client, inherited
            work(emu.client(organisation="01J8ZQ4N7G3Y5B2K9T6W1XF0RK"), f"fresh{n}")

        procs = [ctx.Process(target=child, args=(n,)) for n in range(4)]
        for p in procs:
            p.start()
        # the parent keeps calling while the children run
        stop = time.monotonic() + 2
        rounds = 0
        while any(p.is_alive() for p in procs) or time.monotonic() < stop:
            work(client, f"parent-{rounds}", n=1)
            rounds += 1
        for p in procs:
            p.join(30)
            assert p.exitcode == 0, f"child exit code {p.exitcode}"
        work(client, "parent-after")
        total = sum(1 for _ in client.list_end_users())
        print(rounds, total)
        """
    )
    rounds, total = map(int, out.split())
    assert rounds >= 1
    # each child made 10 users, the parent 5 + rounds + 5
    assert total == 4 * 10 + 5 + rounds + 5


def test_a_client_created_before_the_fork_and_first_used_in_the_child() -> None:
    run(
        """
        unused = emu.client(organisation="01J8ZQ4N7G3Y5B2K9T6W1XF0RK")
        pid = os.fork()
        if pid == 0:
            try:
                work(unused, "first-in-child")
                work(client, "inherited")
                os._exit(0)
            except BaseException as e:
                print("child failed:", repr(e), flush=True)
                os._exit(1)
        work(client, "parent-during")
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        work(unused, "parent-after")
        """
    )


def test_async_clients_and_listings_work_in_a_forked_child() -> None:
    run(
        """
        import asyncio
        aclient = emu.async_client(organisation="01J8ZQ4N7G3Y5B2K9T6W1XF0RK")

        async def awork(who):
            await aclient.create_system(body={"name": f"{who}-system", "domain": "example.com",
                                              "authSchemeConfigs": [], "templateBaseUrl": "https://example.com"})
            for i in range(3):
                ext = f"{who}-{i}"
                await aclient.create_end_user(body={"externalId": ext})
                assert (await aclient.get_end_user(ext)).external_id == ext
            # a paginated listing, page by page on the runtime
            names = [s.name async for s in aclient.list_systems()]
            assert f"{who}-system" in names, names
            return [u for u in await aclient.list_end_users(search=who)]

        assert len(asyncio.run(awork("parent-before"))) == 3
        pid = os.fork()
        if pid == 0:
            try:
                assert len(asyncio.run(awork("child"))) == 3
                os._exit(0)
            except BaseException as e:
                print("child failed:", repr(e), flush=True)
                os._exit(1)
        assert len(asyncio.run(awork("parent-during"))) == 3
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        """
    )


def test_a_child_that_exits_normally_does_not_hang_on_the_parents_emulator() -> None:
    # sys.exit in the child runs the interpreter's shutdown, which frees the inherited
    # emulator and clients: that must neither hang nor stop the parent's server
    run(
        """
        pid = os.fork()
        if pid == 0:
            work(client, "child")
            emu.close()
            sys.exit(0)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert emu.running
        work(client, "parent-after")
        """
    )
