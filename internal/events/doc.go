// Package events owns the append-only, hash-chained event log: every change
// to a matter is written as an event in the same transaction as the change,
// with the actor that caused it, and each event's hash covers its
// predecessor's, so a row altered, removed or reordered afterwards is found
// by Verify. The head of each chain is kept in its own table, so that
// deleting the newest events is detected too.
package events
