package mockserver

import (
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/iotclient/iotclient-go/iotclienttest"
)

// Well-known credentials and identifiers the server accepts.
const (
	// ProjectID is the only Huawei project ID the IoTDA routes serve; any
	// other project ID in the path is answered with 403 IOTDA.000004.
	ProjectID = "0123456789abcdef0123456789abcdef"
	// AccessKey is the Huawei AK whose AK/SK signatures are accepted.
	AccessKey = "MOCKAK0123456789ABCD"
	// SecretKey is the Huawei SK that belongs to AccessKey.
	SecretKey = "mockSecretKey0123456789abcdefghijklmnop"
	// Token is a static Huawei X-Auth-Token accepted by every IoTDA route
	// (it never expires and RevokeTokens does not revoke it).
	Token = "mock-iam-token-0001"

	// IAMDomain is the account (domain) name the IAM token call accepts.
	IAMDomain = "mock-domain"
	// IAMUser is the IAM user name the IAM token call accepts.
	IAMUser = "mock-user"
	// IAMPassword is the password of IAMUser.
	IAMPassword = "mock-password-0001"

	// OrgID is the IBM organization the fake serves.
	OrgID = "ab12cd"
	// APIKey is the IBM API key accepted as the HTTP Basic user.
	APIKey = "a-ab12cd-mockkey001"
	// APIToken is the IBM auth token accepted as the HTTP Basic password.
	APIToken = "mock-auth-token-0001"
)

// RequestIDHeader is the response header carrying the request ID on every
// response of both platforms.
const RequestIDHeader = "X-Request-Id"

// defaultReferenceTime is the fixed instant seeded data is placed before,
// so a given seed always yields the same records.
var defaultReferenceTime = time.Date(2024, time.June, 1, 12, 0, 0, 0, time.UTC)

// maxRequestBody bounds how much of a request body the server reads.
const maxRequestBody = 1 << 20

// Server is the fake platform. Create one with New and Close it when done.
// All methods are safe for concurrent use.
type Server struct {
	tsMu      sync.Mutex
	ts        *httptest.Server // the loopback listener, started by URL
	memClient *http.Client     // reaches the server in memory (MemoryClient)
	closeOnce sync.Once
	closed    bool          // guarded by tsMu: URL starts no listener after Close
	done      chan struct{} // closed by Close: ends latency waits

	now      func() time.Time
	ref      time.Time
	tokenTTL time.Duration

	reqSeq   atomic.Uint64
	reqNonce uint64
	counts   map[Route]*atomic.Int64 // fixed key set: read without a lock

	lastMu sync.Mutex
	last   map[Route]RecordedRequest

	faults faultState
	lc     atomic.Pointer[lifecycle]          // set by WithLifecycle (iotda_lifecycle.go)
	gen    atomic.Pointer[generatedHistories] // set by GenerateCommands (iotda_generated.go)
	push   pushState                          // WithPush, PushTo (iotda_push.go)
	gets   commandGets                        // CommandGets (iotda_gets.go)

	mu       sync.RWMutex // guards all platform data below
	iotda    iotdaState
	wiotp    wiotpState
	clientMu sync.Mutex // guards the IBM sorted-view cache (see wiotp_list.go)
	views    map[string]*clientView
}

// Option configures a Server built by New.
type Option func(*Server)

// WithClock makes the server read the time from now instead of time.Now:
// signature skew checks, IAM token issue and expiry, and the times stamped on
// commands created or moved forward through the API or SetCommandStatus.
func WithClock(now func() time.Time) Option {
	return func(s *Server) {
		if now != nil {
			s.now = now
		}
	}
}

// WithReferenceTime sets the instant seeded data is placed before (default
// 2024-06-01T12:00:00Z), in whole seconds UTC as the platforms report
// times. Seeded records depend only on the seed and this time; pass
// time.Now() to get "recent" data.
func WithReferenceTime(t time.Time) Option {
	return func(s *Server) {
		if !t.IsZero() {
			s.ref = t.UTC().Truncate(time.Second)
		}
	}
}

// WithTokenTTL sets how long IAM tokens issued by POST /v3/auth/tokens stay
// valid (default 24 h, as on the real platform). The static Token constant
// is not affected.
func WithTokenTTL(d time.Duration) Option {
	return func(s *Server) {
		if d > 0 {
			s.tokenTTL = d
		}
	}
}

// New starts a server on 127.0.0.1 with a random port. The server has no
// data until it is seeded; the IBM client-state
// feature starts enabled.
func New(opts ...Option) *Server {
	s := &Server{
		done:     make(chan struct{}),
		now:      time.Now,
		ref:      defaultReferenceTime,
		tokenTTL: 24 * time.Hour,
		reqNonce: uint64(time.Now().UnixNano()) & 0xffffffffffff,
		counts:   make(map[Route]*atomic.Int64, len(handlers)+3),
		last:     make(map[Route]RecordedRequest),
		views:    make(map[string]*clientView),
	}
	for r := range handlers {
		s.counts[r] = new(atomic.Int64)
	}
	for _, r := range []Route{RouteIAMToken, RouteAll, routeNone} {
		s.counts[r] = new(atomic.Int64)
	}
	s.iotda.init()
	s.wiotp.init()
	for _, o := range opts {
		o(s)
	}
	s.startPush()
	s.memClient = &http.Client{Transport: iotclienttest.Transport(s)}
	return s
}

// MemoryURL is the base URL of the clients that reach a server in memory
// (MemoryClient): no socket answers it, and Client's transport ignores the host.
const MemoryURL = "http://localhost"

// URL is the base URL of both platforms, "http://127.0.0.1:port" without a
// trailing slash. The loopback listener starts on the first call, so a
// server reached only in memory (MemoryClient) opens no socket: a goroutine
// waiting on one would stop a testing/synctest bubble's clock.
func (s *Server) URL() string { return s.listener().URL }

// HTTPClient returns an *http.Client configured for the server (plain HTTP
// on loopback), as a convenience for tests.
func (s *Server) HTTPClient() *http.Client { return s.listener().Client() }

// MemoryClient returns an *http.Client that reaches the server in memory,
// whatever the URL's host (see iotclienttest.Transport).
func (s *Server) MemoryClient() *http.Client { return s.memClient }

// listener starts the loopback listener once.
func (s *Server) listener() *httptest.Server {
	s.tsMu.Lock()
	defer s.tsMu.Unlock()
	if s.ts == nil {
		s.ts = httptest.NewUnstartedServer(s)
		// Hijacked and aborted connections are part of the job: keep the
		// server's own log quiet.
		s.ts.Config.ErrorLog = log.New(io.Discard, "", 0)
		s.ts.Start()
		if s.closed {
			s.ts.Close() // after Close: an address nothing answers
		}
	}
	return s.ts
}

// Close shuts the server down, ending any injected latency still waiting
// and any push in flight, and blocks until outstanding requests finish and
// the pushing goroutines are gone. It is safe to call twice.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.stopPush()
		s.tsMu.Lock()
		s.closed = true
		ts := s.ts
		s.tsMu.Unlock()
		if ts != nil {
			ts.Close()
		}
	})
}

// ReferenceTime is the instant seeded data is placed before.
func (s *Server) ReferenceTime() time.Time { return s.ref }

// Requests reports how many requests reached route since the server started
// or since the last ResetCounts. A request is counted as soon as it arrives,
// before faults, latency, authentication and validation. RouteAll counts
// every request, including those that matched no route.
func (s *Server) Requests(route Route) int {
	c, ok := s.counts[route]
	if !ok {
		return 0
	}
	return int(c.Load())
}

// ResetCounts zeroes every request counter (CommandGets too) and the
// FaultsInjected counter.
func (s *Server) ResetCounts() {
	for _, c := range s.counts {
		c.Store(0)
	}
	s.gets.reset()
	s.faults.injected.Store(0)
}

// RecordedRequest is what the server saw of a request: see LastRequest.
type RecordedRequest struct {
	Method   string
	Path     string // the escaped path as sent
	RawQuery string
	Header   http.Header
	Body     []byte
}

// LastRequest returns the most recent request that reached route (RouteAll:
// any route), so tests can check headers such as Instance-Id or User-Agent.
// The boolean is false when no request reached the route yet.
func (s *Server) LastRequest(route Route) (RecordedRequest, bool) {
	s.lastMu.Lock()
	defer s.lastMu.Unlock()
	r, ok := s.last[route]
	if !ok {
		return RecordedRequest{}, false
	}
	r.Header = r.Header.Clone()
	r.Body = append([]byte(nil), r.Body...)
	return r, true
}

// request is one incoming request with what the router extracted.
type request struct {
	*http.Request
	body      []byte
	bodyErr   error
	requestID string
	match
}

// ServeHTTP implements http.Handler: count, record, latency, faults, then the
// platform handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m := matchRoute(r)
	s.counts[RouteAll].Add(1)
	s.counts[m.route].Add(1)
	if m.route == RouteGetCommand {
		s.gets.add(m.deviceID, m.commandID)
	}

	rid := s.nextRequestID()
	w.Header().Set(RequestIDHeader, rid)

	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	if err == nil && len(body) > maxRequestBody {
		err = errBodyTooLarge
	}
	req := &request{Request: r, body: body, bodyErr: err, requestID: rid, match: m}
	s.record(req)

	if d := s.faults.latencyFor(m.route); d > 0 {
		if !s.wait(r.Context(), d) {
			return
		}
	}
	if f, ok := s.faults.take(m.route); ok {
		s.serveFault(w, req, f)
		return
	}
	s.dispatch(w, req)
}

func (s *Server) record(req *request) {
	rec := RecordedRequest{
		Method:   req.Method,
		Path:     req.URL.EscapedPath(),
		RawQuery: req.URL.RawQuery,
		Header:   req.Header.Clone(),
		Body:     req.body,
	}
	s.lastMu.Lock()
	s.last[RouteAll] = rec
	if req.route != routeNone {
		s.last[req.route] = rec
	}
	s.lastMu.Unlock()
}

// wait sleeps d unless the request ends or the server closes first; it
// reports whether the full delay elapsed.
func (s *Server) wait(ctx context.Context, d time.Duration) bool {
	select {
	case <-time.After(d):
		return true
	case <-ctx.Done():
	case <-s.done:
	}
	return false
}

// nextRequestID returns a 32-hex ID: a per-server nonce and a sequence
// number, so IDs are unique within a server and distinct across servers.
func (s *Server) nextRequestID() string {
	n := s.reqSeq.Add(1)
	const hexdigits = "0123456789abcdef"
	var b [32]byte
	v := s.reqNonce
	for i := 15; i >= 0; i-- {
		b[i] = hexdigits[v&0xf]
		v >>= 4
	}
	for i := 31; i >= 16; i-- {
		b[i] = hexdigits[n&0xf]
		n >>= 4
	}
	return string(b[:])
}

// dispatch runs the handler of the matched route.
func (s *Server) dispatch(w http.ResponseWriter, req *request) {
	switch req.platform {
	case platformIoTDA:
		s.serveIoTDA(w, req)
	case platformIBM:
		s.serveWIoTP(w, req)
	default:
		if strings.HasPrefix(req.URL.Path, "/api/") {
			writeIBMError(w, http.StatusNotFound, ExceptionNotFound, "The requested resource was not found: "+req.URL.Path)
			return
		}
		writeIoTDAError(w, req.requestID, http.StatusNotFound, CodeAPINotFound, "The API does not exist or has not been published in the environment.")
	}
}
