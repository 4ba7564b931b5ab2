package evidence

import (
	"fmt"
	"sync"
	"time"

	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/events"
)

// Limits bound what uploads may take. Every upload is charged to its
// uploader (the caller's role and subject), whoever else uploaded the same
// bytes, so that no answer, error or quota depends on another caller's
// files.
type Limits struct {
	// UploaderBytes bounds the content one uploader uploads within
	// UncitedTTL: distinct content, so that uploading the same bytes again
	// costs nothing.
	UploaderBytes int64 `env:"IPCASE_EVIDENCE_UPLOADER_QUOTA_BYTES, default=1073741824"`
	// MatterBytes bounds the evidence one matter may cite. A citation
	// counts at the size it declares, or at the size the citing caller
	// uploaded it at within UncitedTTL if that is larger.
	MatterBytes int64 `env:"IPCASE_EVIDENCE_MATTER_QUOTA_BYTES, default=2147483648"`
	// Rate is how many uploads one uploader may make within RateWindow.
	Rate       int           `env:"IPCASE_EVIDENCE_UPLOAD_RATE, default=20"`
	RateWindow time.Duration `env:"IPCASE_EVIDENCE_UPLOAD_RATE_WINDOW, default=1m"`
	// InFlight is how many uploads of one uploader a replica receives at
	// once; it bounds the unfinished content one caller can make a replica
	// hold.
	InFlight int `env:"IPCASE_EVIDENCE_UPLOADS_IN_FLIGHT, default=4"`
	// UncitedTTL is how long an upload that no matter cites is kept; the
	// cleaner removes it after that. It is also the window of the uploader
	// quota.
	UncitedTTL time.Duration `env:"IPCASE_EVIDENCE_UNCITED_TTL, default=168h"`
	// CleanInterval is how often the cleaner looks for such uploads, and
	// how often a replica without the cleaner's lock tries to take it.
	CleanInterval time.Duration `env:"IPCASE_EVIDENCE_CLEAN_INTERVAL, default=10m"`
}

// DefaultLimits are the limits of a Server given none: the defaults of
// the environment variables.
func DefaultLimits() Limits {
	return Limits{UploaderBytes: 1 << 30, MatterBytes: 2 << 30, Rate: 20, RateWindow: time.Minute, InFlight: 4,
		UncitedTTL: 7 * 24 * time.Hour, CleanInterval: 10 * time.Minute}
}

// orDefault is l, or DefaultLimits for the zero Limits.
func (l Limits) orDefault() Limits {
	if l == (Limits{}) {
		return DefaultLimits()
	}
	return l
}

// Check refuses limits the server cannot work with; ipcased calls it at
// start, so that a bad setting stops the start.
func (l Limits) Check() error {
	for _, c := range []struct {
		name string
		ok   bool
		val  any
	}{
		{"IPCASE_EVIDENCE_UPLOADER_QUOTA_BYTES", l.UploaderBytes > 0, l.UploaderBytes},
		{"IPCASE_EVIDENCE_MATTER_QUOTA_BYTES", l.MatterBytes > 0, l.MatterBytes},
		{"IPCASE_EVIDENCE_UPLOAD_RATE", l.Rate > 0, l.Rate},
		{"IPCASE_EVIDENCE_UPLOAD_RATE_WINDOW", l.RateWindow > 0, l.RateWindow},
		{"IPCASE_EVIDENCE_UPLOADS_IN_FLIGHT", l.InFlight > 0, l.InFlight},
		{"IPCASE_EVIDENCE_UNCITED_TTL", l.UncitedTTL > 0, l.UncitedTTL},
		{"IPCASE_EVIDENCE_CLEAN_INTERVAL", l.CleanInterval > 0, l.CleanInterval},
	} {
		if !c.ok {
			return fmt.Errorf("%s: %v must be positive", c.name, c.val)
		}
	}
	if l.RateWindow > l.UncitedTTL {
		// The rate counts an uploader's own recent uploads, which the
		// cleaner must not have touched: what it removes would otherwise
		// tell whether someone cites them.
		return fmt.Errorf("IPCASE_EVIDENCE_UPLOAD_RATE_WINDOW: %s must not be longer than IPCASE_EVIDENCE_UNCITED_TTL (%s)", l.RateWindow, l.UncitedTTL)
	}
	return nil
}

// flights counts the uploads each uploader has in progress on this
// replica.
type flights struct {
	mu  sync.Mutex
	max int
	n   map[string]int
}

// uploaderKey is whom an upload is charged to.
func uploaderKey(a events.Actor) string { return a.Role + ":" + a.Subject } // roles have no colon

// take counts one more upload of a, or refuses it when a has max in
// progress; release ends it.
func (f *flights) take(a events.Actor) (release func(), err error) {
	k := uploaderKey(a)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n[k] >= f.max {
		return nil, errs.Errorf(errs.ResourceExhausted, "too many uploads at once: at most %d in progress per uploader; wait for one to finish", f.max)
	}
	f.n[k]++
	return func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.n[k]--; f.n[k] == 0 {
			delete(f.n, k)
		}
	}, nil
}
