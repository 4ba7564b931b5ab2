package filing_test

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
)

// TestForgedPageTokenIsInvalidArgument forges ListMatters page tokens the
// way an attacker would: take a real token, decode it, change what is
// inside and encode it again, so that it still matches the filters. Each
// is refused with INVALID_ARGUMENT naming page_token, never INTERNAL (which
// is what the database's "invalid input syntax for type uuid" became).
func TestForgedPageTokenIsInvalidArgument(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixed(filedAt))
	for _, id := range []string{"page-1", "page-2"} {
		if _, err := f.client.SubmitComplaint(t.Context(), complaint(id)); err != nil {
			t.Fatal(err)
		}
	}
	first, err := f.client.ListMatters(t.Context(), &ipcasev1.ListMattersRequest{PageSize: 1})
	if err != nil || first.GetNextPageToken() == "" {
		t.Fatalf("first page: %v, token %q; want a next page", err, first.GetNextPageToken())
	}
	raw, err := base64.RawURLEncoding.DecodeString(first.GetNextPageToken())
	if err != nil {
		t.Fatal(err)
	}
	var genuine map[string]any
	if err := json.Unmarshal(raw, &genuine); err != nil {
		t.Fatalf("the token is not the JSON this test expects: %v", err)
	}
	forge := func(change func(map[string]any)) string {
		c := map[string]any{}
		for k, v := range genuine {
			c[k] = v
		}
		change(c)
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	for _, tt := range []struct {
		name, token string
	}{
		{"id not a uuid", forge(func(c map[string]any) { c["i"] = "not-a-uuid" })},
		{"id a uuid urn", forge(func(c map[string]any) { c["i"] = "urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8" })},
		{"id in braces", forge(func(c map[string]any) { c["i"] = "{6ba7b810-9dad-11d1-80b4-00c04fd430c8}" })},
		{"id with a quote", forge(func(c map[string]any) { c["i"] = "6ba7b810-9dad-11d1-80b4-00c04fd430c8'" })},
		{"id a number", forge(func(c map[string]any) { c["i"] = 7 })},
		{"time not a time", forge(func(c map[string]any) { c["t"] = "yesterday" })},
		{"time missing", forge(func(c map[string]any) { delete(c, "t") })},
		{"not base64", "%%%"},
		{"not JSON", base64.RawURLEncoding.EncodeToString([]byte("{"))},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := f.client.ListMatters(t.Context(), &ipcasev1.ListMattersRequest{PageSize: 1, PageToken: tt.token})
			if code(err) != codes.InvalidArgument || !slices.Contains(fieldViolations(err), "page_token") {
				t.Errorf("forged token: %v (%s), want INVALID_ARGUMENT on page_token", code(err), status.Convert(err).Message())
			}
		})
	}
	// The genuine token still works.
	second, err := f.client.ListMatters(t.Context(), &ipcasev1.ListMattersRequest{PageSize: 1, PageToken: first.GetNextPageToken()})
	if err != nil || len(second.GetMatters()) != 1 {
		t.Fatalf("second page: %v, %d matters", err, len(second.GetMatters()))
	}
}

// TestBadListInputIsInvalidArgument sends the other lists' page tokens and
// filters malformed: each is INVALID_ARGUMENT naming its field.
func TestBadListInputIsInvalidArgument(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixed(filedAt))
	resp, err := f.client.SubmitComplaint(t.Context(), complaint("list-input"))
	if err != nil {
		t.Fatal(err)
	}
	matter := resp.GetMatter().GetName()
	admin := authtest.WithToken(t.Context(), f.env.Admin(t))
	for _, tt := range []struct {
		name, field string
		call        func() error
	}{
		{"events token not a number", "page_token", func() error {
			_, err := f.client.ListMatterEvents(t.Context(), &ipcasev1.ListMatterEventsRequest{Parent: matter, PageToken: "x'; --"})
			return err
		}},
		{"events token negative", "page_token", func() error {
			_, err := f.client.ListMatterEvents(t.Context(), &ipcasev1.ListMatterEventsRequest{Parent: matter, PageToken: "-5"})
			return err
		}},
		{"access log token not a number", "page_token", func() error {
			_, err := f.audit.ListAccessLog(admin, &ipcasev1.ListAccessLogRequest{PageToken: "not-a-number"})
			return err
		}},
		{"access log token huge", "page_token", func() error {
			_, err := f.audit.ListAccessLog(admin, &ipcasev1.ListAccessLogRequest{PageToken: "99999999999999999999999"})
			return err
		}},
		{"access log matter a uuid urn", "matter", func() error {
			_, err := f.audit.ListAccessLog(admin, &ipcasev1.ListAccessLogRequest{Matter: "matters/urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8"})
			return err
		}},
		{"access log subject with NUL", "subject", func() error {
			_, err := f.audit.ListAccessLog(admin, &ipcasev1.ListAccessLogRequest{Subject: "officer\x00"})
			return err
		}},
		{"access log matter in braces", "matter", func() error {
			_, err := f.audit.ListAccessLog(admin, &ipcasev1.ListAccessLogRequest{Matter: "matters/{6ba7b810-9dad-11d1-80b4-00c04fd430c8}"})
			return err
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.call()
			if code(err) != codes.InvalidArgument || !slices.Contains(fieldViolations(err), tt.field) {
				t.Errorf("%v (%s), want INVALID_ARGUMENT on %s", code(err), status.Convert(err).Message(), tt.field)
			}
		})
	}
}
