// Package events owns the append-only, hash-chained event log: every change
// to a matter is written as an event in the same transaction as the change,
// with the actor that caused it, and each event's hash covers its
// predecessor's, so a row altered, removed or reordered afterwards is found
// by Verify. The head of each chain is kept in its own table, so that
// deleting the newest events is detected too.
//
// It also orders the log for the other side of the chain. Event ids become
// visible out of commit order, so the Relay gives each committed event a
// gap-free log position (event_positions), one replica at a time, woken by
// a NOTIFY from the appending transaction; ReadAfter reads on from a
// position, optionally of some types only, and never skips; who may see
// which event is decided by package exchange, which serves the stream. ipcased's own
// consumers (Consumer, registered with Consumers) apply events in the
// transaction that moves their cursor.
package events
