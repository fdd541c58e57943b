"""One client shared across threads; configuration from the environment; Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import versori
from versori.testing import Emulator

from stub_server import silent


def test_shared_across_threads(client: versori.Client) -> None:
    def work(t: int) -> int:
        for i in range(25):
            client.create_end_user(body={"externalId": f"t{t}-{i}"})
            assert client.get_end_user(f"t{t}-{i}").external_id == f"t{t}-{i}"
        return t

    with ThreadPoolExecutor(8) as pool:
        assert sorted(pool.map(work, range(8))) == list(range(8))
    assert len(client.list_end_users()) == 200


def test_a_connection_one_thread_opened_never_carries_another_threads_request(client: versori.Client) -> None:
    # a sync call runs on its thread's own runtime, which runs only while that thread
    # is in a call: thread A's idle connection must not be lent to B (B would wait on A)
    opened = threading.Event()
    release = threading.Event()

    def a() -> str:
        client.create_end_user(body={"externalId": "on-a"})
        opened.set()
        release.wait(20)
        return client.get_end_user("on-a").external_id

    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(a)
        assert opened.wait(20)
        second = pool.submit(lambda: client.create_end_user(body={"externalId": "on-b"}).external_id)
        assert second.result(timeout=20) == "on-b"
        assert client.get_end_user("on-b").external_id == "on-b"
        release.set()
        assert first.result(timeout=20) == "on-a"


def test_gil_is_released_during_calls() -> None:
    with silent() as url:
        client = versori.Client(base_url=url, api_key="k", organisation="o", timeout=0.5, max_retries=0, from_env=False)
        counter = 0
        done = False

        def spin() -> None:
            nonlocal counter
            while not done:
                counter += 1

        with ThreadPoolExecutor(1) as pool:
            fut = pool.submit(spin)
            with pytest.raises(versori.APITimeoutError):
                client.list_projects()
            done = True
            fut.result()
        assert counter > 1000, "the Python thread did not run while the call waited"


def test_configuration_from_environment(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("VERSORI_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("VERSORI_BASE_URL", emulator.base_url)
    monkeypatch.setenv("VERSORI_ORG", "01J8ZQ4N7G3Y5B2K9T6W1XENVR")
    monkeypatch.setenv("VERSORI_API_KEY", "from-env")
    client = versori.Client()
    assert client.base_url == emulator.base_url
    assert client.organisation == "01J8ZQ4N7G3Y5B2K9T6W1XENVR"
    client.create_end_user(body={"externalId": "env-user"})
    assert versori.AsyncClient().organisation == "01J8ZQ4N7G3Y5B2K9T6W1XENVR"
    # arguments override the environment
    assert versori.Client(organisation="other").organisation == "other"
    monkeypatch.setenv("VERSORI_JWT", "also-set")
    with pytest.raises(versori.CredentialsError, match="only one"):
        versori.Client()


def test_signing_key_auth_and_acting_as(emulator: Emulator, tmp_path: "os.PathLike[str]") -> None:
    pem = subprocess.run(
        ["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
        capture_output=True,
        text=True,
    )
    if pem.returncode != 0:
        pytest.skip("openssl is not available to make a key")
    client = versori.Client(
        base_url=emulator.base_url,
        organisation="01J8ZQ4N7G3Y5B2K9T6W1XS1GN",
        signing_key=pem.stdout,
        signing_key_id="key-1",
        from_env=False,
    )
    as_user = client.acting_as("customer-9")
    made = as_user.create_end_user(body={"externalId": "customer-9"})
    assert made.external_id == "customer-9"
    path = os.path.join(str(tmp_path), "key.pem")
    with open(path, "w") as f:
        f.write(pem.stdout)
    from_file = versori.Client(
        base_url=emulator.base_url,
        organisation="01J8ZQ4N7G3Y5B2K9T6W1XS1GN",
        signing_key=path,
        signing_key_id="key-1",
        acting_as="customer-9",
        from_env=False,
    )
    assert from_file.get_end_user("customer-9").id == made.id


def test_ctrl_c_interrupts_a_long_call() -> None:
    with silent() as url:
        script = textwrap.dedent(
            f"""
            import sys, versori
            client = versori.Client(base_url={url!r}, api_key="k", organisation="o", timeout=60, from_env=False)
            print("calling", flush=True)
            try:
                client.list_projects()
            except KeyboardInterrupt:
                print("interrupted", flush=True)
                sys.exit(3)
            """
        )
        proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "calling"
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        started = time.monotonic()
        code = proc.wait(timeout=10)
        assert time.monotonic() - started < 2
        assert code == 3
        assert proc.stdout.read().strip() == "interrupted"
