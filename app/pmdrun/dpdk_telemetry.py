# SPDX-License-Identifier: BSD-3-Clause
"""A client of a DPDK process's telemetry socket.

EAL (unless --no-telemetry) listens on <runtime dir>/dpdk_telemetry.v2, a
SOCK_SEQPACKET socket: on connect it sends a JSON greeting ({"version",
"pid", "max_output_len"}), then answers each command ("/ethdev/list",
"/wcnic/info,0") with one JSON object {command: value}; the value is null
when the command is unknown or its handler refused it.
"""
import json
import os
import socket

SOCKET_NAME = "dpdk_telemetry.v2"


class TelemetryError(Exception):
    pass


class Telemetry:
    def __init__(self, runtime_dir, timeout=10.0):
        path = os.path.join(runtime_dir, SOCKET_NAME)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock.settimeout(timeout)
        try:
            self.sock.connect(path)
            self.greeting = self._reply()
        except (OSError, TelemetryError) as err:
            self.sock.close()
            raise TelemetryError(f"telemetry socket {path}: {err}") from err
        self.max_len = int(self.greeting.get("max_output_len", 16384))

    def _reply(self, size=1 << 16):
        data = self.sock.recv(size)
        if not data:
            raise TelemetryError("connection closed")
        try:
            return json.loads(data.decode())
        except ValueError as err:
            raise TelemetryError(f"not JSON: {data[:200]!r}") from err

    def query(self, command):
        """The value answering command (None when refused)."""
        self.sock.send(command.encode())
        reply = self._reply(max(self.max_len, 1 << 16))
        key = command.split(",", 1)[0]
        if not isinstance(reply, dict) or key not in reply:
            raise TelemetryError(f"{command}: unexpected reply {reply!r}")
        return reply[key]

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
