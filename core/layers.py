"""Every registered layer, by name: ``core.layers.NAME``.

Names are resolved through the plugin registry on attribute access, and
``dir(core.layers)`` lists them. A name registered by two plugins is
reached as ``getattr(core.layers, "plugin:NAME")``.
"""

from core.registry import namespace

__getattr__, __dir__ = namespace("layer")
