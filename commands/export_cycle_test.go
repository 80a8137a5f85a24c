package commands_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/pagination"
)

// alternatingMarkers answers full pages of 50 distinct records for every
// marker and offset, naming marker A after the start and after B, and B
// after A: the windows' markers go round A, B, A, B, ... for ever.
func alternatingMarkers(requests *atomic.Int32) httpmock.Responder {
	return func(r *http.Request) (*http.Response, error) {
		requests.Add(1)
		q := r.URL.Query()
		marker, offset := q.Get("marker"), q.Get("offset")
		next := map[string]string{"": "A", "A": "B", "B": "A"}[marker]
		var b strings.Builder
		b.WriteString(`{"commands":[`)
		for i := range 50 {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"command_id":"m%s-o%s-%d"}`, marker, offset, i)
		}
		fmt.Fprintf(&b, `],"page":{"marker":%q}}`, next)
		return httpmock.NewStringResponse(200, b.String()), nil
	}
}

// Window markers that come round in a cycle end the export with
// ErrStuckCursor, as they end History, within a few windows and before any
// record comes out twice; from the start of the history or from a marker.
func TestExportRefusesAMarkerCycle(t *testing.T) {
	for _, start := range []string{"", "A"} {
		for _, conc := range []int{2, 11} {
			t.Run(fmt.Sprintf("marker %q concurrency %d", start, conc), func(t *testing.T) {
				c, mt := unitClient(t)
				var requests atomic.Int32
				mt.RegisterResponder("GET", unitHistory, alternatingMarkers(&requests))
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				seen := map[string]bool{}
				var last error
				for cmd, err := range c.Export(ctx, "dev-1", commands.HistoryQuery{Marker: start}, commands.ExportOptions{Concurrency: conc}) {
					if err != nil {
						last = err
						continue
					}
					require.False(t, seen[cmd.ID], "record %s yielded twice", cmd.ID)
					seen[cmd.ID] = true
					if len(seen) > 10000 {
						break // today's code runs until the context ends
					}
				}
				require.ErrorIs(t, last, pagination.ErrStuckCursor)
				// The first page alone when there is no marker, then one
				// window of 11 pages after A and one after B.
				n := int(requests.Load())
				assert.LessOrEqual(t, n, 1+2*11)
				assert.Len(t, seen, 50*n, "every page fetched was yielded")
			})
		}
	}
}

// History refuses the same cycle before it fetches a page twice, also when
// it starts inside the cycle.
func TestHistoryRefusesAMarkerCycle(t *testing.T) {
	for _, start := range []string{"", "A", "B"} {
		c, mt := unitClient(t)
		var requests atomic.Int32
		mt.RegisterResponder("GET", unitHistory, alternatingMarkers(&requests))
		seen := map[string]bool{}
		var last error
		for cmd, err := range c.History(context.Background(), "dev-1", commands.HistoryQuery{Marker: start}) {
			if err != nil {
				last = err
				continue
			}
			require.False(t, seen[cmd.ID], "marker %q: record %s yielded twice", start, cmd.ID)
			seen[cmd.ID] = true
		}
		require.ErrorIs(t, last, pagination.ErrStuckCursor, "marker %q", start)
		assert.LessOrEqual(t, int(requests.Load()), 3, "marker %q", start)
	}
}
