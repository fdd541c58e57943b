"""Typed models of every schema of the API (generated from the spec): request bodies and
results. ``versori.models.EndUserCreate(external_id="c-1")`` or a dict with wire names
both work as a ``body=``."""

from ._generated_models import *  # noqa: F403
from ._generated_models import __all__ as __all__
