package mockserver

import (
	"bytes"
	"context"
	"hash/fnv"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// pushDoc is one document on its way to the receiver.
type pushDoc struct {
	body    []byte
	url     string
	at      time.Time     // when a held-back document is released
	probe   bool          // sent to learn whether a blocklisted receiver is back
	timeout time.Duration // set when a worker takes it
}

// pusher queues documents and sends them from a fixed set of workers. The
// queues: ready (in order), delayed (held back by Reorder, by release
// time) and backlog (while the receiver is down or blocklisted, and while
// a backlog drains, so newer documents wait behind it).
type pusher struct {
	client    *http.Client
	ownClient bool
	tick      time.Duration
	ctx       context.Context
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	live      atomic.Int32  // goroutines running, for the leak tests
	wake      chan struct{} // one buffered token: "look at the queues again"

	mu        sync.Mutex
	cfg       Push
	ready     []*pushDoc
	delayed   []*pushDoc
	backlog   []*pushDoc
	inflight  int
	down      bool // SetReceiverDown
	blocked   bool // blocklisted after consecutive failures
	probing   bool // a blocklist try is in flight
	probeAt   time.Time
	nextDrain time.Time
	failures  int           // consecutive failed POSTs
	changed   chan struct{} // closed and replaced on every change, for wait
	stats     PushStats
}

func newPusher(p Push) *pusher {
	pu := &pusher{
		wake:    make(chan struct{}, 1),
		changed: make(chan struct{}),
		tick:    p.LifecycleTick,
	}
	orDefault(&pu.tick, DefaultLifecycleTick)
	pu.configure(p)
	workers := pu.cfg.Workers
	pu.client = p.Client
	if pu.client == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = workers
		pu.client, pu.ownClient = &http.Client{Transport: tr}, true
	}
	pu.ctx, pu.cancel = context.WithCancel(context.Background())
	for range workers {
		pu.run(pu.worker)
	}
	return pu
}

// configure applies p with its defaults. Workers and the client are the
// first start's.
func (p *pusher) configure(c Push) {
	orDefault(&c.Workers, DefaultPushWorkers)
	orDefault(&c.Timeout, DefaultPushTimeout)
	orDefault(&c.BlocklistAfter, DefaultBlocklistAfter)
	orDefault(&c.BlocklistRetry, DefaultBlocklistRetry)
	if c.DrainRate == 0 {
		c.DrainRate = DefaultDrainRate
	}
	c.Faults = cleanFaults(c.Faults)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cfg.Workers > 0 {
		c.Workers = p.cfg.Workers
	}
	p.cfg = c
	p.changedLocked()
}

func cleanFaults(f PushFaults) PushFaults {
	orDefault(&f.ReorderDelay, DefaultReorderDelay)
	f.DropIDs = slices.Clone(f.DropIDs)
	return f
}

func (p *pusher) setURL(url string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cfg.URL = url
}

func (p *pusher) setFaults(f PushFaults) {
	f = cleanFaults(f)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cfg.Faults = f
}

// run starts fn on a goroutine the pusher waits for when it stops.
func (p *pusher) run(fn func(ctx context.Context)) {
	p.wg.Add(1)
	p.live.Add(1)
	go func() {
		defer p.wg.Done()
		defer p.live.Add(-1)
		fn(p.ctx)
	}()
}

// stop cancels the POSTs in flight and waits for every goroutine.
func (p *pusher) stop() {
	p.cancel()
	p.wg.Wait()
	if p.ownClient {
		p.client.CloseIdleConnections()
	}
}

// signal tells one idle worker to look at the queues again.
func (p *pusher) signal() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

func (p *pusher) changedLocked() {
	close(p.changed)
	p.changed = make(chan struct{})
}

// add queues body, a document about id (a command or device ID: the key of
// Drop) whose identity is key (the key of Duplicate and Reorder).
func (p *pusher) add(body []byte, id, key string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cfg.URL == "" {
		return
	}
	p.stats.Events++
	f := &p.cfg.Faults
	if slices.Contains(f.DropIDs, id) || chance(f.Seed, "drop", id) < f.Drop {
		p.stats.Dropped++
		return
	}
	copies := 1
	if chance(f.Seed, "duplicate", key) < f.Duplicate {
		p.stats.Duplicated++
		copies = 2
	}
	var at time.Time
	if chance(f.Seed, "reorder", key) < f.Reorder {
		p.stats.Reordered++
		at = time.Now().Add(f.ReorderDelay)
	}
	for range copies {
		d := &pushDoc{body: body, url: p.cfg.URL, at: at}
		if at.IsZero() {
			p.placeLocked(d)
			continue
		}
		i, _ := slices.BinarySearchFunc(p.delayed, at, func(e *pushDoc, t time.Time) int {
			if e.at.After(t) {
				return 1
			}
			return -1 // equal times keep their order
		})
		p.delayed = slices.Insert(p.delayed, i, d)
	}
	p.changedLocked()
	p.signal()
}

// holdingLocked says whether documents go to the backlog: the receiver is
// down or blocklisted, or a backlog is still draining ahead of them.
func (p *pusher) holdingLocked() bool { return p.down || p.blocked || len(p.backlog) > 0 }

func (p *pusher) placeLocked(d *pushDoc) {
	if !p.holdingLocked() {
		p.ready = append(p.ready, d)
		return
	}
	p.backlog = append(p.backlog, d)
	if m := p.cfg.BacklogMax; m > 0 && len(p.backlog) > m {
		n := len(p.backlog) - m
		p.backlog = slices.Delete(p.backlog, 0, n)
		p.stats.Dropped += n
	}
}

// holdLocked moves the ready documents to the front of the backlog: they
// are older than anything already in it.
func (p *pusher) holdLocked() {
	p.backlog = append(p.ready, p.backlog...)
	p.ready = nil
}

func (p *pusher) setDown(down bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = down
	if down {
		p.holdLocked()
	} else {
		p.nextDrain = time.Time{}
	}
	p.changedLocked()
	p.signal()
}

// takeLocked returns the next document to send at now, counted in flight,
// or nil and how long to wait before looking again (negative: until
// signalled).
func (p *pusher) takeLocked(now time.Time) (*pushDoc, time.Duration) {
	for len(p.delayed) > 0 && !p.delayed[0].at.After(now) {
		d := p.delayed[0]
		p.delayed = p.delayed[1:]
		p.placeLocked(d)
	}
	wait := time.Duration(-1)
	until := func(t time.Time) {
		if w := t.Sub(now); wait < 0 || w < wait {
			wait = w
		}
	}
	if len(p.delayed) > 0 {
		until(p.delayed[0].at)
	}
	var d *pushDoc
	switch {
	case p.down:
	case p.blocked:
		if p.probing || len(p.backlog) == 0 {
			break
		}
		if now.Before(p.probeAt) {
			until(p.probeAt)
			break
		}
		d, p.backlog = p.backlog[0], p.backlog[1:]
		d.probe, p.probing = true, true
	case len(p.backlog) > 0:
		if now.Before(p.nextDrain) {
			until(p.nextDrain)
			break
		}
		d, p.backlog = p.backlog[0], p.backlog[1:]
		if p.cfg.DrainRate > 0 {
			p.nextDrain = now.Add(time.Duration(float64(time.Second) / p.cfg.DrainRate))
		}
	case len(p.ready) > 0:
		d, p.ready = p.ready[0], p.ready[1:]
	}
	if d != nil {
		p.inflight++
		d.timeout = p.cfg.Timeout
		return d, 0
	}
	return nil, wait
}

// worker sends documents until the pusher stops.
func (p *pusher) worker(ctx context.Context) {
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		p.mu.Lock()
		d, wait := p.takeLocked(time.Now())
		p.mu.Unlock()
		if d != nil {
			p.signal() // another worker may find more to send
			p.finish(d, p.post(ctx, d))
			continue
		}
		var expired <-chan time.Time
		if wait >= 0 {
			timer.Reset(wait)
			expired = timer.C
		}
		select {
		case <-p.wake:
		case <-expired:
		case <-ctx.Done():
			timer.Stop()
			return
		}
		timer.Stop()
	}
}

// post sends d as the platform does and reports whether it was answered 200.
func (p *pusher) post(ctx context.Context, d *pushDoc) bool {
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.url, bytes.NewReader(d.body))
	if err != nil {
		return false
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := p.client.Do(req)
	if err != nil {
		return false
	}
	// Read a little of the answer so the connection can be reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// finish books d's outcome: a failure discards it (a blocklist try goes
// back to the head of the backlog) and may blocklist the receiver; the
// success of a try lifts the blocklist and starts the drain.
func (p *pusher) finish(d *pushDoc, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	p.inflight--
	p.stats.Attempts++
	switch {
	case ok:
		p.stats.Sent++
		p.failures = 0
		if d.probe {
			p.blocked, p.probing, p.nextDrain = false, false, now
		}
	case d.probe:
		p.stats.Failed++
		p.probing, p.probeAt = false, now.Add(p.cfg.BlocklistRetry)
		d.probe = false
		p.backlog = append([]*pushDoc{d}, p.backlog...)
	default:
		p.stats.Failed++
		p.stats.Discarded++
		p.failures++
		if p.failures >= p.cfg.BlocklistAfter && !p.blocked {
			p.blocked = true
			p.stats.Blocklisted++
			p.probeAt = now.Add(p.cfg.BlocklistRetry)
			p.holdLocked()
		}
	}
	p.changedLocked()
	p.signal()
}

func (p *pusher) snapshot() PushStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	st := p.stats
	st.Held = len(p.backlog)
	return st
}

// wait blocks until nothing is ready, held back or in flight (see
// Server.WaitPushes).
func (p *pusher) wait(ctx context.Context) error {
	for {
		p.mu.Lock()
		settled := len(p.ready) == 0 && len(p.delayed) == 0 && p.inflight == 0 &&
			(len(p.backlog) == 0 || p.down || p.blocked)
		ch := p.changed
		p.mu.Unlock()
		if settled {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// chance maps (seed, purpose, key) to a number in [0, 1), the same on every
// run: FNV-1a, then the SplitMix64 finaliser to spread the bits.
func chance(seed int64, purpose, key string) float64 {
	h := fnv.New64a()
	var b [8]byte
	for i := range b {
		b[i] = byte(uint64(seed) >> (8 * i))
	}
	_, _ = h.Write(b[:])
	_, _ = io.WriteString(h, purpose)
	_, _ = h.Write([]byte{0})
	_, _ = io.WriteString(h, key)
	x := h.Sum64()
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return float64(x>>11) / (1 << 53)
}

// orDefault replaces a setting left zero (or negative) by its default.
func orDefault[T int | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}
