"""Version 1 of the JSON API: every operation needs a dealer's token and is throttled per
token; the OpenAPI schema is at /api/v1/openapi.json and its interactive docs at
/api/v1/docs (Swagger UI served from this site's static files, under the site's CSP)."""

from ninja import NinjaAPI

from .. import errors
from ..auth import TokenAuth, TokenRateThrottle
from . import candidates, cashflow, inspections, shipments, vehicles

DESCRIPTION = """
DealerHub's API for a dealer's own systems (DMS, ERP, websites).

**Authentication**: `Authorization: Bearer dh_…`, a token a manager creates in the admin
(*API tokens*). A token sees exactly its dealer: another dealer's id is a 404. A *read*
token may only read.

**Errors** are JSON: `{"detail": "…", "errors": [{"field": "vin", "message": "…"}]}`, with
the same messages as the staff pages, in the language of `Accept-Language` (English or
Chinese).

**Writes** may carry an `Idempotency-Key` header: a repeat with the same key, method, path
and body within a day gets the first response again (`Idempotent-Replayed: true`) and
writes nothing; the same key with another body is refused (422).

**Lists** are pages: pass `next` as `?after=` for the following page.

**Throttling**: a token may make `API_RATE_LIMIT` requests a minute (600 by default);
beyond that, 429 with `Retry-After`.
"""

api = NinjaAPI(
    title="DealerHub API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=TokenAuth(),
    throttle=[TokenRateThrottle()],
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
for module in (vehicles, candidates, inspections, shipments, cashflow):
    api.add_router("", module.router)
