"""The SDK's events through the standard :mod:`logging` module, under the logger
``versori``.

Each HTTP request gives one DEBUG record (``operation_id``, ``method``, ``path`` (the
template), ``status``, ``attempt``, ``latency_ms``, ``request_id``) and each retry one
INFO record (``reason``, ``delay_ms``); the fields are also attributes of the
``LogRecord``. No record ever holds a credential.

Records are made natively only while the logger is enabled for their level: every call
checks the logger's level (a cached look-up in :mod:`logging`) and tells the native core
when it changed, so a program that turns logging on or off at any time is followed, and
one that never does pays nothing more. :mod:`logging` itself is imported with the first
client, not with the package.

``VERSORI_LOG=debug`` (or ``info``, ``warning``, ``error``) in the environment puts a
stderr handler on the logger at that level when the package is imported.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Optional

from . import _native

if TYPE_CHECKING:
    import logging

_ENV = "VERSORI_LOG"
# logging's level numbers, without importing it
_DEBUG, _INFO, _WARNING, _ERROR = 10, 20, 30, 40
_LEVELS = {"debug": _DEBUG, "info": _INFO, "warning": _WARNING, "error": _ERROR}

_logger: Optional[logging.Logger] = None
# the level the native core was last given (None: never told)
_forwarded: Optional[int] = None


def logger() -> logging.Logger:
    """The logger every record of the SDK goes to (``logging.getLogger("versori")``)."""
    global _logger
    if _logger is None:
        import logging

        _logger = logging.getLogger("versori")
    return _logger


def sync() -> None:
    """Tells the native core the logger's level, when it changed since last time."""
    global _forwarded
    log = _logger if _logger is not None else logger()
    # one cached look-up when INFO is off, as it is unless logging was set up
    if not log.isEnabledFor(_INFO):
        level = _WARNING
    elif log.isEnabledFor(_DEBUG):
        level = _DEBUG
    else:
        level = _INFO
    if level != _forwarded:
        _native.set_log_level(log, level)
        _forwarded = level


def _forget() -> None:
    """In a child made by ``fork``: tell the native core again on the next call."""
    global _forwarded
    _forwarded = None


def _install_from_env() -> None:
    value = os.environ.get(_ENV, "").strip().lower()
    if not value:
        return
    level = _LEVELS.get(value)
    if level is None:
        import warnings

        warnings.warn(
            f"{_ENV}={value!r} is not one of {', '.join(_LEVELS)}; no log handler was installed",
            RuntimeWarning,
            stacklevel=2,
        )
        return
    import logging
    import sys

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger().addHandler(handler)
    logger().setLevel(level)


_install_from_env()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget)
