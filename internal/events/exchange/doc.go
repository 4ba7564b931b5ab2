// Package exchange serves the event log to the other side of the chain:
// EventService.Subscribe streams, from a client-held log position, the
// events the caller may see — the matters filing lets it list, and for a
// court the hand-offs addressed to it — woken by the relay's notifications
// through the process's one events.Hub, reading through the pool a few
// streams at a time. Open streams are capped per caller and per process
// (Config); past a cap, Subscribe answers RESOURCE_EXHAUSTED. The client
// loop that resumes a broken stream is package follow.
package exchange
