package notify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/iotclient/iotclient-go/internal/invalid"
)

// Defaults and limits of HandlerConfig.
const (
	DefaultQueueSize = 1024
	// DefaultQueueWait is how long a push waits for room in a full queue
	// before it is answered 503.
	DefaultQueueWait = 5 * time.Second
	// MaxQueueWait keeps the answer well inside the 15 s after which the
	// platform counts a push as failed (and discards it).
	MaxQueueWait = 10 * time.Second
	// DefaultMaxBodySize is the body size cap: device messages may be 1 MB,
	// and the platform's own limit is unconfirmed.
	DefaultMaxBodySize = 2 << 20
)

var (
	// ErrUnverified matches the error reported for a push that
	// HandlerConfig.Verify refused.
	ErrUnverified = errors.New("notify: the push did not verify")
	// ErrHandlerNotBuilt: Notifications on a nil or zero Handler, which
	// also answers every push 503.
	ErrHandlerNotBuilt = errors.New("notify: the Handler was not built by NewHandler")
)

// HandlerConfig tunes a Handler. The zero value is ready to use.
type HandlerConfig struct {
	// QueueSize is how many notifications wait between the HTTP requests
	// and the stream (Handler.Notifications); 0 means DefaultQueueSize.
	QueueSize int
	// QueueWait is how long a push waits for room in a full queue before
	// it is answered 503 and reported lost; 0 means DefaultQueueWait, at
	// most MaxQueueWait.
	QueueWait time.Duration
	// MaxBodySize caps a push's body in bytes; a larger one is answered
	// 413 and reported lost. 0 means DefaultMaxBodySize.
	MaxBodySize int64
	// Verify, when set, checks each push before it is decoded; an error
	// answers 401 and the push is dropped. The platform can sign pushes
	// with a token (the forwarding rule's signature_enable and token), but
	// the header and the algorithm are unconfirmed, so the SDK checks
	// nothing by default: protect the endpoint with HTTPS and an
	// unguessable path meanwhile, or verify here. The body must not be
	// kept.
	Verify func(r *http.Request, body []byte) error
	// OnDrop, when set, is called for every push not handed to the stream
	// as a notification: a *DocumentError (undecodable, answered 200), a
	// *LossError (answered 503 or 413) or an error matching ErrUnverified
	// (answered 401). It runs on the request's goroutine, so it must
	// return quickly: the platform waits for the answer.
	OnDrop func(error)
}

// HandlerStats counts what a Handler did with the pushes it received.
type HandlerStats struct {
	Queued      int64 // decoded and handed to the stream
	Undecodable int64 // not decodable: answered 200, reported on the stream
	Lost        int64 // answered 503 (no room in time, or closed) or 413 (too large), cut short, or undecodable with no room on the stream
	Refused     int64 // refused by Verify: answered 401
}

// Handler receives IoTDA's HTTP(S) pushes (an HTTP_FORWARDING rule
// action) and streams them as notifications. Mount it at the rule's URL on
// a server of your own; it is safe for concurrent use.
//
// The platform discards a push not answered 200 within 15 s, and
// blocklists the host after 10 failures in a row. So the handler decodes
// each push on its request's goroutine and answers 200 as soon as it is in
// the queue, without waiting for the consumer; an undecodable document is
// answered 200 too (a 4xx would count towards the blocklist) and reported.
// When the queue stays full for QueueWait, the push is answered 503 and
// reported lost: through OnDrop, Stats and an error matching ErrLost on
// the stream. Methods other than POST are answered 405.
type Handler struct {
	queue   chan item
	wait    time.Duration
	maxBody int64
	verify  func(*http.Request, []byte) error
	onDrop  func(error)

	closeOnce sync.Once
	closed    chan struct{}

	// lostSignal wakes a waiting stream when pushes are lost while it
	// waits for the next notification.
	lostSignal chan struct{}
	mu         sync.Mutex // guards lostCount and lostReason
	lostCount  int
	lostReason string

	queued, undecodable, lost, refused atomic.Int64
}

// item is one element of the stream on its way through the queue.
type item struct {
	n   Notification
	err error
}

// NewHandler checks cfg and builds a Handler; a bad value is an
// *iotclient.ValidationError naming the field.
func NewHandler(cfg HandlerConfig) (*Handler, error) {
	switch {
	case cfg.QueueSize < 0:
		return nil, invalid.Field("HandlerConfig.QueueSize", strconv.Itoa(cfg.QueueSize), "must not be negative (0 means 1024)")
	case cfg.QueueWait < 0 || cfg.QueueWait > MaxQueueWait:
		return nil, invalid.Field("HandlerConfig.QueueWait", cfg.QueueWait.String(), "must be between 0 and 10s: the platform gives up after 15s")
	case cfg.MaxBodySize < 0:
		return nil, invalid.Field("HandlerConfig.MaxBodySize", strconv.FormatInt(cfg.MaxBodySize, 10), "must not be negative (0 means 2 MiB)")
	}
	size := cfg.QueueSize
	if size == 0 {
		size = DefaultQueueSize
	}
	h := &Handler{
		queue:      make(chan item, size),
		wait:       cfg.QueueWait,
		maxBody:    cfg.MaxBodySize,
		verify:     cfg.Verify,
		onDrop:     cfg.OnDrop,
		closed:     make(chan struct{}),
		lostSignal: make(chan struct{}, 1),
	}
	if h.wait == 0 {
		h.wait = DefaultQueueWait
	}
	if h.maxBody == 0 {
		h.maxBody = DefaultMaxBodySize
	}
	return h, nil
}

// ServeHTTP receives one push: see Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !h.built() {
		http.Error(w, ErrHandlerNotBuilt.Error(), http.StatusServiceUnavailable)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "only POST is allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := h.readBody(w, r)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			h.drop(&LossError{Count: 1, Reason: fmt.Sprintf("a push of more than %d bytes was refused (413)", h.maxBody)})
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		h.drop(&LossError{Count: 1, Reason: "reading a push's body: " + err.Error()})
		http.Error(w, "cannot read the body", http.StatusBadRequest)
		return
	}
	if h.verify != nil {
		if err := h.verify(r, body); err != nil {
			h.refused.Add(1)
			h.report(fmt.Errorf("%w: %w", ErrUnverified, err))
			http.Error(w, "not verified", http.StatusUnauthorized)
			return
		}
	}
	n, err := Decode(body)
	if err != nil {
		h.undecodable.Add(1)
		h.report(err)
		// Reported on the stream if there is room; never waited for, since
		// the answer is 200 anyway, and counted as a loss otherwise.
		select {
		case h.queue <- item{err: err}:
		default:
			h.addLost(1, "an undecodable push found the queue full")
		}
		w.WriteHeader(http.StatusOK)
		return
	}
	if !h.enqueue(r.Context(), n) {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	h.queued.Add(1)
	w.WriteHeader(http.StatusOK)
}

// readBody reads the body within the size cap, into a buffer sized from
// Content-Length when the request has one (net/http ends the body there).
func (h *Handler) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	rd := http.MaxBytesReader(w, r.Body, h.maxBody)
	defer rd.Close()
	switch n := r.ContentLength; {
	case n > h.maxBody:
		return nil, &http.MaxBytesError{Limit: h.maxBody}
	case n >= 0:
		buf := make([]byte, n)
		if _, err := io.ReadFull(rd, buf); err != nil {
			return nil, err
		}
		return buf, nil
	}
	return io.ReadAll(rd)
}

// enqueue hands n to the stream, waiting up to the queue wait for room;
// false when it could not (the loss is reported).
func (h *Handler) enqueue(ctx context.Context, n Notification) bool {
	select {
	case <-h.closed:
		h.drop(&LossError{Count: 1, Reason: "the handler is closed (503)"})
		return false
	default:
	}
	select {
	case h.queue <- item{n: n}:
		return true
	default:
	}
	t := time.NewTimer(h.wait)
	defer t.Stop()
	select {
	case h.queue <- item{n: n}:
		return true
	case <-t.C:
		h.drop(&LossError{Count: 1, Reason: "the stream did not take it within " + h.wait.String() + " (503)"})
	case <-h.closed:
		h.drop(&LossError{Count: 1, Reason: "the handler closed while it waited (503)"})
	case <-ctx.Done():
		h.drop(&LossError{Count: 1, Reason: "the platform gave up waiting for the answer"})
	}
	return false
}

// drop reports a lost push everywhere: OnDrop, Stats and the stream.
func (h *Handler) drop(e *LossError) {
	h.report(e)
	h.addLost(e.Count, e.Reason)
}

func (h *Handler) report(err error) {
	if h.onDrop != nil {
		h.onDrop(err)
	}
}

// addLost counts lost pushes and wakes a stream waiting for the next
// notification, which reports them.
func (h *Handler) addLost(n int, reason string) {
	h.lost.Add(int64(n))
	h.mu.Lock()
	h.lostCount += n
	h.lostReason = reason
	h.mu.Unlock()
	select {
	case h.lostSignal <- struct{}{}:
	default:
	}
}

// takeLost returns the losses not reported on the stream yet, as one
// error (nil when none), with the last reason.
func (h *Handler) takeLost() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.lostCount == 0 {
		return nil
	}
	e := &LossError{Count: h.lostCount, Reason: h.lostReason}
	h.lostCount, h.lostReason = 0, ""
	return e
}

// built reports whether h was built by NewHandler.
func (h *Handler) built() bool { return h != nil && h.closed != nil }

// Stats returns the handler's counters so far.
func (h *Handler) Stats() HandlerStats {
	if !h.built() {
		return HandlerStats{}
	}
	return HandlerStats{
		Queued: h.queued.Load(), Undecodable: h.undecodable.Load(),
		Lost: h.lost.Load(), Refused: h.refused.Load(),
	}
}

// Close makes the handler answer every push 503 at once, those waiting for
// room included, and ends the streams once they have yielded what the
// queue holds. Call it before shutting the server down, so that no request
// holds the shutdown up for QueueWait. It is safe to call more than once.
func (h *Handler) Close() {
	if h.built() {
		h.closeOnce.Do(func() { close(h.closed) })
	}
}

// Notifications returns the stream of the pushes received, in the order
// they were queued. A *DocumentError (an undecodable push) and a
// *LossError (pushes answered 503 or 413; reported when the stream is next
// ranged, possibly before notifications queued earlier) do not end it:
// see IsTransient. It ends without an error when ctx ends, the loop
// breaks, or the handler is closed and its queue empty; on a Handler not
// built by NewHandler, it yields ErrHandlerNotBuilt and ends. Several
// ranges may run at once; each notification goes to one of them.
func (h *Handler) Notifications(ctx context.Context) iter.Seq2[Notification, error] {
	return func(yield func(Notification, error) bool) {
		if !h.built() {
			yield(Notification{}, ErrHandlerNotBuilt)
			return
		}
		for {
			select {
			case it := <-h.queue:
				if !h.yieldLost(yield) || !yield(it.n, it.err) {
					return
				}
			case <-h.lostSignal:
				if !h.yieldLost(yield) {
					return
				}
			case <-ctx.Done():
				return
			case <-h.closed:
				h.drain(yield)
				return
			}
		}
	}
}

// yieldLost yields the losses not reported yet, if any; false when the
// loop broke.
func (h *Handler) yieldLost(yield func(Notification, error) bool) bool {
	err := h.takeLost()
	return err == nil || yield(Notification{}, err)
}

// drain yields what the queue still holds once the handler is closed.
func (h *Handler) drain(yield func(Notification, error) bool) {
	for {
		if !h.yieldLost(yield) {
			return
		}
		select {
		case it := <-h.queue:
			if !yield(it.n, it.err) {
				return
			}
		default:
			return
		}
	}
}
