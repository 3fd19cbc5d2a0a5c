"""New connections go to a ``--num-procs`` worker that is not building a page.

The workers of ``cevns serve --num-procs N`` share one listening socket; the kernel hands each
new connection to whichever worker calls ``accept`` first. Pages are built off the event loop
(:mod:`dashboard.page_builds`), so a worker's loop stays free while it builds, and Tornado's
accept handler takes every waiting connection at once: when a class opened the page together,
one worker took 12–18 of 20 new pages and built them one after the other while the other
worker idled. :class:`AcceptWhenIdle` changes two things in each worker:

* one connection is accepted per event of the listening socket (Tornado takes up to 128), so
  that both workers get a turn;
* while the worker builds a page it does not listen at all: the connections that arrive
  meanwhile wait in the kernel's queue for the next worker that is free (a busy worker's queue
  of builds never grows beyond what it had taken when it became busy).

Connections already open (a page's websocket, keep-alive requests) are served as before; only
who takes a new one changes. With one process it is not installed.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

__all__ = ["AcceptWhenIdle"]


class AcceptWhenIdle:
    """Accepts new connections of a Tornado ``HTTPServer`` one at a time, and none while busy.

    :meth:`install` on the server's HTTP server and event loop (after the fork, before it
    serves); :meth:`set_busy` (``True`` when a page build starts, ``False`` when the worker has
    none left) stops and resumes listening. :attr:`accepted` counts the connections taken.
    """

    def __init__(self) -> None:
        self.accepted = 0
        self.busy = False
        self._http: Any = None
        self._loop: Any = None
        self._sockets: dict[int, socket.socket] = {}

    def install(self, http_server: Any, io_loop: Any) -> None:
        """Replace ``http_server``'s accept handlers (Tornado ``TCPServer``) with this one's."""
        self._http, self._loop = http_server, io_loop
        for fd, sock in list(http_server._sockets.items()):
            http_server._handlers.pop(fd)()  # Tornado's handler, which takes up to 128 at once
            self._sockets[fd] = sock
            http_server._handlers[fd] = self._remover(fd)
            self._listen(sock)

    def set_busy(self, busy: bool) -> None:
        """Stop taking new connections while ``busy``; take them again once not."""
        if busy == self.busy:
            return
        self.busy = busy
        for sock in self._sockets.values():
            if busy:
                self._loop.remove_handler(sock)
            else:
                self._listen(sock)

    def _listen(self, sock: socket.socket) -> None:
        self._loop.add_handler(sock, self._accept_one, self._loop.READ)

    def _remover(self, fd: int) -> Callable[[], None]:
        """What the server calls when it stops: the socket is no longer listened to."""

        def remove() -> None:
            sock = self._sockets.pop(fd, None)
            if sock is not None and not self.busy:
                self._loop.remove_handler(sock)

        return remove

    def _accept_one(self, sock: socket.socket, _events: int) -> None:
        try:
            connection, address = sock.accept()
        except (BlockingIOError, ConnectionAbortedError):
            return  # another worker took it, or the client gave up while it waited
        self.accepted += 1
        self._http._handle_connection(connection, address)
