"""Signing keys given as text: PEM with openssl's ``Bag Attributes`` lines or a UTF-8 BOM
is accepted as PEM, and no error about a key ever shows the key or an argument that looks
like key material."""

from __future__ import annotations

import pathlib

import pytest

import versori
from versori.testing import Emulator

PEM = (pathlib.Path(__file__).parents[2] / "crates/versori/tests/fixtures/test-signing-key.pem").read_text()
BODY = [line for line in PEM.splitlines() if not line.startswith("-----")]
ORG = "01J8ZQ4N7G3Y5B2K9T6W1XS1GN"


def signed(emulator: Emulator, key: str) -> versori.Client:
    return versori.Client(
        base_url=emulator.base_url, organisation=ORG, signing_key=key, signing_key_id="key-1", from_env=False
    )


@pytest.mark.parametrize(
    "text",
    [
        "Bag Attributes\n    localKeyID: 01 02 03\n    friendlyName: signing\nKey Attributes: <No Attributes>\n" + PEM,
        "\ufeff" + PEM,
        "Bag Attributes\n    friendlyName: cert\nsubject=/CN=x\n-----BEGIN CERTIFICATE-----\nMIIBszCCAV2g\n"
        "-----END CERTIFICATE-----\n" + PEM,
    ],
    ids=["pkcs12-attributes", "utf8-bom", "certificate-first"],
)
def test_pem_text_around_the_key_is_accepted(emulator: Emulator, text: str) -> None:
    user = f"customer-{abs(hash(text))}"
    made = signed(emulator, text).acting_as(user).create_end_user(body={"externalId": user})
    assert made.external_id == user


@pytest.mark.parametrize(
    "text",
    [
        "".join(BODY),  # the base64 body on one line
        "\n".join(BODY),  # on its lines, without the BEGIN/END lines
        PEM[: len(PEM) // 2],  # cut short
        PEM.replace(BODY[3], "AAAA"),  # damaged
        '{"kty": "RSA", "d": "' + "".join(BODY) + '"}',  # JSON
    ],
    ids=["base64-one-line", "base64-lines", "truncated", "damaged", "json"],
)
def test_key_errors_never_show_the_key(emulator: Emulator, text: str) -> None:
    with pytest.raises(versori.CredentialsError) as info:
        signed(emulator, text)
    shown = f"{info.value} {info.value!r}"
    for line in BODY:
        assert line not in shown, f"key material in {shown}"
    assert text.strip() not in shown


@pytest.mark.parametrize(
    "text",
    [
        BODY[1][:16],  # a short base64 fragment
        BODY[2][:40],
        "/" + BODY[3][:20],  # a fragment that starts like an absolute path
        BODY[4][:10] + "/" + BODY[4][10:30],  # or holds a slash
        "-----END PRIVATE KEY-----",  # PEM armour
        "RSA PRIVATE KEY",
    ],
    ids=["base64-16", "base64-40", "slash-first", "slash-inside", "end-line", "label"],
)
def test_fragments_of_a_key_are_never_shown(emulator: Emulator, text: str) -> None:
    with pytest.raises(versori.CredentialsError) as info:
        signed(emulator, text)
    shown = f"{info.value} {info.value!r}"
    assert text not in shown, f"the argument was echoed: {shown}"
    assert "not shown" in str(info.value), shown


def test_a_path_is_named_and_a_bad_file_is_not_shown(emulator: Emulator, tmp_path: pathlib.Path) -> None:
    with pytest.raises(versori.CredentialsError, match="/nonexistent/key.pem"):
        signed(emulator, "/nonexistent/key.pem")
    bad = tmp_path / "key.pem"
    bad.write_text("not a key " + "".join(BODY))
    with pytest.raises(versori.CredentialsError) as info:
        signed(emulator, str(bad))
    assert all(line not in str(info.value) for line in BODY)
    good = tmp_path / "good.pem"
    good.write_text(PEM)
    assert signed(emulator, str(good)).acting_as("c-file").create_end_user(body={"externalId": "c-file"})
