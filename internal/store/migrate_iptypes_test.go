package store_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/zap/zaptest"

	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// TestMigrateBackfillsMatterIPTypes: migrations 000019 and 000020 give the
// matters of an existing database the types of their rights and the forums
// they are before, sorted and distinct.
func TestMigrateBackfillsMatterIPTypes(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := storetest.Open(t, storetest.EmptyURL(t), 4)
	if _, err := store.MigrateFS(ctx, db, zaptest.NewLogger(t), migrationsUpTo(t, 18)); err != nil {
		t.Fatal(err)
	}
	const (
		party = "00000000-0000-4000-8000-000000000001"
		two   = "00000000-0000-4000-8000-0000000000a2" // a trademark, a copyright, a trademark
		one   = "00000000-0000-4000-8000-0000000000a1" // a design patent
	)
	storetest.Exec(t, db, `INSERT INTO parties (id, kind, display_name) VALUES (?, 'PERSON', '张三')`, party)
	for _, m := range []struct{ id, number string }{{two, "IPC-2026-000001"}, {one, "IPC-2026-000002"}} {
		storetest.Exec(t, db, `INSERT INTO matters (id, number, state, complainant_id, facts, claims, agency, warnings, version, create_time, update_time)
			VALUES (?, ?, 'SUBMITTED', ?, '', '', 'SAMR-HZ', '[]', 1, now(), now())`, m.id, m.number, party)
	}
	for i, r := range []struct{ matter, typ string }{{two, "TRADEMARK"}, {two, "COPYRIGHT"}, {two, "TRADEMARK"}, {one, "PATENT_DESIGN"}} {
		id := "00000000-0000-4000-8000-00000000010" + string(rune('0'+i))
		storetest.Exec(t, db, `INSERT INTO ip_rights (id, type, title) VALUES (?, ?, 'x')`, id, r.typ)
		storetest.Exec(t, db, `INSERT INTO matter_rights (matter_id, position, right_id) VALUES (?, ?, ?)`, r.matter, i, id)
	}
	for i, p := range []struct{ kind, forum string }{{"FILING_REVIEW", "SAMR-HZ"}, {"TRIAL", "BJIPC"}, {"ENFORCEMENT", "SAMR-SZ"}} {
		storetest.Exec(t, db, `INSERT INTO proceedings (id, matter_id, kind, state, number, forum, reason, create_time, update_time)
			VALUES (?, ?, ?, 'OPENED', '', ?, '', now(), now())`, "00000000-0000-4000-8000-00000000020"+string(rune('0'+i)), two, p.kind, p.forum)
	}
	if _, err := store.Migrate(ctx, db, zaptest.NewLogger(t)); err != nil {
		t.Fatal(err)
	}
	var got []struct {
		Number, Types, Forums string
	}
	if err := db.Session(ctx).Gorm().Raw(`SELECT number, array_to_string(ip_types, ',') AS types, array_to_string(forums, ',') AS forums FROM matters ORDER BY number`).Scan(&got).Error; err != nil {
		t.Fatal(err)
	}
	want := []struct {
		Number, Types, Forums string
	}{{"IPC-2026-000001", "COPYRIGHT,TRADEMARK", "A:SAMR-HZ,A:SAMR-SZ,J:BJIPC"}, {"IPC-2026-000002", "PATENT_DESIGN", "A:SAMR-HZ"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ip_types and forums after migrating (-want +got):\n%s", diff)
	}
}
