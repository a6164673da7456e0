"""An OpenAI-compatible chat server on loopback that answers from a script, for tests.

Each POST to /v1/chat/completions takes the next scripted Reply and records the request
(headers and JSON body). A `hang` reply waits until the stub is closed or its delay passes,
so a timeout test never leaves a thread behind for long.
"""
from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Reply:
    """One scripted answer: a status, a message content or refusal, or an error body."""

    status: int = 200
    content: str | None = None
    refusal: str | None = None
    error: str = ""
    hang_s: float = 0.0


def ok(content: Any) -> Reply:
    """A 200 whose message content is `content` (JSON-encoded unless already a string)."""
    return Reply(content=content if isinstance(content, str) else json.dumps(content))


def error(status: int, message: str) -> Reply:
    """An OpenAI-style error answer."""
    return Reply(status=status, error=message)


def refusal(text: str) -> Reply:
    """A structured-outputs refusal: no content, `refusal` set."""
    return Reply(refusal=text)


def hang(seconds: float) -> Reply:
    """No answer for `seconds` (or until the stub closes)."""
    return Reply(hang_s=seconds)


@dataclass
class Seen:
    """A request the stub received (header names in lower case)."""

    path: str
    headers: dict[str, str]
    body: dict


class StubLLM:
    """The server: `script(...)` queues replies, `requests` lists what arrived."""

    def __init__(self) -> None:
        self.replies: deque[Reply] = deque()
        self.requests: list[Seen] = []
        self.closing = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,),
                                       daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        """The base URL to give the client."""
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def script(self, *replies: Reply) -> None:
        """Queue replies, answered in order."""
        self.replies.extend(replies)

    def close(self) -> None:
        """Release hanging handlers and stop serving."""
        self.closing.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def answer(self, path: str, headers: dict[str, str], body: dict) -> tuple[int, dict]:
        """The status and JSON body for one request."""
        self.requests.append(Seen(path, headers, body))
        if not path.endswith("/chat/completions"):
            return 404, {"error": {"message": f"no route {path}", "type": "not_found"}}
        if not self.replies:
            return 400, {"error": {"message": "stub: no scripted reply left",
                                   "type": "invalid_request_error"}}
        reply = self.replies.popleft()
        if reply.hang_s:
            self.closing.wait(reply.hang_s)
        if reply.status != 200:
            return reply.status, {"error": {"message": reply.error, "type": "stub_error",
                                            "param": None, "code": None}}
        return 200, _completion(body.get("model", "stub"), reply)


def _completion(model: str, reply: Reply) -> dict:
    message = {"role": "assistant", "content": reply.content, "refusal": reply.refusal}
    return {"id": "chatcmpl-stub", "object": "chat.completion", "created": 0, "model": model,
            "choices": [{"index": 0, "message": message, "finish_reason": "stop",
                         "logprobs": None}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}


def _handler(stub: StubLLM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # the name http.server dispatches to
            length = int(self.headers.get("content-length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, answer = stub.answer(self.path, headers, body)
            data = json.dumps(answer).encode()
            try:
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test): nothing to answer

        def log_message(self, *args: Any) -> None:
            pass  # keep test output clean

    return Handler
