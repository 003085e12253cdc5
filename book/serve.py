"""``make book-serve``: the built book on http://127.0.0.1:PORT/ for an instructor (issue 19)."""

import errno
import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from course_lib.cluster.ports import port_taken
from course_lib.errors import CourseError


def book_server(html: Path, port: int) -> ThreadingHTTPServer:
    """A server of ``html`` on 127.0.0.1:``port`` (0: any free port), not yet serving."""
    if not (html / "index.html").is_file():
        raise CourseError(f"There is no built book in {html}: `make book` builds it.")
    handler = functools.partial(_QuietHandler, directory=str(html))
    try:
        return ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            raise
        raise port_taken(port, "the book", "serve it on another one with `make book-serve BOOK_PORT=8001`") from None


def serve(html: Path, port: int) -> None:
    with book_server(html, port) as server:
        print(f"The book: http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C stops it)")
        server.serve_forever()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:  # one line per request would bury the URL
        pass
