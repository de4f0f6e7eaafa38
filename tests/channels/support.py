"""Constants and helpers shared by the adapter tests."""

from __future__ import annotations

PUBLIC = "https://nursery.example.org"
SARAH = "+447700900101"  # demo guardian: Maya and Leo Thompson's mother
STRANGER = "+447700900999"  # on no roster
