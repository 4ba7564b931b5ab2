package exchange

import (
	"context"
	"fmt"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/store"
)

// pageSize is how many positions a stream reads at a time.
const pageSize = 500

// maxTypes caps the types one subscription may name.
const maxTypes = 50

// Server implements ipcasev1.EventServiceServer.
type Server struct {
	ipcasev1.UnimplementedEventServiceServer
	db      *store.DB
	filing  *filing.Store
	hub     *events.Hub
	streams *streams
	// readers holds a token per stream reading the log now.
	readers chan struct{}
}

var _ ipcasev1.EventServiceServer = (*Server)(nil)

// NewServer returns the event service over db, asking fs which matters a
// caller may see, woken by hub, within cfg's limits (zero fields take the
// defaults). It does no I/O; streams read through db's pool, and hub,
// whose Run the caller runs, holds the one listening connection they
// share. One Server serves every listener of a process, so that its
// limits hold for the process.
func NewServer(db *store.DB, fs *filing.Store, hub *events.Hub, cfg Config) *Server {
	if db == nil || fs == nil || hub == nil {
		panic("exchange.NewServer: nil dependency")
	}
	cfg = cfg.withDefaults()
	return &Server{db: db, filing: fs, hub: hub, streams: newStreams(cfg), readers: make(chan struct{}, cfg.Readers)}
}

// Subscribe streams the events after req.after_position that the caller
// may see, then follows the log: it watches the hub before each read, so a
// position stamped after a read wakes it at once. The stream ends only
// when the caller cancels or the server stops; the client resumes from the
// last position it received. A caller past its cap of open streams, or a
// server past its own, is refused with errs.ResourceExhausted before
// anything is read.
func (s *Server) Subscribe(req *ipcasev1.SubscribeRequest, stream ipcasev1.EventService_SubscribeServer) error {
	ctx := stream.Context()
	types, err := validate(req)
	if err != nil {
		return err
	}
	r, err := readerFor(ctx)
	if err != nil {
		return err
	}
	release, err := s.streams.take(ctx)
	if err != nil {
		return err
	}
	defer release()
	w := s.hub.Watch()
	defer w.Close()
	cursor := req.GetAfterPosition()
	for {
		page, seen, err := s.read(ctx, r, types, cursor)
		if err != nil {
			return err
		}
		for _, e := range seen {
			if err := stream.Send(&ipcasev1.SubscribeResponse{Position: e.Position, Event: events.ToProto(e.Event)}); err != nil {
				return err
			}
		}
		cursor = page.Scanned
		if page.Full {
			continue
		}
		if err := w.Wait(ctx); err != nil {
			return err
		}
	}
}

// read reads a page after cursor through the pool, and the entries of it r
// may see, taking one of the readers' places while it does. Sending them
// is left to the caller: a slow client must not hold a place.
func (s *Server) read(ctx context.Context, r reader, types []events.Type, cursor int64) (events.Page, []events.Entry, error) {
	select {
	case s.readers <- struct{}{}:
	case <-ctx.Done():
		return events.Page{}, nil, ctx.Err()
	}
	defer func() { <-s.readers }()
	tx := s.db.Session(ctx)
	page, err := events.ReadAfter(tx, types, cursor, pageSize)
	if err != nil {
		return events.Page{}, nil, err
	}
	seen, err := s.visible(tx, r, page.Entries)
	if err != nil {
		return events.Page{}, nil, err
	}
	return page, seen, nil
}

func validate(req *ipcasev1.SubscribeRequest) ([]events.Type, error) {
	var fe errs.FieldErrors
	if req.GetAfterPosition() < 0 {
		fe.Add("after_position", "must not be negative")
	}
	if len(req.GetTypes()) > maxTypes {
		fe.Add("types", "at most %d types", maxTypes)
	}
	types := make([]events.Type, len(req.GetTypes()))
	for i, t := range req.GetTypes() {
		if !events.Declared(events.Type(t)) {
			fe.Add(fmt.Sprintf("types[%d]", i), "%q is not an event type ipcase writes, such as enforcement.transferred_to_court", t)
		}
		types[i] = events.Type(t)
	}
	return types, fe.Err()
}

// reader is what a caller may see: the matters it may list, and, for a
// court, the hand-offs addressed to it before any proceeding of the matter
// is before it.
type reader struct {
	reach filing.Visibility
	court string
}

// readerFor is the reach of the caller: the same as ListMatters'. Rights
// holders never get here (policy).
func readerFor(ctx context.Context) (reader, error) {
	lf, err := auth.ListFilterFor(ctx)
	if err != nil {
		return reader{}, err
	}
	switch {
	case lf.All:
		return reader{reach: filing.Visibility{All: true}}, nil
	case lf.Court != "":
		return reader{reach: filing.Visibility{Court: lf.Court}, court: lf.Court}, nil
	case lf.Agency != "":
		return reader{reach: filing.Visibility{Agency: lf.Agency}}, nil
	}
	return reader{}, errs.Errorf(errs.PermissionDenied, "this role may not subscribe to events")
}

// visible keeps the entries r may see, in order.
func (s *Server) visible(tx store.Tx, r reader, entries []events.Entry) ([]events.Entry, error) {
	if r.reach.All || len(entries) == 0 {
		return entries, nil
	}
	var ids []string
	for _, e := range entries {
		ids = append(ids, e.Event.MatterID)
	}
	reach, err := s.filing.Reach(tx, r.reach, ids)
	if err != nil {
		return nil, err
	}
	var out []events.Entry
	for _, e := range entries {
		if reach[e.Event.MatterID] || (r.court != "" && addressedTo(e.Event, r.court)) {
			out = append(out, e)
		}
	}
	return out, nil
}

// addressedTo reports whether e hands a case to court: a transfer or a
// confirmation request naming it.
func addressedTo(e events.Event, court string) bool {
	switch e.Type {
	case events.EnforcementTransferredCourt:
		d, err := events.Decode[events.TransferDossier](e)
		return err == nil && d.Recipient == court
	case events.MediationConfirmationRequested:
		d, err := events.Decode[events.ConfirmationRequest](e)
		return err == nil && d.Court == court
	}
	return false
}
