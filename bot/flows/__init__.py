"""Conversation flows: small state machines whose steps are pure functions of a Turn.

`registry` (the table of flows and the one place a guardian's message finds its flow), `flow`
(what a flow declares: name, intents, steps, data, choices), `turn` (the Turn a step reads and
the StepResult it returns), `effects` (the changes a step asks for). One module per flow:
`notices` (absences and collection changes, with `questions`, `readback`, `draft`, `refs`,
`dates`), `chased` (answers to the first-day absence check), `language`, `original` ("Show in
English"), `policy`, `basic` (help, handoffs, meeting requests, detail changes, unknown senders);
`safeguarding` is the post-step every guardian turn passes through.
"""
