"""The installed package: import side effects, every operation present, groups, stubs."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
import typing

import versori
from versori import _native


def test_import_starts_no_thread() -> None:
    """Importing the package starts no thread (the runtime starts on first use). How long the
    import takes is a figure of the benchmark (`python python/bench/run.py --only import`)."""
    code = (
        "import os\n"
        "before = len(os.listdir('/proc/self/task'))\n"
        "import versori\n"
        "after = len(os.listdir('/proc/self/task'))\n"
        "print(before, after)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    before, after = out.stdout.split()
    assert int(after) == int(before), f"importing versori started {int(after) - int(before)} thread(s)"


def test_import_leaves_heavy_modules_alone() -> None:
    """`import versori` loads none of the standard modules that cost milliseconds to import
    and that it only needs on demand (asyncio for the async client's first call, inspect for
    a signature someone asks for)."""
    heavy = ("asyncio", "inspect", "json")
    code = "import sys, versori\nprint(' '.join(m for m in %r if m in sys.modules))\n" % (heavy,)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [], f"import versori loaded {out.stdout.strip()}"


def test_every_operation_is_a_method_of_both_clients() -> None:
    ids = _native.operation_ids()
    assert len(ids) >= 119
    for op_id, snake in ids:
        for cls in (versori.Client, versori.AsyncClient):
            method = getattr(cls, snake, None)
            assert callable(method), f"{cls.__name__} has no {snake} ({op_id})"
            assert op_id in (method.__doc__ or ""), f"{cls.__name__}.{snake} docstring does not name {op_id}"


def test_async_methods_are_coroutines_except_listings() -> None:
    for _, snake in _native.operation_ids():
        method = getattr(versori.AsyncClient, snake)
        ret = inspect.signature(method).return_annotation
        if "Paginator" in str(ret):
            assert not inspect.iscoroutinefunction(method)
        else:
            assert inspect.iscoroutinefunction(method), snake


def test_each_workflow_has_one_signature_blocking_and_awaitable() -> None:
    """The workflows are written once: both forms show that one's signature, docs and name,
    returning the value itself; the async form is a coroutine function."""
    for name in ("setup_integration", "activate_user", "find_user_activation", "update_activation_variables"):
        blocking, awaitable = getattr(versori.Workflows, name), getattr(versori.AsyncWorkflows, name)
        assert inspect.signature(blocking) == inspect.signature(awaitable), name
        assert "_Started" not in str(inspect.signature(blocking).return_annotation), name
        assert typing.get_type_hints(blocking) == typing.get_type_hints(awaitable), name
        assert "_Started" not in str(typing.get_type_hints(blocking)["return"]), name
        assert not inspect.iscoroutinefunction(blocking) and inspect.iscoroutinefunction(awaitable), name
        assert (blocking.__qualname__, awaitable.__qualname__) == (f"Workflows.{name}", f"AsyncWorkflows.{name}")
        assert blocking.__doc__ and blocking.__doc__ == awaitable.__doc__, name


def test_groups_mirror_the_operation_table() -> None:
    table = os.path.join(os.path.dirname(__file__), "..", "..", "openapi", "generated_operations.json")
    if not os.path.exists(table):
        return
    with open(table) as f:
        ops = json.load(f)["operations"]
    client = versori.Client(base_url="http://127.0.0.1:9", organisation="o", from_env=False)
    for op in ops:
        if op["group"] == "activations":
            group = client.activations("env")
        elif op["group"] == "kv_store":
            group = client.kv("store")
        else:
            group = getattr(client, op["group"])
        assert callable(getattr(group, op["group_method"], None)), f"{op['group']}.{op['group_method']}"
    assert type(client.users) is type(client.end_users)


def test_version_and_exports() -> None:
    assert versori.__version__
    for name in versori.__all__:
        assert hasattr(versori, name), name
    assert issubclass(versori.NotFoundError, versori.APIError)
    assert issubclass(versori.APIError, versori.VersoriError)
    assert issubclass(versori.APITimeoutError, versori.APIConnectionError)
    assert issubclass(versori.ValidationError, ValueError)


# in modules built with the `bench` feature only (as `cargo xtask test` builds them)
BENCH_ONLY = {"StaticServer", "facade_get_end_user"}


def test_the_stub_exports_what_the_module_exports() -> None:
    """The shipped stub's ``__all__`` is the native module's, but for the benchmark's
    names: stubtest on the wheel compares them, and a class added to the module but not
    to the stub's list fails there."""
    import ast
    from pathlib import Path

    stub = Path(versori.__file__).with_name("_native.pyi")
    tree = ast.parse(stub.read_text(encoding="utf-8"))
    listed = next(
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
    )
    assert isinstance(listed, ast.List)
    in_stub = {e.value for e in listed.elts if isinstance(e, ast.Constant)}
    assert in_stub == set(_native.__all__) - BENCH_ONLY

