package filing_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/chaintest"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/server/servertest"
	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// accepted files complaint() and accepts it into enforcement before
// SAMR-HZ; it returns the matter and its enforcement proceeding's id.
func accepted(t *testing.T, f *fixture) (*ipcasev1.Matter, string) {
	t.Helper()
	m := mustSubmit(t, f, complaint(""))
	acc, err := f.client.AcceptComplaint(t.Context(), &ipcasev1.AcceptComplaintRequest{Name: m.GetName(), Etag: m.GetEtag(),
		Route: ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT, Forum: "SAMR-HZ"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range acc.GetMatter().GetProceedings() {
		if p.GetKind() == ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT {
			return acc.GetMatter(), p.GetName()[strings.LastIndex(p.GetName(), "/")+1:]
		}
	}
	t.Fatal("no enforcement proceeding")
	return nil, ""
}

// verifyAs asks VerifyMatterHistory about name with token.
func verifyAs(t *testing.T, f *fixture, token, name string) *ipcasev1.VerifyMatterHistoryResponse {
	t.Helper()
	v, err := f.client.VerifyMatterHistory(authtest.WithToken(t.Context(), token), &ipcasev1.VerifyMatterHistoryRequest{Name: name})
	if err != nil {
		t.Fatalf("VerifyMatterHistory: %v", err)
	}
	return v
}

// wantBroken fails t unless v reports a broken history, with no event at
// fault, whose problem names each of want.
func wantBroken(t *testing.T, v *ipcasev1.VerifyMatterHistoryResponse, want ...string) {
	t.Helper()
	if v.GetIntact() || v.GetFirstBrokenSequence() != 0 {
		t.Errorf("intact=%v first broken %d problem %q; want broken with no event at fault", v.GetIntact(), v.GetFirstBrokenSequence(), v.GetProblem())
	}
	for _, w := range want {
		if !strings.Contains(v.GetProblem(), w) {
			t.Errorf("problem %q does not say %q", v.GetProblem(), w)
		}
	}
}

// TestStateTamperingIsDetected changes with SQL, as someone with database
// access could, the rows that decide who may see a matter and where it
// stands, leaving every event alone: VerifyMatterHistory (asked by an
// administrator, since the tampering may shut the officer out) reports the
// history broken, naming each field that differs and what the history
// says.
func TestStateTamperingIsDetected(t *testing.T) {
	t.Parallel()
	intruder := uuid.NewString()
	addIntruder := `INSERT INTO parties (id, kind, display_name) VALUES ('` + intruder + `', 'PERSON', '赵六')`
	for _, tt := range []struct {
		name string
		// sql may name {matter} and {enforcement}, the enforcement
		// proceeding's id.
		sql  []string
		want []string
	}{
		{"agency and state", []string{`UPDATE matters SET agency = 'CNIPA-SH', state = 'REJECTED' WHERE id = '{matter}'`},
			[]string{"matter agency CNIPA-SH does not match its history: SAMR-HZ", "matter state REJECTED does not match its history: ACCEPTED"}},
		{"agency", []string{`UPDATE matters SET agency = 'CNIPA-SH' WHERE id = '{matter}'`},
			[]string{"matter agency CNIPA-SH does not match its history: SAMR-HZ"}},
		{"state", []string{`UPDATE matters SET state = 'CLOSED' WHERE id = '{matter}'`},
			[]string{"matter state CLOSED does not match its history: ACCEPTED"}},
		{"proceeding forum", []string{`UPDATE proceedings SET forum = 'CNIPA-SH' WHERE id = '{enforcement}'`},
			[]string{"proceeding {enforcement} forum CNIPA-SH does not match its history: SAMR-HZ"}},
		{"proceeding state", []string{`UPDATE proceedings SET state = 'CLOSED' WHERE id = '{enforcement}'`},
			[]string{"proceeding {enforcement} state CLOSED does not match its history: OPENED"}},
		{"proceeding kind", []string{`UPDATE proceedings SET kind = 'TRIAL' WHERE id = '{enforcement}'`},
			[]string{"proceeding {enforcement} kind TRIAL does not match its history: ENFORCEMENT"}},
		{"review's forum", []string{`UPDATE proceedings SET forum = 'CNIPA-SH' WHERE matter_id = '{matter}' AND kind = 'FILING_REVIEW'`},
			[]string{"forum CNIPA-SH does not match its history: SAMR-HZ"}},
		{"respondent swapped", []string{addIntruder, `UPDATE matter_parties SET party_id = '` + intruder + `' WHERE matter_id = '{matter}' AND role = 'RESPONDENT'`},
			[]string{"matter respondent 1 parties/" + intruder + " does not match its history: parties/"}},
		{"complainant swapped", []string{addIntruder, `UPDATE matter_parties SET party_id = '` + intruder + `' WHERE matter_id = '{matter}' AND role = 'COMPLAINANT'`},
			[]string{"matter complainant parties/" + intruder + " does not match its history: parties/"}},
		{"complainant added", []string{addIntruder, `INSERT INTO matter_parties (matter_id, role, position, party_id) VALUES ('{matter}', 'COMPLAINANT', 1, '` + intruder + `')`},
			[]string{"matter complainant 2 parties/" + intruder + " is not in its history"}},
		{"respondent removed", []string{`DELETE FROM matter_parties WHERE matter_id = '{matter}' AND role = 'RESPONDENT'`},
			[]string{"matter respondent 1 is missing; its history says parties/"}},
		{"proceeding added", []string{`INSERT INTO proceedings (id, matter_id, kind, state, number, forum, reason, create_time, update_time)
			VALUES ('` + intruder + `', '{matter}', 'MEDIATION', 'REQUESTED', '', 'CNIPA-SH', '', now(), now())`},
			[]string{"proceeding " + intruder + " forum CNIPA-SH is not in its history"}},
		{"proceeding removed", []string{`DELETE FROM proceedings WHERE id = '{enforcement}'`},
			[]string{"proceeding {enforcement} forum is missing; its history says SAMR-HZ"}},
		// Found re-attacking issue 13: what a matter says was not signed,
		// so these passed as intact. The complainant's contact is where a
		// sign-in link goes.
		{"complainant's contact", []string{`UPDATE matter_parties SET contact = 'attacker@evil.example' WHERE matter_id = '{matter}' AND role = 'COMPLAINANT'`},
			[]string{"matter complainant details changed outside its history"}},
		{"facts", []string{`UPDATE matters SET facts = 'nothing happened' WHERE id = '{matter}'`},
			[]string{"matter facts changed outside its history"}},
		{"number", []string{`UPDATE matters SET number = 'IPC-2026-999999' WHERE id = '{matter}'`},
			[]string{"matter number IPC-2026-999999 does not match its history: IPC-2026-"}},
		{"evidence", []string{`UPDATE evidence SET description = 'forged' WHERE matter_id = '{matter}'`},
			[]string{"matter evidence 1 changed outside its history"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, fixed(filedAt))
			admin := f.env.Admin(t)
			m, enf := accepted(t, f)
			if v := verifyAs(t, f, admin, m.GetName()); !v.GetIntact() {
				t.Fatalf("untouched matter: %v; want intact", v)
			}
			fill := strings.NewReplacer("{matter}", strings.TrimPrefix(m.GetName(), "matters/"), "{enforcement}", enf)
			for _, s := range tt.sql {
				storetest.Exec(t, f.db, fill.Replace(s))
			}
			want := make([]string, len(tt.want))
			for i, w := range tt.want {
				want[i] = fill.Replace(w)
			}
			v := verifyAs(t, f, admin, m.GetName())
			wantBroken(t, v, want...)
			if v.GetEventsChecked() != 3 {
				t.Errorf("checked %d events; want the 3 of the chain, which is intact", v.GetEventsChecked())
			}
		})
	}
}

// TestStateTamperingOutlivesLaterChanges: a field changed outside the log
// stays reported after ipcased changes the matter again (loading the
// tampered rows and writing them back), and rewriting the signed state in
// the head to match breaks the head's signature.
func TestStateTamperingOutlivesLaterChanges(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixed(filedAt))
	admin := f.env.Admin(t)
	ctx := authtest.WithToken(t.Context(), admin)
	m := mustSubmit(t, f, complaint(""))
	id := strings.TrimPrefix(m.GetName(), "matters/")

	// The agency moved while the complaint waits; an administrator then
	// accepts it: the acceptance is signed, the agency is not.
	storetest.Exec(t, f.db, `UPDATE matters SET agency = 'CNIPA-SH' WHERE id = ?`, id)
	storetest.Exec(t, f.db, `UPDATE proceedings SET forum = 'CNIPA-SH' WHERE matter_id = ? AND kind = 'FILING_REVIEW'`, id)
	acc, err := f.client.AcceptComplaint(ctx, &ipcasev1.AcceptComplaintRequest{Name: m.GetName(), Etag: m.GetEtag(),
		Route: ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT, Forum: "SAMR-HZ"})
	if err != nil {
		t.Fatal(err)
	}
	v := verifyAs(t, f, admin, m.GetName())
	wantBroken(t, v, "matter agency CNIPA-SH does not match its history: SAMR-HZ", "forum CNIPA-SH does not match its history: SAMR-HZ")
	if strings.Contains(v.GetProblem(), "matter state") || strings.Contains(v.GetProblem(), "ENFORCEMENT") {
		t.Errorf("problem %q names what the acceptance changed, which is history", v.GetProblem())
	}

	// Putting the rows back makes the matter what its history says again.
	storetest.Exec(t, f.db, `UPDATE matters SET agency = 'SAMR-HZ' WHERE id = ?`, id)
	storetest.Exec(t, f.db, `UPDATE proceedings SET forum = 'SAMR-HZ' WHERE matter_id = ? AND kind = 'FILING_REVIEW'`, id)
	if v := verifyAs(t, f, admin, m.GetName()); !v.GetIntact() {
		t.Fatalf("rows put back: %v; want intact", v)
	}

	// The state in the head rewritten along with the rows: the signature
	// no longer holds.
	storetest.Exec(t, f.db, `UPDATE matters SET state = 'REJECTED' WHERE id = ?`, id)
	storetest.Exec(t, f.db, `UPDATE event_heads SET state = replace(state::text, '"ACCEPTED"', '"REJECTED"')::json WHERE matter_id = ?`, id)
	v = verifyAs(t, f, admin, acc.GetMatter().GetName())
	if v.GetIntact() || !strings.Contains(v.GetProblem(), "checkpoint signature") {
		t.Errorf("state rewritten in the head: intact=%v problem %q; want the checkpoint signature refused", v.GetIntact(), v.GetProblem())
	}
}

// TestUnreadableSignedState: a head whose state was replaced with JSON
// that is no matter's state neither stops the matter's next change nor is
// signed by it.
func TestUnreadableSignedState(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixed(filedAt))
	m := mustSubmit(t, f, complaint(""))
	storetest.Exec(t, f.db, `UPDATE event_heads SET state = '[1]' WHERE matter_id = ?`, strings.TrimPrefix(m.GetName(), "matters/"))
	if _, err := f.client.AcceptComplaint(t.Context(), &ipcasev1.AcceptComplaintRequest{Name: m.GetName(), Etag: m.GetEtag(),
		Route: ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT, Forum: "SAMR-HZ"}); err != nil {
		t.Fatalf("AcceptComplaint over an unreadable state: %v", err)
	}
	v := verifyAs(t, f, f.env.Admin(t), m.GetName())
	if v.GetIntact() || !strings.Contains(v.GetProblem(), "checkpoint signature") {
		t.Errorf("intact=%v problem %q; want the head's signature refused", v.GetIntact(), v.GetProblem())
	}
}

// legacyRig serves the filing service over a store whose checkpoint key the
// test holds, to make heads as ipcased signed them before heads carried the
// matter's state.
type legacyRig struct {
	*fixture
	cp    *events.Checkpoints
	store *filing.Store
}

func newLegacyRig(t *testing.T) *legacyRig {
	t.Helper()
	env := authtest.New(t)
	db := storetest.NewDB(t)
	cp := events.NewEphemeralCheckpoints()
	fs := filing.NewStore(db, events.NewLog(cp), chaintest.Routes()...)
	addr := servertest.Serve(t, func(s *server.Server) {
		ipcasev1.RegisterFilingServiceServer(s, filing.NewServer(fs, calendar(t), fixed(filedAt)))
	}, nil, env.ServerOptions()...)
	officer := env.Officer(t, "SAMR-HZ")
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithUnaryInterceptor(func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
			if md, _ := metadata.FromOutgoingContext(ctx); len(md.Get("authorization")) == 0 {
				ctx = authtest.WithToken(ctx, officer)
			}
			return invoker(ctx, method, req, reply, cc, opts...)
		}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return &legacyRig{fixture: &fixture{client: ipcasev1.NewFilingServiceClient(conn), db: db, env: env, addr: addr, raw: conn}, cp: cp, store: fs}
}

// unsign makes the head of matter id what it was before migration 000013:
// no state, and the signature over the chain alone.
func (r *legacyRig) unsign(t *testing.T, id string) {
	t.Helper()
	var head struct {
		Seq  int64
		Hash []byte
	}
	if err := r.db.Session(t.Context()).Gorm().Raw(`SELECT seq, hash FROM event_heads WHERE matter_id = ?`, id).Scan(&head).Error; err != nil {
		t.Fatal(err)
	}
	kid, sig := r.cp.SignHead(id, head.Seq, head.Hash, nil)
	storetest.Exec(t, r.db, `UPDATE event_heads SET state = NULL, key_id = ?, signature = ? WHERE matter_id = ?`, kid, sig, id)
}

// TestHeadsFromBeforeSignedStates: a head signed before heads carried the
// matter's state verifies intact on its events alone; SignStates signs the
// matters' states once (what the events say of the agency and forums over
// the rows), after which tampering is found, including a change of agency
// made before.
func TestHeadsFromBeforeSignedStates(t *testing.T) {
	t.Parallel()
	r := newLegacyRig(t)
	admin := r.env.Admin(t)
	clean, _ := accepted(t, r.fixture)
	moved := mustSubmit(t, r.fixture, complaint(""))
	cleanID, movedID := strings.TrimPrefix(clean.GetName(), "matters/"), strings.TrimPrefix(moved.GetName(), "matters/")
	r.unsign(t, cleanID)
	r.unsign(t, movedID)
	for _, name := range []string{clean.GetName(), moved.GetName()} {
		if v := verifyAs(t, r.fixture, admin, name); !v.GetIntact() {
			t.Fatalf("%s with a head from before signed states: %v; want intact", name, v)
		}
	}
	// Tampered before the upgrade: unseen until the state is signed.
	storetest.Exec(t, r.db, `UPDATE matters SET agency = 'CNIPA-SH' WHERE id = ?`, movedID)
	if v := verifyAs(t, r.fixture, admin, moved.GetName()); !v.GetIntact() {
		t.Fatalf("legacy head: %v; want intact (events only)", v)
	}

	ctx := context.WithoutCancel(t.Context())
	n, err := r.store.SignStates(ctx, time.Now())
	if err != nil || n != 2 {
		t.Fatalf("SignStates: %d, %v; want 2 matters signed", n, err)
	}
	if n, err := r.store.SignStates(ctx, time.Now()); err != nil || n != 0 {
		t.Errorf("SignStates again: %d, %v; want none left", n, err)
	}
	if v := verifyAs(t, r.fixture, admin, clean.GetName()); !v.GetIntact() || v.GetEventsChecked() != 3 {
		t.Errorf("clean matter after SignStates: %v; want intact with 3 events", v)
	}
	wantBroken(t, verifyAs(t, r.fixture, admin, moved.GetName()), "matter agency CNIPA-SH does not match its history: SAMR-HZ")

	storetest.Exec(t, r.db, `UPDATE matters SET state = 'REJECTED' WHERE id = ?`, cleanID)
	wantBroken(t, verifyAs(t, r.fixture, admin, clean.GetName()), "matter state REJECTED does not match its history: ACCEPTED")
}

// TestSignStatesBatches signs more matters than one transaction holds.
func TestSignStatesBatches(t *testing.T) {
	t.Parallel()
	r := newLegacyRig(t)
	const n = 105
	ids := make([]string, n)
	err := r.db.InTx(t.Context(), func(tx store.Tx) error {
		for i := range ids {
			m := &filing.Matter{Complainant: filing.Party{Kind: filing.Person, Name: "张三", Country: "CN"},
				Rights: []filing.Right{{Type: filing.Trademark, Title: "星河"}}, Facts: "test", Agency: "SAMR-HZ"}
			if err := r.store.CreateIn(tx, m, events.System, filedAt); err != nil {
				return err
			}
			ids[i] = string(m.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		r.unsign(t, id)
	}
	got, err := r.store.SignStates(t.Context(), time.Now())
	if err != nil || got != n {
		t.Fatalf("SignStates: %d, %v; want %d", got, err, n)
	}
	admin := r.env.Admin(t)
	for _, id := range []string{ids[0], ids[n-1]} {
		storetest.Exec(t, r.db, `UPDATE matters SET state = 'WITHDRAWN' WHERE id = ?`, id)
		wantBroken(t, verifyAs(t, r.fixture, admin, "matters/"+id), "matter state WITHDRAWN does not match its history: SUBMITTED")
	}
}
