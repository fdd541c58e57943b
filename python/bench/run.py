"""Benchmark: the versori package against httpx, requests and aiohttp doing the same calls
on a minimal loopback server (fixed JSON bodies, from the native module, so the figures
measure the clients rather than a server's work), side by side in one run. The server is
in native modules built with the `bench` feature (as `cargo xtask test` builds it):

    MATURIN_PEP517_ARGS="--features bench" pip install ./python

    python python/bench/run.py            # full figures (a few minutes)
    python python/bench/run.py --quick    # small counts: checks it runs and the results agree

Prints each figure and the ratios the targets are stated in:
  1. sequential small GETs on one connection: versori.Client vs httpx.Client (>= 5x), and
     vs the Rust facade itself on the same server (>= 0.5x); and, for scale, the rate of
     bare requests written on a socket by hand, which bounds every client's
  2. a 10,000-item single-page list fetched and decoded into typed results, a field of
     every item read, vs httpx + json (>= 1.5x) and httpx + orjson (>= 1x); the same with
     every field of every item read (2c, >= 1.2x orjson; and, for information, vs orjson
     with each timestamp parsed into a datetime as the models give it, on Python 3.11+);
     only the first item read (2b) for information
  3. a cursor-paginated listing (50 pages of 200 systems) iterated item by item, one
     field read per item, vs httpx + json (>= 1.5x) and httpx + orjson (>= 1.2x)
     following the cursor by hand; and the peak RSS of iterating 100,000 items
  4. GETs with 64 in flight on versori.AsyncClient vs aiohttp (>= 4x)
  5. the cost of one field read and of one model, and of the cycle collector's tracking
     of a listing's models (untracked, as shipped, vs tracked)
Each figure is the best of a few rounds, with the clients' order rotated between rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import resource
import subprocess
import sys
import time
from typing import Any, Callable, Dict, List, Optional, Protocol

import versori
from versori import _native

ORG = "01J8ZQ4N7G3Y5B2K9T6W1XBNCH"
KEY = "bench-key"
HEADERS = {"Authorization": f"Bearer {KEY}", "Accept": "application/json"}
LIST_ORG = "01J8ZQ4N7G3Y5B2K9T6W1X11ST"
PAGED_ORG = "01J8ZQ4N7G3Y5B2K9T6W1XPAGE"


def stamp(seconds: int) -> str:
    """An RFC 3339 timestamp (UTC, as the platform writes them) `seconds` after
    2026-01-01T00:00:00Z, with milliseconds."""
    day, rest = divmod(seconds, 86_400)
    month, day = divmod(day, 28)
    return (f"2026-{month % 12 + 1:02d}-{day + 1:02d}T{rest // 3600:02d}:{rest // 60 % 60:02d}:"
            f"{rest % 60:02d}.{seconds * 7 % 1000:03d}Z")


def end_user(i: int) -> Dict[str, Any]:
    """An end user as the platform sends it (every user's timestamps are their own, as
    real data's are: nothing can be reused from one item's parse for another)."""
    return {
        "id": f"01J8ZQ4N7G3Y5B2K9T6W{i:06d}",
        "organisationId": ORG,
        "externalId": f"user-{i:05}",
        "displayName": f"User {i}",
        "createdAt": stamp(i * 37),
        "updatedAt": stamp(i * 37 + 86_400 + i % 3600),
    }


def system(i: int) -> Dict[str, Any]:
    """A system as the platform sends it."""
    return {
        "id": f"01J8ZQ4N7G3Y5B2K9T6S{i:06d}",
        "name": f"System {i}",
        "domain": f"s{i}.example.com",
        "templateBaseUrl": f"https://s{i}.example.com/api",
        "authSchemeConfigs": [{"id": f"a{i}", "type": "none"}],
    }


def paged_routes(org: str, pages: int, per_page: int) -> Dict[str, bytes]:
    """ListSystems as `pages` pages of `per_page` systems, each pointing at the next."""
    routes = {}
    for p in range(pages):
        items = [system(p * per_page + i) for i in range(per_page)]
        page: Dict[str, Any] = {"totalCount": pages * per_page, "items": items}
        if p + 1 < pages:
            page["next"] = f"c{p + 1}"
        path = f"/o/{org}/systems" + (f"?after=c{p}" if p else "")
        routes[path] = json.dumps(page).encode()
    return routes


class StaticServer(Protocol):
    """`_native.StaticServer`, present when the module is built with the `bench` feature."""

    @property
    def base_url(self) -> str: ...
    def shutdown(self) -> None: ...


def start_server(items: int, pages: int, per_page: int) -> StaticServer:
    """The loopback server: one end user, a list of `items` end users, and `pages`
    pages of `per_page` systems."""
    one = dict(end_user(0), externalId="bench-user")
    listing = {"totalCount": items, "users": [end_user(i) for i in range(items)]}
    routes = {
        f"/o/{ORG}/users/bench-user": json.dumps(one).encode(),
        f"/o/{LIST_ORG}/users": json.dumps(listing).encode(),
    }
    routes.update(paged_routes(PAGED_ORG, pages, per_page))
    return static_server(routes)


def bench_only(name: str) -> Any:
    """A name of `versori._native` that only a module built with the `bench` feature has."""
    found = getattr(_native, name, None)
    if found is None:
        sys.exit(
            f"this versori._native has no {name} (it is built only with the `bench` feature): "
            'MATURIN_PEP517_ARGS="--features bench" pip install ./python'
        )
    return found


def static_server(routes: Dict[str, bytes]) -> StaticServer:
    """The benchmark's loopback server serving `routes` (path with query -> JSON body)."""
    server: Callable[[Dict[str, bytes]], StaticServer] = bench_only("StaticServer")
    return server(routes)


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
        print(f"  {name:<32} {rate:>12,.0f} {unit}")
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


# the loopback round trip with no HTTP client at all: what any client's rate is bounded by
# on this machine (on a virtual machine whose idle CPUs sleep, mostly the time to wake one)
FLOOR = "raw socket (the floor)"


def raw_socket_round(url: str, n: int) -> Callable[[], int]:
    """`n` GETs of `url` written by hand on one socket, each answer read to its end
    (by its content-length) and not decoded."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    request = (
        f"GET {parts.path} HTTP/1.1\r\nhost: {host}:{port}\r\n"
        + "".join(f"{k}: {v}\r\n" for k, v in HEADERS.items())
        + "\r\n"
    ).encode()

    def more(sock: socket.socket) -> bytes:
        chunk = sock.recv(65536)
        if not chunk:
            raise RuntimeError("the bench server closed the connection")
        return chunk

    def round_() -> int:
        with socket.create_connection((host, port)) as sock:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            buf = b""
            for _ in range(n):
                sock.sendall(request)
                while b"\r\n\r\n" not in buf:
                    buf += more(sock)
                head, _, buf = buf.partition(b"\r\n\r\n")
                length = int(next(
                    line.split(b":", 1)[1] for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                ))
                while len(buf) < length:
                    buf += more(sock)
                assert buf[:length].endswith(b"}")
                buf = buf[length:]
        return n

    return round_


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

    facade_get_end_user: Callable[[str, str, str, str, int], float] = bench_only("facade_get_end_user")

    def facade_round() -> int:
        facade_get_end_user(base, KEY, ORG, "bench-user", n)
        return n

    rounds["Rust facade (typed, awaited)"] = facade_round

    def json_round(get: Callable[[str], Any]) -> Callable[[], int]:
        """`n` GETs of the user through another library's `get`, each body decoded by json."""

        def round_() -> int:
            for _ in range(n):
                d = json.loads(get(url).content)
            assert d["externalId"] == "bench-user"
            return n

        return round_

    rounds[FLOOR] = raw_socket_round(url, n)
    httpx = optional("httpx")
    if httpx is not None:
        hc = httpx.Client(headers=HEADERS, limits=httpx.Limits(max_connections=1))
        rounds["httpx.Client + json"] = json_round(hc.get)
    requests = optional("requests")
    if requests is not None:
        rs = requests.Session()
        rs.headers.update(HEADERS)
        rounds["requests.Session + json"] = json_round(rs.get)
    rates = best_rate(rounds, repeat)
    return report(
        f"1. {n:,} sequential small GETs on one connection",
        rates,
        "req/s",
        "versori.Client (typed)",
        {"httpx.Client + json": 5.0, "Rust facade (typed, awaited)": 0.5, FLOOR: None},
    )


def big_list(base: str, items: int, repeat: int) -> List[str]:
    client = sync_client(base, LIST_ORG)
    url = f"{base}/o/{LIST_ORG}/users"
    wire = ["id", "organisationId", "externalId", "displayName", "createdAt", "updatedAt"]
    id_chars = sum(len(end_user(i)["externalId"]) for i in range(items))
    # a timestamp counts 1 (typed, it is a datetime; plain, its text)
    stamps = ("createdAt", "updatedAt")
    all_chars = sum(1 if w in stamps else len(end_user(i)[w]) for i in range(items) for w in wire)

    def one_field(typed: bool) -> Callable[[Any], int]:
        if typed:
            return lambda u: len(u.external_id)
        return lambda u: len(u["externalId"])

    def every_field(typed: bool) -> Callable[[Any], int]:
        # timestamps are datetimes in the typed models, strings in the dicts: each is
        # read and counts 1
        if typed:
            return lambda u: (
                len(u.id) + len(u.organisation_id) + len(u.external_id)
                + len(u.display_name) + (u.created_at.year > 0) + (u.updated_at.year > 0)
            )
        return lambda u: (
            len(u["id"]) + len(u["organisationId"]) + len(u["externalId"])
            + len(u["displayName"]) + (len(u["createdAt"]) > 0) + (len(u["updatedAt"]) > 0)
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

    # versori checks the whole body when it arrives, makes every item's model, and
    # decodes each value when it is read, so reading less than json and orjson decode
    # is cheaper: 2b shows reading one item, 2c reading every field of every item.
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
    # the same output as versori's models: orjson's dicts with each timestamp parsed
    # into an aware datetime, as a user of httpx + orjson would have to
    rounds_2c = contenders(each_item(all_chars), every_field)
    orjson = optional("orjson")
    httpx = optional("httpx")
    if orjson is not None and httpx is not None and sys.version_info >= (3, 11):
        from datetime import datetime

        hc_parsed = httpx.Client(headers=HEADERS)
        parse = datetime.fromisoformat

        def parsed(u: Any) -> int:
            return (
                len(u["id"]) + len(u["organisationId"]) + len(u["externalId"])
                + len(u["displayName"]) + (parse(u["createdAt"]).year > 0)
                + (parse(u["updatedAt"]).year > 0)
            )

        def httpx_orjson_parsed() -> int:
            each_item(all_chars)(orjson.loads(hc_parsed.get(url).content)["users"], parsed)
            return 1

        rounds_2c["httpx + orjson (datetimes)"] = httpx_orjson_parsed
    failures += report(
        "2c. the same list, every field of every item read (timestamps as datetimes)",
        best_rate(rounds_2c, repeat),
        "lists/s",
        "versori (typed EndUser)",
        {
            "httpx + json (dicts)": None,
            "httpx + orjson (dicts)": 1.2,
            "httpx + orjson (datetimes)": None,
        },
    )
    return failures


def paged_list(base: str, pages: int, per_page: int, repeat: int) -> List[str]:
    client = sync_client(base, PAGED_ORG)
    url = f"{base}/o/{PAGED_ORG}/systems"
    total = pages * per_page
    name_chars = sum(len(system(i)["name"]) for i in range(total))
    rounds: Dict[str, Callable[[], int]] = {}

    def versori_round() -> int:
        assert sum(len(s.name) for s in client.list_systems()) == name_chars
        return total

    rounds["versori (for s in list_systems())"] = versori_round
    httpx = optional("httpx")
    if httpx is not None:
        hc = httpx.Client(headers=HEADERS)

        def by_hand(loads: Callable[[bytes], Any]) -> Callable[[], int]:
            def run() -> int:
                chars, params = 0, None
                while True:
                    page = loads(hc.get(url, params=params).content)
                    chars += sum(len(s["name"]) for s in page["items"])
                    if not page.get("next"):
                        break
                    params = {"after": page["next"]}
                assert chars == name_chars
                return total

            return run

        rounds["httpx + json (by hand)"] = by_hand(json.loads)
        orjson = optional("orjson")
        if orjson is not None:
            rounds["httpx + orjson (by hand)"] = by_hand(orjson.loads)
    return report(
        f"3. a paged listing ({pages} pages of {per_page} systems), item by item, one field read",
        best_rate(rounds, repeat),
        "items/s",
        "versori (for s in list_systems())",
        {"httpx + json (by hand)": 1.5, "httpx + orjson (by hand)": 1.2},
    )


def rss_child(pages: int, per_page: int, iterate: bool) -> None:
    """(In a child process.) Serves a paged listing and, with `iterate`, walks it;
    prints the peak RSS in KiB."""
    server = static_server(paged_routes(PAGED_ORG, pages, per_page))
    try:
        client = sync_client(server.base_url, PAGED_ORG)
        # the first page only: the baseline holds what every run holds
        seen = sum(1 for _ in client.list_systems().pages()) if iterate else len(
            next(iter(client.list_systems().pages())))
        assert seen == (pages if iterate else per_page)
    finally:
        server.shutdown()
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def peak_rss(pages: int, per_page: int) -> None:
    def child(iterate: bool) -> int:
        args = [sys.executable, __file__, "--rss-child", str(pages), str(per_page)]
        out = subprocess.run(args + (["--iterate"] if iterate else []), check=True, capture_output=True, text=True)
        return int(out.stdout.split()[-1])

    # the server holds every page's body in the same process: both runs serve them all
    first, whole = child(False), child(True)
    page_kib = len(paged_routes(PAGED_ORG, 2, per_page)[f"/o/{PAGED_ORG}/systems"]) / 1024
    print(f"\n3b. peak RSS iterating {pages * per_page:,} items ({pages} pages of {per_page})")
    print(f"  first page only {first / 1024:>8.1f} MiB")
    print(f"  every page      {whole / 1024:>8.1f} MiB   (+{(whole - first) / 1024:.1f} MiB; one page's body is {page_kib:.0f} KiB)")


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
        f"4. {n:,} GETs with {in_flight} in flight",
        rates,
        "req/s",
        "versori.AsyncClient (typed)",
        {"aiohttp + json": 4.0},
    )


def unit_costs(base: str, repeat: int) -> None:
    """The cost of one field read and of one model, from a listing already fetched."""
    users = sync_client(base, LIST_ORG).list_end_users().users
    n = len(users)

    def best(run: Callable[[], Any]) -> float:
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            run()
            times.append(time.perf_counter() - started)
        return min(times)

    page = sync_client(base, LIST_ORG).list_end_users()
    read = best(lambda: [u.external_id for u in users])
    stamp = best(lambda: [u.created_at for u in users])
    made = best(lambda: page.users)
    print("\n5. unit costs (best of rounds)")
    print(f"  one field read (str)            {read / n * 1e9:>8.0f} ns")
    print(f"  one field read (datetime)       {stamp / n * 1e9:>8.0f} ns")
    print(f"  one model made over an item     {made / n * 1e9:>8.0f} ns   ({n:,} per list)")
    # the cycle collector: listing models are made untracked; measure them tracked too
    rates = {}
    for label, untrack in (("untracked (as shipped)", True), ("tracked", False)):
        previous = _native._untrack_listing_models(untrack)
        try:
            gc.collect()
            kept: List[Any] = []

            def lists() -> None:
                # keep a few lists alive, as a program holding results does
                kept.append(page.users)
                del kept[:-4]

            rates[label] = n / best(lists)
        finally:
            _native._untrack_listing_models(previous)
    for label, rate in rates.items():
        print(f"  models made, {label:<24} {rate:>12,.0f} models/s")
    print(f"  ratio untracked / tracked: {rates['untracked (as shipped)'] / rates['tracked']:.2f}x")


def import_cost(repeat: int) -> None:
    """How long `import versori` takes in a fresh interpreter, beside `import json`."""

    def best(module: str) -> float:
        code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
        runs = [float(subprocess.run([sys.executable, "-c", code],
                                     capture_output=True, text=True, check=True).stdout)
                for _ in range(repeat)]
        return min(runs)

    ours, stdlib = best("versori"), best("json")
    print(f"\n6. import cost (fresh interpreter, best of {repeat})")
    print(f"  import versori                  {ours * 1e3:>8.1f} ms")
    print(f"  import json                     {stdlib * 1e3:>8.1f} ms   (for scale)")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small counts, to check that it runs")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a ratio is below its target")
    parser.add_argument(
        "--only", choices=["gets", "list", "paged", "concurrent", "costs", "import"], help="run one scenario only"
    )
    parser.add_argument("--rss-child", nargs=2, type=int, metavar=("PAGES", "PER_PAGE"), help=argparse.SUPPRESS)
    parser.add_argument("--iterate", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rss_child:
        rss_child(args.rss_child[0], args.rss_child[1], args.iterate)
        return 0
    if args.quick:
        gets, items, pages, per_page, conc, repeat, rss_pages = 300, 500, 5, 20, 640, 1, 10
    else:
        gets, items, pages, per_page, conc, repeat, rss_pages = 20_000, 10_000, 50, 200, 20_000, 3, 500
    print(f"versori {versori.__version__} benchmark on Python {sys.version.split()[0]}"
          f"{' (quick mode: figures are not meaningful)' if args.quick else ''}")
    server = start_server(items, pages, per_page)
    try:
        print(f"loopback server at {server.base_url}")
        failures: List[str] = []
        if args.only in (None, "gets"):
            failures += sequential_gets(server.base_url, gets, repeat)
        if args.only in (None, "list"):
            # a list takes milliseconds: more rounds make its best figure steadier
            failures += big_list(server.base_url, items, repeat * 5)
        if args.only in (None, "paged"):
            failures += paged_list(server.base_url, pages, per_page, repeat * 3)
            peak_rss(rss_pages, per_page)
        if args.only in (None, "concurrent"):
            failures += concurrent_gets(server.base_url, conc, 64, repeat)
        if args.only in (None, "costs"):
            unit_costs(server.base_url, repeat * 5)
        if args.only in (None, "import"):
            import_cost(repeat * 3)
    finally:
        server.shutdown()
    if failures:
        print("\nbelow target:\n  " + "\n  ".join(failures))
        return 1 if args.strict else 0
    print("\nall targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
