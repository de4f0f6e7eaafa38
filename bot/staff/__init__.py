"""The staff side: chat commands for staff identities (register, arrivals, acknowledgements,
replies, broadcasts), staff roles, the alerts staff receive (`alerts`) and the read-only views
staff use from the CLI and the dashboard (`views`)."""
