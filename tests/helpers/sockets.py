"""What this machine's TCP sockets show of the connections a test opened."""

from __future__ import annotations

from pathlib import Path


def local_ports_toward(port: int) -> set[int]:
    """The local ports of this machine's IPv4 TCP sockets whose other end is `port`, in any
    state: one for each connection opened to it in the last minute or so, those closed from
    this side waiting in TIME_WAIT (Linux's /proc/net/tcp)."""
    ports: set[int] = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, remote = line.split()[1:3]
        if int(remote.rsplit(":", 1)[1], 16) == port:
            ports.add(int(local.rsplit(":", 1)[1], 16))
    return ports
