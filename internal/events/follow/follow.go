// Package follow is the client side of the event exchange: Follow keeps a
// subscription to EventService.Subscribe going across broken streams,
// resuming from the last position its caller accepted. It is a plain gRPC
// client, so tools (the CLI's events tail) link no server code.
package follow

import (
	"context"
	"errors"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

// Backoff between reconnections of Follow.
const (
	minBackoff = 50 * time.Millisecond
	maxBackoff = 2 * time.Second
)

// Follow subscribes from after and hands each event to fn, in position
// order. When the stream breaks (the server restarts, the network fails)
// it subscribes again from the last position fn accepted, backing off up
// to two seconds between attempts, so fn sees every event at least once;
// an event fn refused is delivered again only on a later Follow. Store the
// position fn returns with what fn did, ideally in one transaction, and
// pass it as after next time.
//
// Follow returns when ctx ends (ctx.Err()), when fn returns an error
// (that error), or when the server refuses the subscription outright
// (permission, authentication, a bad request).
func Follow(ctx context.Context, c ipcasev1.EventServiceClient, after int64, types []string,
	fn func(*ipcasev1.SubscribeResponse) error, opts ...grpc.CallOption) error {
	backoff := minBackoff
	for {
		stream, err := c.Subscribe(ctx, &ipcasev1.SubscribeRequest{AfterPosition: after, Types: types}, opts...)
		for err == nil {
			var resp *ipcasev1.SubscribeResponse
			if resp, err = stream.Recv(); err != nil {
				break
			}
			if ferr := fn(resp); ferr != nil {
				return ferr
			}
			after, backoff = resp.GetPosition(), minBackoff
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !retryable(err) {
			return err
		}
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// retryable says whether a broken stream is worth resuming: a server going
// away or a transient failure, not a refusal.
func retryable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	switch status.Code(err) {
	case codes.Unavailable, codes.Internal, codes.Unknown, codes.Aborted, codes.ResourceExhausted, codes.Canceled, codes.OK:
		return true
	default: // a refusal (InvalidArgument, NotFound, PermissionDenied, …) would only be refused again
		return false
	}
}
