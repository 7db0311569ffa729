"""The client's address, for the self-service limit per client (SPEC W-2) and the login lock-out.

Behind a reverse proxy every request comes from the proxy's address, so one limit would serve the
whole city. `settings.TRUSTED_PROXIES` (HUZHU_TRUSTED_PROXIES) names the proxies: only for a
request from one of them is X-Forwarded-For read, from the right (each proxy appends the address
it received the request from), and the first hop that is not a trusted proxy is the client.
Hops to its left are whatever the client claimed and are never believed."""

import ipaddress
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.checks import CheckMessage, Warning
from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:  # settings import this module: nothing heavier than the settings themselves
    from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_proxies(text: str) -> list[Network]:
    """ "127.0.0.1, 10.0.0.0/8" → networks; a typo stops the start-up with its name."""
    networks = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"HUZHU_TRUSTED_PROXIES：{item!r} 不是 IP 地址或网段"
            ) from exc
    return networks


def _trusted(address: str, proxies: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_address(request: "HttpRequest") -> str:
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies: Sequence[Network] = getattr(settings, "TRUSTED_PROXIES", ())
    if not proxies or not _trusted(remote, proxies):
        return remote
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, proxies):
            try:  # appended by a trusted proxy, so an address; anything else is not believed
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote
    return hops[0] if hops else remote  # every hop is a proxy: the farthest one


def check_proxies(**_: object) -> list[CheckMessage]:
    """`huzhu check --deploy`: HUZHU_HTTPS trusts a proxy's X-Forwarded-Proto, so the app runs
    behind one; without HUZHU_TRUSTED_PROXIES every request would share the proxy's address."""
    if settings.SECURE_PROXY_SSL_HEADER and not getattr(settings, "TRUSTED_PROXIES", ()):
        return [
            Warning(
                "HUZHU_HTTPS 表示应用在反向代理之后，但没有设置 HUZHU_TRUSTED_PROXIES："
                "所有请求都会算作代理的地址，查询限流与登录锁定将对所有人共用。",
                hint="把反向代理的地址写入 HUZHU_TRUSTED_PROXIES（如 127.0.0.1）。",
                id="huzhu.W001",
            )
        ]
    return []
