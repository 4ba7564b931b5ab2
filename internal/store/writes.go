package store

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"
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
	q, args := joined(ws)
	if tx.after != nil {
		tx.after.wrote = true
	}
	if err := tx.g.Exec(q, args...).Error; err != nil {
		return Translate(err)
	}
	return tx.notify(ws)
}

// WriteAtCommit is Write sent with the transaction's COMMIT, in its round
// trip, rather than on one of its own: for the last writes of a change,
// which nothing in the transaction reads afterwards. Their error is the
// commit's (the transaction rolls back). In a Session it is Write.
func (tx Tx) WriteAtCommit(ws ...Write) error {
	if len(ws) == 0 {
		return nil
	}
	if tx.after == nil {
		return tx.Write(ws...)
	}
	q, args := joined(ws)
	// gorm builds the statement as it would run it (placeholders numbered,
	// lists expanded, values converted), and counts it (OnStatement),
	// without running it.
	stmt := tx.g.Session(&gorm.Session{DryRun: true}).Exec(q, args...).Statement
	if stmt.Error != nil {
		return stmt.Error
	}
	tx.after.writes = append(tx.after.writes, &pgx.QueuedQuery{SQL: stmt.SQL.String(), Arguments: stmt.Vars})
	return tx.notify(ws)
}

// Written reports whether the transaction has made a Write (not
// WriteAtCommit, which runs with COMMIT). Every append to an event chain
// is one, so until then the head of a chain read with BEGIN is the head.
func (tx Tx) Written() bool { return tx.after != nil && tx.after.wrote }

// Prefetched returns the answer of the statement sent with BEGIN under key
// (First.Key), if there was one and the transaction has not written since
// (Write, or through Gorm; not WriteAtCommit): then a read it answers need
// not be made again.
func (tx Tx) Prefetched(key string) (Text, bool) {
	if tx.after == nil || tx.after.changed {
		return nil, false
	}
	rows, ok := tx.after.first[key]
	return rows, ok
}

// counterKey keys a counter read with BEGIN (First.Counter) among the
// transaction's locals.
type counterKey string

// counter is what a read of counters with BEGIN answered, rows of their
// key columns and last value, and the last value the transaction took
// from each row it took from.
type counter struct {
	rows  Text
	taken map[int]int64
}

// NextOf takes the next value of a counter read with BEGIN under key
// (First.Counter): the row that is match followed by its last value. ok
// is false if it was not read, or no row read is match; the caller then
// takes a value with a statement of its own. The caller writes the value
// it took back to the counter's row with COMMIT (WriteAtCommit); a
// transaction that does not end up using it writes nothing and leaves no
// gap.
func (tx Tx) NextOf(key string, match ...string) (int64, bool) {
	v, ok := tx.Local(counterKey(key))
	if !ok {
		return 0, false
	}
	c := v.(*counter)
	i := slices.IndexFunc(c.rows, func(row [][]byte) bool {
		if len(row) != len(match)+1 {
			return false
		}
		for i, m := range match {
			if string(row[i]) != m {
				return false
			}
		}
		return true
	})
	if i < 0 {
		return 0, false
	}
	last, taken := c.taken[i]
	if !taken {
		var err error
		if last, err = strconv.ParseInt(string(c.rows[i][len(match)]), 10, 64); err != nil {
			return 0, false
		}
	}
	c.taken[i] = last + 1
	return last + 1, true
}

// Counter is a table of counters, a row per key and its last value, that
// the package owning it numbers with (decision_counters,
// court_number_counters).
type Counter struct {
	Table string
	// Keys are the key columns, in the order a read of the rows with
	// BEGIN answers them, before last (First.Counter).
	Keys []string
}

// Next takes, in tx, the next value of the row of c whose keys hold vals.
// The row stays locked until the transaction ends, so concurrent takers
// get consecutive values and one that rolls back leaves no gap. A row read
// with BEGIN under key is taken from (NextOf) and written back with
// COMMIT; else, the row's first value or one not read, it is taken with
// an upsert on a round trip of its own.
func (c Counter) Next(tx Tx, key string, vals ...any) (int64, error) {
	match := make([]string, len(vals))
	where := make([]string, len(vals))
	for i, v := range vals {
		match[i], where[i] = fmt.Sprint(v), c.Keys[i]+" = ?"
	}
	if n, ok := tx.NextOf(key, match...); ok {
		err := tx.WriteAtCommit(Write{SQL: "UPDATE " + c.Table + " SET last = ? WHERE " + strings.Join(where, " AND "),
			Args: append([]any{n}, vals...)})
		return n, err
	}
	keys := strings.Join(c.Keys, ", ")
	var n int64
	err := tx.g.Raw("INSERT INTO "+c.Table+" ("+keys+", last) VALUES ("+strings.Repeat("?, ", len(vals))+"1) ON CONFLICT ("+keys+
		") DO UPDATE SET last = "+c.Table+".last + 1 RETURNING last", vals...).Scan(&n).Error
	return n, Translate(err)
}

// Local returns what the transaction keeps under key (SetLocal), if
// anything.
func (tx Tx) Local(key any) (any, bool) {
	if tx.after == nil {
		return nil, false
	}
	v, ok := tx.after.local[key]
	return v, ok
}

// SetLocal keeps v under key for the rest of the transaction: a package's
// copy of rows it read, which it changes as it sends their writes with
// COMMIT (WriteAtCommit), so that its later reads in the transaction see
// them without a round trip. A Session, whose statements commit as they
// run, keeps nothing. Keys are a package's own type, as context keys.
func (tx Tx) SetLocal(key, v any) {
	if tx.after == nil {
		return
	}
	if tx.after.local == nil {
		tx.after.local = map[any]any{}
	}
	tx.after.local[key] = v
}

// joined is ws as one statement: every write but the last as a
// data-modifying WITH query of the last.
func joined(ws []Write) (string, []any) {
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
	return b.String(), append(args, last.Args...)
}

// notify has the channels ws name notified once they have committed.
func (tx Tx) notify(ws []Write) error {
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

// Inline is q, with ? placeholders, with args written into it as
// literals, for a statement sent without parameters (IdempotentAfter's
// first statements). Arguments may be strings, lists of strings (for
// IN ?, as gorm writes them) and integers; a string becomes a quoted
// literal of unknown type, as a parameter would be, so that it compares
// with text and uuid columns alike.
func Inline(q string, args ...any) (string, error) {
	var b strings.Builder
	for _, arg := range args {
		i := strings.IndexByte(q, '?')
		if i < 0 {
			return "", fmt.Errorf("store: Inline: %d arguments for fewer placeholders", len(args))
		}
		b.WriteString(q[:i])
		q = q[i+1:]
		var lit string
		var err error
		switch v := arg.(type) {
		case string:
			lit, err = quote(v)
		case []string:
			items := make([]string, len(v))
			for j, s := range v {
				if items[j], err = quote(s); err != nil {
					break
				}
			}
			lit = "(" + strings.Join(items, ", ") + ")"
		case int:
			lit = strconv.Itoa(v)
		case int64:
			lit = strconv.FormatInt(v, 10)
		default:
			err = fmt.Errorf("store: Inline: a %T is not written as a literal", v)
		}
		if err != nil {
			return "", err
		}
		b.WriteString(lit)
	}
	if strings.IndexByte(q, '?') >= 0 {
		return "", errors.New("store: Inline: a placeholder without its argument")
	}
	b.WriteString(q)
	return b.String(), nil
}

// quote is s as a quoted literal of unknown type. It relies on
// standard_conforming_strings, which begin checks.
func quote(s string) (string, error) {
	if strings.ContainsRune(s, 0) {
		return "", errors.New("store: a literal with a NUL character")
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'", nil
}

// Query is a statement with ? placeholders, and its arguments.
type Query struct {
	SQL  string
	Args []any
}

// Together runs qs in the transaction in one round trip, in order, each
// seeing what those before it wrote, and returns the first column of each
// one's rows, as text. A statement that fails ends the transaction, whose
// error is returned. In a Session each runs on its own.
func (tx Tx) Together(qs ...Query) ([][]string, error) {
	out := make([][]string, len(qs))
	conn, ok := tx.g.Statement.ConnPool.(txConn)
	if !ok {
		for i, q := range qs {
			if err := tx.g.Raw(q.SQL, q.Args...).Scan(&out[i]).Error; err != nil {
				return nil, Translate(err)
			}
		}
		return out, nil
	}
	b := &pgx.Batch{}
	for _, q := range qs {
		// gorm builds each as it would run it, and counts it (OnStatement),
		// without running it (see WriteAtCommit).
		stmt := tx.g.Session(&gorm.Session{DryRun: true}).Exec(q.SQL, q.Args...).Statement
		if stmt.Error != nil {
			return nil, stmt.Error
		}
		b.Queue(stmt.SQL.String(), stmt.Vars...)
	}
	tx.after.changed = true // they may write
	err := withPgx(conn.Conn, func(c *pgx.Conn) error {
		br := c.SendBatch(tx.Context(), b)
		for i := range qs {
			rows, err := br.Query()
			if err != nil {
				_ = br.Close()
				return err
			}
			for rows.Next() {
				var s string
				dest := make([]any, len(rows.FieldDescriptions()))
				dest[0] = &s
				for j := 1; j < len(dest); j++ {
					dest[j] = new(any) // the rest is not answered
				}
				if err := rows.Scan(dest...); err != nil {
					rows.Close()
					_ = br.Close()
					return err
				}
				out[i] = append(out[i], s)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				_ = br.Close()
				return err
			}
		}
		return br.Close()
	})
	if err != nil {
		return nil, Translate(err)
	}
	return out, nil
}

// CopyFrom copies rows into the columns cols of table with COPY, in the
// transaction: a bulk load's way in (ipcase-bench seed), which commits or
// rolls back with the rest of it. Only a transaction of InTx may copy.
func (tx Tx) CopyFrom(table string, cols []string, rows [][]any) error {
	conn, ok := tx.g.Statement.ConnPool.(txConn)
	if !ok {
		return errors.New("store: CopyFrom outside a transaction")
	}
	tx.after.changed = true
	return withPgx(conn.Conn, func(c *pgx.Conn) error {
		if _, err := c.CopyFrom(tx.Context(), pgx.Identifier{table}, cols, pgx.CopyFromRows(rows)); err != nil {
			return fmt.Errorf("store: copying into %s: %w", table, Translate(err))
		}
		return nil
	})
}
