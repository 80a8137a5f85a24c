package commands_test

import (
	"context"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
	"github.com/iotclient/iotclient-go/pagination"
)

// exportClient is a client over the fake's loopback address.
func exportClient(t testing.TB, s *commandstest.Server, opts ...iotclient.Option) *commands.Client {
	t.Helper()
	opts = append([]iotclient.Option{iotclient.WithBackoff(time.Millisecond, 4*time.Millisecond)}, opts...)
	c, err := commands.NewClient(s.Config(), opts...)
	require.NoError(t, err)
	return c
}

func exportIDs(t *testing.T, seq func(func(commands.Command, error) bool)) []string {
	t.Helper()
	var ids []string
	for cmd, err := range seq {
		require.NoError(t, err)
		ids = append(ids, cmd.ID)
	}
	return ids
}

func TestExportExactlyOnceInOrder(t *testing.T) {
	s := commandstest.NewServer()
	defer s.Close()
	seeded := historyOnly(s.Seed("dev-x", 2345, 7))
	c := exportClient(t, s)
	ctx := context.Background()
	for _, q := range []commands.HistoryQuery{
		{},
		{PageSize: 7},
		{PageSize: 30, Offset: 13},
		{Marker: seeded[100].ID},
		{Marker: seeded[100].ID, Offset: 499, PageSize: 50},
		{Status: commands.StatusSuccessful},
		{CommandName: "REBOOT", PageSize: 9},
		{Since: seeded[1500].CreatedAt, Until: seeded[200].CreatedAt},
	} {
		want := exportIDs(t, c.History(ctx, "dev-x", q))
		require.NotEmpty(t, want)
		for _, conc := range []int{0, 1, 2, 3, 11, 64} {
			got := exportIDs(t, c.Export(ctx, "dev-x", q, commands.ExportOptions{Concurrency: conc}))
			require.Equal(t, want, got, "query %+v, concurrency %d", q, conc)
		}
	}
	// The whole history, against the server's own list.
	got := exportIDs(t, c.Export(ctx, "dev-x", commands.HistoryQuery{}, commands.ExportOptions{}))
	require.Len(t, got, len(seeded))
	for i := range seeded {
		require.Equal(t, seeded[i].ID, got[i], "record %d", i)
	}
}

// A history of exactly one or several full windows ends without a
// spurious request beyond what the sequential loop needs, and the end of
// the history lands anywhere in a window.
func TestExportWindowBoundaries(t *testing.T) {
	for _, n := range []int{0, 1, 50, 51, 550, 600, 601, 1150, 1151} {
		s := commandstest.NewServer()
		generate(t, s, "gen", n)
		c := exportClient(t, s)
		got := exportIDs(t, c.Export(context.Background(), "gen", commands.HistoryQuery{}, commands.ExportOptions{}))
		require.Len(t, got, n)
		for i, id := range got {
			require.Equal(t, genID(n-1-i), id)
		}
		s.Close()
	}
}

func TestExportValidation(t *testing.T) {
	c, mt := unitClient(t)
	for _, tc := range []struct {
		device, field string
		q             commands.HistoryQuery
		opts          commands.ExportOptions
	}{
		{"dev-1", "ExportOptions.Concurrency", commands.HistoryQuery{}, commands.ExportOptions{Concurrency: -1}},
		{"dev-1", "ExportOptions.Concurrency", commands.HistoryQuery{}, commands.ExportOptions{Concurrency: 65}},
		{"dev/1", "deviceID", commands.HistoryQuery{}, commands.ExportOptions{}},
		{"dev-1", "HistoryQuery.PageSize", commands.HistoryQuery{PageSize: 51}, commands.ExportOptions{}},
	} {
		n := 0
		for _, err := range c.Export(context.Background(), tc.device, tc.q, tc.opts) {
			n++
			var ve *iotclient.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
		}
		assert.Equal(t, 1, n)
	}
	assert.Equal(t, 0, mt.GetTotalCallCount())
}

// An error ends the export after every record before it, once.
func TestExportErrorAfterEarlierRecords(t *testing.T) {
	s := commandstest.NewServer()
	defer s.Close()
	generate(t, s, "gen", 2000)
	c := exportClient(t, s, iotclient.WithRetry(0))
	// Requests 1 (the first page) and 2 to 4 succeed; the fifth fails.
	var got []string
	var errs []error
	// Let the first page through, then fail one request of the window.
	first := true
	for cmd, err := range c.Export(context.Background(), "gen", commands.HistoryQuery{}, commands.ExportOptions{Concurrency: 4}) {
		if first {
			s.FailNext(1, commandstest.Fault{Status: 400, Code: "IOTDA.000006"})
			first = false
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		got = append(got, cmd.ID)
	}
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], iotclient.ErrInvalidArgument)
	// The records before the failed page came out, in order, and nothing
	// after it.
	require.NotEmpty(t, got)
	assert.Zero(t, len(got)%50)
	for i, id := range got {
		require.Equal(t, genID(1999-i), id)
	}
}

func TestExportBreakCancelsInFlight(t *testing.T) {
	s := commandstest.NewServer()
	defer s.Close()
	generate(t, s, "gen", 5000)
	c := exportClient(t, s)
	s.SetLatency(2 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// From a marker the window's pages are fetched at once, two at a time
	// here: pages 0 and 1 arrive after 2 s, page 2 (and perhaps 3) is
	// requested as page 0 is consumed, and the loop breaks in page 1 while
	// it is in flight. Waiting for it would take another 2 s.
	start := time.Now()
	n := 0
	for _, err := range c.Export(ctx, "gen", commands.HistoryQuery{Marker: genID(4000)}, commands.ExportOptions{Concurrency: 2}) {
		require.NoError(t, err)
		if n++; n == 60 {
			// Page 2 has reached the server and waits there.
			require.Eventually(t, func() bool { return s.Requests() >= 3 }, time.Second, time.Millisecond)
			break
		}
	}
	elapsed := time.Since(start)
	assert.Less(t, elapsed, 3500*time.Millisecond, "the requests in flight were waited out, not cancelled")
	requireNoExportGoroutines(t)
}

// requireNoExportGoroutines checks that no goroutine of the SDK's
// iteration machinery is left (the transport's idle connections have
// goroutines of their own, which are not the SDK's).
func requireNoExportGoroutines(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for {
		buf := make([]byte, 1<<20)
		stacks := string(buf[:runtime.Stack(buf, true)])
		leaked := ""
		for _, g := range strings.Split(stacks, "\n\n") {
			if strings.Contains(g, "iotclient-go/commands.") || strings.Contains(g, "iotclient-go/pagination.") ||
				strings.Contains(g, "iotclient-go/internal/core.") {
				if !strings.Contains(g, "testing.tRunner") { // the test itself
					leaked += g + "\n\n"
				}
			}
		}
		if leaked == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("goroutines left:\n%s", leaked)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// With concurrency 1, the next page is fetched while the loop works on the
// current one, and never more than that.
func TestExportPrefetchOnePageAhead(t *testing.T) {
	s := commandstest.NewServer()
	defer s.Close()
	generate(t, s, "gen", 500)
	c := exportClient(t, s)
	i := 0
	for _, err := range c.Export(context.Background(), "gen", commands.HistoryQuery{}, commands.ExportOptions{Concurrency: 1}) {
		require.NoError(t, err)
		page := i / 50
		if i%50 == 49 && page < 9 {
			// By the end of a page, the next one has been asked for...
			require.Eventually(t, func() bool { return s.Requests() == page+2 }, 5*time.Second, time.Millisecond)
		}
		// ...and never the one after. (This runs over real HTTP, where
		// synctest cannot wait for the prefetcher; the pause only makes a
		// runaway prefetch likelier to show, the test does not rely on it.)
		time.Sleep(20 * time.Microsecond)
		require.LessOrEqual(t, s.Requests(), page+2, "record %d", i)
		i++
	}
	assert.Equal(t, 500, i)
	assert.Equal(t, 11, s.Requests(), "ten full pages and the empty one that ends the history")

	// A break after the first record: two requests at most.
	before := s.Requests()
	for range c.Export(context.Background(), "gen", commands.HistoryQuery{}, commands.ExportOptions{Concurrency: 1}) {
		break
	}
	assert.LessOrEqual(t, s.Requests()-before, 2)
	requireNoExportGoroutines(t)
}

func TestExportRespectsTheRateLimit(t *testing.T) {
	s := commandstest.NewServer()
	defer s.Close()
	generate(t, s, "gen", 1000) // 21 requests: the first page, then 20 more
	c := exportClient(t, s, iotclient.WithRateLimit(100, 1))
	start := time.Now()
	n := len(exportIDs(t, c.Export(context.Background(), "gen", commands.HistoryQuery{}, commands.ExportOptions{})))
	assert.Equal(t, 1000, n)
	reqs := s.Requests()
	assert.GreaterOrEqual(t, time.Since(start), time.Duration(reqs-1)*10*time.Millisecond*9/10,
		"%d requests at 100 a second", reqs)
}

func TestExportStuckMarker(t *testing.T) {
	c, mt := unitClient(t)
	// Every page is full and names the same marker.
	page := `{"commands":[` + strings.TrimSuffix(strings.Repeat(`{"command_id":"abc"},`, 2), ",") + `],"page":{"marker":"abc"}}`
	mt.RegisterResponder("GET", unitHistory, func(*http.Request) (*http.Response, error) {
		return httpmock.NewStringResponse(200, page), nil
	})
	var last error
	for _, err := range c.Export(context.Background(), "dev-1", commands.HistoryQuery{PageSize: 2, Marker: "abc"}, commands.ExportOptions{Concurrency: 3}) {
		if err != nil {
			last = err
		}
	}
	require.ErrorIs(t, last, pagination.ErrStuckCursor)
}
