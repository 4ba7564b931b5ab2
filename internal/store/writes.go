package store

import (
	"fmt"
	"strings"
)

// Write is one data-modifying statement — an INSERT, UPDATE or DELETE
// without a WITH clause of its own, with ? placeholders — that Tx.Write
// sends together with the others of a change. The package that owns the
// table builds it.
type Write struct {
	SQL  string
	Args []any
	// Notify, if set, is a channel to NOTIFY once the write has committed,
	// from outside its transaction: Postgres serializes the commits of
	// transactions that sent a NOTIFY, each holding a database-wide lock
	// until its commit record is flushed, so a NOTIFY in every writing
	// transaction would make writes commit one at a time. Sent after
	// COMMIT in the same round trip (InTx), once a transaction whatever
	// the count of writes asking for it.
	Notify string
}

// Write runs ws in tx as one statement, one round trip: every write but
// the last as a data-modifying WITH query of the last. They all see the
// database as it was before the statement and none sees another's rows,
// so no two may change the same row; constraints are checked at the end,
// so one may insert a row another's refers to.
func (tx Tx) Write(ws ...Write) error {
	if len(ws) == 0 {
		return nil
	}
	var b strings.Builder
	var args []any
	for i, w := range ws[:len(ws)-1] {
		if i == 0 {
			b.WriteString("WITH ")
		} else {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "w%d AS (%s) ", i, w.SQL)
		args = append(args, w.Args...)
	}
	last := ws[len(ws)-1]
	b.WriteString(last.SQL)
	args = append(args, last.Args...)
	if err := tx.g.Exec(b.String(), args...).Error; err != nil {
		return Translate(err)
	}
	for _, w := range ws {
		switch {
		case w.Notify == "":
		case tx.after != nil:
			tx.after.notifyAfter(w.Notify)
		default: // a Session's statement has committed already
			if err := tx.g.Exec(`SELECT pg_notify(?, '')`, w.Notify).Error; err != nil {
				return Translate(err)
			}
		}
	}
	return nil
}
