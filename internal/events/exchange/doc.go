// Package exchange serves the event log to the other side of the chain:
// EventService.Subscribe streams, from a client-held log position, the
// events the caller may see (package auth decides who that is), woken by
// the relay's notifications; Follow is the client loop that resumes from
// the last position it processed when the stream breaks.
//
// It is apart from package events because auth imports events (an event's
// actor is a principal) and the stream's visibility comes from auth.
package exchange
