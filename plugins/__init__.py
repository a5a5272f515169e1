"""First-party plugins, registered through the ``core.plugins`` entry points."""
