package main

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/types/known/wrapperspb"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

// errExhausted stops a worker that has no more work (the accept queue is
// used up); the run ends when every worker has stopped.
var errExhausted = errors.New("nothing left to do")

// call is one request of a worker; it returns errExhausted when the worker
// should stop.
type call func(ctx context.Context, worker int) error

// drive runs c workers, each calling fn in a closed loop (the next call as
// soon as the previous one returns) for warmup plus d; only calls that both
// start and end inside the d that follows the warmup are counted.
func drive(ctx context.Context, what string, c int, warmup, d time.Duration, fn call) Result {
	start := time.Now()
	from, until := start.Add(warmup), start.Add(warmup+d)
	var mu sync.Mutex
	res := Result{What: what}
	var lastEnd atomic.Int64 // unix nanos of the last counted call's end
	var wg sync.WaitGroup
	for w := range c {
		wg.Go(func() {
			var lat []time.Duration
			failed := 0
			first := ""
			for {
				t0 := time.Now()
				if !t0.Before(until) || ctx.Err() != nil {
					break
				}
				cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
				err := fn(cctx, w)
				cancel()
				t1 := time.Now()
				if failed == 0 && err != nil && first == "" && !isExhausted(err) {
					first = err.Error()
				}
				if isExhausted(err) {
					break
				}
				if t0.Before(from) || t1.After(until) {
					continue
				}
				if err != nil {
					failed++
					continue
				}
				lat = append(lat, t1.Sub(t0))
				for {
					old := lastEnd.Load()
					if t1.UnixNano() <= old || lastEnd.CompareAndSwap(old, t1.UnixNano()) {
						break
					}
				}
			}
			mu.Lock()
			res.Latencies = append(res.Latencies, lat...)
			res.Errors += failed
			if res.FirstError == "" {
				res.FirstError = first
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	res.Elapsed = d
	// A run that ran out of work early is measured over the time it ran.
	if end := time.Unix(0, lastEnd.Load()); end.Before(until.Add(-time.Second)) && end.After(from) {
		res.Elapsed = end.Sub(from)
	}
	return res
}

func isExhausted(err error) bool { return errors.Is(err, errExhausted) }

type loadFlags struct {
	addr, token, method, what       string
	c, conns                        int
	d, warmup                       time.Duration
	ids, queue                      string
	depth, pageSize                 int
	state, ipType                   string
	party, filedFrom, filedTo, view string
	events                          int
	fromMax                         int64
}

func runLoad(ctx context.Context, args []string, stdout io.Writer) error {
	var f loadFlags
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.StringVar(&f.addr, "addr", "127.0.0.1:7070", "gRPC address, or the gateway's base URL (http://…) for -method status")
	fs.StringVar(&f.token, "token", "", "bearer token")
	fs.StringVar(&f.method, "method", "get", "echo, submit, accept, get, status (gateway HTTP), statusgrpc, list, verify or catchup")
	fs.StringVar(&f.what, "what", "", "label of the result line (default: the method)")
	fs.IntVar(&f.c, "c", 32, "concurrent workers (closed loop)")
	fs.IntVar(&f.conns, "conns", 4, "gRPC connections the workers share")
	fs.DurationVar(&f.d, "d", 20*time.Second, "measured duration")
	fs.DurationVar(&f.warmup, "warmup", 2*time.Second, "unmeasured warm-up before it")
	fs.StringVar(&f.ids, "ids", "", "file of matter ids, one a line (get, status, statusgrpc, verify)")
	fs.StringVar(&f.queue, "queue", "", "file of submitted matters to accept, `id agency` a line (accept)")
	fs.IntVar(&f.depth, "depth", 50, "list: the page measured (pages before it are walked once, unmeasured)")
	fs.IntVar(&f.pageSize, "page-size", 20, "list: page size")
	fs.StringVar(&f.state, "state", "ACCEPTED", "list: matter state filter")
	fs.StringVar(&f.ipType, "ip-type", "COPYRIGHT", "list: IP type filter")
	fs.StringVar(&f.party, "party", "", "list: party filter, `parties/{id}` (default none)")
	fs.StringVar(&f.filedFrom, "filed-from", "", "list: first filing day, YYYY-MM-DD (default none)")
	fs.StringVar(&f.filedTo, "filed-to", "", "list: last filing day, YYYY-MM-DD (default none)")
	fs.StringVar(&f.view, "view", "FULL", "list: BASIC or FULL matters")
	fs.IntVar(&f.events, "events", 1000, "catchup: events each subscription receives before it ends")
	fs.Int64Var(&f.fromMax, "from-max", 0, "catchup: subscriptions start after a random position below this one (at least 1)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if f.what == "" {
		f.what = f.method
	}
	fn, cleanup, extra, err := newCall(ctx, f)
	if err != nil {
		return err
	}
	defer cleanup()
	res := drive(ctx, f.what, f.c, f.warmup, f.d, fn)
	if _, err := fmt.Fprintln(stdout, res.Line()+extra); err != nil {
		return err
	}
	if len(res.Latencies) == 0 {
		return fmt.Errorf("%s: no successful call (%d errors): %s", f.what, res.Errors, res.FirstError)
	}
	return nil
}

// newCall returns the call of f.method, what to close after the run, and
// what the result line adds of the call (a list's " page_matters=N").
func newCall(ctx context.Context, f loadFlags) (call, func(), string, error) {
	if f.method == "status" {
		fn, err := httpStatusCall(f)
		return fn, func() {}, "", err
	}
	conns := make([]*grpc.ClientConn, max(f.conns, 1))
	for i := range conns {
		cc, err := grpc.NewClient(f.addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			return nil, nil, "", err
		}
		conns[i] = cc
	}
	cleanup := func() {
		for _, cc := range conns {
			_ = cc.Close()
		}
	}
	conn := func(w int) *grpc.ClientConn { return conns[w%len(conns)] }
	auth := func(ctx context.Context) context.Context {
		return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+f.token)
	}
	var (
		fn    call
		err   error
		extra string
	)
	switch f.method {
	case "echo":
		payload := wrapperspb.String(strings.Repeat("x", 64))
		fn = func(ctx context.Context, w int) error {
			return conn(w).Invoke(ctx, echoMethod, payload, new(wrapperspb.StringValue))
		}
	case "submit":
		fn = submitCall(f, conn, auth)
	case "accept":
		fn, err = acceptCall(f, conn, auth)
	case "get", "statusgrpc":
		var ids []string
		if ids, err = readLines(f.ids); err != nil {
			break
		}
		rngs := workerRands(f.c)
		if f.method == "get" {
			fn = func(ctx context.Context, w int) error {
				_, err := ipcasev1.NewFilingServiceClient(conn(w)).GetMatter(auth(ctx),
					&ipcasev1.GetMatterRequest{Name: "matters/" + ids[rngs[w].IntN(len(ids))]})
				return err
			}
		} else {
			fn = func(ctx context.Context, w int) error {
				_, err := ipcasev1.NewStatusServiceClient(conn(w)).GetMatterStatus(auth(ctx),
					&ipcasev1.GetMatterStatusRequest{Name: "matters/" + ids[rngs[w].IntN(len(ids))]})
				return err
			}
		}
	case "list":
		var shown int
		fn, shown, err = listCall(ctx, f, conn(0), auth)
		extra = fmt.Sprintf(" page_matters=%d", shown)
	case "verify":
		fn, err = verifyCall(f, conn, auth)
	case "catchup":
		fn, err = catchupCall(f, conn, auth)
	default:
		err = fmt.Errorf("unknown -method %q", f.method)
	}
	if err != nil {
		cleanup()
		return nil, nil, "", err
	}
	return fn, cleanup, extra, nil
}

func workerRands(c int) []*rand.Rand {
	out := make([]*rand.Rand, c)
	for i := range out {
		out[i] = rand.New(rand.NewPCG(rand.Uint64(), uint64(i))) //nolint:gosec // G404: picks which matter to ask for, no secret
	}
	return out
}

// submitCall files complaints shaped as the seeder's: a rights holder of
// the pool (Zipf: some file far more than others) against one respondent
// seen for the first time, over one registered trademark, with one
// notarised piece of evidence, each with its own request_id. The
// pgbench script scripts/bench/submit.sql issues the same statements.
func submitCall(f loadFlags, conn func(int) *grpc.ClientConn, auth func(context.Context) context.Context) call {
	rngs := workerRands(f.c)
	zipfs := make([]*rand.Zipf, f.c)
	for i := range zipfs {
		zipfs[i] = rand.NewZipf(rngs[i], 1.2, 1, holderPool-1)
	}
	run := randomHex(4)
	var n atomic.Int64
	return func(ctx context.Context, w int) error {
		r := rngs[w]
		h := zipfs[w].Uint64()
		req := &ipcasev1.SubmitComplaintRequest{
			RequestId: fmt.Sprintf("bench-%s-%d", run, n.Add(1)),
			Complainant: &ipcasev1.Party{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: holderName(h),
				CreditCode: creditCode(nsHolder, h), Contact: "legal@holder.example.cn"},
			Respondents: []*ipcasev1.Party{{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION,
				DisplayName: respondentName(r.Uint64() % 1e8), CreditCode: creditCode(nsSubmitted, r.Uint64()), Contact: "浙江省杭州市某区某路1号"}},
			Rights: []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_TRADEMARK, RegistrationNumber: fmt.Sprintf("TM%012d", r.Uint64()%1e12),
				Title: "商标 (第25类)", Holder: holderName(h), TermStart: "2016-03-14", TermEnd: "2036-03-13"}},
			Facts:  facts(r, "TRADEMARK"),
			Claims: claims,
			Evidence: []*ipcasev1.Evidence{{Sha256: randomSHA256(r), SizeBytes: 100_000 + r.Int64N(5_000_000),
				MediaType: "application/pdf", Source: ipcasev1.EvidenceSource_EVIDENCE_SOURCE_NOTARISED, Description: "公证购买公证书"}},
			KnownSince: time.Now().AddDate(0, 0, -r.IntN(700)).Format(time.DateOnly),
			Agency:     agencies.pick(r),
		}
		_, err := ipcasev1.NewFilingServiceClient(conn(w)).SubmitComplaint(auth(ctx), req)
		return err
	}
}

// acceptCall accepts each matter of the queue file once, routing it to
// enforcement before the agency it was filed with; a worker stops when
// the queue is used up.
func acceptCall(f loadFlags, conn func(int) *grpc.ClientConn, auth func(context.Context) context.Context) (call, error) {
	lines, err := readLines(f.queue)
	if err != nil {
		return nil, err
	}
	run := randomHex(4)
	var next atomic.Int64
	return func(ctx context.Context, w int) error {
		i := next.Add(1) - 1
		if i >= int64(len(lines)) {
			return errExhausted
		}
		id, agency, ok := strings.Cut(lines[i], " ")
		if !ok {
			return fmt.Errorf("queue line %d: want `id agency`", i+1)
		}
		_, err := ipcasev1.NewFilingServiceClient(conn(w)).AcceptComplaint(auth(ctx), &ipcasev1.AcceptComplaintRequest{
			Name: "matters/" + id, Etag: `"v1"`, RequestId: fmt.Sprintf("bench-accept-%s-%d", run, i),
			Route: ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT, Forum: agency, Note: "证据充分，移送执法处理。",
		})
		return err
	}, nil
}

// listCall walks ListMatters, filtered by state and IP type (UNSPECIFIED:
// none), party and filing dates if set, to page f.depth once, then
// measures fetching that page again and again: keyset pagination should
// make a deep page cost what the first one does. It also returns how many
// matters that page has: a rare filter's page may be short, or, on a small
// store, empty (and an empty page records no read, so it is not the same
// work as a full one).
func listCall(ctx context.Context, f loadFlags, cc *grpc.ClientConn, auth func(context.Context) context.Context) (call, int, error) {
	state, ok := ipcasev1.MatterState_value["MATTER_STATE_"+f.state]
	if !ok {
		return nil, 0, fmt.Errorf("unknown -state %q", f.state)
	}
	ipType, ok := ipcasev1.IpType_value["IP_TYPE_"+f.ipType]
	if !ok {
		return nil, 0, fmt.Errorf("unknown -ip-type %q", f.ipType)
	}
	view, ok := ipcasev1.MatterView_value["MATTER_VIEW_"+f.view]
	if !ok {
		return nil, 0, fmt.Errorf("unknown -view %q", f.view)
	}
	if f.pageSize < 1 || f.pageSize > math.MaxInt32 {
		return nil, 0, fmt.Errorf("-page-size %d: want a positive int32", f.pageSize)
	}
	pageSize := int32(f.pageSize)
	req := func(token string) *ipcasev1.ListMattersRequest {
		return &ipcasev1.ListMattersRequest{PageSize: pageSize, PageToken: token,
			State: ipcasev1.MatterState(state), IpType: ipcasev1.IpType(ipType), Party: f.party, FiledFrom: f.filedFrom, FiledTo: f.filedTo,
			View: ipcasev1.MatterView(view)}
	}
	client := ipcasev1.NewFilingServiceClient(cc)
	token := ""
	t0 := time.Now()
	for page := 1; page < f.depth; page++ {
		resp, err := client.ListMatters(auth(ctx), req(token))
		if err != nil {
			return nil, 0, fmt.Errorf("walking to page %d: page %d: %w", f.depth, page, err)
		}
		if token = resp.GetNextPageToken(); token == "" {
			return nil, 0, fmt.Errorf("the listing ends at page %d, before page %d", page, f.depth)
		}
	}
	first, err := client.ListMatters(auth(ctx), req(token))
	if err != nil {
		return nil, 0, fmt.Errorf("page %d: %w", f.depth, err)
	}
	fmt.Fprintf(os.Stderr, "list: walked %d pages in %s; page %d has %d matters\n", f.depth-1, time.Since(t0).Round(time.Millisecond), f.depth, len(first.GetMatters()))
	return func(ctx context.Context, _ int) error {
		resp, err := client.ListMatters(auth(ctx), req(token))
		// A rare filter may have fewer matters than a page: then the page
		// is the last, and costs a scan to the end of what matches.
		if err == nil && len(resp.GetMatters()) != f.pageSize && resp.GetNextPageToken() != "" {
			err = fmt.Errorf("page %d has %d matters, want %d", f.depth, len(resp.GetMatters()), f.pageSize)
		}
		return err
	}, len(first.GetMatters()), nil
}

// verifyCall recomputes the hash chain of a random matter of the -ids file
// with VerifyMatterHistory; a chain that is not intact fails the call.
func verifyCall(f loadFlags, conn func(int) *grpc.ClientConn, auth func(context.Context) context.Context) (call, error) {
	ids, err := readLines(f.ids)
	if err != nil {
		return nil, err
	}
	rngs := workerRands(f.c)
	return func(ctx context.Context, w int) error {
		id := ids[rngs[w].IntN(len(ids))]
		resp, err := ipcasev1.NewFilingServiceClient(conn(w)).VerifyMatterHistory(auth(ctx), &ipcasev1.VerifyMatterHistoryRequest{Name: "matters/" + id})
		if err == nil && (!resp.GetIntact() || resp.GetEventsChecked() < 1) {
			err = fmt.Errorf("matters/%s: not intact after %d events: %s", id, resp.GetEventsChecked(), resp.GetProblem())
		}
		return err
	}, nil
}

// catchupCall is a subscriber catching up: it subscribes after a random
// old position below -from-max, receives -events events of what the
// caller may see, and hangs up. The call's latency is the time from
// subscribing to the last of those events.
func catchupCall(f loadFlags, conn func(int) *grpc.ClientConn, auth func(context.Context) context.Context) (call, error) {
	if f.fromMax < 1 || f.events < 1 {
		return nil, fmt.Errorf("catchup: -from-max %d and -events %d must be positive", f.fromMax, f.events)
	}
	rngs := workerRands(f.c)
	return func(ctx context.Context, w int) error {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel() // hangs up
		after := rngs[w].Int64N(f.fromMax)
		stream, err := ipcasev1.NewEventServiceClient(conn(w)).Subscribe(auth(ctx), &ipcasev1.SubscribeRequest{AfterPosition: after})
		if err != nil {
			return err
		}
		last := after
		for i := range f.events {
			r, err := stream.Recv()
			if err != nil {
				return fmt.Errorf("after position %d, event %d of %d: %w", after, i+1, f.events, err)
			}
			if r.GetPosition() <= last {
				return fmt.Errorf("after position %d: position %d follows %d", after, r.GetPosition(), last)
			}
			last = r.GetPosition()
		}
		return nil
	}, nil
}

// httpStatusCall reads a matter's status through the gateway as its
// rights holder, GET /v1/matters/{id}/status with the bearer token.
func httpStatusCall(f loadFlags) (call, error) {
	ids, err := readLines(f.ids)
	if err != nil {
		return nil, err
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: f.c, MaxIdleConnsPerHost: f.c, IdleConnTimeout: time.Minute}}
	base := strings.TrimSuffix(f.addr, "/")
	rngs := workerRands(f.c)
	return func(ctx context.Context, w int) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/v1/matters/"+ids[rngs[w].IntN(len(ids))]+"/status", nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+f.token)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		body, err := io.ReadAll(resp.Body)
		if cerr := resp.Body.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("status %d: %.200s", resp.StatusCode, body)
		}
		return nil
	}, nil
}

// readLines returns the non-empty lines of path, with a `matters/` prefix
// removed.
func readLines(path string) ([]string, error) {
	if path == "" {
		return nil, errors.New("a file of matters is required (-ids or -queue)")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []string
	for l := range strings.Lines(string(b)) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, strings.TrimPrefix(l, "matters/"))
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s lists no matters", path)
	}
	return out, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = crand.Read(b)
	return hex.EncodeToString(b)
}

// randomSHA256 is a made-up SHA-256 digest in hex, drawn from r.
func randomSHA256(r *rand.Rand) string {
	var b [32]byte
	for i := 0; i < len(b); i += 8 {
		binary.LittleEndian.PutUint64(b[i:], r.Uint64())
	}
	return hex.EncodeToString(b[:])
}
