"""Test helpers: the embedded Versori emulator, started in-process.

```python
from versori.testing import Emulator

with Emulator() as emu:
    client = emu.client()          # or versori.Client(base_url=emu.base_url, api_key="test", ...)
    client.create_end_user(body={"externalId": "customer-123"})
```

In pytest::

    @pytest.fixture
    def client():
        with Emulator() as emu:
            yield emu.client()
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from . import _native
from ._client import AsyncClient, Client

DEFAULT_ORGANISATION = "01J8ZQ4N7G3Y5B2K9T6W1X00RG"
"""The organisation :meth:`Emulator.client` uses unless told otherwise."""

DEFAULT_API_KEY = "versori-emulator-key"
"""The credential :meth:`Emulator.client` sends (the emulator accepts any by default)."""


class Emulator:
    """An in-memory Versori Platform serving on a loopback port, for offline tests.

    It starts at once and stops on ``close()``, at the end of a ``with`` block, or when
    garbage collected. Organisations are created on first use.

    Args:
        port: The port (0: any free one).
        host: The address to listen on.
        api_key: Accept only this token (by default any credential is accepted).
    """

    __slots__ = ("_native", "_api_key")

    def __init__(self, port: int = 0, *, host: str = "127.0.0.1", api_key: Optional[str] = None) -> None:
        self._native = _native.NativeEmulator(host=host, port=port, api_key=api_key)
        self._api_key = api_key

    @property
    def base_url(self) -> str:
        """The base URL clients use (``http://127.0.0.1:PORT``)."""
        return self._native.base_url

    @property
    def running(self) -> bool:
        """Whether the server is still serving."""
        return self._native.running

    def client(self, organisation: str = DEFAULT_ORGANISATION, **kwargs: object) -> Client:
        """A :class:`~versori.Client` for this emulator (environment variables ignored)."""
        return Client(**self._client_arguments(organisation), **kwargs)  # type: ignore[arg-type]

    def async_client(self, organisation: str = DEFAULT_ORGANISATION, **kwargs: object) -> AsyncClient:
        """An :class:`~versori.AsyncClient` for this emulator."""
        return AsyncClient(**self._client_arguments(organisation), **kwargs)  # type: ignore[arg-type]

    def _client_arguments(self, organisation: str) -> Dict[str, Any]:
        """What every client of this emulator is given: its base URL and API key,
        `organisation`, and no environment variables."""
        return {
            "base_url": self.base_url,
            "api_key": self._api_key or DEFAULT_API_KEY,
            "organisation": organisation,
            "from_env": False,
        }

    def close(self) -> None:
        """Stops the server (nothing happens when it is stopped already)."""
        self._native.shutdown()

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Emulator(base_url={self.base_url!r}, running={self.running})"
