"""Who is asking, from where: set per request so that audit records need not be handed it."""

from contextvars import ContextVar

client_addr: ContextVar[str] = ContextVar("client_addr", default="")
