#!/usr/bin/env python3
"""llm-server.py - an OpenAI-compatible chat-completions server for dm-llm's tests

usage: llm-server.py --port-file FILE [--log FILE] [--key KEY]
                     [--latency MS] [--jitter MS]

Listens on 127.0.0.1, on a port the system picks, and writes that port to
FILE once it accepts connections. Python's standard library only: asyncio
streams, HTTP/1.1 with keep-alive and Content-Length bodies. Every request
path answers; POST .../chat/completions is the API.

The answer is derived from the request, so outputs are exact:
  - the content is "echo: " and the last user message; with a system
    message, "echo: " SYSTEM " | " USER;
  - when the request has a response_format, the content is the JSON object
    {"echo": USER, "words": N} (N: the user message's words);
  - usage: prompt_tokens is the words of all messages, completion_tokens
    the words of the content; finish_reason is "stop".

Behaviour is scripted by triggers inside the last user message; a trigger
with xN acts on the first N requests that carry that exact message, then
the request is answered as usual:
  [[fail:CODE]] [[fail:CODExN]]   answer with HTTP CODE (OpenAI's error shape)
      options after more colons:  retry-after=S  retry-after-ms=MS
      retry-after-date (Retry-After as an HTTP date 1 s ahead)
      quota (code insufficient_quota)  flat (vLLM's flat error shape)
      echo-key (the message quotes the API key the request carried)
      echo-key-at=N (N bytes of message before the key)
      utf8-at=N (N bytes of message, then "\u00e9" x4, ESC, CR and TAB)
  [[drop]] [[drop:xN]]            close the connection without an answer
  [[malformed:xN]]                200 with a body that is not JSON
  [[badjson:xN]]                  a content that is not JSON
  [[sleep:MS]]                    wait MS before answering
  [[slow:MS]]                     send the status line, wait MS, then the rest
  [[reasoning]]                   content null, the answer in reasoning_content
  [[think]]                       content "<think>hmm</think>\\n\\n" + answer
  [[refusal]]                     content null and a refusal, as OpenAI's
  [[nocontent]] [[nocontent:xN]]  content null, and no reasoning
  [[short]]                       the content is "ok", whatever was asked
  [[answer:TEXT]]                 the content is TEXT (no "]" in it),
                                  whatever was asked
  [[chunks]]                      content an array of chunks, as Mistral's:
                                  a "thinking" one ("hmm"), a "text" one
  [[ratelimit:MS]]                x-ratelimit-remaining-requests: 0 and
                                  x-ratelimit-reset-requests: MSms
  [[usage:N]]                     prompt_tokens, completion_tokens and
                                  total_tokens N
  [[errornull]]                   the answer also has "error": null
  [[nul]]                         the content ends with a NUL (\\u0000)
  [[cutchar]] [[cutchar:xN]]      the bytes C3 28 after the content's "echo: ",
                                  not UTF-8 (the body is not JSON then)
  [[big:BYTES]]                   the answer padded with BYTES spaces, with
                                  a Content-Length (valid JSON)
  [[endless]]                     200, chunked, with chunks of spaces until
                                  the client hangs up (at most 4 GiB)
  [[endless:gzip]]                the same, Content-Encoding: gzip
  [[endlessheaders]]              200, then header lines until the client
                                  hangs up (at most 4 GiB)
--latency adds MS to every answer, --jitter a further 0..MS derived from a
hash of the message (deterministic). --key KEY is the expected API key.

The log (--log) gets one JSON line per request: t (seconds since start),
method, path, auth ("ok", "absent" or "wrong": the Authorization header
itself is never logged), headers (lower-case names, Authorization left
out) and body (parsed JSON, or the raw text).
"""

import argparse
import asyncio
import email.utils
import hashlib
import json
import os
import re
import sys
import time
import zlib

TRIGGER = re.compile(r"\[\[([a-z]+)(?::([^\]]*))?\]\]")
REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized",
           404: "Not Found", 408: "Request Timeout", 409: "Conflict",
           429: "Too Many Requests", 500: "Internal Server Error",
           502: "Bad Gateway", 503: "Service Unavailable",
           504: "Gateway Timeout"}


class Server:
    def __init__(self, args):
        self.args = args
        self.seen = {}          # message -> requests that carried it
        self.log = open(args.log, "a", buffering=1) if args.log else None
        self.start = time.monotonic()

    def record(self, method, path, headers, body):
        if not self.log:
            return
        auth = headers.get("authorization")
        if auth is None:
            state = "absent"
        elif self.args.key is not None and auth == "Bearer " + self.args.key:
            state = "ok"
        else:
            state = "wrong"
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = body.decode("utf-8", "replace")
        rec = {"t": round(time.monotonic() - self.start, 4),
               "method": method, "path": path, "auth": state,
               "headers": {k: v for k, v in headers.items()
                           if k != "authorization"},
               "body": parsed}
        self.log.write(json.dumps(rec) + "\n")

    async def handle(self, reader, writer):
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                parts = line.decode("latin-1").split()
                if len(parts) < 2:
                    break
                method, path = parts[0], parts[1]
                headers = {}
                while True:
                    h = await reader.readline()
                    if h in (b"\r\n", b"\n", b""):
                        break
                    k, _, v = h.decode("latin-1").partition(":")
                    headers[k.strip().lower()] = v.strip()
                n = int(headers.get("content-length", "0"))
                body = await reader.readexactly(n) if n else b""
                self.record(method, path, headers, body)
                keep = await self.respond(writer, method, path, body, headers)
                if not keep or headers.get("connection", "") == "close":
                    break
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def send(self, writer, status, obj, extra=(), raw=None, slow=0):
        body = raw if raw is not None else json.dumps(obj).encode()
        head = "HTTP/1.1 %d %s\r\n" % (status, REASONS.get(status, "Status"))
        rest = "Content-Type: application/json\r\nContent-Length: %d\r\n" % len(body)
        for k, v in extra:
            rest += "%s: %s\r\n" % (k, v)
        rest += "\r\n"
        if slow:
            writer.write(head.encode())
            await writer.drain()
            await asyncio.sleep(slow / 1000)
        else:
            rest = head + rest
        writer.write(rest.encode() + body)
        await writer.drain()

    async def endless(self, writer, gzipped):
        """200 with a chunked body of spaces that goes on until the client
        hangs up, or 4 GiB were sent; gzipped, 1 MiB of spaces a chunk
        (the same deflate block again and again: it refers only to the
        spaces before it)."""
        head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" \
            "Transfer-Encoding: chunked\r\n"
        chunk = b" " * 65536
        if gzipped:
            head += "Content-Encoding: gzip\r\n"
            z = zlib.compressobj(9, zlib.DEFLATED, 31)
            first = z.compress(b"{" + b" " * 65536) + \
                z.flush(zlib.Z_SYNC_FLUSH)
            chunk = z.compress(b" " * (1 << 20)) + z.flush(zlib.Z_SYNC_FLUSH)
            writer.write((head + "\r\n").encode() +
                         b"%x\r\n%s\r\n" % (len(first), first))
        else:
            writer.write((head + "\r\n").encode())
        sent = 0
        while sent < 1 << 32:
            writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            await writer.drain()
            sent += len(chunk)

    async def endless_headers(self, writer):
        """200, then header lines until the client hangs up, or 4 GiB
        were sent."""
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
        line = b"X-Pad: " + b"a" * 1000 + b"\r\n"
        sent = 0
        while sent < 1 << 32:
            writer.write(line * 64)
            await writer.drain()
            sent += len(line) * 64

    async def respond(self, writer, method, path, body, headers):
        try:
            req = json.loads(body)
            msgs = req["messages"]
            user = [m["content"] for m in msgs if m.get("role") == "user"][-1]
            system = [m["content"] for m in msgs if m.get("role") == "system"]
        except (ValueError, KeyError, IndexError, TypeError):
            await self.send(writer, 400, {"error": {
                "message": "not a chat completion request",
                "type": "invalid_request_error", "code": None}})
            return True
        count = self.seen.get(user, 0) + 1
        self.seen[user] = count
        trig = {}
        for name, arg in TRIGGER.findall(user):
            trig[name] = arg or ""

        def first(arg):
            """Whether a trigger with an optional xN applies to this request."""
            m = re.search(r"x(\d+)", arg)
            return m is None or count <= int(m.group(1))

        delay = self.args.latency
        if self.args.jitter:
            h = int(hashlib.sha256(user.encode()).hexdigest()[:8], 16)
            delay += h % (self.args.jitter + 1)
        if "sleep" in trig:
            delay += int(trig["sleep"])
        if delay:
            await asyncio.sleep(delay / 1000)

        if "drop" in trig and first(trig["drop"]):
            writer.transport.abort()
            return False
        if "fail" in trig:
            opts = trig["fail"].split(":")
            m = re.match(r"(\d+)(?:x(\d+))?$", opts[0])
            code, times = int(m.group(1)), m.group(2)
            if times is None or count <= int(times):
                extra = []
                err = {"message": "scripted %d (request %d)" % (code, count),
                       "type": "server_error", "code": None}
                for o in opts[1:]:
                    if o.startswith("retry-after="):
                        extra.append(("Retry-After", o.split("=", 1)[1]))
                    elif o.startswith("retry-after-ms="):
                        extra.append(("retry-after-ms", o.split("=", 1)[1]))
                    elif o == "retry-after-date":
                        extra.append(("Retry-After", email.utils.formatdate(
                            time.time() + 1, usegmt=True)))
                    elif o == "echo-key":
                        # as OpenAI's 401 does, quoting the key it got
                        err["message"] = "Incorrect API key provided: " + \
                            headers.get("authorization", "")[7:]
                    elif o.startswith("echo-key-at="):
                        # the key after N bytes, where a message is cut
                        err["message"] = "x" * int(o.split("=", 1)[1]) + \
                            " key: " + headers.get("authorization", "")[7:] + \
                            " end"
                    elif o.startswith("utf8-at="):
                        # N bytes, then two-byte characters and a terminal
                        # escape, where a message is cut
                        err["message"] = "x" * int(o.split("=", 1)[1]) + \
                            "\u00e9" * 4 + " \x1b[31mred\r\ttab"
                    elif o == "quota":
                        err = {"message": "You exceeded your current quota",
                               "type": "insufficient_quota",
                               "code": "insufficient_quota"}
                if code == 400 and "quota" not in opts:
                    err = {"message": "This model's maximum context length "
                           "is 8 tokens", "type": "invalid_request_error",
                           "code": "context_length_exceeded"}
                if "plain" in opts:
                    # a body that is not JSON: a proxy's page
                    await self.send(writer, code, None, extra,
                                    raw=err["message"].encode())
                    return True
                if "flat" in opts:
                    obj = {"object": "error", "message": err["message"],
                           "type": "BadRequestError", "param": None,
                           "code": code}
                else:
                    obj = {"error": err}
                await self.send(writer, code, obj, extra)
                return True
        if "endless" in trig:
            await self.endless(writer, trig["endless"] == "gzip")
            return False
        if "endlessheaders" in trig:
            await self.endless_headers(writer)
            return False
        if "malformed" in trig and first(trig["malformed"]):
            await self.send(writer, 200, None, raw=b'{"choices": [{"mess')
            return True

        if req.get("response_format"):
            if "badjson" in trig and first(trig["badjson"]):
                content = "Sure! Here is the JSON: {oops"
            else:
                content = json.dumps({"echo": user, "words": len(user.split())})
        elif system:
            content = "echo: " + system[-1] + " | " + user
        else:
            content = "echo: " + user
        if "short" in trig:
            content = "ok"
        if "answer" in trig:
            content = trig["answer"]
        if "nul" in trig:
            content += "\0"
        message = {"role": "assistant", "content": content}
        if "think" in trig:
            message["content"] = "<think>hmm</think>\n\n" + content
        if "chunks" in trig:
            # Mistral's reasoning models: an array of chunks
            message["content"] = [
                {"type": "thinking",
                 "thinking": [{"type": "text", "text": "hmm"}]},
                {"type": "text", "text": content}]
        if "refusal" in trig:
            # OpenAI's structured outputs
            message = {"role": "assistant", "content": None,
                       "refusal": "I'm sorry, I cannot assist with that "
                       "request."}
        if "nocontent" in trig and first(trig["nocontent"]):
            message = {"role": "assistant", "content": None}
        if "reasoning" in trig:
            message = {"role": "assistant", "content": None,
                       "reasoning_content": content}
        ptok = sum(len(str(m.get("content", "")).split()) for m in msgs)
        ctok = len(content.split())
        extra = []
        if "ratelimit" in trig:
            extra = [("x-ratelimit-remaining-requests", "0"),
                     ("x-ratelimit-reset-requests", trig["ratelimit"] + "ms")]
        if "usage" in trig:
            ptok = ctok = int(trig["usage"])
        slow = int(trig["slow"]) if "slow" in trig else 0
        obj = {
            "id": "chatcmpl-%d" % count, "object": "chat.completion",
            "created": 0, "model": req.get("model"),
            "choices": [{"index": 0, "message": message,
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": ptok, "completion_tokens": ctok,
                      "total_tokens": ptok + ctok}}
        if "usage" in trig:
            obj["usage"]["total_tokens"] = ptok
        if "errornull" in trig:
            obj["error"] = None
        if "cutchar" in trig and first(trig["cutchar"]):
            # a character cut in two, as a token boundary may cut it
            raw = json.dumps(obj).encode().replace(b"echo: ", b"echo: \xc3(", 1)
            await self.send(writer, 200, None, extra, raw=raw)
            return True
        if "big" in trig:
            raw = json.dumps(obj).encode() + b" " * int(trig["big"])
            await self.send(writer, 200, None, extra, raw=raw, slow=slow)
            return True
        await self.send(writer, 200, obj, extra, slow=slow)
        return True


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port-file", required=True)
    p.add_argument("--log")
    p.add_argument("--key")
    p.add_argument("--latency", type=int, default=0)
    p.add_argument("--jitter", type=int, default=0)
    args = p.parse_args()
    srv = Server(args)
    server = await asyncio.start_server(srv.handle, "127.0.0.1", 0,
                                        backlog=1024)
    port = server.sockets[0].getsockname()[1]
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, args.port_file)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
