"""Which process this is, as leases name their owners, and whether an owner's process is gone.

Several nodes share one database (aggregator/cluster.py): each lease names the process that
holds it, so that a node can give back at once the leases of a process of its own host that
died, and never takes one of another host's live process.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path


INIT_PID_NAMESPACE = 4026531836  # Linux's PROC_PID_INIT_INO: the host's own PID namespace


def default_node() -> str:
    """A process's name in leases when AGGREGATOR_NODE gives none: host:pid."""
    return f"{this_host()}:{os.getpid()}"


def this_host() -> str:
    """This host as lease owners name it (see :func:`host_name`)."""
    try:
        link = os.readlink("/proc/self/ns/pid")  # "pid:[4026531836]"
        namespace: int | None = int(link.split("[", 1)[1].rstrip("]"))
    except (OSError, IndexError, ValueError):  # not Linux
        namespace = None
    try:
        boot: str | None = Path("/proc/sys/kernel/random/boot_id").read_text().strip()[:8]
    except OSError:  # not Linux
        boot = None
    return host_name(socket.gethostname(), namespace, boot)


def host_name(hostname: str, pid_namespace: int | None, boot: str | None = None) -> str:
    """The host name, this boot of its kernel, and the PID namespace when it is not the
    host's own. Two machines may carry one name (VMs cloned from one image, all "debian"):
    without the boot, a lease of one's live process looked gone to the other (no such pid
    there), which took it back at once; a pid of an earlier boot names nothing either.
    Containers run with the host's network share its name and boot but not its pids, hence
    the namespace."""
    name = f"{hostname}@{boot}" if boot else hostname
    if pid_namespace is None or pid_namespace == INIT_PID_NAMESPACE:
        return name
    return f"{name}#{pid_namespace}"


def process_gone(owner: str, host: str) -> bool:
    """Whether lease ``owner`` (``host:pid``, maybe followed by ``/what``) names a process of
    ``host`` that no longer runs. Another host's process, or a name without a pid, is never
    known to be gone."""
    owner_host, _, pid = owner.split("/", 1)[0].rpartition(":")
    if owner_host != host or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except (OSError, OverflowError):  # another user's process (EPERM), or no such pid number
        return False
    return False
