"""Entry points that wire the core to the adapters: CLI, web app, scheduler."""
