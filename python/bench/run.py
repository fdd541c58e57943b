"""Benchmark: the versori package against httpx, requests and aiohttp doing the same calls
on a minimal loopback server (fixed JSON bodies, from the native module, so the figures
measure the clients rather than a server's work), side by side in one run. The server is
in native modules built with the `bench` feature (as `cargo xtask test` builds it):

    MATURIN_PEP517_ARGS="--features bench" pip install ./python

    python python/bench/run.py            # full figures (about a minute)
    python python/bench/run.py --quick    # small counts: checks it runs and the results agree

Prints each figure and the ratios the targets are stated in:
  1. sequential small GETs on one connection: versori.Client vs httpx.Client (target >= 5x)
  2. a 10,000-item list fetched and decoded into typed results, a field of every item
     read, vs httpx + json (>= 1.5x) and httpx + orjson (>= 1x); for information, the
     same with only the first item read (2b) and with every field of every item (2c)
  3. GETs with 64 in flight on versori.AsyncClient vs aiohttp (target >= 3x)
Each figure is the best of a few rounds, with the clients' order rotated between rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Any, Callable, Dict, List, Optional, Protocol

import versori
from versori import _native

ORG = "01J8ZQ4N7G3Y5B2K9T6W1XBNCH"
KEY = "bench-key"
HEADERS = {"Authorization": f"Bearer {KEY}", "Accept": "application/json"}
LIST_ORG = "01J8ZQ4N7G3Y5B2K9T6W1XLIST"


def end_user(i: int) -> Dict[str, Any]:
    """An end user as the platform sends it."""
    return {
        "id": f"01J8ZQ4N7G3Y5B2K9T6W{i:06d}",
        "organisationId": ORG,
        "externalId": f"user-{i:05}",
        "displayName": f"User {i}",
        "createdAt": "2026-01-02T03:04:05Z",
        "updatedAt": "2026-01-02T03:04:05Z",
    }


class StaticServer(Protocol):
    """`_native.StaticServer`, present when the module is built with the `bench` feature."""

    @property
    def base_url(self) -> str: ...
    def shutdown(self) -> None: ...


def start_server(items: int) -> StaticServer:
    """The loopback server: one end user, and a list of `items` end users."""
    one = dict(end_user(0), externalId="bench-user")
    listing = {"totalCount": items, "users": [end_user(i) for i in range(items)]}
    server: Optional[Callable[[Dict[str, bytes]], StaticServer]] = getattr(_native, "StaticServer", None)
    if server is None:
        sys.exit(
            "this versori._native has no StaticServer (it is built only with the `bench` feature): "
            'MATURIN_PEP517_ARGS="--features bench" pip install ./python'
        )
    return server(
        {
            f"/o/{ORG}/users/bench-user": json.dumps(one).encode(),
            f"/o/{LIST_ORG}/users": json.dumps(listing).encode(),
        }
    )


def sync_client(base: str, org: str = ORG) -> versori.Client:
    return versori.Client(base_url=base, api_key=KEY, organisation=org, from_env=False)


def async_client(base: str, org: str = ORG) -> versori.AsyncClient:
    return versori.AsyncClient(base_url=base, api_key=KEY, organisation=org, from_env=False)


def optional(name: str) -> Any:
    try:
        return __import__(name)
    except ImportError:
        print(f"  ({name} is not installed: its figure is skipped; pip install {name})")
        return None


def best_rate(rounds: Dict[str, Callable[[], int]], repeat: int) -> Dict[str, float]:
    """Requests (or items) per second of each contender, best of `repeat` rotated rounds."""
    names = list(rounds)
    best: Dict[str, float] = {n: 0.0 for n in names}
    for r in range(repeat):
        order = names[r % len(names):] + names[: r % len(names)]
        for name in order:
            started = time.perf_counter()
            count = rounds[name]()
            elapsed = time.perf_counter() - started
            best[name] = max(best[name], count / elapsed)
    return best


def report(
    title: str, rates: Dict[str, float], unit: str, base: str, targets: Dict[str, Optional[float]]
) -> List[str]:
    """Prints the figures and each ratio; a target of None prints the ratio only."""
    print(f"\n{title}")
    for name, rate in rates.items():
        print(f"  {name:<28} {rate:>12,.0f} {unit}")
    failures = []
    for other, target in targets.items():
        if other not in rates or base not in rates:
            continue
        ratio = rates[base] / rates[other]
        if target is None:
            print(f"  ratio {base} / {other}: {ratio:.2f}x")
            continue
        ok = ratio >= target
        print(f"  ratio {base} / {other}: {ratio:.2f}x (target >= {target}x) {'ok' if ok else 'BELOW TARGET'}")
        if not ok:
            failures.append(f"{title}: {base}/{other} = {ratio:.2f}x < {target}x")
    return failures


def sequential_gets(base: str, n: int, repeat: int) -> List[str]:
    client = sync_client(base)
    url = f"{base}/o/{ORG}/users/bench-user"
    rounds: Dict[str, Callable[[], int]] = {}

    def versori_round() -> int:
        get = client.get_end_user
        for _ in range(n):
            u = get("bench-user")
        assert u.external_id == "bench-user"
        return n

    rounds["versori.Client (typed)"] = versori_round
    httpx = optional("httpx")
    if httpx is not None:
        hc = httpx.Client(headers=HEADERS, limits=httpx.Limits(max_connections=1))

        def httpx_round() -> int:
            for _ in range(n):
                d = json.loads(hc.get(url).content)
            assert d["externalId"] == "bench-user"
            return n

        rounds["httpx.Client + json"] = httpx_round
    requests = optional("requests")
    if requests is not None:
        rs = requests.Session()
        rs.headers.update(HEADERS)

        def requests_round() -> int:
            for _ in range(n):
                d = json.loads(rs.get(url).content)
            assert d["externalId"] == "bench-user"
            return n

        rounds["requests.Session + json"] = requests_round
    rates = best_rate(rounds, repeat)
    return report(
        f"1. {n:,} sequential small GETs on one connection",
        rates,
        "req/s",
        "versori.Client (typed)",
        {"httpx.Client + json": 5.0},
    )


def big_list(base: str, items: int, repeat: int) -> List[str]:
    client = sync_client(base, LIST_ORG)
    url = f"{base}/o/{LIST_ORG}/users"
    wire = ["id", "organisationId", "externalId", "displayName", "createdAt", "updatedAt"]
    id_chars = sum(len(end_user(i)["externalId"]) for i in range(items))
    all_chars = sum(len(end_user(i)[w]) for i in range(items) for w in wire)

    def one_field(typed: bool) -> Callable[[Any], int]:
        if typed:
            return lambda u: len(u.external_id)
        return lambda u: len(u["externalId"])

    def every_field(typed: bool) -> Callable[[Any], int]:
        if typed:
            return lambda u: (
                len(u.id) + len(u.organisation_id) + len(u.external_id)
                + len(u.display_name) + len(u.created_at) + len(u.updated_at)
            )
        return lambda u: (
            len(u["id"]) + len(u["organisationId"]) + len(u["externalId"])
            + len(u["displayName"]) + len(u["createdAt"]) + len(u["updatedAt"])
        )

    def each_item(total: int) -> Callable[[List[Any], Callable[[Any], int]], None]:
        def use(users: List[Any], read: Callable[[Any], int]) -> None:
            assert len(users) == items
            assert sum(read(u) for u in users) == total

        return use

    def first_item(users: List[Any], read: Callable[[Any], int]) -> None:
        assert len(users) == items and read(users[0])

    def contenders(
        use: Callable[[List[Any], Callable[[Any], int]], None], reader: Callable[[bool], Callable[[Any], int]]
    ) -> Dict[str, Callable[[], int]]:
        rounds: Dict[str, Callable[[], int]] = {}
        typed, plain = reader(True), reader(False)

        def versori_round() -> int:
            use(client.list_end_users().users, typed)
            return 1

        rounds["versori (typed EndUser)"] = versori_round
        httpx = optional("httpx")
        if httpx is not None:
            hc = httpx.Client(headers=HEADERS)

            def httpx_json() -> int:
                use(json.loads(hc.get(url).content)["users"], plain)
                return 1

            rounds["httpx + json (dicts)"] = httpx_json
            orjson = optional("orjson")
            if orjson is not None:

                def httpx_orjson() -> int:
                    use(orjson.loads(hc.get(url).content)["users"], plain)
                    return 1

                rounds["httpx + orjson (dicts)"] = httpx_orjson
        return rounds

    # The target applies when a field of every item is read. versori checks the
    # whole body when it arrives, makes every item's model, and decodes each value
    # when it is read, so reading less than json and orjson decode is cheaper: 2b
    # shows reading one item, 2c reading every field of every item.
    failures = report(
        f"2. a {items:,}-item list fetched and decoded, a field of every item read",
        best_rate(contenders(each_item(id_chars), one_field), repeat),
        "lists/s",
        "versori (typed EndUser)",
        {"httpx + json (dicts)": 1.5, "httpx + orjson (dicts)": 1.0},
    )
    report(
        "2b. the same list, only the first item read (for information)",
        best_rate(contenders(first_item, one_field), repeat),
        "lists/s",
        "versori (typed EndUser)",
        {"httpx + json (dicts)": None, "httpx + orjson (dicts)": None},
    )
    report(
        "2c. the same list, every field of every item read (for information)",
        best_rate(contenders(each_item(all_chars), every_field), repeat),
        "lists/s",
        "versori (typed EndUser)",
        {"httpx + json (dicts)": None, "httpx + orjson (dicts)": None},
    )
    return failures


def concurrent_gets(base: str, n: int, in_flight: int, repeat: int) -> List[str]:
    url = f"{base}/o/{ORG}/users/bench-user"
    aclient = async_client(base)
    rounds: Dict[str, Callable[[], int]] = {}

    async def workers(fetch: Callable[[], Any]) -> None:
        per = n // in_flight

        async def worker() -> None:
            for _ in range(per):
                await fetch()

        await asyncio.gather(*(worker() for _ in range(in_flight)))

    def versori_round() -> int:
        asyncio.run(workers(lambda: aclient.get_end_user("bench-user")))
        return (n // in_flight) * in_flight

    rounds["versori.AsyncClient (typed)"] = versori_round
    aiohttp = optional("aiohttp")
    if aiohttp is not None:

        def aiohttp_round() -> int:
            async def main() -> None:
                conn = aiohttp.TCPConnector(limit=in_flight)
                async with aiohttp.ClientSession(headers=HEADERS, connector=conn) as session:

                    async def fetch() -> None:
                        async with session.get(url) as resp:
                            d = json.loads(await resp.read())
                            assert d["externalId"] == "bench-user"

                    await workers(fetch)

            asyncio.run(main())
            return (n // in_flight) * in_flight

        rounds["aiohttp + json"] = aiohttp_round
    rates = best_rate(rounds, repeat)
    return report(
        f"3. {n:,} GETs with {in_flight} in flight",
        rates,
        "req/s",
        "versori.AsyncClient (typed)",
        {"aiohttp + json": 3.0},
    )


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small counts, to check that it runs")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a ratio is below its target")
    parser.add_argument(
        "--only", choices=["gets", "list", "concurrent"], help="run one scenario (1, 2 or 3) only"
    )
    args = parser.parse_args(argv)
    gets, items, conc, repeat = (300, 500, 640, 1) if args.quick else (20_000, 10_000, 20_000, 3)
    print(f"versori {versori.__version__} benchmark on Python {sys.version.split()[0]}"
          f"{' (quick mode: figures are not meaningful)' if args.quick else ''}")
    server = start_server(items)
    try:
        print(f"loopback server at {server.base_url}")
        failures: List[str] = []
        if args.only in (None, "gets"):
            failures += sequential_gets(server.base_url, gets, repeat)
        if args.only in (None, "list"):
            # a list takes milliseconds: more rounds make its best figure steadier
            failures += big_list(server.base_url, items, repeat * 5)
        if args.only in (None, "concurrent"):
            failures += concurrent_gets(server.base_url, conc, 64, repeat)
    finally:
        server.shutdown()
    if failures:
        print("\nbelow target:\n  " + "\n  ".join(failures))
        return 1 if args.strict else 0
    print("\nall targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
