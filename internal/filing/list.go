package filing

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ipcase/ipcase/internal/audit"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/request"
	"github.com/ipcase/ipcase/internal/store"
)

// Visibility is what a caller may list: everything, or the matters of an
// agency, a court, or some parties.
type Visibility struct {
	All     bool
	Agency  string
	Court   string
	Parties []string
}

// where is the condition, over matters aliased m, that keeps what v may
// see; ok is false when v sees nothing. An agency sees the matters filed
// with it and those with an administrative proceeding before it, a court
// those with a judicial one before it: the codes of agencies and courts
// are separate namespaces (auth.Forum), so a forum's kind is compared with
// its code.
func (v Visibility) where(n notice) (cond string, args []any, ok bool) {
	switch {
	case v.All:
		return "true", nil, true
	case v.Agency != "":
		// matters.forums (forumsOf, migration 000020): the agency filed
		// with and those with an administrative proceeding.
		return "m.forums @> ARRAY[?]::text[]", []any{agencyForum(v.Agency)}, true
	case v.Court != "":
		return "m.forums @> ARRAY[?]::text[]", []any{courtForum(v.Court)}, true
	case len(v.Parties) > 0:
		// A complainant sees its matter from the start; a respondent once
		// it has been told of it (notice).
		return "EXISTS (SELECT 1 FROM matter_parties mp WHERE mp.matter_id = m.id AND mp.party_id IN ? AND (mp.role = 'COMPLAINANT' OR " + n.cond + "))",
			append([]any{v.Parties}, n.args...), true
	}
	return "", nil, false
}

// Filter narrows ListMatters; zero fields do not filter, except Visible,
// which must say what the caller may see.
type Filter struct {
	Visible Visibility
	State   MatterState
	IPType  IPType
	PartyID string
	From    *time.Time // first instant included
	Until   *time.Time // first instant excluded
}

// cursor is the keyset position after the last matter of a page. It is
// bound to the filter it was made for.
type cursor struct {
	Time   time.Time `json:"t"`
	ID     string    `json:"i"`
	Filter string    `json:"f"`
}

func (f Filter) key() string {
	return fmt.Sprintf("%v|%s|%s|%s|%v|%v", f.Visible, f.State, f.IPType, f.PartyID, f.From, f.Until)
}

func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(token string, f Filter) (*cursor, error) {
	if token == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	var c cursor
	// The id and time go into the query: an id that is not a UUID would be
	// the database's error, INTERNAL, rather than the caller's.
	if err != nil || json.Unmarshal(b, &c) != nil || !request.IsUUID(c.ID) || c.Time.IsZero() {
		return nil, errs.Field("page_token", "is not a token this server issued")
	}
	if c.Filter != f.key() {
		return nil, errs.Field("page_token", "was issued for different filters; repeat the filters of the first page")
	}
	return &c, nil
}

// List returns one page of matters matching f, newest first, and the token
// of the next page (empty on the last). A page costs a fixed number of
// queries, whatever its size.
func (s *Store) List(ctx context.Context, f Filter, pageToken string, pageSize int) ([]*Matter, string, error) {
	return s.list(ctx, f, pageToken, pageSize, nil)
}

// listRead is List for a read by the caller in ctx at at: an official's
// reads of the page's matters are recorded, in the statement that loads
// them when the page is read from the primary.
func (s *Store) listRead(ctx context.Context, f Filter, pageToken string, pageSize int, at time.Time) ([]*Matter, string, error) {
	if s.reads == s.db {
		return s.list(ctx, f, pageToken, pageSize, logOf(ctx, at))
	}
	ms, next, err := s.list(ctx, f, pageToken, pageSize, nil)
	if err != nil {
		return nil, "", err
	}
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = string(m.ID)
	}
	if err := audit.Log(s.db.Session(ctx), at, ids...); err != nil {
		return nil, "", err
	}
	return ms, next, nil
}

func (s *Store) list(ctx context.Context, f Filter, pageToken string, pageSize int, logged *readLog) ([]*Matter, string, error) {
	after, err := decodeCursor(pageToken, f)
	if err != nil {
		return nil, "", err
	}
	cond, args, ok := f.Visible.where(s.notice)
	if !ok {
		return nil, "", nil // sees nothing
	}
	where := []string{cond}
	if f.State != "" {
		where, args = append(where, "m.state = ?"), append(args, string(f.State))
	}
	if f.IPType != "" {
		// matters.ip_types (migration 000019), served by its GIN index.
		where = append(where, "m.ip_types @> ARRAY[?]::text[]")
		args = append(args, string(f.IPType))
	}
	if f.PartyID != "" {
		where = append(where, "EXISTS (SELECT 1 FROM matter_parties mp WHERE mp.matter_id = m.id AND mp.party_id = ?)")
		args = append(args, f.PartyID)
	}
	if f.From != nil {
		where, args = append(where, "m.create_time >= ?"), append(args, *f.From)
	}
	if f.Until != nil {
		where, args = append(where, "m.create_time < ?"), append(args, *f.Until)
	}
	// The filters and the page size go into the statement as literals,
	// the page's position as parameters: the driver prepares each statement once per
	// connection, and after a few executions Postgres plans a prepared
	// statement once for any parameters. Planned blind to the filters, a
	// rare IP type or a small agency's list scanned the whole table
	// (seconds at 1,000,000 matters); planned for them, it takes the index
	// their selectivity calls for.
	q := "SELECT m.id, m.create_time FROM matters m WHERE " + inline(strings.Join(where, " AND "), args)
	args = nil
	if after != nil {
		q += " AND (m.create_time, m.id) < (?, ?)"
		args = append(args, after.Time, after.ID)
	}
	q += " ORDER BY m.create_time DESC, m.id DESC LIMIT " + strconv.Itoa(pageSize+1)
	var page []struct {
		ID         string
		CreateTime time.Time
	}
	tx := s.reads.Session(ctx)
	if err := tx.Gorm().Raw(q, args...).Scan(&page).Error; err != nil {
		return nil, "", fmt.Errorf("listing matters: %w", store.Translate(err))
	}
	next := ""
	if len(page) > pageSize {
		page = page[:pageSize]
		last := page[len(page)-1]
		next = encodeCursor(cursor{Time: last.CreateTime, ID: last.ID, Filter: f.key()})
	}
	ids := make([]string, len(page))
	for i, p := range page {
		ids[i] = p.ID
	}
	ms, err := loadWhere(tx, ids, "true", nil, logged)
	return ms, next, err
}

// inline replaces each ? of cond with the SQL literal of its argument, in
// order: strings (quoted, quotes doubled; standard_conforming_strings is
// on since Postgres 9.1), lists of strings (a parenthesised list, as IN
// takes), and times (timestamptz). Filters are validated before they get
// here (enums, UUIDs, codes); quoting makes any text safe regardless.
func inline(cond string, args []any) string {
	lit := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	var b strings.Builder
	for _, a := range args {
		i := strings.IndexByte(cond, '?')
		if i < 0 {
			break
		}
		b.WriteString(cond[:i])
		cond = cond[i+1:]
		switch v := a.(type) {
		case string:
			b.WriteString(lit(v))
		case []string:
			q := make([]string, len(v))
			for j, e := range v {
				q[j] = lit(e)
			}
			b.WriteString("(" + strings.Join(q, ", ") + ")")
		case time.Time:
			b.WriteString(lit(v.UTC().Format(time.RFC3339Nano)) + "::timestamptz")
		default:
			panic(fmt.Sprintf("filing.inline: argument of type %T", a))
		}
	}
	b.WriteString(cond)
	return b.String()
}

// notice is when the respondents of a matter have been told of it: once
// one of its proceedings is in a state its machine does not keep
// confidential (Machine.Confidential).
type notice struct {
	confidential map[ProceedingKind][]ProceedingState
	// cond is the same rule in SQL over matters m, with args.
	cond string
	args []any
}

func noticeOf(routes map[ProceedingKind]Route) notice {
	n := notice{confidential: map[ProceedingKind][]ProceedingState{}}
	kinds := make([]ProceedingKind, 0, len(routes))
	for k := range routes {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	var pairs []string
	for _, k := range kinds {
		n.confidential[k] = routes[k].Confidential
		for _, st := range routes[k].Confidential {
			pairs = append(pairs, "(?, ?)")
			n.args = append(n.args, string(k), string(st))
		}
	}
	n.cond = "EXISTS (SELECT 1 FROM proceedings p WHERE p.matter_id = m.id"
	if len(pairs) > 0 {
		n.cond += " AND (p.kind, p.state) NOT IN (" + strings.Join(pairs, ", ") + ")"
	}
	n.cond += ")"
	return n
}

// told says whether m's respondents have been told of it.
func (n notice) told(m *Matter) bool {
	for _, p := range m.Proceedings {
		if !slices.Contains(n.confidential[p.Kind], p.State) {
			return true
		}
	}
	return false
}
