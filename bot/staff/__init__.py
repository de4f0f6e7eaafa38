"""The staff side: chat commands for staff identities (register, arrivals, acknowledgements,
replies, broadcasts), parsed (`commands`) and decided into a reply and effects (`handler`,
`messages`, `effects`; applied by bot/recording/staff.py), staff roles, the alerts staff receive
(`alerts`) and the read-only views staff use from the CLI and the dashboard (`views`)."""
