"""Pages are not kept by browsers or proxies: nearly every one shows personal data (a roster,
a claim, a worker's own look-up), and at a shared computer — a service window, a union office —
the back button after signing out must not bring the previous person's page back. Static files
are answered before this middleware (WhiteNoise) and keep their long cache lifetimes; a view
that sets its own Cache-Control keeps it."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, private=True)
        return response
