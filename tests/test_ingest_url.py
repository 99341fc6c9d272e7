"""URL ingest: the SSRF guard refuses private targets before connecting; a real local fetch."""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from corroborator.ingest import ingest_paths
from corroborator.ingest.url import is_public_address, is_url, refusal_reason
from corroborator.settings import Settings

PAGE = b"""<!DOCTYPE html><html><head><title>Dam holds - Local Wire</title>
<meta property="og:site_name" content="Local Wire"></head><body>
<nav><a href="/">Home</a> <a href="/weather">Weather and traffic menu</a></nav>
<article><h1>Dam holds</h1><p>Engineers from the ministry said on Tuesday that the dam was stable
and that the spillway would stay closed until the water level of the river fell again. They added
that residents of the nearby villages could return to their homes by the end of the week.</p>
</article><footer>All rights reserved by Local Wire.</footer></body></html>"""


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("http://127.0.0.1:8765/", "127.0.0.1"),
        ("http://localhost/", None),  # 127.0.0.1 or ::1, depending on the resolver
        ("http://10.0.0.1/", "10.0.0.1"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
        ("http://[::ffff:127.0.0.1]/", "::ffff:7f00:1"),
    ],
)
def test_private_targets_are_refused_without_connecting(url: str, address: str | None) -> None:
    result = ingest_paths([url])
    assert result.articles == ()
    (problem,) = result.problems
    assert problem.source == url and problem.skipped
    assert problem.reason.startswith("refused: resolves to private/loopback address ")
    if address:
        assert problem.reason.endswith(address)


@pytest.mark.parametrize("url", ["ftp://example.com/a.txt", "file:///etc/passwd"])
def test_non_http_schemes_are_refused(url: str) -> None:
    (problem,) = ingest_paths([url]).problems
    assert problem.reason.startswith("refused: unsupported URL scheme")


def test_allow_private_skips_only_the_address_check() -> None:
    assert refusal_reason("http://127.0.0.1/", allow_private_urls=True) is None
    assert refusal_reason("gopher://127.0.0.1/", allow_private_urls=True) is not None


@pytest.mark.parametrize(
    ("address", "public"),
    [("93.184.216.34", True), ("2606:4700::1111", True), ("100.64.0.1", False),
     ("0.0.0.0", False), ("224.0.0.1", False), ("fe80::1", False), ("192.168.1.1", False)],
)
def test_public_address_classes(address: str, public: bool) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is public


def test_is_url_only_for_schemes() -> None:
    assert is_url("https://example.com/x") and is_url("ftp://x/y")
    assert not is_url("articles/one.txt") and not is_url("C:\\news\\a.txt")


class PageHandler(BaseHTTPRequestHandler):
    """Serves PAGE; "/moved" redirects to "/news/dam-holds"; "/loop" redirects to itself."""

    def do_GET(self) -> None:  # noqa: N802 -- the name http.server calls
        if self.path in ("/moved", "/loop"):
            self.send_response(302)
            self.send_header("Location", "/news/dam-holds" if self.path == "/moved" else "/loop")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass


@contextmanager
def local_server(requests: int) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 that answers at most ``requests`` requests, then stops."""
    server = HTTPServer(("127.0.0.1", 0), PageHandler)
    server.timeout = 10  # handle_request gives up after this many seconds without a request

    def serve() -> None:
        for _ in range(requests):
            server.handle_request()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        thread.join(timeout=10 * requests + 5)
        server.server_close()


def test_allow_private_fetches_a_local_page() -> None:
    with local_server(requests=1) as base:
        url = f"{base}/news/dam-holds"
        result = ingest_paths([url], allow_private_urls=True)
    assert result.problems == ()
    (article,) = result.articles
    assert "the spillway would stay closed" in article.text
    assert "Weather and traffic menu" not in article.text
    assert article.title == "Dam holds"
    assert article.outlet == "Local Wire"
    assert article.source == url and article.url == url
    assert article.id.startswith("news-dam-holds-")


def test_redirects_are_followed_hop_by_hop_and_bounded() -> None:
    with local_server(requests=2 + 6) as base:
        moved = ingest_paths([f"{base}/moved"], allow_private_urls=True)
        looping = ingest_paths([f"{base}/loop"], allow_private_urls=True)
    (article,) = moved.articles
    assert article.url == f"{base}/news/dam-holds" and article.source == f"{base}/moved"
    assert looping.problems[0].reason == "too many redirects (more than 5)"


def test_response_over_size_limit_is_a_problem() -> None:
    with local_server(requests=1) as base:
        result = ingest_paths([f"{base}/big"], Settings(max_file_bytes=100),
                              allow_private_urls=True)
    assert result.articles == ()
    assert result.problems[0].reason == "response larger than max_file_bytes (100 bytes)"


def test_dns_rebinding_is_refused_at_connect_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """A name that answers a public address to the check and loopback to the connection.

    DNS cannot be made to rebind offline, so the resolver is the one thing replaced here; the
    server is real and must never see the request.
    """
    import socket

    import corroborator.ingest.url as url_module

    real_getaddrinfo = socket.getaddrinfo
    answers = iter(["93.184.216.34", "127.0.0.1"])

    def rebinding_getaddrinfo(host, port, *args, **kwargs):
        if host != "rebind.example":
            return real_getaddrinfo(host, port, *args, **kwargs)
        address = next(answers, "127.0.0.1")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(url_module.socket, "getaddrinfo", rebinding_getaddrinfo)
    # A real listener, so that a guard that let the request through would not fail for a
    # different reason (connection refused) and hide the defect.
    server = HTTPServer(("127.0.0.1", 0), PageHandler)
    port = server.server_address[1]
    try:
        result = ingest_paths([f"http://rebind.example:{port}/news/dam-holds"])
    finally:
        server.server_close()
    assert result.articles == ()
    assert result.problems[0].reason == (
        "refused: resolves to private/loopback address 127.0.0.1"
    )
