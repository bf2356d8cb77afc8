#!/usr/bin/env python3
"""dgram_listen.py SOCKET OUT: bind a Unix datagram socket at SOCKET, create
OUT.ready once it listens, write the first datagram received (up to 64 KiB)
to OUT.  Gives up after 10 s without one (exit 1: the caller's check of OUT
fails)."""
import socket
import sys

s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
open(sys.argv[2] + ".ready", "w").close()
s.settimeout(10)
try:
    data, _ = s.recvfrom(65536)
except socket.timeout:
    sys.exit(1)
with open(sys.argv[2], "wb") as f:
    f.write(data)
