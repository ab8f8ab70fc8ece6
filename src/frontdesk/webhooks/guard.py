"""The SSRF guard: which addresses a webhook may be delivered to (pure; no ORM).

A webhook URL is checked when it is saved and again at every delivery. The delivery check
resolves the host once and returns the address it judged; the client (`client.py`)
connects to that very address, sending the original host name as `Host` and TLS SNI. There
is no second lookup, so a name that resolves to a public address for the check and to
127.0.0.1 a moment later (DNS rebinding) never reaches 127.0.0.1.

Refused unless an administrator allows the host (FRONTDESK_WEBHOOK_ALLOWED_HOSTS): every
address that is not global unicast: loopback, private (10/8, 172.16/12, 192.168/16,
fc00::/7), link-local (169.254/16 with the cloud metadata address, fe80::/10), shared
address space (CGNAT, 100.64/10), multicast, reserved, unspecified and documentation
ranges; IPv6 forms that embed an IPv4 address (IPv4-mapped, 6to4, Teredo, NAT64) are
judged by that address too. A host that resolves to several addresses is refused when any
of them is refused.
"""

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

type Address = ipaddress.IPv4Address | ipaddress.IPv6Address
# host, port -> the IP addresses (as text) the host name resolves to.
type Resolver = Callable[[str, int], list[str]]

MAX_URL_LENGTH = 2000
METADATA = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")
)
CGNAT = ipaddress.ip_network("100.64.0.0/10")
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class Refused(Exception):
    """The URL may not be called; `reason` says why, without secrets."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Target:
    """Where a delivery goes: the URL's parts and the one address checked for it."""

    scheme: str  # http or https
    host: str  # as written in the URL (the Host header and TLS server name)
    port: int
    path: str  # path and query
    ip: str  # the address to connect to
    allowed: bool  # the host is explicitly allowed (addresses were not judged)


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def split_url(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path with query) of an http(s) URL, or Refused."""
    if not url or len(url) > MAX_URL_LENGTH:
        raise Refused(f"expected a URL of at most {MAX_URL_LENGTH} characters")
    if any(c.isspace() or ord(c) < 32 for c in url):
        raise Refused("the URL contains spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise Refused(f"not a valid URL ({exc})") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise Refused("only http and https URLs can be called")
    if parts.username is not None or parts.password is not None:
        raise Refused("credentials in the URL are not allowed; use the signing secret")
    host = parts.hostname or ""
    if not host:
        raise Refused("the URL has no host")
    if parts.fragment:
        raise Refused("the URL has a fragment")
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return scheme, host, port or (443 if scheme == "https" else 80), path


def _embedded_ipv4(address: Address) -> ipaddress.IPv4Address | None:
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def refusal(address: Address) -> str | None:
    """Why `address` may not be called, or None when it is a public unicast address."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        reason = refusal(embedded)
        return f"an address that embeds {embedded}, {reason}" if reason else None
    if address in METADATA:
        return "a cloud metadata address"
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.version == 4 and address in CGNAT:
        return "a shared (CGNAT) address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_unspecified or address.is_reserved:
        return "a reserved address"
    if address.is_private:
        return "a private address"
    if not address.is_global:
        return "not a public address"
    return None


def _parse_address(text: str) -> Address:
    return ipaddress.ip_address(text.split("%", 1)[0])  # drop an IPv6 zone ("%eth0")


def normalise_host(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()


def resolve_target(
    url: str, *, allowed_hosts: Iterable[str] = (), resolve: Resolver = system_resolver
) -> Target:
    """Check `url` and resolve its host once: the Target to connect to, or Refused."""
    scheme, host, port, path = split_url(url)
    allowed = normalise_host(host) in {normalise_host(h) for h in allowed_hosts if h.strip()}
    try:
        addresses = [_parse_address(host)]  # an IP literal
    except ValueError:
        try:
            found = resolve(host, port)
        except (OSError, UnicodeError) as exc:
            raise Refused(f"could not resolve {host}") from exc
        try:
            addresses = [_parse_address(a) for a in found]
        except ValueError as exc:
            raise Refused(f"{host} resolves to something that is not an address") from exc
    if not addresses:
        raise Refused(f"could not resolve {host}")
    if not allowed:
        for address in addresses:
            reason = refusal(address)
            if reason:
                what = host if str(address) == normalise_host(host) else f"{host} ({address})"
                raise Refused(
                    f"{what} is {reason}; an administrator can allow the host "
                    "(FRONTDESK_WEBHOOK_ALLOWED_HOSTS)"
                )
    return Target(scheme, host, port, path, str(addresses[0]), allowed)
