#!/usr/bin/env python3
"""This machine's compiler cache, read-only over HTTP, for the image build.

The image build (deploy/Dockerfile) compiles the same sources with the same Debian compiler
and flags as `./dev build` does here, but in a container whose own compiler cache (a build
cache mount) is empty on a fresh machine, as in CI. scripts/image.sh runs this server for the
build's duration and passes its address as ccache's remote storage (read-only), so every
object the local build already compiled is fetched instead of compiled again.

ccache's HTTP storage asks for GET /<k0k1>/<rest of the key> (layout "subdirs"); the local
cache holds that entry as <cache_dir>/<k0>/<k1>/<rest>M (a manifest) or ...R (a result), two
to four directory levels deep (ccache adds levels as a directory fills). The bytes are the
same in both places. Only GET and HEAD are served; keys are checked to be ccache's digits,
so no other file can be read.

usage: ccache_server.py --cache-dir DIR [--host 127.0.0.1] --port N
"""
import argparse
import http.server
import os
import re
import sys

KEY = re.compile(r"^/([0-9a-f]{2})/([0-9a-v]{20,80})$")


def entry_path(cache_dir, key):
    """The local cache file of `key` (two hex digits + the rest), or None."""
    for levels in (2, 3, 4):
        directory = os.path.join(cache_dir, *key[:levels])
        for suffix in ("M", "R"):
            path = os.path.join(directory, key[levels:] + suffix)
            if os.path.isfile(path):
                return path
    return None


class Handler(http.server.BaseHTTPRequestHandler):
    cache_dir = ""
    protocol_version = "HTTP/1.1"  # keep-alive, as ccache asks for

    def _entry(self):
        match = KEY.match(self.path)
        return entry_path(self.cache_dir, match.group(1) + match.group(2)) if match else None

    def _answer(self, with_body):
        path = self._entry()
        if path is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        with open(path, "rb") as entry:
            data = entry.read()
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if with_body:
            self.wfile.write(data)

    def do_GET(self):  # noqa: N802 (http.server's names)
        self._answer(True)

    def do_HEAD(self):  # noqa: N802
        self._answer(False)

    def log_message(self, *_args):
        pass  # one line per object would flood the build's log


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache-dir", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    options = parser.parse_args()
    if not os.path.isdir(options.cache_dir):
        print(f"ccache_server: {options.cache_dir} is not a directory; serving nothing", file=sys.stderr)
    Handler.cache_dir = options.cache_dir
    server = http.server.ThreadingHTTPServer((options.host, options.port), Handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
