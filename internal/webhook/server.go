package webhook

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/types/known/timestamppb"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/errs"
)

// Server implements ipcasev1.NotificationServiceServer.
type Server struct {
	ipcasev1.UnimplementedNotificationServiceServer
	store *Store
	cfg   Config
	now   func() time.Time
}

var _ ipcasev1.NotificationServiceServer = (*Server)(nil)

// NewServer returns a Server over st that accepts the webhook URLs cfg
// allows (AllowHTTP, AllowLoopback).
func NewServer(st *Store, cfg Config, now func() time.Time) *Server {
	if st == nil || now == nil {
		panic("webhook.NewServer: nil dependency")
	}
	return &Server{store: st, cfg: cfg, now: now}
}

const maxURL = 2048

// ValidateURL checks a webhook URL and returns it as it is to be stored:
// absolute, https (or http with cfg.AllowHTTP), at most 2048 characters,
// without credentials or fragment, with a valid port and a host that is a
// public address or a domain name that is not internal by definition
// (localhost, .local, .internal, single labels). Numeric hosts in any form
// a resolver accepts (127.1, 0x7f000001, 2130706433, [::ffff:7f00:1]) are
// normalised and refused unless the address is public unicast; loopback is
// allowed only with cfg.AllowLoopback. Names are not resolved here: the
// dispatcher checks every address it connects to. The error is an
// errs.Field on url; it never repeats the URL.
func ValidateURL(raw string, cfg Config) (string, error) {
	if raw == "" {
		return "", errs.Field("url", "required")
	}
	if len(raw) > maxURL {
		return "", errs.Field("url", "at most %d characters", maxURL)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", errs.Field("url", "not a valid absolute URL")
	}
	switch {
	case !u.IsAbs() || u.Opaque != "" || u.Host == "" || u.Hostname() == "":
		return "", errs.Field("url", "must be an absolute URL with a host")
	case u.Scheme != "https" && u.Scheme != "http":
		return "", errs.Field("url", "scheme must be https")
	case u.Scheme == "http" && !cfg.AllowHTTP:
		return "", errs.Field("url", "scheme must be https (this server does not allow http)")
	case u.User != nil:
		return "", errs.Field("url", "must not carry credentials")
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return "", errs.Field("url", "must not have a fragment")
	}
	host, why := cfg.checkHost(u.Hostname(), strings.HasPrefix(u.Host, "["))
	if why != "" {
		return "", errs.Field("url", "%s", why)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return "", errs.Field("url", "port must be 1 to 65535")
		}
		host += ":" + strconv.Itoa(n)
	}
	u.Host = host
	return u.String(), nil
}

func principal(ctx context.Context) (auth.Principal, error) {
	p, ok := auth.FromContext(ctx)
	if !ok {
		return auth.Principal{}, errs.Errorf(errs.Unauthenticated, "the call carries no credentials")
	}
	return p, nil
}

// webhookID parses `webhooks/{uuid}` in field.
func webhookID(field, name string) (string, error) {
	id, ok := strings.CutPrefix(name, "webhooks/")
	if !ok {
		return "", errs.Field(field, "must be webhooks/{webhook}")
	}
	u, err := uuid.Parse(id)
	if err != nil {
		return "", errs.Field(field, "must be webhooks/{webhook} with a UUID")
	}
	return u.String(), nil
}

func toProto(w Webhook) *ipcasev1.Webhook {
	out := &ipcasev1.Webhook{Name: "webhooks/" + w.ID, Url: w.URL, Owner: w.Owner, CreateTime: timestamppb.New(w.CreateTime)}
	for _, p := range w.Parties {
		out.Parties = append(out.Parties, "parties/"+p)
	}
	return out
}

var stateOf = map[string]ipcasev1.DeliveryState{
	StatePending:   ipcasev1.DeliveryState_DELIVERY_STATE_PENDING,
	StateDelivered: ipcasev1.DeliveryState_DELIVERY_STATE_DELIVERED,
	StateFailed:    ipcasev1.DeliveryState_DELIVERY_STATE_FAILED,
}

func deliveryToProto(d Delivery) *ipcasev1.WebhookDelivery {
	out := &ipcasev1.WebhookDelivery{
		Name:           "webhooks/" + d.WebhookID + "/deliveries/" + d.ID,
		Matter:         "matters/" + d.MatterID,
		Event:          fmt.Sprintf("matters/%s/events/%d", d.MatterID, d.EventSeq),
		Position:       d.Position,
		State:          stateOf[d.State],
		Attempts:       d.Attempts,
		LastStatusCode: d.LastStatusCode,
		LastError:      publicError(d.LastError, d.LastStatusCode),
	}
	if d.State == StatePending {
		out.NextAttemptTime = timestamppb.New(d.NextAttemptAt)
	}
	if d.DeliveredAt != nil {
		out.DeliverTime = timestamppb.New(*d.DeliveredAt)
	}
	return out
}

// CreateWebhook registers a webhook for the calling rights holder.
func (s *Server) CreateWebhook(ctx context.Context, req *ipcasev1.CreateWebhookRequest) (*ipcasev1.CreateWebhookResponse, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	if p.Role != auth.RightsHolder {
		return nil, errs.Errorf(errs.PermissionDenied, "only rights holders register webhooks")
	}
	u, err := ValidateURL(req.GetUrl(), s.cfg)
	if err != nil {
		return nil, err
	}
	w, secret, err := s.store.Create(ctx, p, u, s.now())
	if err != nil {
		return nil, err
	}
	return &ipcasev1.CreateWebhookResponse{Webhook: toProto(w), Secret: secret}, nil
}

// ListWebhooks lists the caller's webhooks.
func (s *Server) ListWebhooks(ctx context.Context, _ *ipcasev1.ListWebhooksRequest) (*ipcasev1.ListWebhooksResponse, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	ws, err := s.store.List(ctx, p)
	if err != nil {
		return nil, err
	}
	resp := &ipcasev1.ListWebhooksResponse{}
	for _, w := range ws {
		resp.Webhooks = append(resp.Webhooks, toProto(w))
	}
	return resp, nil
}

// DeleteWebhook deletes one of the caller's webhooks.
func (s *Server) DeleteWebhook(ctx context.Context, req *ipcasev1.DeleteWebhookRequest) (*ipcasev1.DeleteWebhookResponse, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	id, err := webhookID("name", req.GetName())
	if err != nil {
		return nil, err
	}
	if err := s.store.Delete(ctx, p, id, s.now()); err != nil {
		return nil, err
	}
	return &ipcasev1.DeleteWebhookResponse{}, nil
}

// ListWebhookDeliveries reads the delivery log of one of the caller's
// webhooks.
func (s *Server) ListWebhookDeliveries(ctx context.Context, req *ipcasev1.ListWebhookDeliveriesRequest) (*ipcasev1.ListWebhookDeliveriesResponse, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	id, err := webhookID("webhook", req.GetWebhook())
	if err != nil {
		return nil, err
	}
	size := int(req.GetPageSize())
	switch {
	case size < 0 || size > 500:
		return nil, errs.Field("page_size", "must be 0 to 500")
	case size == 0:
		size = 100
	}
	var after int64
	if t := req.GetPageToken(); t != "" {
		if after, err = strconv.ParseInt(t, 10, 64); err != nil || after < 0 {
			return nil, errs.Field("page_token", "not a token from a previous response")
		}
	}
	ds, err := s.store.Deliveries(ctx, p, id, after, size+1)
	if err != nil {
		return nil, err
	}
	resp := &ipcasev1.ListWebhookDeliveriesResponse{}
	if len(ds) > size {
		ds = ds[:size]
		resp.NextPageToken = strconv.FormatInt(ds[size-1].Position, 10)
	}
	for _, d := range ds {
		resp.Deliveries = append(resp.Deliveries, deliveryToProto(d))
	}
	return resp, nil
}
