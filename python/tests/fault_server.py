"""A hostile loopback HTTP server for the fault-injection suite.

Each request's first path segment names the fault (``/<case>/o/...``), so a client whose
base URL is ``<url>/<case>`` meets that fault on every call. The faults are the ways a
broken network, server, proxy or gateway can misbehave: connections reset in the middle
of the headers or of the body, a server that stalls or drips a byte at a time, bodies cut
short (with a length, or chunked), huge bodies, 10,000 headers, JSON nested 100,000 deep,
listings that repeat a cursor, redirects (to another origin, to themselves, without a
``Location``), and replies that echo the request's credential back (error bodies, a
success that is not JSON, a redirect's ``Location``).

``GET /_stats`` answers JSON counts: requests per case, connections open and accepted per
case, and what the ``witness`` case (the target of cross-origin redirects) received.

Used in-process by pytest (``FaultServer``), and as a program by the C suite
(``tests/c/test_faults.c``): ``python3 fault_server.py`` prints its base URL on the first
line of its output, then serves until its standard input closes or it is terminated.
Only the standard library is needed.
"""

from __future__ import annotations

import json
import socket
import socketserver
import struct
import sys
import threading
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

# 2**70, which no 64-bit integer holds
BIG_INT = 1180591620717411303424
DEEP = 100_000
HUGE = 500 * 1024 * 1024
# the request id of the ``echo-json`` reply
REQUEST_ID = "req-fault-1"
CHUNK = 64 * 1024


def _system(i: int, extra: Optional[str] = None) -> str:
    """One ListSystems item, as JSON text (``extra``: raw JSON for an ``extra`` member)."""
    base = (
        f'{{"id": "01J8ZQ4N7G3Y5B2K9T6W{i:06d}", "name": "sys-{i}", "domain": "example.com",'
        f' "authSchemeConfigs": [], "templateBaseUrl": "https://example.com"'
    )
    return base + (f', "extra": {extra}}}' if extra is not None else "}")


class Request:
    """What the server read of one request."""

    def __init__(self, method: str, target: str, headers: Dict[str, str], body: bytes) -> None:
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body

    @property
    def case(self) -> str:
        return self.target.lstrip("/").split("/", 1)[0].split("?", 1)[0]

    @property
    def authorization(self) -> str:
        return self.headers.get("authorization", "")


class _Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: Dict[str, int] = {}
        self.open: Dict[str, int] = {}
        self.accepted: Dict[str, int] = {}
        self.witness: List[Dict[str, Any]] = []

    def snapshot(self) -> Dict[str, Any]:
        with self.lock:
            return {
                "requests": dict(self.requests),
                "open": dict(self.open),
                "accepted": dict(self.accepted),
                "witness": list(self.witness),
            }


def _response(status: int, body: bytes = b"", headers: Tuple[Tuple[str, str], ...] = (), reason: str = "X") -> bytes:
    head = [f"HTTP/1.1 {status} {reason}", f"content-length: {len(body)}", "connection: close"]
    head += [f"{k}: {v}" for k, v in headers]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def _json(status: int, value: Any) -> bytes:
    return _response(status, json.dumps(value).encode(), (("content-type", "application/json"),))


class _Handler(socketserver.BaseRequestHandler):
    server: "_Server"

    def handle(self) -> None:
        conn: socket.socket = self.request
        conn.settimeout(120)
        request = self._read(conn)
        if request is None:
            return
        stats = self.server.stats
        case = request.case
        with stats.lock:
            stats.requests[case] = stats.requests.get(case, 0) + 1
            stats.accepted[case] = stats.accepted.get(case, 0) + 1
            stats.open[case] = stats.open.get(case, 0) + 1
        try:
            handler = CASES.get(case)
            if handler is None:
                conn.sendall(_json(404, {"code": "no_such_case", "message": f"no fault named {case!r}"}))
            else:
                handler(self.server, conn, request)
        except OSError:
            pass  # the client went away: that is what several faults provoke
        finally:
            with stats.lock:
                stats.open[case] -= 1

    @staticmethod
    def _read(conn: socket.socket) -> Optional[Request]:
        data = b""
        while b"\r\n\r\n" not in data:
            try:
                part = conn.recv(65536)
            except OSError:
                return None
            if not part:
                return None
            data += part
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target = (lines[0].split(" ") + ["", ""])[:2]
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length") or 0)
        while len(rest) < length:
            part = conn.recv(65536)
            if not part:
                break
            rest += part
        return Request(method, target, headers, rest[:length])


def _reset(conn: socket.socket) -> None:
    """Closes with a TCP reset rather than an orderly shutdown."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


def _hold(conn: socket.socket) -> None:
    """Keeps the connection open, answering nothing, until the client closes it."""
    conn.settimeout(None)
    while conn.recv(65536):
        pass


Case = Callable[["_Server", socket.socket, Request], None]


def _reset_headers(server: "_Server", conn: socket.socket, req: Request) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: applica")
    time.sleep(0.05)
    _reset(conn)


def _reset_body(server: "_Server", conn: socket.socket, req: Request) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"id\": \"")
    time.sleep(0.05)
    _reset(conn)


def _stall(server: "_Server", conn: socket.socket, req: Request) -> None:
    _hold(conn)


def _drip(server: "_Server", conn: socket.socket, req: Request) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n")
    for _ in range(1000):
        conn.sendall(b" ")
        time.sleep(0.1)


def _truncated(server: "_Server", conn: socket.socket, req: Request) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"id\": \"u")
    conn.shutdown(socket.SHUT_WR)


def _chunked_cut(server: "_Server", conn: socket.socket, req: Request) -> None:
    conn.sendall(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
        b"8\r\n{\"id\": \"\r\n"
    )
    conn.shutdown(socket.SHUT_WR)


def _huge(server: "_Server", conn: socket.socket, req: Request) -> None:
    """500 MB, declared in Content-Length."""
    conn.sendall(f"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {HUGE}\r\n\r\n".encode())
    chunk = b" " * CHUNK
    for _ in range(HUGE // CHUNK):
        conn.sendall(chunk)


def _huge_chunked(server: "_Server", conn: socket.socket, req: Request) -> None:
    """500 MB of chunks, with no length given up front."""
    conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n")
    chunk = f"{CHUNK:x}\r\n".encode() + b" " * CHUNK + b"\r\n"
    for _ in range(HUGE // CHUNK):
        conn.sendall(chunk)
    conn.sendall(b"0\r\n\r\n")


def _many_headers(server: "_Server", conn: socket.socket, req: Request) -> None:
    headers = tuple((f"x-fault-{i}", "v") for i in range(10_000))
    conn.sendall(_response(200, b"{}", headers))


def _deep(server: "_Server", conn: socket.socket, req: Request) -> None:
    body = b"[" * DEEP + b"]" * DEEP
    conn.sendall(_response(200, body, (("content-type", "application/json"),)))


def _deep_item(server: "_Server", conn: socket.socket, req: Request) -> None:
    deep = "[" * DEEP + "]" * DEEP
    items = ", ".join([_system(0), _system(1, deep), _system(2)])
    body = f'{{"items": [{items}], "totalCount": 3}}'.encode()
    conn.sendall(_response(200, body, (("content-type", "application/json"),)))


def _cursor_repeat(server: "_Server", conn: socket.socket, req: Request) -> None:
    """A listing that ignores ``after``: every page is the first, pointing to ``c1``."""
    body = f'{{"items": [{_system(0)}, {_system(1)}], "next": "c1", "totalCount": 10}}'.encode()
    conn.sendall(_response(200, body, (("content-type", "application/json"),)))


def _redirect_cross(server: "_Server", conn: socket.socket, req: Request) -> None:
    rest = req.target.split("/", 2)[2] if req.target.count("/") >= 2 else ""
    location = f"http://localhost:{server.server_address[1]}/witness/{rest}"
    conn.sendall(_response(302, b"", (("location", location),), "Found"))


def _redirect_loop(server: "_Server", conn: socket.socket, req: Request) -> None:
    conn.sendall(_response(307, b"", (("location", req.target),), "Temporary Redirect"))


def _redirect_none(server: "_Server", conn: socket.socket, req: Request) -> None:
    conn.sendall(_response(302, b"", (), "Found"))


def _witness(server: "_Server", conn: socket.socket, req: Request) -> None:
    with server.stats.lock:
        server.stats.witness.append({"method": req.method, "authorization": req.authorization})
    conn.sendall(_json(200, {}))


def _echo(server: "_Server", conn: socket.socket, req: Request) -> None:
    """A gateway's plain-text 401 that echoes the request's credential."""
    text = f"unauthorized: Authorization: {req.authorization} was rejected".encode()
    conn.sendall(_response(401, text, (("content-type", "text/plain"),), "Unauthorized"))


def _echo_json(server: "_Server", conn: socket.socket, req: Request) -> None:
    """The platform's error shape, with the credential in its message and details, and the
    request id ``req-fault-1`` (which errors and log records carry)."""
    token = req.authorization.split(" ", 1)[-1]
    body = json.dumps({"code": "forbidden", "message": f"credential {token} lacks access", "details": f"got {token}"})
    conn.sendall(
        _response(403, body.encode(), (("content-type", "application/json"), ("x-request-id", REQUEST_ID)))
    )


def _echo_ok(server: "_Server", conn: socket.socket, req: Request) -> None:
    """A success that is not JSON, echoing the credential."""
    token = req.authorization.split(" ", 1)[-1]
    conn.sendall(_response(200, f"<html>welcome {token}</html>".encode(), (("content-type", "text/html"),)))


def _echo_redirect(server: "_Server", conn: socket.socket, req: Request) -> None:
    """A login page's redirect whose ``Location`` carries the credential, glued to ``key=``
    (so that only the credential itself, not a token's shape, finds it)."""
    token = req.authorization.split(" ", 1)[-1]
    conn.sendall(_response(302, b"", (("location", f"http://localhost:1/login?key={token}&next=%2F"),), "Found"))


def _big_int(server: "_Server", conn: socket.socket, req: Request) -> None:
    body = f'{{"id": "u", "count": {BIG_INT}, "negative": -{BIG_INT}, "odd": {BIG_INT + 1}}}'.encode()
    conn.sendall(_response(200, body, (("content-type", "application/json"),)))


def _stats(server: "_Server", conn: socket.socket, req: Request) -> None:
    conn.sendall(_json(200, server.stats.snapshot()))


CASES: Dict[str, Case] = {
    "reset-headers": _reset_headers,
    "reset-body": _reset_body,
    "stall": _stall,
    "drip": _drip,
    "truncated": _truncated,
    "chunked-cut": _chunked_cut,
    "huge": _huge,
    "huge-chunked": _huge_chunked,
    "many-headers": _many_headers,
    "deep": _deep,
    "deep-item": _deep_item,
    "cursor-repeat": _cursor_repeat,
    "redirect-cross": _redirect_cross,
    "redirect-loop": _redirect_loop,
    "redirect-none": _redirect_none,
    "witness": _witness,
    "echo": _echo,
    "echo-json": _echo_json,
    "echo-ok": _echo_ok,
    "echo-redirect": _echo_redirect,
    "big-int": _big_int,
    "_stats": _stats,
}


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.stats = _Stats()


class FaultServer:
    """The server on a thread of this process; a context manager."""

    def __init__(self) -> None:
        self._server = _Server()
        self._thread = threading.Thread(target=self._server.serve_forever, name="fault-server", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def base_url(self, case: str) -> str:
        """The base URL that meets ``case`` on every call."""
        return f"{self.url}/{case}"

    def stats(self) -> Dict[str, Any]:
        return self._server.stats.snapshot()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "FaultServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def main() -> int:
    server = FaultServer()
    print(server.url, flush=True)
    try:
        # until the parent closes our standard input (or dies)
        while sys.stdin.read(1):
            pass
    except KeyboardInterrupt:
        pass
    server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
