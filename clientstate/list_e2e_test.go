package clientstate_test

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iotclient/iotclient-go/clientstate"
)

const seededClients = 2345

// collect ranges over seq, failing the test on an error.
func collect(t *testing.T, seq func(func(clientstate.State, error) bool)) []clientstate.State {
	t.Helper()
	var out []clientstate.State
	for st, err := range seq {
		require.NoError(t, err)
		out = append(out, st)
	}
	return out
}

func stateIDs(states []clientstate.State) []string {
	out := make([]string, len(states))
	for i, st := range states {
		out[i] = st.ClientID
	}
	return out
}

func TestListYieldsEveryClientExactlyOnce(t *testing.T) {
	s, c := newMockClient(t)
	s.Seed(seededClients, 7)
	want := s.States()
	require.Len(t, want, seededClients)

	got := collect(t, c.List(context.Background(), clientstate.ListQuery{}))
	require.Len(t, got, seededClients)
	seen := make(map[string]bool, len(got))
	for i, st := range got {
		require.False(t, seen[st.ClientID], "client %s yielded twice", st.ClientID)
		seen[st.ClientID] = true
		require.Equal(t, want[i], st, "record %d", i)
	}
	// ceil(2345 / DefaultPageSize) pages, no more.
	assert.Equal(t, (seededClients+clientstate.DefaultPageSize-1)/clientstate.DefaultPageSize, s.Requests())

	// The seeded data has absent times and unknown fields: make sure both
	// were actually exercised.
	var absent, extra bool
	for _, st := range got {
		absent = absent || st.LastDisconnected.IsZero() || st.LastConnected.IsZero()
		extra = extra || len(st.Extra) > 0
	}
	assert.True(t, absent && extra, "the seed should cover absent times and extra fields")
}

func TestListFiltersYieldExactlyTheMatchingSubset(t *testing.T) {
	s, c := newMockClient(t)
	all := s.Seed(seededClients, 11)
	after := s.Now().Add(-48 * time.Hour)
	// A device ID that exists, taken from the data.
	var someDevice string
	for _, cl := range all {
		if _, dev, ok := deviceParts(cl.ClientID); ok {
			someDevice = dev
			break
		}
	}
	require.NotEmpty(t, someDevice)
	connectedAfter := func(cl clientstate.State) bool {
		return !cl.LastConnected.IsZero() && cl.LastConnected.After(after)
	}
	ofType := func(typ string) func(clientstate.State) bool {
		return func(cl clientstate.State) bool { t, _, ok := deviceParts(cl.ClientID); return ok && t == typ }
	}

	for name, tc := range map[string]struct {
		q    clientstate.ListQuery
		keep func(clientstate.State) bool
	}{
		"connected": {clientstate.ListQuery{Status: clientstate.StatusConnected, PageSize: 37},
			func(cl clientstate.State) bool { return cl.Status == clientstate.StatusConnected }},
		"disconnected": {clientstate.ListQuery{Status: clientstate.StatusDisconnected},
			func(cl clientstate.State) bool { return cl.Status == clientstate.StatusDisconnected }},
		"connected after":  {clientstate.ListQuery{ConnectedAfter: after.In(time.FixedZone("X", -5*3600)), PageSize: 25}, connectedAfter},
		"device type":      {clientstate.ListQuery{DeviceType: "sensor", PageSize: 10}, ofType("sensor")},
		"long device type": {clientstate.ListQuery{DeviceType: "building-automation-controller.gen42"}, ofType("building-automation-controller.gen42")},
		"device ID": {clientstate.ListQuery{DeviceID: someDevice},
			func(cl clientstate.State) bool {
				_, d, ok := deviceParts(cl.ClientID)
				return ok && d == someDevice
			}},
		"combined": {clientstate.ListQuery{Status: clientstate.StatusDisconnected, ConnectedAfter: after, DeviceType: "pump-v2", PageSize: 3},
			func(cl clientstate.State) bool {
				return cl.Status == clientstate.StatusDisconnected && connectedAfter(cl) && ofType("pump-v2")(cl)
			}},
	} {
		t.Run(name, func(t *testing.T) {
			want := ids(all, tc.keep)
			require.NotEmpty(t, want, "the filter should match something")
			require.Less(t, len(want), len(all), "the filter should exclude something")
			got := stateIDs(collect(t, c.List(context.Background(), tc.q)))
			assert.Equal(t, want, got)
		})
	}
}

func TestListSortDescendingActivity(t *testing.T) {
	s, c := newMockClient(t)
	all := s.Seed(500, 3)
	want := slices.Clone(all)
	// Descending lastActivityTime, absent last, ties by ascending ID.
	slices.SortStableFunc(want, func(a, b clientstate.State) int {
		if r := b.LastActivity.Compare(a.LastActivity); r != 0 {
			return r
		}
		return strings.Compare(a.ClientID, b.ClientID)
	})
	got := collect(t, c.List(context.Background(), clientstate.ListQuery{Sort: []string{"-lastActivityTime"}, PageSize: 33}))
	assert.Equal(t, ids(want, everyState), stateIDs(got))
	assert.True(t, slices.IsSortedFunc(got, func(a, b clientstate.State) int {
		return cmp.Compare(b.LastActivity.UnixNano(), a.LastActivity.UnixNano())
	}))
}

func TestListPageBookmarkResumesExactly(t *testing.T) {
	s, c := newMockClient(t)
	all := s.Seed(seededClients, 5)
	want := ids(all, func(cl clientstate.State) bool { return cl.Status == clientstate.StatusConnected })

	q := clientstate.ListQuery{Status: clientstate.StatusConnected, PageSize: 50}
	var got []string
	pages := 0
	for {
		p, err := c.ListPage(context.Background(), q)
		require.NoError(t, err)
		pages++
		require.True(t, p.HasTotal)
		assert.Equal(t, len(want), p.Total)
		assert.NotEmpty(t, p.RequestID)
		got = append(got, stateIDs(p.Items)...)
		if p.Next == "" {
			break
		}
		assert.Len(t, p.Items, 50, "only the last page may be short")
		q.Bookmark = p.Next
		if pages == 3 {
			// List resumes from the same bookmark with the same rest.
			rest := stateIDs(collect(t, c.List(context.Background(), q)))
			assert.Equal(t, want[150:], rest)
		}
	}
	assert.Equal(t, want, got)
	assert.Equal(t, (len(want)+49)/50, pages)
}

func TestListBreakCostsOneRequestAndRangesAgain(t *testing.T) {
	s, c := newMockClient(t)
	all := s.Seed(seededClients, 9)
	seq := c.List(context.Background(), clientstate.ListQuery{})
	for range 2 { // re-rangeable: the second range starts again
		before, beforeList := s.Requests(), s.requests(listPath)
		var got []string
		for st, err := range seq {
			require.NoError(t, err)
			got = append(got, st.ClientID)
			if len(got) == 3 {
				break
			}
		}
		assert.Equal(t, ids(all[:3], everyState), got)
		assert.Equal(t, 1, s.requests(listPath)-beforeList)
		assert.Equal(t, 1, s.Requests()-before)
	}
}

func TestListCancelledContextStopsPaging(t *testing.T) {
	s, c := newMockClient(t)
	s.Seed(300, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	var last error
	for _, err := range c.List(ctx, clientstate.ListQuery{PageSize: 100}) {
		if err != nil {
			last = err
			continue
		}
		n++
		if n == 100 {
			cancel()
		}
	}
	assert.ErrorIs(t, last, context.Canceled)
	assert.Equal(t, 100, n)
	assert.Equal(t, 1, s.Requests())
}
