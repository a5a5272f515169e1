"""Every registered loss, by name: ``core.losses.NAME``.

Names are resolved through the plugin registry on attribute access, and
``dir(core.losses)`` lists them. A name registered by two plugins is
reached as ``getattr(core.losses, "plugin:NAME")``.
"""

from core.registry import namespace

__getattr__, __dir__ = namespace("loss")
