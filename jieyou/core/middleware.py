"""Per-request context for the audit log: the client's address.

Behind reverse proxies, REMOTE_ADDR is the nearest proxy. `settings.PROXY_COUNT` (env
`PROXY_COUNT`, default 0) says how many proxies we run in front of the application; each
appends the address it received from to X-Forwarded-For, so the client is the entry that
many places from the right. Entries further left were written by the client and can be
forged, so they are never read. With PROXY_COUNT=0 the header is ignored altogether.
Sign-in lockout (axes) reads the address through the same function.
"""

from django.conf import settings

from .context_vars import client_addr


def client_address(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    count = getattr(settings, "PROXY_COUNT", 0)
    if count <= 0:
        return remote
    forwarded = [
        a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()
    ]
    if len(forwarded) < count:
        # Fewer hops than proxies: the request did not come through all of them.
        return remote
    return forwarded[-count]


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = client_addr.set(client_address(request))
        try:
            return self.get_response(request)
        finally:
            client_addr.reset(token)
