package filing

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/store"
)

// snapshot is what the head of a matter's chain signs of the matter after
// each change: the fields that decide who may see it and where it stands
// (its state, agency and parties, and each proceeding's kind, state and
// forum), and, since version 2, what the matter says (its number, facts
// and claims, each party's details — the complainant's contact is where a
// sign-in link goes —, its rights and its evidence), by name ("matter
// agency", "proceeding <id> forum"), with their values; long or personal
// values as their SHA-256, so a head holds no contact or facts in clear.
// It is flat so that merging and comparing treat every field alike: a new
// kind of proceeding or a new state needs nothing here.
type snapshot map[string]string

// snapshotVersion is kept in a snapshot under versionKey, for the day its
// fields change.
const (
	versionKey      = "v"
	snapshotVersion = "2"
)

// snapshotOf is m's snapshot as it stands in memory.
func snapshotOf(m *Matter) snapshot {
	s := snapshot{versionKey: snapshotVersion, "matter state": string(m.State), "matter agency": m.Agency}
	s[partyField("COMPLAINANT", 0)] = "parties/" + m.Complainant.ID
	s[partyField("COMPLAINANT", 0)+" details"] = partyDigest(m.Complainant)
	for i, r := range m.Respondents {
		s[partyField("RESPONDENT", i)] = "parties/" + r.ID
		s[partyField("RESPONDENT", i)+" details"] = partyDigest(r)
	}
	for _, p := range m.Proceedings {
		s.addProceeding(string(p.ID), string(p.Kind), string(p.State), p.Forum)
	}
	s["matter number"] = m.Number
	s["matter facts"] = digest(m.Facts)
	s["matter claims"] = digest(m.Claims)
	for i, r := range m.Rights {
		s[fmt.Sprintf("matter right %d", i+1)] = digest(string(r.Type), r.RegNumber, r.Title, r.Holder, dateText(r.TermStart), dateText(r.TermEnd), r.Description)
	}
	for i, e := range m.Evidence {
		s[fmt.Sprintf("matter evidence %d", i+1)] = digest(e.SHA256, strconv.FormatInt(e.Size, 10), e.MediaType, e.Source, e.Description)
	}
	return s
}

// sinceVersion2 says whether field k was first signed by version 2 of the
// snapshot: a head signed before has none of them, which is no tampering.
func sinceVersion2(k string) bool {
	return strings.HasSuffix(k, " details") || k == "matter number" || k == "matter facts" || k == "matter claims" ||
		strings.HasPrefix(k, "matter right ") || strings.HasPrefix(k, "matter evidence ")
}

// partyDigest is the digest of what a matter says of a party.
func partyDigest(p Party) string {
	return digest(string(p.Kind), p.Name, p.CreditCode, p.Country, p.Contact)
}

// digest is the SHA-256 of fields, each length-prefixed so that no two
// lists of fields give the same bytes.
func digest(fields ...string) string {
	h := sha256.New()
	for _, f := range fields {
		_, _ = fmt.Fprintf(h, "%d:%s", len(f), f) // a hash.Hash never fails to write
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

func dateText(d *civil.Date) string {
	if d == nil {
		return ""
	}
	return d.String()
}

// partyField names the party of a matter_parties row: "matter
// complainant", "matter respondent 1".
func partyField(role string, position int) string {
	r := strings.ToLower(role)
	if role == "COMPLAINANT" && position == 0 {
		return "matter " + r
	}
	return fmt.Sprintf("matter %s %d", r, position+1)
}

func proceedingField(id, field string) string { return "proceeding " + id + " " + field }

func (s snapshot) addProceeding(id, kind, state, forum string) {
	s[proceedingField(id, "kind")] = kind
	s[proceedingField(id, "state")] = state
	s[proceedingField(id, "forum")] = forum
}

// proceedings returns the ids and kinds of the proceedings in s.
func (s snapshot) proceedings() map[string]ProceedingKind {
	out := map[string]ProceedingKind{}
	for k, v := range s {
		if rest, ok := strings.CutPrefix(k, "proceeding "); ok {
			if id, ok := strings.CutSuffix(rest, " kind"); ok {
				out[id] = ProceedingKind(v)
			}
		}
	}
	return out
}

// distrust marks field of the snapshot a change starts from as changed
// outside the log, so that the change keeps the history's value of it.
func (s snapshot) distrust(field string) {
	if s != nil {
		s[field] = "\x00changed outside the log"
	}
}

// merge is the snapshot a change signs: final, the matter as the change
// leaves it, except where base, the matter as the change found it, already
// differed from prev, the snapshot signed before: such a field was changed
// outside the log, and keeps prev's value, so that no later change makes
// the tampering pass for history. Without a signed snapshot (a new matter,
// or a head from before heads carried one) it is final; without base (a
// matter no change loaded), prev.
func merge(prev, base, final snapshot) snapshot {
	switch {
	case prev == nil:
		return final
	case base == nil:
		return prev
	}
	out := snapshot{}
	for _, s := range []snapshot{prev, base, final} {
		for k := range s {
			if _, done := out[k]; done {
				continue
			}
			pv, pok := prev[k]
			bv, bok := base[k]
			from := prev
			if pok == bok && pv == bv || !pok && prev[versionKey] == "1" && sinceVersion2(k) {
				// Unchanged outside the log, or a field the previous head
				// did not sign yet: the change signs what it leaves.
				from = final
			}
			if v, ok := from[k]; ok {
				out[k] = v
			}
		}
	}
	out[versionKey] = snapshotVersion
	return out
}

// differences says, field by field, where got (the matter's rows) differs
// from want (what its history signed), in a fixed order.
func differences(want, got snapshot) []string {
	all := maps.Clone(want)
	maps.Copy(all, got)
	keys := slices.Sorted(maps.Keys(all))
	show := func(v string) string {
		if v == "" {
			return `""`
		}
		return v
	}
	var out []string
	for _, k := range keys {
		if k == versionKey || want[versionKey] == "1" && sinceVersion2(k) {
			continue
		}
		wv, wok := want[k]
		gv, gok := got[k]
		switch {
		case wok && gok && wv != gv && strings.HasPrefix(wv, "sha256:"):
			out = append(out, fmt.Sprintf("%s changed outside its history", k))
		case wok && gok && wv != gv:
			out = append(out, fmt.Sprintf("%s %s does not match its history: %s", k, show(gv), show(wv)))
		case wok && !gok:
			out = append(out, fmt.Sprintf("%s is missing; its history says %s", k, show(wv)))
		case !wok && gok:
			out = append(out, fmt.Sprintf("%s %s is not in its history", k, show(gv)))
		}
	}
	return out
}

// maxProblems is how many differences a verification names.
const maxProblems = 5

func summarize(problems []string) string {
	if len(problems) <= maxProblems {
		return strings.Join(problems, "; ")
	}
	return fmt.Sprintf("%s; and %d more", strings.Join(problems[:maxProblems], "; "), len(problems)-maxProblems)
}

// recordStates reads the state of proceedings' records, by kind: each
// Records registers its own, so that verification can compare a record's
// state with its proceeding's history.
type recordStates struct {
	mu     sync.RWMutex
	byKind map[ProceedingKind]func(store.Tx, ProceedingID) (ProceedingState, bool, error)
}

func (r *recordStates) register(kind ProceedingKind, load func(store.Tx, ProceedingID) (ProceedingState, bool, error)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.byKind[kind] = load
}

func (r *recordStates) get(kind ProceedingKind) func(store.Tx, ProceedingID) (ProceedingState, bool, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.byKind[kind]
}

// appendState appends recs to m's chain and signs into its head the
// snapshot of m as it now stands (merged with the one signed before, see
// merge). Call it after the change's rows are written, in its
// transaction.
func (s *Store) appendState(tx store.Tx, m *Matter, actor events.Actor, at time.Time, recs ...events.Record) error {
	ws, signed, err := s.appendStateWrites(tx, m, actor, at, recs...)
	if err != nil {
		return err
	}
	if err := tx.Write(ws...); err != nil {
		return fmt.Errorf("events of matter %s: %w", m.ID, err)
	}
	signed()
	return nil
}

// appendStateWrites is appendState for a change that sends the events
// with its own writes (store.Tx.Write): it returns the writes, and signed,
// to call once they are written.
func (s *Store) appendStateWrites(tx store.Tx, m *Matter, actor events.Actor, at time.Time, recs ...events.Record) ([]store.Write, func(), error) {
	return s.stateWrites(m, func(next events.NextState) ([]store.Write, error) {
		return s.log.AppendStateWrites(tx, string(m.ID), actor, at, next, recs...)
	})
}

// appendStateWritesOn is appendStateWrites on the head of m's chain read
// and locked with BEGIN (events.HeadLock).
func (s *Store) appendStateWritesOn(head store.Text, m *Matter, actor events.Actor, at time.Time, recs ...events.Record) ([]store.Write, func(), error) {
	return s.stateWrites(m, func(next events.NextState) ([]store.Write, error) {
		return s.log.AppendStateWritesOn(head, string(m.ID), actor, at, next, recs...)
	})
}

// stateWrites returns the writes appendTo makes with the state of m as the
// head's next state, and the function that records it as signed once
// they are written.
func (s *Store) stateWrites(m *Matter, appendTo func(events.NextState) ([]store.Write, error)) ([]store.Write, func(), error) {
	final, base := snapshotOf(m), m.signed
	ws, err := appendTo(func(prev []byte) ([]byte, error) {
		var p snapshot
		if prev != nil && json.Unmarshal(prev, &p) != nil {
			// Not a state this package wrote: the head was rewritten, and
			// the log will not sign it again. The change goes on.
			return prev, nil
		}
		return json.Marshal(merge(p, base, final))
	})
	if err != nil {
		return nil, nil, err
	}
	return ws, func() { m.signed = final }, nil
}

// VerifyHistory verifies matter id's event chain and its signed head (see
// events.Log.Verify) and then that the matter's rows are those its history
// signed: its state, agency and parties, each proceeding's kind, state and
// forum, and each proceeding record's state. A difference is reported as
// broken, naming the field, with FirstBroken 0 as no event is at fault. A
// head from before heads carried the matter's state checks the events
// only. It reads one consistent snapshot of the database.
func (s *Store) VerifyHistory(ctx context.Context, id MatterID) (events.Verification, error) {
	var v events.Verification
	err := s.db.InTx(ctx, func(tx store.Tx) error {
		if err := tx.Gorm().Exec(`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY`).Error; err != nil {
			return store.Translate(err)
		}
		var err error
		if v, err = s.log.Verify(tx, string(id)); err != nil || !v.Intact || v.State == nil {
			return err
		}
		var signed snapshot
		if err := json.Unmarshal(v.State, &signed); err != nil {
			v.Intact, v.Problem = false, "the state the head of the chain signs does not decode"
			return nil
		}
		got, want, err := s.current(tx, id, signed)
		if err != nil {
			return err
		}
		if problems := differences(want, got); len(problems) > 0 {
			v.Intact, v.Problem = false, summarize(problems)
		}
		return nil
	})
	if err != nil {
		return events.Verification{}, fmt.Errorf("VerifyHistory(%s): %w", id, err)
	}
	v.State = nil
	return v, nil
}

// current reads the snapshot of matter id from its rows, with the state of
// the record of each proceeding signed has, and returns it with what
// signed says of the same fields: a record's state must be its
// proceeding's.
func (s *Store) current(tx store.Tx, id MatterID, signed snapshot) (got, want snapshot, err error) {
	g := tx.Gorm()
	var ms []matterRow
	if err := g.Select("state", "agency").Where("id = ?", string(id)).Limit(1).Find(&ms).Error; err != nil {
		return nil, nil, store.Translate(err)
	}
	if len(ms) == 0 {
		return nil, nil, errs.Errorf(errs.NotFound, "matter not found")
	}
	got = snapshot{"matter state": ms[0].State, "matter agency": ms[0].Agency}
	var links []matterPartyRow
	if err := g.Where("matter_id = ?", string(id)).Find(&links).Error; err != nil {
		return nil, nil, store.Translate(err)
	}
	for _, l := range links {
		got[partyField(l.Role, l.Position)] = "parties/" + l.PartyID
	}
	var procs []proceedingRow
	if err := g.Where("matter_id = ?", string(id)).Find(&procs).Error; err != nil {
		return nil, nil, store.Translate(err)
	}
	for _, p := range procs {
		got.addProceeding(p.ID, p.Kind, p.State, p.Forum)
	}
	// What the matter says (version 2's fields), as a read shows it.
	loaded, err := loadMatters(tx, []string{string(id)})
	switch {
	case err == nil:
		for k, v := range snapshotOf(loaded[0]) {
			if sinceVersion2(k) {
				got[k] = v
			}
		}
	case !errors.Is(err, errs.NotFound):
		return nil, nil, err
	}
	want = maps.Clone(signed)
	for pid, kind := range signed.proceedings() {
		load := s.records.get(kind)
		if load == nil {
			continue
		}
		field := proceedingField(pid, "record state")
		st, ok, err := load(tx, ProceedingID(pid))
		var syntax *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syntax) || errors.As(err, &typ):
			got[field] = "(a record that does not decode)"
		case err != nil:
			return nil, nil, err
		case ok:
			got[field] = string(st)
		default:
			continue
		}
		want[field] = signed[proceedingField(pid, "state")]
	}
	return got, want, nil
}

// signBatch is how many matters SignStates signs per transaction.
const signBatch = 100

// SignStates signs the state of each matter whose chain head carries none
// (a head from before heads carried the matter's state) into its head, in
// transactions of signBatch matters, each under its matter's lock, and
// returns how many such matters it found. The state signed is the matter's
// rows as they stand, except what its events say of them: the agency it
// was filed with, and the kind and forum each proceeding was opened with.
// A head whose signature does not hold is left as it is, for verification
// to report. ipcased runs it at start; it is safe to run on several
// replicas at once and again.
func (s *Store) SignStates(ctx context.Context, at time.Time) (int, error) {
	total, after := 0, ""
	for {
		var ids []string
		err := s.db.InTx(ctx, func(tx store.Tx) error {
			var err error
			if ids, err = events.Unsigned(tx, after, "", signBatch); err != nil {
				return err
			}
			for _, id := range ids {
				m, err := s.Lock(tx, MatterID(id))
				if err != nil {
					return err
				}
				if err := s.fromHistory(tx, m); err != nil {
					return err
				}
				m.signed = nil // nothing signed to start from
				if err := s.appendState(tx, m, events.System, at); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return total, fmt.Errorf("SignStates: %w", err)
		}
		total += len(ids)
		if len(ids) < signBatch {
			return total, nil
		}
		after = ids[len(ids)-1]
	}
}

// HeadState is the state the chain head of m carries once SignStates
// has signed it, for a head that carries none before: m as it stands in
// memory. A bulk load writes each head with it and its signature
// (events.Checkpoints.SignHead) in the transaction that copies the
// matter's rows, from which m must not differ (ipcase-bench seed;
// VerifyHistory tells when it does).
func HeadState(m *Matter) ([]byte, error) {
	return json.Marshal(snapshotOf(m)) // what stateWrites signs over no state
}

// fromHistory sets in m, in memory, what m's events say of the fields a
// snapshot holds and never change once set: the agency it was filed with
// (complaint.submitted), which is also its filing review's forum, and the
// kind and forum of each proceeding opened by routing (proceeding.opened).
func (s *Store) fromHistory(tx store.Tx, m *Matter) error {
	evs, err := events.List(tx, string(m.ID), 0, maxHistoryRead)
	if err != nil {
		return err
	}
	for _, e := range evs {
		p := m.Proceeding(ProceedingID(e.ProceedingID))
		switch e.Type {
		case events.ComplaintSubmitted:
			sub, err := events.Decode[events.ComplaintSubmittedPayload](e)
			if err != nil {
				return err
			}
			m.Agency = sub.Agency
			if p != nil {
				p.Kind, p.Forum = KindFilingReview, sub.Agency
			}
		case events.ProceedingOpened:
			op, err := events.Decode[events.ProceedingOpenedPayload](e)
			if err != nil {
				return err
			}
			if p != nil {
				p.Kind, p.Forum = ProceedingKind(op.Kind), op.Forum
			}
		}
	}
	return nil
}

// maxHistoryRead bounds the events fromHistory reads of one matter.
const maxHistoryRead = 10000
