"""Throttling per token: each token has its own budget of requests, keyed by the token's id (not its owner, so
one person's Excel refresh cannot starve their other system). A session is counted per user and a request with
neither per client address. Rates come from settings.API_THROTTLE_RATES, read at each request."""

from django.conf import settings
from django.core.cache import caches
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken
from smrj_plan.login_security import client_ip_address


class ApiRateThrottle(SimpleRateThrottle):
    scope = "token"

    def __init__(self):
        # The rate depends on the request (token, session or anonymous): chosen in allow_request.
        self.cache = caches["api_throttle"]

    def _scope_and_ident(self, request) -> tuple[str, str]:
        token = request.auth
        if isinstance(token, ApiToken):
            return "token", f"token:{token.pk}"
        if request.user and request.user.is_authenticated:
            return "session", f"user:{request.user.pk}"
        # The client address as the login lockout reads it: X-Forwarded-For only from a trusted proxy.
        return "anonymous", f"address:{client_ip_address(request._request)}"

    def allow_request(self, request, view):
        self.scope, ident = self._scope_and_ident(request)
        self.rate = settings.API_THROTTLE_RATES[self.scope]
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.ident = ident
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return f"api-throttle:{self.ident}"
