package mockserver

import (
	"bytes"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// deliverAll moves every command to DELIVERED: one document each.
func deliverAll(t *testing.T, s *Server, ids []string) {
	t.Helper()
	for _, id := range ids {
		require.NoError(t, s.SetCommandStatus(testDevice, id, StatusDelivered, nil))
	}
}

// Duplicate sends the chosen fraction twice, byte for byte, and the same
// seed chooses the same documents.
func TestPushDuplicates(t *testing.T) {
	run := func() ([]received, PushStats) {
		s, _, r := pushServer(t, Push{PushOptions: PushOptions{Faults: PushFaults{Seed: 3, Duplicate: 0.2}}})
		deliverAll(t, s, addSent(s, 500))
		settle(t, s)
		return r.docs(), s.PushStats()
	}
	docs, st := run()
	assert.Equal(t, 500, st.Events)
	assert.InDelta(t, 100, st.Duplicated, 35, "about a fifth")
	assert.Len(t, docs, 500+st.Duplicated)
	assert.Equal(t, st.Sent, len(docs))

	twice := twiceSent(docs)
	assert.Len(t, twice, st.Duplicated)
	for _, d := range docs {
		if twice[d.doc.RequestID] != nil {
			assert.True(t, bytes.Equal(twice[d.doc.RequestID], d.raw), "a copy is the same bytes")
		}
	}

	docs2, st2 := run()
	assert.Equal(t, st.Duplicated, st2.Duplicated)
	assert.Equal(t, commandIDs(twice, docs), commandIDs(twiceSent(docs2), docs2), "the same seed duplicates the same documents")
}

// twiceSent maps the request IDs received twice to their body.
func twiceSent(docs []received) map[string][]byte {
	out := make(map[string][]byte)
	for id, n := range byRequestID(docs) {
		if n == 2 {
			for _, d := range docs {
				if d.doc.RequestID == id {
					out[id] = d.raw
				}
			}
		}
	}
	return out
}

func commandIDs(ids map[string][]byte, docs []received) []string {
	var out []string
	for _, d := range docs {
		if ids[d.doc.RequestID] != nil && !slices.Contains(out, d.doc.NotifyData.Body.CommandID) {
			out = append(out, d.doc.NotifyData.Body.CommandID)
		}
	}
	slices.Sort(out)
	return out
}

// Reorder holds a document back so later ones overtake it.
func TestPushReorder(t *testing.T) {
	s, _, r := pushServer(t, Push{PushOptions: PushOptions{Workers: 1}})
	ids := addSent(s, 2)
	s.SetPushFaults(PushFaults{Reorder: 1, ReorderDelay: 200 * time.Millisecond})
	require.NoError(t, s.SetCommandStatus(testDevice, ids[0], StatusDelivered, nil))
	s.SetPushFaults(PushFaults{})
	require.NoError(t, s.SetCommandStatus(testDevice, ids[0], StatusSuccessful, nil))
	require.NoError(t, s.SetCommandStatus(testDevice, ids[1], StatusDelivered, nil))
	docs := r.waitFor(t, 3)
	var got []string
	for _, d := range docs {
		got = append(got, d.doc.NotifyData.Body.CommandID[20:]+" "+d.doc.NotifyData.Body.Status)
	}
	assert.Equal(t, []string{"0001 SUCCESSFUL", "0002 DELIVERED", "0001 DELIVERED"}, got,
		"the held-back DELIVERED arrives after the final status")
	assert.Equal(t, 1, s.PushStats().Reordered)
}

// A tenth of the documents held back: each still arrives once, and some
// arrive after documents made later.
func TestPushReorderFraction(t *testing.T) {
	s, _, r := pushServer(t, Push{PushOptions: PushOptions{Workers: 1, Faults: PushFaults{Seed: 9, Reorder: 0.1, ReorderDelay: 20 * time.Millisecond}}})
	ids := addSent(s, 300)
	deliverAll(t, s, ids)
	settle(t, s)
	docs := r.docs()
	st := s.PushStats()
	assert.InDelta(t, 30, st.Reordered, 15)
	require.Len(t, docs, 300)
	assert.Len(t, byRequestID(docs), 300, "each document once")
	late := 0
	for i := 1; i < len(docs); i++ {
		if docs[i].doc.NotifyData.Body.CommandID < docs[i-1].doc.NotifyData.Body.CommandID {
			late++
		}
	}
	assert.Positive(t, late, "some documents overtaken")
	assert.LessOrEqual(t, late, st.Reordered)
}

// Drop loses every document of the chosen commands, by fraction or by ID.
func TestPushDrop(t *testing.T) {
	s, _, r := pushServer(t, Push{PushOptions: PushOptions{Faults: PushFaults{Seed: 5, Drop: 0.1}}})
	ids := addSent(s, 400)
	s.SetPushFaults(PushFaults{Seed: 5, Drop: 0.1, DropIDs: ids[:2]})
	deliverAll(t, s, ids)
	for _, id := range ids {
		require.NoError(t, s.SetCommandStatus(testDevice, id, StatusSuccessful, nil))
	}
	settle(t, s)
	st := s.PushStats()
	docs := r.docs()
	perCommand := make(map[string]int)
	for _, d := range docs {
		perCommand[d.doc.NotifyData.Body.CommandID]++
	}
	dropped := 0
	for _, id := range ids {
		switch perCommand[id] {
		case 0:
			dropped++
		case 2:
		default:
			t.Errorf("command %s: %d documents, want both or none", id, perCommand[id])
		}
	}
	assert.Zero(t, perCommand[ids[0]]+perCommand[ids[1]], "DropIDs")
	assert.InDelta(t, 42, dropped, 20, "about a tenth, and the two chosen")
	assert.Equal(t, 2*dropped, st.Dropped)
	assert.Equal(t, 800, st.Events)
	assert.Len(t, docs, 800-st.Dropped)
}

// A failing receiver: each failed push is discarded; after BlocklistAfter
// failures in a row the receiver is blocklisted and documents wait; a try
// every BlocklistRetry finds it back, and the backlog goes out in order.
func TestPushFailingReceiverBlocklistAndDrain(t *testing.T) {
	s, _, r := pushServer(t, Push{PushOptions: PushOptions{Workers: 1, BlocklistAfter: 3, BlocklistRetry: 200 * time.Millisecond, DrainRate: -1}})
	ids := addSent(s, 10)
	r.status.Store(http.StatusServiceUnavailable)
	deliverAll(t, s, ids[:5])
	settle(t, s)
	st := s.PushStats()
	assert.Equal(t, 3, st.Discarded, "three failed, then blocklisted")
	assert.Equal(t, 1, st.Blocklisted)
	assert.Equal(t, 2, st.Held)
	assert.GreaterOrEqual(t, st.Failed, 3)

	deliverAll(t, s, ids[5:])
	r.status.Store(http.StatusOK)
	docs := r.waitFor(t, 7)
	settle(t, s)
	var got []string
	for _, d := range r.docs() {
		got = append(got, d.doc.NotifyData.Body.CommandID)
	}
	assert.Equal(t, ids[3:], got, "the backlog, oldest first; the three failed ones are gone")
	assert.Len(t, docs, 7)
	st = s.PushStats()
	assert.Equal(t, 3, st.Discarded, "a failed try stays in the backlog")
	assert.Zero(t, st.Held)
	assert.Equal(t, 7, st.Sent)
	assert.Equal(t, st.Sent+st.Failed, st.Attempts)
}

// A receiver that does not answer within Timeout has failed the push.
func TestPushSlowReceiver(t *testing.T) {
	s, _, r := pushServer(t, Push{PushOptions: PushOptions{Timeout: 20 * time.Millisecond}})
	r.hang.Store(true)
	deliverAll(t, s, addSent(s, 2))
	settle(t, s)
	st := s.PushStats()
	assert.Equal(t, 2, st.Failed)
	assert.Equal(t, 2, st.Discarded)
	assert.Zero(t, st.Sent)
}

// Documents made while the receiver is down wait, then arrive at once, in
// order, paced by DrainRate.
func TestPushBurstAfterOutage(t *testing.T) {
	s, _, r := pushServer(t, Push{PushOptions: PushOptions{Workers: 2, DrainRate: 200}})
	ids := addSent(s, 21)
	s.SetReceiverDown(true)
	deliverAll(t, s, ids)
	settle(t, s)
	assert.Empty(t, r.docs(), "nothing sent while down")
	assert.Equal(t, 21, s.PushStats().Held)

	start := time.Now()
	s.SetReceiverDown(false)
	docs := r.waitFor(t, 21)
	elapsed := time.Since(start)
	settle(t, s)
	assert.GreaterOrEqual(t, elapsed, 20*5*time.Millisecond, "200 a second: 20 gaps of 5 ms")
	got := make([]string, len(docs))
	for i, d := range docs {
		got[i] = d.doc.NotifyData.Body.CommandID
	}
	assert.ElementsMatch(t, ids, got)
	st := s.PushStats()
	assert.Zero(t, st.Held)
	assert.Equal(t, 21, st.Sent)
	assert.Zero(t, st.Failed+st.Discarded+st.Dropped)
}

// A full backlog drops its oldest documents, counted.
func TestPushBacklogMax(t *testing.T) {
	s, _, r := pushServer(t, Push{PushOptions: PushOptions{Workers: 1, DrainRate: -1}, BacklogMax: 3})
	ids := addSent(s, 5)
	s.SetReceiverDown(true)
	deliverAll(t, s, ids)
	assert.Equal(t, 2, s.PushStats().Dropped)
	s.SetReceiverDown(false)
	docs := r.waitFor(t, 3)
	settle(t, s)
	var got []string
	for _, d := range docs {
		got = append(got, d.doc.NotifyData.Body.CommandID)
	}
	assert.Equal(t, ids[2:], got)
}
