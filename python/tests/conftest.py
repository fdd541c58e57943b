"""Fixtures: one embedded emulator for the session, a fresh organisation per test."""

from __future__ import annotations

import random
from typing import Iterator

import pytest

import versori
from versori.testing import Emulator

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_org() -> str:
    """A random ULID-shaped organisation id, so tests never see each other's data."""
    return "01" + "".join(random.choice(_CROCKFORD) for _ in range(24))


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    with Emulator() as emu:
        yield emu


@pytest.fixture
def org() -> str:
    return new_org()


@pytest.fixture
def client(emulator: Emulator, org: str) -> versori.Client:
    return emulator.client(organisation=org)


@pytest.fixture
def aclient(emulator: Emulator, org: str) -> versori.AsyncClient:
    return emulator.async_client(organisation=org)
