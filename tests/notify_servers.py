"""Local servers that receive notices in the tests: SMTP (aiosmtpd) and JSON webhooks (http.server)."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Mail:
    to: list[str]
    subject: str
    body: str


@dataclass
class SmtpServer:
    port: int
    received: list[Mail] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        part = message.get_body(preferencelist=("plain",))
        body = part.get_content() if part is not None else ""
        self.received.append(Mail(list(envelope.rcpt_tos), str(message["subject"]), str(body)))
        return "250 OK"

    @property
    def url(self) -> str:
        """An Apprise mail URL for this plain local server (no TLS, no login)."""
        return f"mailto://127.0.0.1:{self.port}?mode=insecure&from=icrm@example.com"

    def to(self, address: str) -> list[Mail]:
        return [mail for mail in self.received if address in mail.to]


def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer(free_port())
    controller = Controller(server, hostname="127.0.0.1", port=server.port)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


@dataclass
class Post:
    path: str
    auth: str | None
    payload: dict[str, Any]


class WebhookServer:
    """Receives ``json://`` webhooks; can be started late (a channel that is down, then up)."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.received: list[Post] = []
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                size = int(self.headers.get("Content-Length") or 0)
                payload = json.loads(self.rfile.read(size) or b"{}")
                received.append(Post(self.path, self.headers.get("Authorization"), payload))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def url(self, path: str, user: str = "") -> str:
        return f"json://{user + '@' if user else ''}127.0.0.1:{self.port}/{path}"

    def at(self, path: str) -> list[Post]:
        return [post for post in self.received if post.path == f"/{path}"]
