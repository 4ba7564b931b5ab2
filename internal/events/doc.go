// Package events owns the append-only, hash-chained event log: every change
// to a matter is written as an event in the same transaction as the change,
// with the actor that caused it, and each event's hash covers its
// predecessor's, so a row altered, removed or reordered afterwards is found
// by Verify. The head of each chain is kept in its own table, so that
// deleting the newest events is detected too, and signed with the
// checkpoint key together with the matter's state after its last change
// (what package filing gives AppendState), so that the matter's rows can be
// checked against their history; the log never signs again a head whose
// signature does not hold.
//
// It also orders the log for the other side of the chain. Event ids become
// visible out of commit order, so the Relay gives each committed event a
// gap-free log position (event_positions), one replica at a time, woken by
// a NOTIFY sent once the appending transaction has committed; ReadAfter reads on from a
// position, optionally of some types only, and never skips; who may see
// which event is decided by package exchange, which serves the stream. ipcased's own
// consumers (Consumer, registered with Consumers) apply events in the
// transaction that moves their cursor. The streams and consumers of a
// process wait on one Hub, which alone listens for the relay's
// notifications, so that they hold no connection while they wait.
package events
