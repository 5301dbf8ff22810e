#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# shim_http.py ADDR PORT - a small HTTP/1.1 (keep-alive) server for
# test_shim_tcp.sh: POST answers with the sha256 of the body, GET /n/<i>
# answers "reply <i>\n".  Runs on the kernel side of the test namespace.
import hashlib
import http.server
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, body):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.reply(("reply %s\n" % self.path.rsplit("/", 1)[-1]).encode())

    def do_POST(self):
        left = int(self.headers.get("Content-Length", "0"))
        h = hashlib.sha256()
        while left:
            chunk = self.rfile.read(min(left, 1 << 16))
            if not chunk:
                break
            h.update(chunk)
            left -= len(chunk)
        self.reply((h.hexdigest() + "\n").encode())


addr, port = sys.argv[1], int(sys.argv[2])
http.server.ThreadingHTTPServer((addr, port), Handler).serve_forever()
