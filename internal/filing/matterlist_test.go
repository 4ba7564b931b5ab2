package filing_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
)

// TestMatterListFollowsMatters: the rows of matter_list (migration 000029),
// which ListMatters pages are read from, are what each matter shows through
// GetMatter, after filing, routing to an agency or a court, rejection and
// withdrawal, in the transaction that made the change: the list '*'; the
// agency filed with and every forum of a proceeding ('A:' for an agency,
// 'J:' for a court); each party, the complainant marked; each with the
// matter's state, IP types and filing time.
func TestMatterListFollowsMatters(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixed(filedAt))
	ctx := t.Context()
	admin := authtest.WithToken(ctx, f.env.Admin(t))

	a := mustSubmit(t, f, complaint("l-a"))
	reqB := complaint("l-b")
	reqB.Respondents[0].CreditCode = codeRespondent2
	reqB.Rights = append(reqB.Rights, &ipcasev1.IpRight{Type: ipcasev1.IpType_IP_TYPE_COPYRIGHT, Title: "星河杯外观图案", Holder: "福州星河茶饮有限公司"})
	b := mustSubmit(t, f, reqB)
	c := mustSubmit(t, f, complaint("l-c"))
	d := mustSubmit(t, f, complaint("l-d"))
	if _, err := f.client.AcceptComplaint(ctx, &ipcasev1.AcceptComplaintRequest{Name: a.GetName(), Etag: a.GetEtag(), RequestId: "l-a1",
		Route: ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL, Forum: "京73"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.client.AcceptComplaint(ctx, &ipcasev1.AcceptComplaintRequest{Name: b.GetName(), Etag: b.GetEtag(), RequestId: "l-b1",
		Route: ipcasev1.ProceedingKind_PROCEEDING_KIND_MEDIATION, Forum: "SAMR-SZ"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.client.RejectComplaint(ctx, &ipcasev1.RejectComplaintRequest{Name: c.GetName(), Etag: c.GetEtag(), RequestId: "l-c1",
		Reason: "不属于本局管辖"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.client.WithdrawComplaint(ctx, &ipcasev1.WithdrawComplaintRequest{Name: d.GetName(), Etag: d.GetEtag(), RequestId: "l-d1",
		Reason: "已和解"}); err != nil {
		t.Fatal(err)
	}

	var want []string
	for _, m := range []*ipcasev1.Matter{a, b, c, d} {
		got, err := f.client.GetMatter(admin, &ipcasev1.GetMatterRequest{Name: m.GetName()})
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, listRows(got.GetMatter())...)
	}
	slices.Sort(want)

	var rows []struct {
		Scope, MatterID, State, IPTypes string
		CreateTime                      time.Time
		Complainant                     bool
	}
	if err := f.db.Session(ctx).Gorm().Raw(`SELECT scope, matter_id, state, array_to_string(ip_types, ',') AS ip_types, create_time, complainant
		FROM matter_list`).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, fmt.Sprintf("%s %s %s %s %s %v", r.Scope, r.MatterID, r.State, r.IPTypes, r.CreateTime.UTC().Format(time.RFC3339Nano), r.Complainant))
	}
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("matter_list differs from the matters (-want +got):\n%s", diff)
	}
}

// listRows are the matter_list rows m should have, as "scope id state
// types created complainant", from what GetMatter shows of it.
func listRows(m *ipcasev1.Matter) []string {
	id := strings.TrimPrefix(m.GetName(), "matters/")
	state := strings.TrimPrefix(m.GetState().String(), "MATTER_STATE_")
	var types []string
	for _, r := range m.GetRights() {
		types = append(types, strings.TrimPrefix(r.GetType().String(), "IP_TYPE_"))
	}
	slices.Sort(types)
	types = slices.Compact(types)
	scopes := map[string]bool{"*": false, "A:" + m.GetAgency(): false}
	for _, p := range m.GetProceedings() {
		switch p.GetKind() {
		case ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL, ipcasev1.ProceedingKind_PROCEEDING_KIND_CONFIRMATION:
			scopes["J:"+p.GetForum()] = false
		case ipcasev1.ProceedingKind_PROCEEDING_KIND_FILING_REVIEW, ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT,
			ipcasev1.ProceedingKind_PROCEEDING_KIND_MEDIATION:
			scopes["A:"+p.GetForum()] = false
		case ipcasev1.ProceedingKind_PROCEEDING_KIND_UNSPECIFIED, ipcasev1.ProceedingKind_PROCEEDING_KIND_CUSTOMS:
			// No forum of a list: customs measures are not an agency's
			// proceeding (matters.forums, migration 000027).
		}
	}
	for _, r := range m.GetRespondents() {
		scopes["P:"+strings.TrimPrefix(r.GetName(), "parties/")] = false
	}
	scopes["P:"+strings.TrimPrefix(m.GetComplainant().GetName(), "parties/")] = true
	created := m.GetCreateTime().AsTime().UTC().Format(time.RFC3339Nano)
	var out []string
	for sc, complainant := range scopes {
		out = append(out, fmt.Sprintf("%s %s %s %s %s %v", sc, id, state, strings.Join(types, ","), created, complainant))
	}
	return out
}
