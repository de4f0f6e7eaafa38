"""The message pipeline: an inbound message kept once, its sender identified, its turn run.

`engine` (one turn: language, understanding, flow step, effects, outbox), `inbound` (the inbound
log, also the turns process's queue), `keeper` and `turns` (queued turns), `conversation` (a
sender's pending state, locked per turn), `identity` and `linking` (who is writing; linking chat
accounts), `choices` (which choice a message answers), `outcome` (what a turn did)."""
