# SPDX-License-Identifier: BSD-3-Clause
"""A minimal QMP client: one command on QEMU's QMP socket (Guest(qmp=True)
makes QEMU serve one, and gives its path to the companion as
WCNIC_GUEST_QMP)."""
import json
import socket


def execute(path, command, arguments=None, timeout=10.0):
    """Run one QMP command; return its "return" value, raise RuntimeError
    with QEMU's "error" otherwise. Asynchronous events read meanwhile are
    skipped."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(str(path))
        stream = sock.makefile("rwb")

        def reply():
            while True:
                line = stream.readline()
                if not line:
                    raise RuntimeError("QMP: QEMU closed the socket")
                message = json.loads(line)
                if "event" not in message:
                    return message

        reply()  # the greeting
        for name, args in (("qmp_capabilities", None), (command, arguments)):
            request = {"execute": name, **({"arguments": args} if args else {})}
            stream.write(json.dumps(request).encode() + b"\n")
            stream.flush()
            answer = reply()
            if "error" in answer:
                raise RuntimeError(f"QMP {name}: {answer['error']}")
        return answer.get("return")
