"""A raw HTTP server in the test's loop that answers as scripted and counts the connections it was
given: the far end of the router's HTTP client, in its tests and the fetcher's."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

Answer = Callable[[bytes, asyncio.StreamWriter], Awaitable[None]]


def ok(body: bytes, *headers: str) -> bytes:
    extra = "".join(f"{header}\r\n" for header in headers)
    return f"HTTP/1.1 200 OK\r\ncontent-length: {len(body)}\r\n{extra}\r\n".encode() + body


async def echo(request: bytes, writer: asyncio.StreamWriter) -> None:
    """Answers with the request's body."""
    writer.write(ok(request.partition(b"\r\n\r\n")[2], "cache-control: max-age=60"))


async def never(request: bytes, writer: asyncio.StreamWriter) -> None:
    """Answers nothing for a second (longer than any test's timeout)."""
    await asyncio.sleep(1)


async def not_http(request: bytes, writer: asyncio.StreamWriter) -> None:
    """Answers with bytes that are not HTTP."""
    writer.write(b"SSH-2.0-OpenSSH_9.2\r\n\r\n")


def held_until(gate: asyncio.Event) -> Answer:
    """Echoes, but answers a request whose body is `held` only once `gate` is set."""

    async def answer(request: bytes, writer: asyncio.StreamWriter) -> None:
        if request.endswith(b"held"):
            await gate.wait()
        await echo(request, writer)

    return answer


@dataclass
class Server:
    """Reads one request at a time per connection (content-length bodies) and lets `answer` reply."""

    answer: Answer = echo
    connections: int = 0
    open: int = 0
    requests: list[bytes] = field(default_factory=list)
    url: str = ""

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.open += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":")[1])
                    for line in head.lower().split(b"\r\n")
                    if line.startswith(b"content-length:")
                )
                request = head + await reader.readexactly(length)
                self.requests.append(request)
                await self.answer(request, writer)
                if writer.is_closing():
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self.open -= 1
            writer.close()
