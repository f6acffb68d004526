"""The client's address: the socket peer, unless that peer is a trusted proxy.

Behind trusted proxies, `X-Forwarded-For` is read from the right (the hop our peer appended) and the
first address that is not itself a trusted proxy is the client. Anything a client writes to the left of
that is ignored, so an untrusted client cannot choose its own address (and its own rate-limit bucket).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class TrustedProxies:
    def __init__(self, entries: Iterable[str]) -> None:
        self.networks: tuple[Network, ...] = tuple(
            ipaddress.ip_network(entry, strict=False) for entry in entries
        )

    def trusts(self, address: str) -> bool:
        if not _is_address(address):
            return False
        parsed = ipaddress.ip_address(address)
        return any(parsed in network for network in self.networks)

    def client_address(self, peer: str, forwarded_for: str | None) -> str:
        """The address of the client behind `peer`, given the `X-Forwarded-For` header it sent."""
        if not self.networks or not self.trusts(peer) or not forwarded_for:
            return peer
        nearest = peer
        for hop in reversed([hop.strip() for hop in forwarded_for.split(",")]):
            if not _is_address(hop):
                return nearest  # a trusted hop passed on garbage: stop at the last address we can vouch for
            if not self.trusts(hop):
                return hop
            nearest = hop
        return nearest


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
