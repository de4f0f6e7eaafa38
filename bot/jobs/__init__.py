"""Scheduled jobs, run by the one scheduler process (and by simulate's ticks): each only writes
records and outbox rows, and running one twice changes nothing. `chase`: the first-day absence
check and the staff call tasks that follow it."""
