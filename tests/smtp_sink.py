"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Keeper:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.raw: list[bytes] = []  # the same messages, as the bytes that came over the wire
        self.arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.arrived:
            self.messages.append(message)
            self.raw.append(envelope.content)
            self.arrived.notify_all()
        return "250 OK"


class SmtpSink:
    """Start with `with SmtpSink() as sink:`; `sink.port`, `sink.messages`, `sink.raw`,
    `sink.wait_for(...)`."""

    def __init__(self) -> None:
        self.port = free_port()
        self._keeper = _Keeper()
        self._controller = Controller(self._keeper, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpSink:
        self._controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self._controller.stop()

    @property
    def messages(self) -> list[EmailMessage]:
        return list(self._keeper.messages)

    @property
    def raw(self) -> list[bytes]:
        """What arrived, byte for byte (headers as folded and encoded by the sender)."""
        return list(self._keeper.raw)

    def wait_for(
        self, to: str, count: int = 1, timeout: float = 30, subject: str = ""
    ) -> list[EmailMessage]:
        """Block until `count` messages to `to` (whose subject matches the regex `subject`)
        arrived; returns them all (raises on timeout)."""

        def matching():
            return [
                m
                for m in self._keeper.messages
                if to.lower() in str(m["To"]).lower() and re.search(subject, str(m["Subject"]))
            ]

        with self._keeper.arrived:
            if not self._keeper.arrived.wait_for(lambda: len(matching()) >= count, timeout):
                raise TimeoutError(f"no {count} message(s) to {to} within {timeout}s")
        return matching()
