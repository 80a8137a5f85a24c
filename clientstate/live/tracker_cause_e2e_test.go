package live_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/internal/mockserver/mockbroker"
)

// Over a real broker, the tracker counts every disconnect of a flapping
// fleet once, by the cause of its close code, and ranks the clients that
// dropped most.
func TestTrackerCountsCausesOverMQTT(t *testing.T) {
	r := newTrackerRig(t, 60, 33)
	r.start()
	r.waitReady()
	// A burst before the subscription would reach the tracker only as each
	// client's retained final state.
	r.waitSubscribed()
	start := time.Now()
	// A burst: the mock stamps each transition a millisecond after the
	// last, so the newest run ahead of this machine's clock, as a
	// platform's clock may.
	trs, err := r.b.Flap(7, 400)
	require.NoError(t, err)
	r.waitAgreement(trs)

	want := map[clientstate.Cause]int{}
	perClient := map[string]int{}
	for _, tr := range trs {
		if tr.Action == mockbroker.ActionDisconnect {
			want[clientstate.CauseOfCloseCode(tr.CloseCode)]++
			perClient[tr.ClientID]++
		}
	}
	window := time.Since(start) + time.Second
	sum := r.tr.Summary(window)
	assert.Equal(t, want, sum.ByCause)
	assert.Equal(t, len(perClient), sum.DisconnectedClients)
	assert.Equal(t, len(r.s.Clients()), sum.Clients)

	worst := 0
	for _, n := range perClient {
		worst = max(worst, n)
	}
	flapping := r.tr.Flapping(window, worst)
	require.NotEmpty(t, flapping)
	for _, f := range flapping {
		assert.Equal(t, perClient[f.ClientID], f.Disconnects, f.ClientID)
		n := 0
		for _, c := range f.ByCause {
			n += c
		}
		assert.Equal(t, f.Disconnects, n)
	}
	assert.Len(t, r.tr.Flapping(window, 1), len(perClient))
	require.ErrorIs(t, r.stop(), context.Canceled)
}
