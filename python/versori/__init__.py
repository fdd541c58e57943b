"""The Versori Platform SDK for Python.

```python
import versori

client = versori.Client()                      # VERSORI_API_KEY / VERSORI_JWT / signing key, VERSORI_ORG
user = client.create_end_user(body={"externalId": "customer-123"})
print(user.external_id)
for system in client.list_systems():           # every item, across pages
    print(system.name)
```

Every operation of the API is a method named after its operationId in snake_case, with
path and query parameters as keyword arguments and the request body as ``body=`` (a dict
with wire names or a model from :mod:`versori.models`). Resource groups give the same
operations by short names (``client.projects.list()``, ``client.kv("store").get([...])``),
and ``client.workflows`` the platform's common workflows. :class:`AsyncClient` has the
same surface for asyncio. Errors are :class:`VersoriError` subclasses.
"""

from __future__ import annotations

from . import models
from ._client import AsyncClient, Client
from ._errors import (
    APIConnectionError,
    APIError,
    APIResponseError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    CredentialsError,
    FieldError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RedirectError,
    ResponseTooLargeError,
    UnprocessableEntityError,
    ValidationError,
    VersoriError,
    VersoriWarning,
)
from ._kv import AsyncKvStore, KvStore
from ._model import Model
from ._native import __version__ as _native_version
from ._pagination import AsyncPaginator, Page, Paginator
from ._workflows import AsyncWorkflows, Integration, Workflows, connection
from . import testing

__version__ = _native_version

PRODUCTION_URL = "https://platform.versori.com/api/v2"
"""The production API (the default base URL)."""

STAGING_URL = "https://platform-staging.versori.com/api/v2"
"""The staging API."""

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseError",
    "APITimeoutError",
    "AsyncClient",
    "AsyncKvStore",
    "AsyncPaginator",
    "AsyncWorkflows",
    "AuthenticationError",
    "BadRequestError",
    "Client",
    "ConflictError",
    "CredentialsError",
    "FieldError",
    "Integration",
    "InternalServerError",
    "KvStore",
    "Model",
    "NotFoundError",
    "Page",
    "Paginator",
    "PermissionDeniedError",
    "PRODUCTION_URL",
    "RateLimitError",
    "RedirectError",
    "ResponseTooLargeError",
    "STAGING_URL",
    "UnprocessableEntityError",
    "ValidationError",
    "VersoriError",
    "VersoriWarning",
    "Workflows",
    "connection",
    "models",
    "testing",
]
