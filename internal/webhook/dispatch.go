package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"
	"golang.org/x/sync/errgroup"

	"github.com/ipcase/ipcase/internal/store"
)

// Config is the webhook configuration of ipcased.
type Config struct {
	// AllowHTTP accepts http:// webhook URLs; off, only https:// ones are
	// accepted. Tests turn it on, with AllowLoopback, for http://127.0.0.1.
	AllowHTTP bool `env:"IPCASE_WEBHOOK_ALLOW_HTTP, default=false"`
	// AllowLoopback lets webhooks reach loopback addresses (127.0.0.0/8,
	// ::1, localhost): at creation and when the dispatcher connects. Only
	// tests, whose receivers listen on 127.0.0.1, turn it on; private,
	// link-local and other non-public addresses are refused regardless.
	AllowLoopback bool `env:"IPCASE_WEBHOOK_ALLOW_LOOPBACK, default=false"`
	// Timeout bounds one delivery attempt, connection to response headers
	// and body.
	Timeout time.Duration `env:"IPCASE_WEBHOOK_TIMEOUT, default=10s"`
	// BackoffBase is the wait after the first failed attempt; it doubles
	// with each further failure, up to BackoffMax.
	BackoffBase time.Duration `env:"IPCASE_WEBHOOK_BACKOFF_BASE, default=5s"`
	// BackoffMax caps the wait between attempts.
	BackoffMax time.Duration `env:"IPCASE_WEBHOOK_BACKOFF_MAX, default=1h"`
	// Poll is how often the dispatcher looks for due deliveries.
	Poll time.Duration `env:"IPCASE_WEBHOOK_POLL, default=1s"`
}

// Check reports a setting ipcased cannot run with.
func (c Config) Check() error {
	switch {
	case c.Timeout <= 0:
		return fmt.Errorf("IPCASE_WEBHOOK_TIMEOUT: %s must be positive", c.Timeout)
	case c.BackoffBase <= 0 || c.BackoffMax < c.BackoffBase:
		return fmt.Errorf("IPCASE_WEBHOOK_BACKOFF_BASE %s must be positive and at most IPCASE_WEBHOOK_BACKOFF_MAX %s", c.BackoffBase, c.BackoffMax)
	case c.Poll <= 0:
		return fmt.Errorf("IPCASE_WEBHOOK_POLL: %s must be positive", c.Poll)
	}
	return nil
}

// Header names of a delivery.
const (
	HeaderTimestamp = "X-Ipcase-Timestamp"
	HeaderSignature = "X-Ipcase-Signature"
	HeaderDelivery  = "X-Ipcase-Delivery"
)

// Sign returns the X-Ipcase-Signature value of body sent at unix time ts:
// `sha256=` and the hex HMAC-SHA256, keyed with secret, of
// "<ts>.<body>".
func Sign(secret string, ts int64, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strconv.FormatInt(ts, 10)))
	m.Write([]byte{'.'})
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a delivery as a receiver should: the signature over the
// timestamp and body, and a timestamp within tolerance of now.
func Verify(secret, timestamp, signature string, body []byte, now time.Time, tolerance time.Duration) error {
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return errors.New("webhook: bad timestamp")
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return errors.New("webhook: timestamp outside tolerance")
	}
	if !hmac.Equal([]byte(Sign(secret, ts, body)), []byte(signature)) {
		return errors.New("webhook: bad signature")
	}
	return nil
}

// leaseFor is how long a claimed delivery is kept from other dispatchers:
// longer than an attempt can take. A dispatcher that dies mid-attempt
// leaves it to be tried again when the lease ends.
func leaseFor(c Config) time.Duration { return 2*c.Timeout + time.Minute }

// claimBatch is how many deliveries a dispatcher claims at a time, and how
// many it sends at once.
const claimBatch = 16

// Dispatcher sends pending deliveries. Each (webhook, matter) is a queue in
// position order: only its oldest pending delivery is ever claimed, so an
// event is never sent before an earlier one of the same matter has been
// delivered. Claims are leases (next_attempt_at moved past the attempt's
// end under FOR UPDATE SKIP LOCKED), so several replicas may run
// dispatchers side by side.
type Dispatcher struct {
	db     *store.DB
	cfg    Config
	client *http.Client
	now    func() time.Time
	logger *zap.Logger
	// backoff paces retries while dispatching fails (the database does not
	// answer), and logs such a run once.
	failing *store.Backoff
}

// NewDispatcher returns a dispatcher over db with cfg, reading the time
// from now.
func NewDispatcher(db *store.DB, cfg Config, now func() time.Time, logger *zap.Logger) *Dispatcher {
	if db == nil || now == nil || logger == nil {
		panic("webhook.NewDispatcher: nil dependency")
	}
	dialer := &net.Dialer{Timeout: cfg.Timeout, KeepAlive: 30 * time.Second, Control: cfg.control}
	client := &http.Client{
		Timeout: cfg.Timeout,
		Transport: &http.Transport{
			// No proxy: the Control hook must see the receiver's own
			// address, not a proxy's.
			Proxy:                  nil,
			DialContext:            dialer.DialContext,
			ForceAttemptHTTP2:      true,
			TLSHandshakeTimeout:    cfg.Timeout,
			MaxIdleConns:           claimBatch,
			IdleConnTimeout:        90 * time.Second,
			MaxResponseHeaderBytes: 64 << 10,
		},
		// A redirect is not an acceptance: the receiver must answer 2xx.
		// Not following one also means it cannot point us elsewhere.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	logger = logger.Named("webhook-dispatcher")
	return &Dispatcher{db: db, cfg: cfg, client: client, now: now, logger: logger,
		failing: store.NewBackoff("webhook dispatcher", cfg.Poll, max(cfg.Poll, 5*time.Second), logger)}
}

// Failures is how many dispatch rounds failed since the start.
func (d *Dispatcher) Failures() int64 { return d.failing.Failures() }

// Run dispatches until ctx ends, every cfg.Poll; it returns nil then.
// While dispatching fails (the database does not answer) it backs off, up
// to 5 s or cfg.Poll if longer, and logs the run of failures once.
func (d *Dispatcher) Run(ctx context.Context) error {
	for {
		wait := d.cfg.Poll
		if _, err := d.DispatchOnce(ctx); err != nil && ctx.Err() == nil {
			wait = max(wait, d.failing.Fail(fmt.Errorf("dispatching webhooks: %w", err)))
		} else if err == nil {
			d.failing.OK()
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

type claimed struct {
	ID        string
	WebhookID string
	Body      []byte
	Attempts  int32
	URL       string
	Secret    string
}

// DispatchOnce makes one attempt at every delivery due now, and again at
// those that become due because the one before them was delivered, until
// none is due. It returns how many it delivered.
func (d *Dispatcher) DispatchOnce(ctx context.Context) (int, error) {
	delivered := 0
	for {
		batch, err := d.claim(ctx)
		if err != nil || len(batch) == 0 {
			return delivered, err
		}
		ok := make([]bool, len(batch))
		g, gctx := errgroup.WithContext(ctx)
		for i, c := range batch {
			g.Go(func() error {
				var err error
				ok[i], err = d.attempt(gctx, c)
				return err
			})
		}
		err = g.Wait()
		for _, o := range ok {
			if o {
				delivered++
			}
		}
		if err != nil {
			return delivered, err
		}
	}
}

// claim leases the due heads of the queues.
func (d *Dispatcher) claim(ctx context.Context) ([]claimed, error) {
	now := d.now().UTC()
	var out []claimed
	err := d.db.Session(ctx).Gorm().Raw(`UPDATE webhook_deliveries d SET next_attempt_at = ?
		FROM webhooks w
		WHERE w.id = d.webhook_id AND d.id IN (
			SELECT h.id FROM webhook_deliveries h
			WHERE h.state = ? AND h.next_attempt_at <= ?
				AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e
					WHERE e.webhook_id = h.webhook_id AND e.matter_id = h.matter_id
						AND e.state = ? AND e.position < h.position)
			ORDER BY h.next_attempt_at, h.position
			LIMIT ?
			FOR UPDATE SKIP LOCKED)
		RETURNING d.id::text AS id, d.webhook_id::text AS webhook_id, d.body, d.attempts, w.url, w.secret`,
		now.Add(leaseFor(d.cfg)), StatePending, now, StatePending, claimBatch).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("webhook: claiming deliveries: %w", store.Translate(err))
	}
	return out, nil
}

// attempt POSTs c once and records the outcome; it reports whether the
// receiver accepted it. Only a failure to record is an error.
func (d *Dispatcher) attempt(ctx context.Context, c claimed) (bool, error) {
	code, sendErr := d.send(ctx, c)
	now := d.now().UTC()
	db := d.db.Session(ctx).Gorm()
	var err error
	if sendErr == nil {
		err = db.Exec(`UPDATE webhook_deliveries SET state = ?, attempts = attempts + 1, last_status_code = ?,
			last_error = '', delivered_at = ? WHERE id = ? AND state = ?`, StateDelivered, code, now, c.ID, StatePending).Error
	} else {
		next := now.Add(d.backoff(c.Attempts + 1))
		// The holder reads last_error: it says only that the attempt failed
		// and the receiver's status, never why a connection failed, which
		// would map the ports of whatever the URL reaches. The cause goes
		// to our log.
		err = db.Exec(`UPDATE webhook_deliveries SET attempts = attempts + 1, last_status_code = ?, last_error = ?,
			next_attempt_at = ? WHERE id = ? AND state = ?`, code, failure(code), next, c.ID, StatePending).Error
		fields := []zap.Field{zap.String("delivery", c.ID), zap.String("webhook", c.WebhookID),
			zap.Int32("attempt", c.Attempts+1), zap.Time("next_attempt", next), zap.Error(sendErr)}
		if errors.Is(sendErr, errNotPublic) {
			d.logger.Warn("webhook delivery refused: the URL reaches a non-public address", fields...)
		} else {
			d.logger.Info("webhook delivery failed", fields...)
		}
	}
	if err != nil {
		return false, fmt.Errorf("webhook: recording delivery %s: %w", c.ID, store.Translate(err))
	}
	return sendErr == nil, nil
}

// failure is the last_error a holder reads after a failed attempt that got
// status code (0: no response).
func failure(code int) string {
	if code == 0 {
		return "delivery failed"
	}
	return fmt.Sprintf("delivery failed: HTTP %d", code)
}

// publicError is the last_error of a delivery as a holder may read it:
// one written before delivery errors were made generic is replaced.
func publicError(lastError string, code int32) string {
	if lastError == "" || lastError == lastErrorDeleted || strings.HasPrefix(lastError, "delivery failed") {
		return lastError
	}
	return failure(int(code))
}

// backoff is the wait after the n-th failed attempt.
func (d *Dispatcher) backoff(n int32) time.Duration {
	b := d.cfg.BackoffBase
	for i := int32(1); i < n && b < d.cfg.BackoffMax; i++ {
		b *= 2
	}
	return min(b, d.cfg.BackoffMax)
}

// send POSTs c's body, signed; it returns the status code (0 without a
// response) and an error unless the receiver answered 2xx.
func (d *Dispatcher) send(ctx context.Context, c claimed) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(c.Body))
	if err != nil {
		return 0, err
	}
	ts := d.now().Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "ipcase-webhook/1")
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, Sign(c.Secret, ts, c.Body))
	req.Header.Set(HeaderDelivery, c.ID)
	resp, err := d.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer func() { _ = resp.Body.Close() }()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("receiver answered %s", resp.Status)
	}
	return resp.StatusCode, nil
}
