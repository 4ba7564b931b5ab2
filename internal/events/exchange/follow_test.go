package exchange_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/events/eventstest"
	"github.com/ipcase/ipcase/internal/events/follow"
	"github.com/ipcase/ipcase/internal/server/servertest"
)

// TestFollowEnds checks when follow.Follow gives up rather than resuming:
// when fn refuses an event (with fn's error, after that one event), when
// the server refuses the subscription (with its status), and when ctx
// ends (with ctx's error).
func TestFollowEnds(t *testing.T) {
	t.Parallel()
	db := eventstest.Open(t, 10)
	eventstest.Relay(t, db)
	env := authtest.New(t)
	client := ipcasev1.NewEventServiceClient(servertest.Start(t, register(t, db), env.ServerOptions()...))
	m := eventstest.Matter(t, db, "SAMR-HZ")
	if err := eventstest.Append(t.Context(), db, m, eventstest.Note("two")); err != nil {
		t.Fatal(err)
	}
	admin := authtest.WithToken(t.Context(), env.Admin(t))
	// Bounds a Follow that would retry forever instead of returning.
	bounded := func(ctx context.Context) (context.Context, context.CancelFunc) {
		return context.WithTimeout(ctx, 30*time.Second)
	}

	t.Run("fn refuses", func(t *testing.T) {
		ctx, cancel := bounded(admin)
		defer cancel()
		refused := errors.New("refused")
		var got []int64
		err := follow.Follow(ctx, client, 0, nil, func(r *ipcasev1.SubscribeResponse) error {
			got = append(got, r.GetPosition())
			return refused
		})
		if !errors.Is(err, refused) || len(got) != 1 || got[0] != 1 {
			t.Errorf("Follow = %v after positions %v; want fn's error after position 1 only", err, got)
		}
	})
	t.Run("server refuses", func(t *testing.T) {
		ctx, cancel := bounded(authtest.WithToken(t.Context(), env.RightsHolder(t, "0b7f4a52-0000-4000-8000-000000000001")))
		defer cancel()
		err := follow.Follow(ctx, client, 0, nil, func(*ipcasev1.SubscribeResponse) error { return nil })
		if status.Code(err) != codes.PermissionDenied {
			t.Errorf("Follow as a rights holder = %v; want PERMISSION_DENIED at once", err)
		}
	})
	t.Run("ctx ends", func(t *testing.T) {
		ctx, cancel := bounded(admin)
		defer cancel()
		n := 0
		err := follow.Follow(ctx, client, 0, nil, func(*ipcasev1.SubscribeResponse) error {
			if n++; n == 2 {
				cancel()
			}
			return nil
		})
		if !errors.Is(err, context.Canceled) || n != 2 {
			t.Errorf("Follow = %v after %d events; want context.Canceled after 2", err, n)
		}
	})
}
