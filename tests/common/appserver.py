"""An external application's server for the tests, in its own process, as a booking
or dispatch system would run one: it listens, takes the recorder's connection, and
writes every line it receives to OUT (one line each, flushed and synced, with the
time it arrived and, for !LAST!, whether the record already exists in STORE).

With "ack" it answers every !FRST!/!LAST! with !ACKN! after the line is on disk.
Every line appended to SEND (a file, if given) is sent to the recorder.

    python3 appserver.py PORT OUT STORE ack|noack [SEND]
"""

import os
import socket
import sys
import time


def record_exists(store, track):
    for month in os.listdir(store) if os.path.isdir(store) else []:
        if os.path.exists(os.path.join(store, month, track)):
            return True
    return False


def main():
    port, out_path, store, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    send_path = sys.argv[5] if len(sys.argv) > 5 else None
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(1)
    out = open(out_path, "a")
    sent_lines = 0
    while True:
        conn, _ = server.accept()
        conn.settimeout(0.05)
        held = b""
        while True:
            if send_path and os.path.exists(send_path):
                with open(send_path) as f:
                    lines = f.read().splitlines()
                for line in lines[sent_lines:]:
                    conn.sendall(line.encode() + b"\r\n")
                sent_lines = len(lines)
            try:
                chunk = conn.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                break
            if not chunk:
                break
            held += chunk
            while b"\n" in held:
                line, held = held.split(b"\n", 1)
                line = line.decode().rstrip("\r")
                exists = ""
                if line.startswith("!LAST!"):
                    track = line.split("!")[4]
                    exists = "exists" if record_exists(store, track) else "missing"
                out.write(f"{time.time():.6f} {line} {exists}\n")
                out.flush()
                os.fsync(out.fileno())
                if mode == "ack" and (line.startswith("!FRST!") or line.startswith("!LAST!")):
                    conn.sendall(b"!ACKN!\r\n")
        conn.close()


main()
