"""`python -m parentbot` runs the CLI."""

from parentbot.cli import main

main()
