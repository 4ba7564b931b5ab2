package exchange

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"gorm.io/gorm"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/events"
)

// pageSize is how many positions a stream reads at a time.
const pageSize = 500

// maxTypes caps the types one subscription may name.
const maxTypes = 50

var eventType = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$`)

// Server implements ipcasev1.EventServiceServer.
type Server struct {
	ipcasev1.UnimplementedEventServiceServer
	db   *gorm.DB
	poll time.Duration
}

var _ ipcasev1.EventServiceServer = (*Server)(nil)

// NewServer returns the event service over db. It does no I/O: each stream
// opens its own listening connection, from db's DSN.
func NewServer(db *gorm.DB) *Server {
	return &Server{db: db, poll: events.FallbackPoll}
}

// Subscribe streams the events after req.after_position that the caller
// may see, then follows the log: it listens on events.ChannelPositions
// before each read, so a position stamped after a read wakes it at once,
// and reads again at least every FallbackPoll should a notification be
// lost. The stream ends only when the caller cancels or the server stops;
// the client resumes from the last position it received.
func (s *Server) Subscribe(req *ipcasev1.SubscribeRequest, stream ipcasev1.EventService_SubscribeServer) error {
	ctx := stream.Context()
	if err := validate(req); err != nil {
		return err
	}
	f, err := filterFor(ctx, req.GetTypes())
	if err != nil {
		return err
	}
	dsn, err := events.DSN(s.db)
	if err != nil {
		return err
	}
	l, err := events.Listen(ctx, dsn, events.ChannelPositions)
	if err != nil {
		return errs.Wrap(errs.Unavailable, err, "the event stream is unavailable; retry later")
	}
	defer l.Close(ctx)
	cursor := req.GetAfterPosition()
	for {
		page, err := events.ReadAfter(ctx, s.db, f, cursor, pageSize)
		if err != nil {
			return err
		}
		for _, e := range page.Entries {
			if err := stream.Send(&ipcasev1.SubscribeResponse{Position: e.Position, Event: events.ToProto(e.Event)}); err != nil {
				return err
			}
		}
		cursor = page.Scanned
		if page.Full {
			continue
		}
		if err := l.Wait(ctx, s.poll); err != nil {
			return err
		}
	}
}

func validate(req *ipcasev1.SubscribeRequest) error {
	var fe errs.FieldErrors
	if req.GetAfterPosition() < 0 {
		fe.Add("after_position", "must not be negative")
	}
	if len(req.GetTypes()) > maxTypes {
		fe.Add("types", "at most %d types", maxTypes)
	}
	for i, t := range req.GetTypes() {
		if !eventType.MatchString(t) {
			fe.Add(fmt.Sprintf("types[%d]", i), "not a dotted event type such as enforcement.transferred_to_court")
		}
	}
	return fe.Err()
}

// filterFor is what the caller may see: the same reach as ListMatters,
// plus, for a court, the hand-offs addressed to it before any proceeding
// of the matter is before it. Rights holders never get here (policy).
func filterFor(ctx context.Context, types []string) (events.Filter, error) {
	lf, err := auth.ListFilterFor(ctx)
	if err != nil {
		return events.Filter{}, err
	}
	switch {
	case lf.All:
		return events.Filter{All: true, Types: types}, nil
	case lf.Court != "":
		return events.Filter{Court: lf.Court, Types: types}, nil
	case lf.Agency != "":
		return events.Filter{Agency: lf.Agency, Types: types}, nil
	}
	return events.Filter{}, errs.Errorf(errs.PermissionDenied, "this role may not subscribe to events")
}
