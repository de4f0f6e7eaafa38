"""The staff side over chat: commands for staff identities (register, arrivals, acks)."""
