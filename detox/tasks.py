"""Small infrastructure tasks. Domain tasks live beside their apps (e.g. the care-plan task)."""

from __future__ import annotations

import os
import socket

from celery import shared_task


@shared_task(name="detox.ping")
def ping(token: str) -> dict[str, str | int]:
    """Echo a token with the host that ran it: proves a worker consumed the message."""
    return {"token": token, "hostname": socket.gethostname(), "pid": os.getpid()}
