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
		// with and those with an administrative proceeding. Every caller
		// names the matters (by id), so the test is on their rows: = ANY,
		// which its GIN index cannot answer, keeps a generic plan of a
		// prepared statement from scanning every matter of a big agency
		// through that index (TestReachPlanReadsOnlyTheMattersNamed).
		return "? = ANY(m.forums)", []any{agencyForum(v.Agency)}, true
	case v.Court != "":
		return "? = ANY(m.forums)", []any{courtForum(v.Court)}, true
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
	// Basic loads the matters without their parts (basicColumns): not a
	// filter, so a page token serves either view.
	Basic bool
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
		return s.list(ctx, f, pageToken, pageSize, logOfFrom(ctx, at, "shown"))
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

// scopes are the lists of matter_list (migration 000029) whose union, with
// cond (over matter_list l, with args) on each row, is what f asks for:
// one B-tree range a scope, read in keyset order. ok is false when the
// caller sees nothing.
func (f Filter) scopes(n notice) (scopes []string, cond []string, args []any, ok bool) {
	v := f.Visible
	switch {
	case v.All && f.PartyID != "":
		scopes = []string{partyScope(f.PartyID)}
	case v.All:
		scopes = []string{"*"}
	case v.Agency != "" || v.Court != "":
		forum := agencyForum(v.Agency)
		if v.Agency == "" {
			forum = courtForum(v.Court)
		}
		if f.PartyID == "" {
			scopes = []string{forum}
			break
		}
		// The party's list, narrowed to the forum's matters (a look-up of
		// the forum's row of each): a party is in few matters, where a
		// forum has many.
		scopes = []string{partyScope(f.PartyID)}
		cond, args = append(cond, inScope), append(args, forum)
	case len(v.Parties) > 0:
		// A complainant sees its matter from the start; a respondent once
		// it has been told of it (notice).
		for _, p := range v.Parties {
			scopes = append(scopes, partyScope(p))
		}
		cond = append(cond, "(l.complainant OR "+n.on("l.matter_id")+")")
		args = append(args, n.args...)
		if f.PartyID != "" && (len(v.Parties) > 1 || v.Parties[0] != f.PartyID) {
			cond, args = append(cond, inScope), append(args, partyScope(f.PartyID))
		}
	default:
		return nil, nil, nil, false
	}
	if f.State != "" {
		cond, args = append(cond, "l.state = ?"), append(args, string(f.State))
	}
	if f.IPType != "" {
		cond, args = append(cond, "l.ip_types @> ARRAY[?]::text[]"), append(args, string(f.IPType))
	}
	if f.From != nil {
		cond, args = append(cond, "l.create_time >= ?"), append(args, *f.From)
	}
	if f.Until != nil {
		cond, args = append(cond, "l.create_time < ?"), append(args, *f.Until)
	}
	return scopes, cond, args, true
}

// inScope is the condition that the matter of row l is also in the list
// of another scope (the argument): a look-up of one row by the primary key,
// for each row of l's range scan, which the page's Limit stops. OFFSET 0
// keeps it that: as a semi-join, the planner estimates that almost no row
// of a big list (the top rights holder's, a fifth of the matters) is in a
// forum's, and hash-joins both lists whole before the Limit (95 ms a page
// against 2.4 ms at 1,000,000 matters, on indexes built after a bulk load).
const inScope = "EXISTS (SELECT 1 FROM matter_list o WHERE o.scope = ? AND o.create_time = l.create_time AND o.matter_id = l.matter_id OFFSET 0)"

// partyScope is the matter_list scope of the matters party id is in.
func partyScope(id string) string { return "P:" + id }

// pageQuery is the statement of one page of f after position after (nil
// for the first page), pageSize matters long: the page's keys are read
// from matter_list (page, one more than the page to tell whether another
// follows), the matters of the page but that one (shown) loaded whole
// (matterColumns), and, with
// logged, their read recorded: one statement, one round trip. Its rows are
// matterColumns and the count of page's rows.
func (s *Store) pageQuery(f Filter, after *cursor, pageSize int, logged *readLog) (q string, args []any, ok bool) {
	scopes, cond, cargs, ok := f.scopes(s.notice)
	if !ok {
		return "", nil, false
	}
	// The filters and the page size go into the statement as literals,
	// the page's position as parameters: the driver prepares each
	// statement once per connection, and after a few executions Postgres
	// plans a prepared statement once for any parameters; planned for the
	// literals, each scope's branch is the range scan of the index its
	// filters call for, whatever their selectivity.
	order := " ORDER BY l.create_time DESC, l.matter_id DESC LIMIT "
	limit := order + strconv.Itoa(pageSize+1)
	branches := make([]string, len(scopes))
	for i, sc := range scopes {
		where := append([]string{"l.scope = ?"}, cond...)
		b := "SELECT l.matter_id, l.create_time FROM matter_list l WHERE " + inline(strings.Join(where, " AND "), append([]any{sc}, cargs...))
		if after != nil {
			b += " AND (l.create_time, l.matter_id) < (?, ?)"
			args = append(args, after.Time, after.ID)
		}
		branches[i] = b + limit
	}
	page := branches[0]
	if len(branches) > 1 {
		// A matter two of the caller's parties are in is in both their
		// lists: UNION keeps it once.
		page = "SELECT l.matter_id, l.create_time FROM ((" + strings.Join(branches, ") UNION (") + ")) l" + limit
	}
	q = "WITH page AS MATERIALIZED (" + page + "),\n" +
		"shown AS (SELECT l.matter_id AS id FROM page l" + order + strconv.Itoa(pageSize) + "),\n" +
		"m AS (SELECT m.* FROM matters m WHERE m.id IN (SELECT id FROM shown))"
	from := "\n\tFROM m"
	if logged != nil {
		q += ",\n" + logged.with()
		args = append(args, logged.args...)
		from += logged.join()
	}
	cols := matterColumns
	if f.Basic {
		cols = basicColumns
	}
	q += "\n" + cols + ",\n\t(SELECT count(*) FROM page) AS page_rows" + from
	return q, args, true
}

func (s *Store) list(ctx context.Context, f Filter, pageToken string, pageSize int, logged *readLog) ([]*Matter, string, error) {
	after, err := decodeCursor(pageToken, f)
	if err != nil {
		return nil, "", err
	}
	q, args, ok := s.pageQuery(f, after, pageSize, logged)
	if !ok {
		return nil, "", nil // sees nothing
	}
	rows, err := s.reads.Session(ctx).Gorm().Raw(q, args...).Rows()
	if err != nil {
		return nil, "", fmt.Errorf("listing matters: %w", store.Translate(err))
	}
	defer func() { _ = rows.Close() }()
	var (
		ms    []*Matter
		total int
	)
	for rows.Next() {
		m, err := scanMatter(rows, &total)
		if err != nil {
			return nil, "", fmt.Errorf("listing matters: %w", err)
		}
		ms = append(ms, m)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("listing matters: %w", store.Translate(err))
	}
	// Newest first. The key after the page, read only to tell that there
	// is one, is counted in page_rows but neither loaded nor recorded.
	slices.SortFunc(ms, func(a, b *Matter) int {
		if c := b.Created.Compare(a.Created); c != 0 {
			return c
		}
		return strings.Compare(string(b.ID), string(a.ID))
	})
	next := ""
	if total > pageSize && len(ms) > 0 {
		last := ms[len(ms)-1]
		next = encodeCursor(cursor{Time: last.Created, ID: string(last.ID), Filter: f.key()})
	}
	return ms, next, nil
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
	// cond is the same rule in SQL over matters m, with args; rest is
	// what follows the matter's id in it (on).
	cond, rest string
	args       []any
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
	n.rest = ""
	if len(pairs) > 0 {
		n.rest = " AND (p.kind, p.state) NOT IN (" + strings.Join(pairs, ", ") + ")"
	}
	n.rest += ")"
	n.cond = n.on("m.id")
	return n
}

// on is cond for the matter whose id is column col.
func (n notice) on(col string) string {
	return "EXISTS (SELECT 1 FROM proceedings p WHERE p.matter_id = " + col + n.rest
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
