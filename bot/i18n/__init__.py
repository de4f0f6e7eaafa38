"""Languages: curated message templates and the machine translator interface."""
