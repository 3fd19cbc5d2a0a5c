"""Who takes a new connection among ``--num-procs`` workers (``dashboard/accept_balance.py``),
on a real Tornado HTTP server in this process: one connection per event of the listening
socket, none while the worker is busy (they wait in the kernel's queue and are served once it
is free), and the server still stops cleanly."""

from __future__ import annotations

import asyncio
import socket

import pytest
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

from dashboard.accept_balance import AcceptWhenIdle


class Hello(RequestHandler):
    def get(self) -> None:
        self.write("hello")


def _balanced_server() -> tuple[AcceptWhenIdle, HTTPServer, socket.socket]:
    (listener,) = bind_sockets(0, "127.0.0.1")
    http = HTTPServer(Application([(r"/", Hello)]))
    http.add_sockets([listener])
    balance = AcceptWhenIdle()
    balance.install(http, IOLoop.current())
    return balance, http, listener


@pytest.fixture
async def served():
    balance, http, listener = _balanced_server()
    yield balance, http, listener.getsockname()[1]
    http.stop()


async def _get(port: int) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET / HTTP/1.0\r\nHost: x\r\n\r\n")
    await writer.drain()
    reply = await reader.read()
    writer.close()
    return reply


async def test_connections_are_served_while_idle(served) -> None:
    balance, _, port = served
    replies = await asyncio.gather(*(_get(port) for _ in range(3)))
    assert all(reply.startswith(b"HTTP/1.1 200") and reply.endswith(b"hello") for reply in replies)
    assert balance.accepted == 3


async def test_no_connection_is_taken_while_busy_and_it_waits_to_be_served(served) -> None:
    balance, _, port = served
    balance.set_busy(True)
    request = asyncio.ensure_future(_get(port))
    await asyncio.sleep(0.3)  # the client connected (the kernel's queue) but nobody accepted
    assert not request.done() and balance.accepted == 0
    balance.set_busy(False)
    assert (await asyncio.wait_for(request, 10)).endswith(b"hello")
    assert balance.accepted == 1


async def test_one_connection_is_accepted_per_event(served) -> None:
    """Tornado's own handler takes up to 128 waiting connections at once: a worker whose loop is
    free while it builds pages in a thread would take a whole class's arrivals."""
    balance, http, port = served
    balance.set_busy(True)
    clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
    try:
        await asyncio.sleep(0.1)  # the three handshakes are done: all wait in the queue
        (listener,) = http._sockets.values()
        balance._accept_one(listener, IOLoop.READ)
        assert balance.accepted == 1
    finally:
        for client in clients:
            client.close()


@pytest.mark.parametrize("busy", [False, True])
async def test_the_server_stops_cleanly(busy: bool) -> None:
    balance, http, listener = _balanced_server()
    balance.set_busy(busy)
    http.stop()  # removes the handler (if listening) and closes the socket
    assert listener.fileno() == -1
    balance.set_busy(not busy)  # a build that ends after the stop changes nothing
    assert not balance._sockets
