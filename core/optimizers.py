"""Every registered optimizer, by name: ``core.optimizers.NAME``.

Names are resolved through the plugin registry on attribute access, and
``dir(core.optimizers)`` lists them. A name registered by two plugins is
reached as ``getattr(core.optimizers, "plugin:NAME")``.
"""

from core.registry import namespace

__getattr__, __dir__ = namespace("optimizer")
