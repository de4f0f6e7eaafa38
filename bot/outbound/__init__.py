"""Everything that leaves: the outbox written in each turn's transaction, and its delivery.

`outbox` (writing rows, choosing each person's address), `delivery` and `delivery_status` (the
worker and provider status callbacks), `pacing` (rate limits), `optout` (STOP / START),
`channel` (the sender protocol adapters implement), `render` (a reply as a channel can show it,
buttons or a numbered list, and numbered answers read back), `sms_text` (segments and numbered
parts), `broadcast` (one message to many families, each in their language), `originals` (the
English original of a translated message, on request)."""
