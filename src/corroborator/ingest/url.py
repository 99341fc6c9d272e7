"""Fetching articles from http(s) URLs, with a guard against server-side request forgery.

Every hop (the URL and each redirect target) is checked before connecting: only http/https, and
the host must not resolve to a loopback, private, link-local, multicast, reserved or unspecified
address unless the caller allows private URLs. The address check is repeated at connect time on
the very address the socket connects to (see ``_CheckedBackend``), so a name that resolves to a
public address for the check and to 127.0.0.1 a moment later (DNS rebinding) is still refused.
Refusals and network errors become problems.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from corroborator.ingest.draft import Item, describe_error, id_from_url
from corroborator.ingest.files import binary_reason, parse_bytes, sniff_text_kind
from corroborator.model import IngestProblem
from corroborator.settings import Settings

ALLOWED_SCHEMES = ("http", "https")
TIMEOUT_SECONDS = 15.0
MAX_REDIRECTS = 5
USER_AGENT = "corroborator/0.1 (+https://github.com/corroborator)"
URL_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


class FetchFailed(Exception):
    """A URL that could not (or must not) be fetched; the message is the user-facing reason."""


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    body: bytes
    content_type: str


def is_url(value: object) -> bool:
    """Strings with a scheme ("https://...", "ftp://...") are URLs; Paths never are."""
    return isinstance(value, str) and bool(URL_LIKE.match(value))


def read_url(url: str, settings: Settings, allow_private_urls: bool = False) -> Iterator[Item]:
    """Articles from one URL (an HTML page, a feed or plain text), or a problem saying why not."""
    try:
        fetched = fetch(url, settings, allow_private_urls)
    except FetchFailed as exc:
        yield IngestProblem(url, str(exc))
        return
    except httpx.HTTPError as exc:
        yield IngestProblem(url, f"network error: {describe_error(exc)}")
        return
    kind = kind_from_content_type(fetched.content_type) or _sniff(fetched.body)
    if kind is None:
        yield IngestProblem(url, f"unsupported content type '{fetched.content_type}'")
        return
    yield from parse_bytes(fetched.body, kind, url, id_from_url(url), url=fetched.url)


def refusal_reason(url: str, allow_private_urls: bool = False) -> str | None:
    """Why fetching ``url`` is refused, or None when it is allowed. Resolves the host (DNS)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        return f"refused: unsupported URL scheme '{scheme}' (only http and https)"
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        return "refused: malformed host or port"
    if not host:
        return "refused: URL has no host"
    if allow_private_urls:
        return None
    try:
        infos = socket.getaddrinfo(host, port or (443 if scheme == "https" else 80),
                                   proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        return f"cannot resolve host {host}: {exc}"
    for address in _addresses(infos):
        if not is_public_address(address):
            return f"refused: resolves to private/loopback address {address}"
    return None


def _addresses(infos: list) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    # Scoped IPv6 addresses carry "%eth0"; the scope does not change what the address is.
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


class _CheckedBackend(httpcore.SyncBackend):
    """Resolves the host itself, checks every address, and connects to a checked one.

    Letting the HTTP library resolve the name again after ``refusal_reason`` would leave a window
    in which the answer can change; here the checked address is the connected address. TLS still
    verifies the certificate against the host name (httpcore passes it as SNI separately).
    """

    def __init__(self, allow_private_urls: bool) -> None:
        self.allow_private_urls = allow_private_urls

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        try:
            infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
        except (socket.gaierror, UnicodeError) as exc:
            raise FetchFailed(f"cannot resolve host {host}: {exc}") from exc
        addresses = _addresses(infos)
        if not self.allow_private_urls:
            for address in addresses:
                if not is_public_address(address):
                    raise FetchFailed(f"refused: resolves to private/loopback address {address}")
        return super().connect_tcp(
            str(addresses[0]), port, timeout, local_address, socket_options
        )


def _guarded_transport(allow_private_urls: bool) -> httpx.HTTPTransport:
    transport = httpx.HTTPTransport(trust_env=False)
    # httpx builds its httpcore pool without a way to choose the network backend; this pool has
    # the same settings (TLS context, HTTP/1.1) plus the checking backend.
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        network_backend=_CheckedBackend(allow_private_urls),
    )
    return transport


def is_public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:  # ::ffff:127.0.0.1 is 127.0.0.1
        address = mapped
    blocked = (
        address.is_loopback or address.is_private or address.is_link_local
        or address.is_multicast or address.is_reserved or address.is_unspecified
    )
    # is_global also rules out shared (100.64/10) and documentation ranges.
    return not blocked and address.is_global


def fetch(url: str, settings: Settings, allow_private_urls: bool = False) -> Fetched:
    """GET ``url`` following at most MAX_REDIRECTS redirects, each hop checked by the guard."""
    # trust_env=False: a proxy would resolve hosts itself and make the address check moot.
    with httpx.Client(
        timeout=TIMEOUT_SECONDS,
        follow_redirects=False,
        trust_env=False,
        headers={"User-Agent": USER_AGENT},
        transport=_guarded_transport(allow_private_urls),
    ) as client:
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            reason = refusal_reason(current, allow_private_urls)
            if reason:
                raise FetchFailed(reason if current == url else f"{reason} (redirect to {current})")
            with client.stream("GET", current) as response:
                if response.is_redirect:
                    location = response.headers.get("location")
                    if not location:
                        raise FetchFailed(f"HTTP {response.status_code} redirect without Location")
                    current = urljoin(current, location)
                    continue
                if response.status_code >= 400:
                    raise FetchFailed(f"HTTP {response.status_code} {response.reason_phrase}")
                body = _read_capped(response, settings.max_file_bytes)
                return Fetched(current, body, response.headers.get("content-type", ""))
    raise FetchFailed(f"too many redirects (more than {MAX_REDIRECTS})")


def _read_capped(response: httpx.Response, limit: int) -> bytes:
    """The body, streamed, refusing anything over ``limit`` bytes without reading it all."""
    too_large = FetchFailed(f"response larger than max_file_bytes ({limit} bytes)")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    total = 0
    for chunk in response.iter_bytes():
        total += len(chunk)
        if total > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def kind_from_content_type(content_type: str) -> str | None:
    media = content_type.split(";", 1)[0].strip().lower()
    if media in ("text/html", "application/xhtml+xml"):
        return "html"
    if media.endswith(("rss+xml", "atom+xml", "rdf+xml", "/xml")):
        return "feed"
    if media in ("text/plain", "text/markdown"):
        return "text"
    return None


def _sniff(body: bytes) -> str | None:
    head = body[:8192]
    if not body or binary_reason(head):
        return None
    kind = sniff_text_kind(head, has_suffix=True)
    return kind if kind in ("html", "feed") else None
