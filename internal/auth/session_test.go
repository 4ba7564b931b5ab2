package auth_test

import (
	"slices"
	"sort"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/server/servertest"
)

// TestSessionMayOnlyRead calls every method the policy opens to rights
// holders, over a real connection through the real interceptors, with a
// sign-in session and with the same party's full token. The session gets
// through to the reads of its matter and to nothing else; the full token
// gets through everywhere. (Behind the interceptor stands a handler that
// answers every method, so what is measured is the policy alone.)
func TestSessionMayOnlyRead(t *testing.T) {
	t.Parallel()
	env := authtest.New(t)
	reached := func(_ any, st grpc.ServerStream) error {
		if err := st.RecvMsg(&emptypb.Empty{}); err != nil {
			return err
		}
		return st.SendMsg(&emptypb.Empty{})
	}
	opts := append(env.ServerOptions(), grpc.UnknownServiceHandler(reached))
	conn := servertest.Dial(t, servertest.Serve(t, func(*server.Server) {}, nil, opts...))

	party, matter := "3f0c9a43-5b1c-4d53-9a55-3a0f5c2b9e11", "8d2e9a43-5b1c-4d53-9a55-3a0f5c2b9e11"
	session := env.Token(t, auth.IssueParams{Subject: "signin-link/1", Role: auth.RightsHolder, Parties: []string{party}, Matter: matter, TTL: time.Hour})
	full := env.RightsHolder(t, party)
	reads := []string{
		"/ipcase.v1.FilingService/GetMatter",
		"/ipcase.v1.FilingService/ListMatterEvents",
		"/ipcase.v1.StatusService/GetCaller",
		"/ipcase.v1.StatusService/GetMatterStatus",
	}
	methods := auth.RightsHolderMethods()
	sort.Strings(methods)
	if len(methods) < 15 {
		t.Fatalf("only %d methods are open to rights holders; the test is not looking at the policy", len(methods))
	}
	for _, m := range methods {
		for _, tt := range []struct {
			who, token string
			want       codes.Code
		}{
			{"full token", full, codes.OK},
			{"session", session, map[bool]codes.Code{true: codes.OK, false: codes.PermissionDenied}[slices.Contains(reads, m)]},
		} {
			err := conn.Invoke(authtest.WithToken(t.Context(), tt.token), m, &emptypb.Empty{}, &emptypb.Empty{})
			if status.Code(err) != tt.want {
				t.Errorf("%s by a %s: %v, want %s", m, tt.who, err, tt.want)
			}
		}
	}
}
