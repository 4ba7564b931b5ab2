package faults

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

// outcomes counts what clients were answered under a fault, by code, and
// keeps what a client must never read in a message: database text, a
// connection string, an address.
type outcomes struct {
	mu     sync.Mutex
	counts map[codes.Code]int
	// sample keeps one message per code, for the log.
	sample map[codes.Code]string
	leaks  []string
}

func newOutcomes() *outcomes {
	return &outcomes{counts: map[codes.Code]int{}, sample: map[codes.Code]string{}}
}

// record counts the answer err of method; forbidden are the strings no
// message may carry besides the ones every fault test forbids.
func (o *outcomes) record(method string, err error, forbidden ...string) {
	st := status.Convert(err)
	o.mu.Lock()
	defer o.mu.Unlock()
	o.counts[st.Code()]++
	if _, ok := o.sample[st.Code()]; err != nil && !ok {
		o.sample[st.Code()] = method + ": " + st.Message()
	}
	if l := leak(st.Message(), forbidden...); l != "" {
		o.leaks = append(o.leaks, fmt.Sprintf("%s answered %v %q, which carries %q", method, st.Code(), st.Message(), l))
	}
}

// check fails t if a code outside allowed was answered or a message leaked,
// and logs the counts.
func (o *outcomes) check(t *testing.T, what string, allowed ...codes.Code) {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	t.Logf("%s: answers by code %v; a message of each failure code: %q", what, o.counts, o.sample)
	for c, n := range o.counts {
		if c != codes.OK && !contains(allowed, c) {
			t.Errorf("%s: %d calls answered %v (%q); only OK and %v are true answers here", what, n, c, o.sample[c], allowed)
		}
	}
	for _, l := range o.leaks {
		t.Errorf("%s: %s", what, l)
	}
}

func (o *outcomes) count(c codes.Code) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.counts[c]
}

func contains(cs []codes.Code, c codes.Code) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}

// leak returns the first of the strings that no client message may carry
// (database text, a connection string) or of forbidden that msg carries.
func leak(msg string, forbidden ...string) string {
	for _, s := range append([]string{"postgres://", "postgresql://", "SQLSTATE", "FATAL", "ERROR:", "conn closed",
		"EOF", "record not found", "dial tcp", "127.0.0.1", "user=", "database="}, forbidden...) {
		if strings.Contains(msg, s) {
			return s
		}
	}
	return ""
}

// grepLog returns the first n lines of the file at path that contain s.
func grepLog(path, s string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	var out []string
	for line := range strings.Lines(string(b)) {
		if strings.Contains(line, s) && len(out) < n {
			out = append(out, line)
		}
	}
	return strings.Join(out, "")
}

// port is the cluster's port as a string, which no message may carry.
func (c *cluster) portString() string { return ":" + strconv.Itoa(c.port) }

// enforcementChain files a complaint, accepts it into enforcement, opens
// the case and assigns its officers, recording each call's answer in o;
// it stops at the first failure.
func enforcementChain(ctx context.Context, d *daemon, o *outcomes, rid string, forbidden ...string) {
	f := d.filing()
	e := ipcasev1.NewEnforcementServiceClient(d.conn)
	sub, err := f.SubmitComplaint(ctx, complaint(rid))
	o.record("SubmitComplaint", err, forbidden...)
	if err != nil {
		return
	}
	acc, err := f.AcceptComplaint(ctx, &ipcasev1.AcceptComplaintRequest{Name: sub.GetMatter().GetName(), Etag: sub.GetMatter().GetEtag(),
		RequestId: rid + "-accept", Route: ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT, Forum: "SAMR-HZ"})
	o.record("AcceptComplaint", err, forbidden...)
	if err != nil {
		return
	}
	open, err := e.OpenEnforcement(ctx, &ipcasev1.OpenEnforcementRequest{RequestId: rid + "-open",
		Source: &ipcasev1.OpenEnforcementRequest_Matter{Matter: acc.GetMatter().GetName()}, Agency: "SAMR-HZ"})
	o.record("OpenEnforcement", err, forbidden...)
	if err != nil {
		return
	}
	c := open.GetCase()
	_, err = e.AssignOfficers(ctx, &ipcasev1.AssignOfficersRequest{Name: c.GetName(), Etag: c.GetEtag(), RequestId: rid + "-assign",
		Officers: []*ipcasev1.Officer{
			{Subject: "officer@SAMR-HZ", DisplayName: "王伟", BadgeNumber: "33010001"},
			{Subject: "li.na@SAMR-HZ", DisplayName: "李娜", BadgeNumber: "33010002"},
		}})
	o.record("AssignOfficers", err, forbidden...)
}
