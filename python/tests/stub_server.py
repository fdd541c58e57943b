"""Tiny loopback HTTP servers: one answering every request with a fixed status and the
platform's Error body, one answering known paths with fixed bodies, and one never
answering; for tests that need exact responses. ``JsonHandler`` and ``serve`` are for
tests that write a handler of their own."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterable, Iterator, Tuple
from contextlib import contextmanager


class JsonHandler(BaseHTTPRequestHandler):
    """A request handler that answers with JSON and logs nothing."""

    def read_body(self) -> bytes:
        """The request's body (read, so that the connection can carry the next request)."""
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length) if length else b""

    def send_json(self, status: int, payload: bytes, headers: Iterable[Tuple[str, str]] = ()) -> None:
        """Answers with `status`, the JSON text `payload` and any other `headers`."""
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def answering(status: int, body: Any = None, headers: Tuple[Tuple[str, str], ...] = ()) -> Iterator[str]:
    payload = json.dumps(
        body if body is not None else {"code": f"status_{status}", "message": f"stub answered {status}"}
    ).encode()

    class Handler(JsonHandler):
        def _answer(self) -> None:
            self.read_body()
            self.send_json(status, payload, headers)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _answer

    with serve(Handler) as base_url:
        yield base_url


@contextmanager
def routes(bodies: Dict[str, bytes]) -> Iterator[str]:
    """Answers a GET of each path in ``bodies`` with that JSON body, anything else with 404.
    A key with a query (``/o/x/systems?after=c1``) answers only that query; a key without one
    answers the path with any query."""
    missing = json.dumps({"code": "not_found", "message": "no such path"}).encode()

    class Handler(JsonHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            body = bodies.get(self.path)
            if body is None:
                body = bodies.get(self.path.split("?", 1)[0])
            self.send_json(200 if body is not None else 404, body if body is not None else missing)

    with serve(Handler) as base_url:
        yield base_url


@contextmanager
def serve(handler: type) -> Iterator[str]:
    """Serves `handler` on a free loopback port until the block ends; the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def silent() -> Iterator[str]:
    """A server that accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    held = []
    stop = threading.Event()

    def accept() -> None:
        sock.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
                held.append(conn)
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        for c in held:
            c.close()
        sock.close()


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port: int = s.getsockname()[1]
    s.close()
    return port
