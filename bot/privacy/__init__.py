"""Data protection (UK GDPR): what is held about a family and for how long.

- subject.py: who a request is about (a guardian or a child) and what finds their data
- export.py: everything held about them as JSON, for a subject access request
- tables.py: which tables hold personal data, and how each is exported (one entry per table)
- erase.py: a guardian's erasure, scheduled or at once; records the setting must keep stay,
  with the person replaced by a reference
- scrub.py: replacing a person's phone numbers, e-mail, name and words in kept text
- retention.py: the daily job deleting what is older than the setting keeps it
- options.py: `retain_messages_days`, `retain_records_years`, `erase_after_days`
"""
