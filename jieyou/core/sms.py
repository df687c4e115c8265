"""Text messages through a pluggable backend (`JIEYOU_SMS_BACKEND`, a dotted path).

The default writes to the console: a county plugs in its carrier's gateway by writing a class
with `send(phone, text)`. Tests use the memory backend and read `outbox`.
"""

import logging
import sys

from django.conf import settings
from django.utils.module_loading import import_string

from .masking import mask_phone

log = logging.getLogger(__name__)


class ConsoleBackend:
    def send(self, phone: str, text: str) -> None:
        # The console is a log, not the phone: the number stays masked there too.
        sys.stdout.write(f"[短信] {mask_phone(phone)}：{text}\n")


class MemoryBackend:
    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        MemoryBackend.outbox.append((phone, text))


def send(phone: str, text: str) -> bool:
    """Send one message; a failing gateway is logged and never undoes the caller's work."""
    if not phone:
        return False
    backend = import_string(
        getattr(settings, "JIEYOU_SMS_BACKEND", "jieyou.core.sms.ConsoleBackend")
    )
    try:
        backend().send(phone, text)
    except Exception:
        log.exception("text message to %s failed", mask_phone(phone))
        return False
    return True
