"""The messages of the pure modules, kept importable here; they live in `core.messages`."""

from core.messages import Country, Message, _rebuild, as_data, from_data, gettext_noop

# `_rebuild` stays reachable under this name for messages pickled before the move.
__all__ = ["Country", "Message", "_rebuild", "as_data", "from_data", "gettext_noop"]
