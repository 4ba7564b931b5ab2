package filing_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

// TestNamesRefuseDisplayTricks is issue 13 item 16 for the names and
// titles of a complaint: a party's name, a right's title, holder and
// registration number with a right-to-left override or another invisible
// character are refused with INVALID_ARGUMENT naming the field, and
// nothing is written; free text refuses the overrides too.
func TestNamesRefuseDisplayTricks(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixed(filedAt))
	for _, tt := range []struct {
		name   string
		change func(*ipcasev1.SubmitComplaintRequest)
		field  string
	}{
		{"party name with an override", func(r *ipcasev1.SubmitComplaintRequest) {
			r.Respondents[0].DisplayName = "\u202E司公限有易贸品仿州杭"
		}, "respondents[0].display_name"},
		{"complainant name with a zero-width space", func(r *ipcasev1.SubmitComplaintRequest) {
			r.Complainant.DisplayName = "福州星河\u200B茶饮有限公司"
		}, "complainant.display_name"},
		{"right title with a byte order mark", func(r *ipcasev1.SubmitComplaintRequest) { r.Rights[0].Title = "\uFEFF星河" }, "rights[0].title"},
		{"right holder with an isolate", func(r *ipcasev1.SubmitComplaintRequest) { r.Rights[0].Holder = "福州\u2067星河" }, "rights[0].holder"},
		{"registration number with a joiner", func(r *ipcasev1.SubmitComplaintRequest) { r.Rights[0].RegistrationNumber = "1234\u200D5678" }, "rights[0].registration_number"},
		{"facts with an override", func(r *ipcasev1.SubmitComplaintRequest) { r.Facts = "Sold at \u202Epohs\u202C three shops." }, "facts"},
	} {
		req := complaint("")
		tt.change(req)
		_, err := f.client.SubmitComplaint(t.Context(), req)
		if code(err) != codes.InvalidArgument {
			t.Errorf("%s: %v, want INVALID_ARGUMENT", tt.name, err)
			continue
		}
		if diff := cmp.Diff([]string{tt.field}, fieldViolations(err)); diff != "" {
			t.Errorf("%s: violations mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
	if n := f.count(t, "matters"); n != 0 {
		t.Errorf("%d matters written by refused complaints", n)
	}
}
