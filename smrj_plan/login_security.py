"""Helpers for the login lockout (django-axes): the username and the client address an attempt counts against."""

import ipaddress

from django.conf import settings
from django.contrib.auth import get_user_model

USERNAME_MAX_LENGTH = get_user_model()._meta.get_field("username").max_length
# More proxies than this in front of the app is not a real deployment; further entries are not read.
MAX_FORWARDED_HOPS = 5


def axes_username(request, credentials: dict | None = None) -> str | None:
    """The username a failed login is recorded under, cut to the longest username that can exist.

    Axes stores it in a 255-character column; a longer one typed at the login form would make PostgreSQL refuse
    the record and the login page fail with a 500. No real account is affected by the cut (none is longer)."""
    source = credentials if credentials else getattr(request, "data", request.POST)
    username = source.get("username") if source else None
    return username[:USERNAME_MAX_LENGTH] if isinstance(username, str) else username


def _parse_ip(text: str | None):
    try:
        return ipaddress.ip_address((text or "").strip())
    except ValueError:
        return None


def _is_trusted_proxy(address) -> bool:
    return any(address in network for network in settings.TRUSTED_PROXY_NETWORKS)


def client_ip_address(request) -> str | None:
    """The address a login attempt is recorded under (axes locks a username together with this address).

    The socket's address (REMOTE_ADDR) unless it is one of TRUSTED_PROXY_IPS: behind the reverse proxy every
    request comes from the proxy, so the proxy's X-Forwarded-For names the client. Its entries are read from
    the right, skipping trusted proxies; the first other valid address is the client. A client talking to the
    app directly cannot choose its address: its X-Forwarded-For is ignored because it is not a trusted proxy.
    A malformed header falls back to the socket's address. A Unix socket has no address (REMOTE_ADDR is empty);
    only a local process can reach it, so it is treated as the local proxy."""
    remote = _parse_ip(request.META.get("REMOTE_ADDR"))
    if remote is not None and not _is_trusted_proxy(remote):
        return str(remote)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    # A header longer than any real proxy chain is not read at all (bounded work per login).
    hops = forwarded.split(",")[-MAX_FORWARDED_HOPS:] if len(forwarded) <= 1000 else []
    for hop in reversed(hops):
        address = _parse_ip(hop)
        if address is None:
            break
        if not _is_trusted_proxy(address):
            return str(address)
    return str(remote) if remote is not None else None
