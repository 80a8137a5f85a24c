package commands_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
	"github.com/iotclient/iotclient-go/internal/core"
)

// faultyClient is a client over the fake's loopback address with fast
// backoff, so fault tests spend their time on requests rather than waits.
func faultyClient(t *testing.T, s *commandstest.Server, opts ...iotclient.Option) *commands.Client {
	t.Helper()
	opts = append([]iotclient.Option{iotclient.WithBackoff(time.Millisecond, 4*time.Millisecond)}, opts...)
	c, err := commands.NewClient(s.Config(), opts...)
	require.NoError(t, err)
	return c
}

func TestE2EExactlyOnceUnderRandomFaults(t *testing.T) {
	s := commandstest.NewServer()
	defer s.Close()
	seeded := historyOnly(s.Seed("dev-faults", 5000, 9))
	s.SetFaultRate(0.2, 2026,
		commandstest.Fault{Status: 429},
		commandstest.Fault{Status: 503},
		commandstest.Fault{Drop: true},
		commandstest.Fault{Truncate: true},
	)
	c := faultyClient(t, s, iotclient.WithRetry(10))
	var got []string
	for cmd, err := range c.History(context.Background(), "dev-faults", commands.HistoryQuery{}) {
		require.NoError(t, err)
		got = append(got, cmd.ID)
	}
	assert.Equal(t, mockIDs(seeded, nil), got, "every record exactly once, in order")
	injected := s.FaultsInjected()
	t.Logf("records checked: %d; requests: %d; faults injected and survived: %d",
		len(got), s.Requests(), injected)
	assert.Greater(t, injected, 10, "the test must actually have met faults")
}

func TestE2EEveryRequestFailingEndsWithOneError(t *testing.T) {
	s := commandstest.NewServer()
	defer s.Close()
	s.Seed("dev-down", 100, 1)
	s.SetFaultRate(1, 1, commandstest.Fault{Status: 503})
	c := faultyClient(t, s, iotclient.WithRetry(3))
	var errs []error
	n := 0
	for _, err := range c.History(context.Background(), "dev-down", commands.HistoryQuery{}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	require.Len(t, errs, 1)
	assert.Zero(t, n)
	var ae *iotclient.APIError
	require.ErrorAs(t, errs[0], &ae)
	assert.Equal(t, 503, ae.StatusCode)
	assert.Equal(t, 4, ae.Attempts)
	assert.Contains(t, errs[0].Error(), "after 4 attempts")
	assert.Equal(t, 4, s.Requests())
}

func TestE2EConcurrentUseAndNoLeakedGoroutines(t *testing.T) {
	s := commandstest.NewServer()
	defer s.Close()
	seeded := historyOnly(s.Seed("dev-shared", 300, 3))
	c := faultyClient(t, s)
	before := runtime.NumGoroutine()

	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 64 {
		wg.Go(func() {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			n := 0
			for cmd, err := range c.History(ctx, "dev-shared", commands.HistoryQuery{PageSize: 20}) {
				if err != nil {
					errs <- err
					return
				}
				if cmd.ID != seeded[n].ID {
					errs <- fmt.Errorf("goroutine %d: record %d is %s, want %s", g, n, cmd.ID, seeded[n].ID)
					return
				}
				n++
				if g%2 == 0 && n == 45 {
					cancel() // half of them abandon the iteration midway
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if !strings.Contains(err.Error(), "context canceled") {
			t.Error(err)
		}
	}
	// Idle keep-alive connections have goroutines of their own: close them,
	// then every goroutine the iterations started must be gone.
	assertNoGoroutinesBeyond(t, before)
}

// assertNoGoroutinesBeyond checks, as goleak does, that the goroutine count
// settles back to before within a bounded time. Idle keep-alive connections
// have goroutines of their own and one may become idle just after a close,
// so they are closed on every look.
func assertNoGoroutinesBeyond(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		http.DefaultTransport.(*http.Transport).CloseIdleConnections()
		core.CloseIdleConnections() // the SDK's default transport
		n := runtime.NumGoroutine()
		if n <= before {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines, want at most %d:\n%s", n, before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(5 * time.Millisecond) // a poll interval, not a wait for an event
	}
}

func TestE2ERateLimitSharedByCalls(t *testing.T) {
	s := commandstest.NewServer()
	defer s.Close()
	s.Seed("dev-rl", 10, 3)
	c := faultyClient(t, s, iotclient.WithRateLimit(50, 1))
	start := time.Now()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 5 {
				_, err := c.HistoryPage(context.Background(), "dev-rl", commands.HistoryQuery{})
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()
	// 20 calls at 50/s with a burst of 1 take 19 intervals of 20ms (380ms;
	// the bound leaves room for timer slack), where unlimited they take a
	// few milliseconds.
	assert.GreaterOrEqual(t, time.Since(start), 300*time.Millisecond)
	assert.Equal(t, 20, s.Requests())
}

func TestSecretsNeverPrinted(t *testing.T) {
	const sk, tok = "super-secret-key-value-123", "tok-secret-value-456"
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s := commandstest.NewServer()
	defer s.Close()
	for _, cred := range []auth.Credential{auth.AKSK("AKEXAMPLE", sk), auth.Token(tok)} {
		cfg := s.Config()
		cfg.Auth = cred
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			out := fmt.Sprintf(verb, cfg)
			assert.NotContains(t, out, sk)
			assert.NotContains(t, out, tok)
			out = fmt.Sprintf(verb, &cfg)
			assert.NotContains(t, out, sk)
			assert.NotContains(t, out, tok)
		}
		c, err := commands.NewClient(cfg, iotclient.WithLogger(logger), iotclient.WithRetry(0))
		require.NoError(t, err)
		_, err = c.HistoryPage(context.Background(), "dev-x", commands.HistoryQuery{})
		require.ErrorIs(t, err, iotclient.ErrUnauthorized)
		assert.NotContains(t, err.Error(), sk)
		assert.NotContains(t, err.Error(), tok)
	}
	require.Contains(t, logs.String(), "iotclient request")
	assert.NotContains(t, logs.String(), sk)
	assert.NotContains(t, logs.String(), tok)
	assert.NotContains(t, logs.String(), "Signature=")
}
