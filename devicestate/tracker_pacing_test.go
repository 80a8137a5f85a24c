package devicestate_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/devicestate"
	"github.com/iotclient/iotclient-go/devicestate/devicestatetest"
	"github.com/iotclient/iotclient-go/notify"
)

// requestLog records when (in the bubble's clock) each request came.
type requestLog struct {
	mu    sync.Mutex
	start time.Time
	lists []time.Duration
	gets  []time.Duration
}

func (l *requestLog) transport(h http.Handler) http.RoundTripper {
	return roundTripper(func(r *http.Request) (*http.Response, error) {
		l.mu.Lock()
		at := time.Since(l.start)
		if strings.HasSuffix(r.URL.Path, "/devices") {
			l.lists = append(l.lists, at)
		} else {
			l.gets = append(l.gets, at)
		}
		l.mu.Unlock()
		return handlerTransport{h}.RoundTrip(r)
	})
}

func (l *requestLog) take() (lists, gets []time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	lists, gets = l.lists, l.gets
	l.lists, l.gets, l.start = nil, nil, time.Now()
	return lists, gets
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func ms(ds ...int) []time.Duration {
	out := make([]time.Duration, len(ds))
	for i, d := range ds {
		out[i] = time.Duration(d) * time.Millisecond
	}
	return out
}

func TestTrackerPacesAndRetriesReconciliation(t *testing.T) {
	srv := devicestatetest.NewServer(devicestatetest.WithNow(t0))
	defer srv.Close()
	srv.Seed(120, 8)
	synctest.Test(t, func(t *testing.T) {
		log := &requestLog{start: time.Now()}
		cfg := srv.Config()
		cfg.Auth = auth.Token(devicestatetest.Token)
		c, err := devicestate.NewClient(cfg, iotclient.WithRetry(0),
			iotclient.WithHTTPClient(&http.Client{Transport: log.transport(srv.Handler())}))
		require.NoError(t, err)
		f := newFeed()
		reconciled := make(chan int)
		var errs []error
		tr, err := devicestate.NewTracker(c, f.seq, devicestate.TrackerConfig{
			ReconcileDevices: 5,
			OnReconciled:     func(n int) { reconciled <- n },
			OnError:          func(err error) { errs = append(errs, err) },
		})
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { done <- tr.Run(ctx) }()

		assert.Equal(t, 120, <-reconciled)
		lists, _ := log.take()
		assert.Equal(t, ms(0, 200, 400), lists, "the snapshot's three pages, 200ms apart")

		f.fail(&notify.LossError{Reason: "reconnected"})
		assert.Equal(t, 5, <-reconciled)
		_, gets := log.take()
		assert.Equal(t, ms(200, 400, 600, 800, 1000), gets, "five Gets, 200ms apart, and from the snapshot's last page")

		// A reconciliation that fails is tried again a second later, then
		// two.
		srv.FailNext(2, devicestatetest.Fault{Status: http.StatusForbidden})
		f.fail(&notify.LossError{Reason: "503"})
		assert.Equal(t, 5, <-reconciled)
		_, gets = log.take()
		assert.Equal(t, ms(200, 1200, 3200, 3400, 3600, 3800, 4000), gets)
		require.Len(t, errs, 4, "two losses, two failures")
		assert.ErrorIs(t, errs[2], iotclient.ErrForbidden)
		assert.Contains(t, errs[2].Error(), "reconciling after a gap")

		cancel()
		assert.ErrorIs(t, <-done, context.Canceled)
		close(f.ch)
	})
}
