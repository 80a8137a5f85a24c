package mockserver

import (
	"fmt"
	"maps"
	"sync"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// Clock is a manual clock for WithClock: its time stands still until
// Advance or Set moves it, so a test decides exactly when commands progress
// and tokens expire. It is safe for concurrent use.
//
//	clk := mockserver.NewClock(time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC))
//	s := mockserver.New(mockserver.WithClock(clk.Now), mockserver.WithLifecycle(mockserver.Lifecycle{}))
//	clk.Advance(time.Minute)
//
// A server on a manual clock far from the real time refuses AK/SK
// signatures made with the real time (more than MaxSignatureSkew apart):
// authenticate with the static Token, or sign with the same clock.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock that reads start until it is moved.
func NewClock(start time.Time) *Clock { return &Clock{t: start} }

// Now returns the clock's time. Pass the method value to WithClock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d (backward for a negative d) and
// returns the new time.
func (c *Clock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// Defaults of Lifecycle.
const (
	DefaultSendAfter    = 10 * time.Second
	DefaultDeliverAfter = time.Second
	DefaultRespondAfter = 2 * time.Second
	DefaultTimeoutAfter = 30 * time.Second
)

// Results the lifecycle stores when a command ends SUCCESSFUL or FAILED.
var (
	LifecycleSuccessResult = jsontext.Value(`{"result_code":0,"response_name":"COMMAND_RESPONSE","paras":{"result":"success"}}`)
	LifecycleFailureResult = jsontext.Value(`{"result_code":1,"response_name":"COMMAND_RESPONSE","paras":{"error":"simulated failure"}}`)
)

// Lifecycle describes how commands progress on their own when the server is
// built WithLifecycle. Zero durations take the defaults.
//
// The commands that progress are those the running server creates: through
// the deliver call (POST .../async-commands), or AddCommands without an ID,
// while still PENDING or SENT. Seeded commands and commands added with an
// explicit ID never change by themselves, and a command moved with
// SetCommandStatus to a status the lifecycle did not give it is left alone
// from then on. (Server-made commands are recognised by the IDs the server
// generates; a hand-made ID sorting after them would make later IDs mere
// successors of it, which are not driven.)
//
// Each command follows its outcome: Outcomes[its name], else SUCCESSFUL.
// Times count from the stored (whole-second) created time, then from the
// exact time of each step (the stored sent and delivered times are whole
// seconds):
//
//   - delay: PENDING until created+SendAfter, then SENT; but EXPIRED at
//     created+expire_time (0 = 24 h) if that comes first, or if the
//     outcome is EXPIRED (the device never reports);
//   - immediately: SENT from the start;
//   - from SENT: DELIVERED at sent+DeliverAfter, then SUCCESSFUL or FAILED
//     (with LifecycleSuccessResult / LifecycleFailureResult as the result
//     and a response time) at delivered+RespondAfter;
//   - outcome TIMEOUT: DELIVERED as above (if DeliverAfter < TimeoutAfter),
//     then TIMEOUT at sent+TimeoutAfter, with no response; an immediately
//     command whose outcome is EXPIRED cannot expire (it was never cached)
//     and ends TIMEOUT the same way.
//
// The state is brought up to the server's clock lazily, whenever an IoTDA
// request arrives (before it is handled, so the 20-PENDING limit sees
// expired and sent commands as such); there are no background goroutines,
// except on a pushing server, which does it every Push.LifecycleTick so
// changes are pushed unasked. Each
// status change is stamped with the time it was due, not the time it was
// noticed.
type Lifecycle struct {
	SendAfter    time.Duration // PENDING (delay) → SENT; default 10s
	DeliverAfter time.Duration // SENT → DELIVERED; default 1s
	RespondAfter time.Duration // DELIVERED → SUCCESSFUL or FAILED; default 2s
	TimeoutAfter time.Duration // SENT → TIMEOUT (outcome TIMEOUT); default 30s
	// Outcomes maps a command name to its final status: SUCCESSFUL,
	// FAILED, TIMEOUT or EXPIRED. Names not listed end SUCCESSFUL.
	Outcomes map[string]string
}

// WithLifecycle makes commands progress by themselves as the server's clock
// (WithClock) moves, as described on Lifecycle. An outcome that is not one
// of SUCCESSFUL, FAILED, TIMEOUT or EXPIRED panics when the server is built
// (a test's mistake).
func WithLifecycle(l Lifecycle) Option {
	for name, o := range l.Outcomes {
		if !validOutcome(o) {
			panic(fmt.Sprintf("mockserver: WithLifecycle: outcome %q for command name %q is not SUCCESSFUL, FAILED, TIMEOUT or EXPIRED", o, name))
		}
	}
	return func(s *Server) {
		orDefault(&l.SendAfter, DefaultSendAfter)
		orDefault(&l.DeliverAfter, DefaultDeliverAfter)
		orDefault(&l.RespondAfter, DefaultRespondAfter)
		orDefault(&l.TimeoutAfter, DefaultTimeoutAfter)
		l.Outcomes = maps.Clone(l.Outcomes)
		registerLifecycle(s, &lifecycle{
			cfg:  l,
			seen: make(map[string]string),
			sims: make(map[simKey]*simState),
		})
	}
}

func validOutcome(s string) bool {
	switch s {
	case StatusSuccessful, StatusFailed, StatusTimeout, StatusExpired:
		return true
	}
	return false
}

// lifecycle is a server's simulation state, guarded by the server's mu.
type lifecycle struct {
	cfg  Lifecycle
	seen map[string]string // device ID → largest command ID examined
	sims map[simKey]*simState
}

type simKey struct{ device, command string }

// simState is what the lifecycle remembers of a command it drives: the
// status it last saw or gave it (another status means someone else moved
// it), and the exact times it was sent and delivered, which the stored
// whole-second times would round down.
type simState struct {
	status          string
	sent, delivered time.Time
}

func registerLifecycle(s *Server, l *lifecycle) { s.lc.Store(l) }

// lifecycle is the server's simulation, or nil without WithLifecycle.
func (s *Server) lifecycle() *lifecycle { return s.lc.Load() }

// runLifecycle brings simulated commands up to the server's clock; a no-op
// without WithLifecycle. It is called before every IoTDA request is handled.
func (s *Server) runLifecycle() {
	l := s.lifecycle()
	if l == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l.advanceLocked(s, s.now())
}

// advanceLocked finds the commands created since the last call and moves
// every simulated command on to now. Call with s.mu held for writing.
func (l *lifecycle) advanceLocked(s *Server, now time.Time) {
	for id, d := range s.iotda.devices {
		l.discover(id, d)
	}
	for k, st := range l.sims {
		d := s.iotda.devices[k.device]
		var i int
		ok := d != nil
		if ok {
			i, ok = d.find(k.command)
		}
		if !ok || d.cmds[i].Status != st.status {
			// Gone, or moved by someone else: no longer ours to drive.
			delete(l.sims, k)
			continue
		}
		c := &d.cmds[i]
		l.step(s, c, st, l.outcome(c), now)
		if isFinal(c.Status) {
			delete(l.sims, k)
		}
	}
}

// discover registers d's commands above the device's watermark that the
// server created itself (their IDs carry liveIDSource) and that are not yet
// final.
func (l *lifecycle) discover(deviceID string, d *device) {
	n := len(d.cmds)
	if n == 0 {
		return
	}
	mark, known := l.seen[deviceID]
	if known && d.cmds[n-1].ID <= mark {
		return
	}
	start := 0
	if known {
		start = d.search(mark)
		if start < n && d.cmds[start].ID == mark {
			start++
		}
	}
	for i := start; i < n; i++ {
		c := &d.cmds[i]
		if len(c.ID) == 24 && c.ID[8:18] == liveIDSource && (c.Status == StatusPending || c.Status == StatusSent) {
			l.sims[simKey{deviceID, c.ID}] = &simState{status: c.Status}
		}
	}
	l.seen[deviceID] = d.cmds[n-1].ID
}

func (l *lifecycle) outcome(c *Command) string {
	if o, ok := l.cfg.Outcomes[c.Name]; ok {
		return o
	}
	return StatusSuccessful
}

// step applies every transition of c that is due by now, pushing each
// (iotda_push_docs.go).
func (l *lifecycle) step(s *Server, c *Command, st *simState, outcome string, now time.Time) {
	for {
		next, at := l.next(c, st, outcome)
		if next == "" || at.After(now) {
			return
		}
		stamp := secondUTC(at)
		switch next {
		case StatusSent:
			c.Sent, st.sent = stamp, at
		case StatusDelivered:
			c.Delivered, st.delivered = stamp, at
		case StatusSuccessful:
			c.Responded, c.Result = stamp, append(jsontext.Value(nil), LifecycleSuccessResult...)
		case StatusFailed:
			c.Responded, c.Result = stamp, append(jsontext.Value(nil), LifecycleFailureResult...)
		}
		c.Status, st.status = next, next
		s.pushCommandLocked(c, at)
	}
}

// next is c's next transition under outcome and when it is due; "" when c
// is final (or in a status the lifecycle does not drive).
func (l *lifecycle) next(c *Command, st *simState, outcome string) (string, time.Time) {
	cfg := &l.cfg
	sent, delivered := st.sent, st.delivered
	if sent.IsZero() {
		sent = c.Sent
	}
	if sent.IsZero() {
		sent = c.Created
	}
	if delivered.IsZero() {
		delivered = c.Delivered
	}
	switch c.Status {
	case StatusPending:
		expire := time.Duration(c.ExpireSeconds) * time.Second
		if expire == 0 {
			expire = 24 * time.Hour
		}
		expireAt := c.Created.Add(expire)
		sendAt := c.Created.Add(cfg.SendAfter)
		if outcome == StatusExpired || !sendAt.Before(expireAt) {
			return StatusExpired, expireAt
		}
		return StatusSent, sendAt
	case StatusSent:
		switch outcome {
		case StatusTimeout, StatusExpired:
			if outcome == StatusTimeout && cfg.DeliverAfter < cfg.TimeoutAfter {
				return StatusDelivered, sent.Add(cfg.DeliverAfter)
			}
			return StatusTimeout, sent.Add(cfg.TimeoutAfter)
		}
		return StatusDelivered, sent.Add(cfg.DeliverAfter)
	case StatusDelivered:
		switch outcome {
		case StatusSuccessful, StatusFailed:
			return outcome, delivered.Add(cfg.RespondAfter)
		}
		return StatusTimeout, sent.Add(cfg.TimeoutAfter)
	}
	return "", time.Time{}
}

func isFinal(status string) bool {
	switch status {
	case StatusSuccessful, StatusFailed, StatusTimeout, StatusExpired:
		return true
	}
	return false
}
