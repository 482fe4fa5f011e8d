"""Where a feed fetch may connect: public addresses only, unless staff allow private ones.

A feed (or a redirect it answers) must not make us read our own machine or network: loopback,
private, link-local, multicast, unspecified and reserved addresses are refused, in IPv4 and
IPv6 (an IPv4 address mapped into IPv6 counts as the IPv4 one). Names are checked on what they
resolve to, at connection time (`PublicResolver`), so every hop of a redirect chain is checked
and a name cannot change its answer between the check and the connection.
"""

from __future__ import annotations

import ipaddress
import socket

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from newsletter.feeds.errors import FetchError


class PrivateAddress(FetchError):
    """The feed, or a redirect, leads to a loopback, private or other non-public address."""


def forbidden(address: str) -> bool:
    """True for an IP address a feed fetch must not reach (also for a text that is no IP)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone (fe80::1%eth0)
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    # not global: loopback, private, link-local, unspecified, reserved, shared (100.64/10)…
    return not ip.is_global or ip.is_multicast


def literal_ip(host: str) -> str | None:
    """The IP address a URL's host names literally (`127.0.0.1`, `[::1]`), or None."""
    host = host.strip("[]")
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None
    return host


def check_host(host: str) -> None:
    """Raise PrivateAddress when `host` is a literal IP address a fetch must not reach
    (names are checked by `PublicResolver` when connecting)."""
    ip = literal_ip(host)
    if ip is not None and forbidden(ip):
        raise PrivateAddress(f"{host} is a private or local address; feeds must be public")


class PublicResolver(AbstractResolver):
    """The default resolver, refusing a name when any of its addresses is not public."""

    def __init__(self) -> None:
        self._inner = DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        for entry in found:
            if forbidden(entry["host"]):
                raise PrivateAddress(
                    f"{host} resolves to {entry['host']}, a private or local address; "
                    "feeds must be public"
                )
        return found

    async def close(self) -> None:
        await self._inner.close()
