"""Scheduled jobs, run by the one scheduler process and by simulate's ticks: `registry` (the table
of jobs, when each is due, running one once per slot), `job` (Daily / Every schedules, what a run
reads and returns), `effects` (what jobs ask for: applied by bot/recording like a turn's), and
`chase` (the first-day absence check and the staff call tasks that follow it)."""
