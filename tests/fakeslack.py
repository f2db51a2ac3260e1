"""A fake Slack Web API on loopback, for the Slack delivery tests.

It answers the three methods the outbox uses, the way slack-sdk's WebClient calls them (every
call is a POST with the bot token in the Authorization header):
- users.lookupByEmail (email in the query string): the member id of a known address, else
  users_not_found;
- conversations.open (users in a form body): a direct-message channel "D<member>";
- chat.postMessage (a JSON body): ok when the channel was opened, else channel_not_found.
A wrong token gets invalid_auth. Every call is recorded (method, token, params), and `posted`
keeps the messages Slack would have shown: (member, text) once per successful post.

fail(method, status=429, retry_after=30) makes the next call(s) to a method fail: with an HTTP
status (429 with Retry-After, 500 ...) or a Slack error code with HTTP 200 (error="...").

    with FakeSlack(users={"bob@example.com": "U0BOB"}) as slack:
        settings.SLACK_API_URL = slack.url
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

TOKEN = "xoxb-test-token"


@dataclass(frozen=True)
class Call:
    method: str
    token: str
    params: dict


@dataclass
class _Failure:
    status: int
    error: str
    retry_after: int | None
    times: int


class FakeSlack:
    def __init__(self, users: dict[str, str] | None = None, token: str = TOKEN):
        self.users = {email.lower(): member for email, member in (users or {}).items()}
        self.token = token
        self.calls: list[Call] = []
        self.posted: list[tuple[str, str]] = []
        self._channels: dict[str, str] = {}
        self._failures: dict[str, list[_Failure]] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/api/"

    def start(self) -> FakeSlack:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def fail(self, method: str, *, status: int = 200, error: str = "",
             retry_after: int | None = None, times: int = 1) -> None:
        """The next `times` calls to `method` fail: with HTTP `status` (e.g. 429 with
        `retry_after` seconds, or 500), or with HTTP 200 and Slack's `error` code."""
        with self._lock:
            self._failures.setdefault(method, []).append(
                _Failure(status, error or ("ratelimited" if status == 429 else "internal_error"),
                         retry_after, times))

    def methods(self) -> list[str]:
        return [call.method for call in self.calls]

    # The server side.

    def _answer(self, method: str, token: str, params: dict) -> tuple[int, dict, dict]:
        """(HTTP status, extra headers, JSON body) for one call; records it."""
        with self._lock:
            self.calls.append(Call(method, token, params))
            failures = self._failures.get(method)
            if failures:
                failure = failures[0]
                failure.times -= 1
                if failure.times <= 0:
                    failures.pop(0)
                headers = ({"Retry-After": str(failure.retry_after)}
                           if failure.retry_after is not None else {})
                return failure.status, headers, {"ok": False, "error": failure.error}
            if token != self.token:
                return 200, {}, {"ok": False, "error": "invalid_auth"}
            if method == "users.lookupByEmail":
                member = self.users.get(str(params.get("email", "")).lower())
                if member is None:
                    return 200, {}, {"ok": False, "error": "users_not_found"}
                return 200, {}, {"ok": True, "user": {"id": member, "name": member.lower()}}
            if method == "conversations.open":
                member = str(params.get("users", ""))
                if member not in self.users.values():
                    return 200, {}, {"ok": False, "error": "user_not_found"}
                channel = f"D{member}"
                self._channels[channel] = member
                return 200, {}, {"ok": True, "channel": {"id": channel}}
            if method == "chat.postMessage":
                member = self._channels.get(str(params.get("channel", "")))
                if member is None:
                    return 200, {}, {"ok": False, "error": "channel_not_found"}
                self.posted.append((member, params.get("text", "")))
                return 200, {}, {"ok": True, "channel": params["channel"], "ts": "1.000001"}
            return 404, {}, {"ok": False, "error": "unknown_method"}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                parts = urlsplit(self.path)
                method = parts.path.rsplit("/", 1)[-1]
                params = dict(parse_qsl(parts.query))
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                if "json" in (self.headers.get("Content-Type") or ""):
                    params.update(json.loads(body or "{}"))
                elif body:
                    params.update(parse_qsl(body))
                token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
                status, headers, answer = fake._answer(method, token, params)
                data = (json.dumps(answer) if status < 500 else "Internal Server Error").encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json" if status < 500
                                 else "text/plain")
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        return Handler
