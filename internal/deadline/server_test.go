package deadline_test

import (
	"crypto/tls"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/testing/protocmp"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/server/servertest"
)

// TestCalculateDeadlineRPC calls the service on a real gRPC server with
// authentication: every role may compute, an anonymous caller may not, and
// refusals are INVALID_ARGUMENT with field violations.
func TestCalculateDeadlineRPC(t *testing.T) {
	t.Parallel()
	env := authtest.New(t)
	register := func(s *server.Server) {
		ipcasev1.RegisterDeadlineServiceServer(s, deadline.NewServer(embedded(t)))
	}
	plain := servertest.Dial(t, servertest.Serve(t, register, nil, env.ServerOptions()...))
	tlsCfg, serverCAs := env.ServerTLS(t)
	courtAddr := servertest.Serve(t, register, tlsCfg, env.ServerOptions()...)
	court, err := grpc.NewClient(courtAddr, grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{
		RootCAs: serverCAs, Certificates: []tls.Certificate{env.CourtCert(t, "京73")}})))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = court.Close() })

	// CPL Art. 171, served Fri 2024-01-26: day 15 is Sat Feb 10 (Spring
	// Festival holiday Feb 10–17) → the make-up Sunday Feb 18.
	req := &ipcasev1.CalculateDeadlineRequest{TriggerDate: "2024-01-26", Period: 15,
		Unit: ipcasev1.PeriodUnit_PERIOD_UNIT_CALENDAR_DAYS, Basis: "CPL Art. 171"}
	want := &ipcasev1.CalculateDeadlineResponse{DueDate: "2024-02-18", RawEndDate: "2024-02-10", Adjusted: true,
		EndsOnMakeUpWorkingDay: true, CalendarVersion: embedded(t).Version()}
	for _, tt := range []struct {
		name  string
		conn  *grpc.ClientConn
		token string
	}{
		{"officer", plain, env.Officer(t, "SAMR-HZ")},
		{"mediator", plain, env.Mediator(t, "HZ-MED")},
		{"rights holder", plain, env.RightsHolder(t, uuid.NewString())},
		{"admin", plain, env.Admin(t)},
		{"court over mTLS", court, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ipcasev1.NewDeadlineServiceClient(tt.conn).CalculateDeadline(authtest.WithToken(t.Context(), tt.token), req)
			if err != nil {
				t.Fatalf("CalculateDeadline: %v", err)
			}
			if diff := cmp.Diff(want, got, protocmp.Transform(),
				protocmp.IgnoreFields(&ipcasev1.CalculateDeadlineResponse{}, "steps")); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
			if s := strings.Join(got.GetSteps(), "\n"); !strings.Contains(s, "make-up working day — the period is NOT extended") {
				t.Errorf("steps do not show the make-up assumption:\n%s", s)
			}
		})
	}

	client := ipcasev1.NewDeadlineServiceClient(plain)
	if _, err := client.CalculateDeadline(t.Context(), req); status.Code(err) != codes.Unauthenticated {
		t.Errorf("without a token: %v, want UNAUTHENTICATED", err)
	}

	officer := authtest.WithToken(t.Context(), env.Officer(t, "SAMR-HZ"))
	for _, tt := range []struct {
		name string
		req  *ipcasev1.CalculateDeadlineRequest
		want []violation
	}{{
		// 2021-06-01 + 15 days = 2021-06-16; no 2021 notice is shipped and
		// 2021 is before the 2024 Holiday Measures that provisional years
		// are built from.
		name: "a year without a calendar",
		req:  &ipcasev1.CalculateDeadlineRequest{TriggerDate: "2021-06-01", Period: 15, Unit: ipcasev1.PeriodUnit_PERIOD_UNIT_CALENDAR_DAYS},
		want: []violation{{"trigger_date", "no holiday calendar for 2021"}},
	}, {
		name: "empty request",
		req:  &ipcasev1.CalculateDeadlineRequest{},
		want: []violation{{"trigger_date", "required"}, {"unit", "required"}, {"period", "positive"}},
	}, {
		name: "a day that does not exist, unknown unit",
		req:  &ipcasev1.CalculateDeadlineRequest{TriggerDate: "2024-02-30", Period: 5, Unit: 9},
		want: []violation{{"trigger_date", "does not exist: February 2024 has 29 days"}, {"unit", "unknown value 9"}},
	}, {
		name: "malformed date",
		req:  &ipcasev1.CalculateDeadlineRequest{TriggerDate: "2024-2-3", Period: 5, Unit: ipcasev1.PeriodUnit_PERIOD_UNIT_CALENDAR_DAYS},
		want: []violation{{"trigger_date", "not a date"}},
	}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := client.CalculateDeadline(officer, tt.req)
			checkViolations(t, err, tt.want)
		})
	}
}

type violation struct{ field, reason string }

func checkViolations(t *testing.T, err error, want []violation) {
	t.Helper()
	st := status.Convert(err)
	if st.Code() != codes.InvalidArgument {
		t.Fatalf("got %v, want INVALID_ARGUMENT", err)
	}
	var got []*errdetails.BadRequest_FieldViolation
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			got = append(got, br.GetFieldViolations()...)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("violations %v, want %v", got, want)
	}
	for i, w := range want {
		if got[i].GetField() != w.field || !strings.Contains(got[i].GetDescription(), w.reason) {
			t.Errorf("violation %d: %s: %s; want %s containing %q", i, got[i].GetField(), got[i].GetDescription(), w.field, w.reason)
		}
	}
}
