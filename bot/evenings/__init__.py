"""Parents' evenings: the manager's command (parsed, pure), the windows families are polled on,
the solver that gives everyone a slot (OR-Tools CP-SAT, pure), and the jobs that remind and
schedule. Deciding here; bot/recording/evenings.py writes."""
