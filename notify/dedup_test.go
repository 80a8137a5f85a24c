package notify_test

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/notify"
)

var t0 = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

func decoded(t testing.TB, doc string) notify.Notification {
	t.Helper()
	n, err := notify.Decode([]byte(doc))
	require.NoError(t, err, doc)
	return n
}

// cmdChange is a device.command.status document of command id moving to
// status at second sec after t0 (stamped in the status's own time field).
func cmdChange(t testing.TB, id string, status commands.Status, sec int, requestID string) notify.Notification {
	field := map[commands.Status]string{
		commands.StatusPending: "created_time", commands.StatusSent: "sent_time",
		commands.StatusDelivered: "delivered_time", commands.StatusExpired: "sent_time",
	}[status]
	if field == "" {
		field = "response_time"
	}
	at := t0.Add(time.Duration(sec) * time.Second).Format("20060102T150405Z")
	return decoded(t, `{"resource":"device.command.status","event":"update","request_id":"`+requestID+`",`+
		`"notify_data":{"header":{"device_id":"dev-1"},"body":{"command_id":"`+id+`","status":"`+string(status)+`","`+field+`":"`+at+`"}}}`)
}

func devChange(t testing.TB, device string, status notify.DeviceState, sec int, requestID string) notify.Notification {
	at := t0.Add(time.Duration(sec) * time.Second).Format("2006-01-02T15:04:05.000Z")
	return decoded(t, `{"resource":"device.status","event":"update","request_id":"`+requestID+`",`+
		`"notify_data":{"header":{"device_id":"`+device+`"},"body":{"status":"`+string(status)+`","status_update_time":"`+at+`"}}}`)
}

func newDedup(t testing.TB, memory int) *notify.Deduplicator {
	d, err := notify.NewDeduplicator(notify.DedupOptions{Memory: memory})
	require.NoError(t, err)
	return d
}

func TestDedupDropsExactDuplicates(t *testing.T) {
	d := newDedup(t, 0)
	cmd := cmdChange(t, "c1", commands.StatusSuccessful, 5, "r1")
	assert.True(t, d.Keep(&cmd))
	again := cmdChange(t, "c1", commands.StatusSuccessful, 5, "r1")
	assert.False(t, d.Keep(&again), "the same document again")

	msg := decoded(t, `{"resource":"device.message","event":"report","request_id":"m1","notify_data":{"header":{"device_id":"dev-1"},"body":{"content":"a"}}}`)
	assert.True(t, d.Keep(&msg))
	assert.False(t, d.Keep(&msg), "a raw document again")
	other := decoded(t, `{"resource":"device.message","event":"report","request_id":"m1","notify_data":{"header":{"device_id":"dev-1"},"body":{"content":"b"}}}`)
	assert.True(t, d.Keep(&other), "another body")
	otherID := decoded(t, `{"resource":"device.message","event":"report","request_id":"m2","notify_data":{"header":{"device_id":"dev-1"},"body":{"content":"a"}}}`)
	assert.True(t, d.Keep(&otherID), "the same body in another message: a device may send the same twice")
	otherDevice := decoded(t, `{"resource":"device.message","event":"report","request_id":"m1","notify_data":{"header":{"device_id":"dev-2"},"body":{"content":"a"}}}`)
	assert.True(t, d.Keep(&otherDevice))
}

func TestDedupOrdersACommandsChangesByTheirTimes(t *testing.T) {
	d := newDedup(t, 0)
	for _, tc := range []struct {
		status commands.Status
		sec    int
		kept   bool
	}{
		{commands.StatusDelivered, 3, true},
		{commands.StatusSent, 2, false},    // older than what was kept
		{commands.StatusPending, 1, false}, // older still
		{commands.StatusDelivered, 3, false},
		{commands.StatusSuccessful, 5, true},
		{commands.StatusDelivered, 9, false}, // after the final status
		{commands.StatusFailed, 6, false},    // the first final status is the outcome
	} {
		n := cmdChange(t, "c1", tc.status, tc.sec, fmt.Sprintf("r-%s-%d", tc.status, tc.sec))
		assert.Equal(t, tc.kept, d.Keep(&n), "%s at %ds", tc.status, tc.sec)
	}
	late := cmdChange(t, "c2", commands.StatusPending, 0, "r-c2")
	assert.True(t, d.Keep(&late), "another command has its own order")
}

// Whatever order a command's changes arrive in, duplicated, what is kept
// moves forward in time and ends with the final status, kept once.
func TestDedupKeepsTheFinalStatusInEveryArrivalOrder(t *testing.T) {
	statuses := []commands.Status{commands.StatusPending, commands.StatusSent, commands.StatusDelivered, commands.StatusSuccessful}
	perms := permutations([]int{0, 1, 2, 3})
	require.Len(t, perms, 24)
	for _, p := range perms {
		d := newDedup(t, 0)
		var kept []int
		for _, i := range append(p, p...) { // each twice
			n := cmdChange(t, "c1", statuses[i], i, "r"+itoa(i))
			if d.Keep(&n) {
				kept = append(kept, i)
			}
		}
		assert.True(t, slices.IsSorted(kept), "order %v kept %v", p, kept)
		assert.Equal(t, 3, kept[len(kept)-1], "order %v: the final status is kept last", p)
		assert.Equal(t, 1, countOf(kept, 3), "order %v: once", p)
	}
}

func itoa(i int) string { return fmt.Sprint(i) }

func countOf(s []int, v int) int {
	n := 0
	for _, x := range s {
		if x == v {
			n++
		}
	}
	return n
}

func permutations(s []int) [][]int {
	if len(s) <= 1 {
		return [][]int{slices.Clone(s)}
	}
	var out [][]int
	for i := range s {
		rest := slices.Concat(s[:i:i], s[i+1:])
		for _, p := range permutations(rest) {
			out = append(out, append([]int{s[i]}, p...))
		}
	}
	return out
}

func TestDedupOrdersADevicesStatus(t *testing.T) {
	d := newDedup(t, 0)
	for _, tc := range []struct {
		device string
		status notify.DeviceState
		sec    int
		rid    string
		kept   bool
	}{
		{"d1", notify.DeviceOnline, 10, "a", true},
		{"d1", notify.DeviceOffline, 5, "b", false}, // older
		{"d1", notify.DeviceOnline, 10, "c", false}, // the same change in another message
		{"d1", notify.DeviceOffline, 10, "d", true}, // same time, another status: kept
		{"d1", notify.DeviceOffline, 20, "e", true},
		{"d2", notify.DeviceOffline, 1, "f", true},
	} {
		n := devChange(t, tc.device, tc.status, tc.sec, tc.rid)
		assert.Equal(t, tc.kept, d.Keep(&n), "%s %s at %ds", tc.device, tc.status, tc.sec)
	}
}

func TestDedupMemoryIsBounded(t *testing.T) {
	d := newDedup(t, 2)
	a := cmdChange(t, "a", commands.StatusSuccessful, 1, "ra")
	b := cmdChange(t, "b", commands.StatusSuccessful, 1, "rb")
	c := cmdChange(t, "c", commands.StatusSuccessful, 1, "rc")
	for _, n := range []*notify.Notification{&a, &b, &c} {
		require.True(t, d.Keep(n))
	}
	assert.False(t, d.Keep(&c), "remembered")
	assert.True(t, d.Keep(&a), "forgotten: only two are remembered")
}

func TestDedupFilterPassesErrorsAndRestarts(t *testing.T) {
	a := cmdChange(t, "a", commands.StatusSent, 1, "ra")
	lost := &notify.LossError{Count: 1, Reason: "r"}
	items := []struct {
		n   notify.Notification
		err error
	}{{a, nil}, {notify.Notification{}, lost}, {a, nil}, {a, nil}}
	stream := func(yield func(notify.Notification, error) bool) {
		for _, it := range items {
			if !yield(it.n, it.err) {
				return
			}
		}
	}
	for range 2 { // ranging again starts with an empty memory
		var got []string
		for n, err := range notify.Deduplicate(stream) {
			if err != nil {
				got = append(got, "error")
				continue
			}
			got = append(got, n.Command.CommandID)
		}
		assert.Equal(t, []string{"a", "error"}, got)
	}
	for range notify.Deduplicate(stream) {
		break // does not panic: the break reaches the stream
	}
}

func TestNewDeduplicatorValidates(t *testing.T) {
	d, err := notify.NewDeduplicator(notify.DedupOptions{Memory: -1})
	assert.Nil(t, d)
	var ve *iotclient.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "DedupOptions.Memory", ve.Field)
}

// Streams of two channels share one Deduplicator: each document is kept
// once.
func TestDedupIsSafeForConcurrentUse(t *testing.T) {
	d := newDedup(t, 0)
	var kept atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i := range 200 {
				n := cmdChange(t, fmt.Sprintf("c%d", i), commands.StatusSuccessful, 1, fmt.Sprintf("r%d", i))
				if d.Keep(&n) {
					kept.Add(1)
				}
			}
		})
	}
	wg.Wait()
	assert.Equal(t, int64(200), kept.Load())
}

func TestZeroDeduplicator(t *testing.T) {
	var d notify.Deduplicator
	n := cmdChange(t, "c1", commands.StatusSent, 1, "r1")
	assert.True(t, d.Keep(&n))
	assert.False(t, d.Keep(&n), "a zero Deduplicator works with the default memory")
}
