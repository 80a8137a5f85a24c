package commandstest_test

import (
	"context"
	"errors"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
)

// pushDoc is the part of a pushed document the tests look at.
type pushDoc struct {
	Resource   string `json:"resource"`
	RequestID  string `json:"request_id"`
	NotifyData struct {
		Header struct {
			DeviceID string `json:"device_id"`
		} `json:"header"`
		Body struct {
			CommandID     string `json:"command_id"`
			Status        string `json:"status"`
			CreatedTime   string `json:"created_time"`
			SentTime      string `json:"sent_time"`
			DeliveredTime string `json:"delivered_time"`
			ResponseTime  string `json:"response_time"`
		} `json:"body"`
	} `json:"notify_data"`
}

// collector receives pushes and files them by command.
type collector struct {
	ts      *httptest.Server
	mu      sync.Mutex
	all     []pushDoc
	final   map[string]bool // commands whose final status arrived
	changed chan struct{}
}

func newCollector(t *testing.T) *collector {
	t.Helper()
	c := &collector{final: make(map[string]bool), changed: make(chan struct{})}
	c.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var d pushDoc
		body, _ := io.ReadAll(r.Body)
		if json.Unmarshal(body, &d) == nil {
			c.mu.Lock()
			c.all = append(c.all, d)
			if commands.Status(d.NotifyData.Body.Status).IsTerminal() {
				c.final[d.NotifyData.Body.CommandID] = true
			}
			close(c.changed)
			c.changed = make(chan struct{})
			c.mu.Unlock()
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(c.ts.Close)
	return c
}

// docs returns the documents received so far.
func (c *collector) docs() []pushDoc {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]pushDoc(nil), c.all...)
}

// isFinal says whether id's final status arrived.
func (c *collector) isFinal(id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.final[id]
}

// waitFinal blocks until n commands' final statuses arrived (10 s at most).
func (c *collector) waitFinal(t *testing.T, n int) {
	t.Helper()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		got, ch := len(c.final), c.changed
		c.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-ch:
		case <-deadline.C:
			t.Fatalf("final status of %d commands arrived, want %d", got, n)
		}
	}
}

func fastLifecycle() commandstest.Option {
	return commandstest.WithLifecycle(commandstest.Lifecycle{
		DeliverAfter: time.Millisecond, RespondAfter: time.Millisecond,
		Outcomes: map[string]commands.Status{"REBOOT": commands.StatusFailed},
	})
}

func createN(t *testing.T, srv *commandstest.Server, device string, n int) []commands.Command {
	t.Helper()
	c, err := srv.NewClient()
	require.NoError(t, err)
	out := make([]commands.Command, n)
	for i := range out {
		name := "ON"
		if i%4 == 0 {
			name = "REBOOT"
		}
		out[i], err = c.Create(context.Background(), device, commands.NewCommand{ServiceID: "Svc", Name: name, Strategy: commands.SendImmediately})
		require.NoError(t, err)
	}
	return out
}

func compact(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("20060102T150405Z")
}

// Every status change of every command arrives once, with the command's
// stored times, and nobody read a command back.
func TestPushEveryChange(t *testing.T) {
	col := newCollector(t)
	srv := commandstest.NewServer(fastLifecycle(), commandstest.WithPushURL(col.ts.URL))
	defer srv.Close()
	srv.AddDevice("d")
	created := createN(t, srv, "d", 40)
	col.waitFinal(t, 40)
	require.NoError(t, srv.WaitPushes(context.Background()))
	docs := col.docs()

	stored := make(map[string]commands.Command)
	for _, c := range srv.Commands("d") {
		stored[c.ID] = c
	}
	seen := make(map[string][]string)
	for _, d := range docs {
		b := d.NotifyData.Body
		assert.Equal(t, "device.command.status", d.Resource)
		assert.Equal(t, "d", d.NotifyData.Header.DeviceID)
		seen[b.CommandID] = append(seen[b.CommandID], b.Status)
		if commands.Status(b.Status).IsTerminal() {
			c := stored[b.CommandID]
			assert.Equal(t, string(c.Status), b.Status)
			assert.Equal(t, compact(c.CreatedAt), b.CreatedTime)
			assert.Equal(t, compact(c.SentAt), b.SentTime)
			assert.Equal(t, compact(c.DeliveredAt), b.DeliveredTime)
			assert.Equal(t, compact(c.RespondedAt), b.ResponseTime)
		}
	}
	for i, c := range created {
		final := "SUCCESSFUL"
		if i%4 == 0 {
			final = "FAILED"
		}
		assert.ElementsMatch(t, []string{"SENT", "DELIVERED", final}, seen[c.ID], "command %s", c.ID)
		assert.Zero(t, srv.Gets("d", c.ID))
	}
	st := srv.PushStats()
	assert.Equal(t, 120, st.Events)
	assert.Equal(t, 120, st.Sent)
	assert.Equal(t, 40, srv.Requests(), "the deliver calls, nothing else")
}

// With duplicates, reordering and a tenth of the commands dropped, every
// other command reaches its final status by push, some documents twice,
// some out of order; the dropped ones are resolved by polling, and only
// they are read.
func TestPushFaultsAndPollingFallback(t *testing.T) {
	col := newCollector(t)
	srv := commandstest.NewServer(fastLifecycle(), commandstest.WithPush(col.ts.URL, commandstest.PushOptions{
		Faults: commandstest.PushFaults{Seed: 1, Duplicate: 0.2, Reorder: 0.1, ReorderDelay: 50 * time.Millisecond, Drop: 0.1},
	}))
	defer srv.Close()
	srv.AddDevice("d")
	created := createN(t, srv, "d", 201)
	client, err := srv.NewClient()
	require.NoError(t, err)
	// The last command is a sentinel: once it is final, so are the others
	// (same steps, created earlier), and their documents are made.
	sentinel := created[200].ID
	created = created[:200]
	_, err = client.Wait(context.Background(), "d", sentinel, commands.WaitOptions{PollInitial: time.Millisecond, PollMax: 10 * time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, srv.WaitPushes(context.Background()))

	docs := col.docs()
	copies := make(map[string]int)
	order := make(map[string][]string)
	for _, d := range docs {
		copies[d.RequestID]++
		order[d.NotifyData.Body.CommandID] = append(order[d.NotifyData.Body.CommandID], d.NotifyData.Body.Status)
	}
	var dropped []string
	late := 0
	for _, c := range created {
		sts := order[c.ID]
		if len(sts) == 0 {
			dropped = append(dropped, c.ID)
			continue
		}
		assert.True(t, col.isFinal(c.ID), "command %s: final status pushed", c.ID)
		if !commands.Status(sts[len(sts)-1]).IsTerminal() {
			late++ // an earlier status arrived after the final one
		}
	}
	assert.InDelta(t, 20, len(dropped), 15, "about a tenth dropped")

	for _, id := range dropped {
		cmd, err := client.Wait(context.Background(), "d", id, commands.WaitOptions{PollInitial: time.Millisecond})
		require.NoError(t, err)
		assert.True(t, cmd.Status.IsTerminal())
	}
	isDropped := make(map[string]bool)
	for _, id := range dropped {
		isDropped[id] = true
	}
	for _, c := range created {
		if isDropped[c.ID] {
			assert.Positive(t, srv.Gets("d", c.ID), "dropped %s: polled", c.ID)
		} else {
			assert.Zero(t, srv.Gets("d", c.ID), "pushed %s: never read", c.ID)
		}
	}

	twice := 0
	for _, n := range copies {
		if n == 2 {
			twice++
		}
	}
	st := srv.PushStats()
	assert.Positive(t, st.Duplicated)
	assert.Equal(t, st.Duplicated, twice, "both copies of each duplicate arrived")
	assert.Positive(t, st.Reordered)
	assert.Positive(t, late, "some commands' documents arrived out of order")
	sentinelDropped := 0
	if len(order[sentinel]) == 0 {
		sentinelDropped = 3
	}
	assert.Equal(t, 3*len(dropped)+sentinelDropped, st.Dropped, "SENT, DELIVERED and the final status of each")
	assert.Equal(t, st.Events-st.Dropped+st.Duplicated, st.Sent)
}

// A burst after an outage: nothing arrives while the receiver is down,
// everything right after, none lost.
func TestPushOutageBurst(t *testing.T) {
	col := newCollector(t)
	srv := commandstest.NewServer(commandstest.WithPushURL(col.ts.URL))
	defer srv.Close()
	cmds := make([]commands.Command, 30)
	for i := range cmds {
		cmds[i] = commands.Command{ServiceID: "Svc", Name: "ON", Status: commands.StatusSent}
	}
	require.NoError(t, srv.Add("d", cmds...))
	srv.SetReceiverDown(true)
	stored := srv.Commands("d")
	for _, c := range stored {
		require.NoError(t, srv.SetStatus("d", c.ID, commands.StatusDelivered, nil))
		require.NoError(t, srv.SetStatus("d", c.ID, commands.StatusSuccessful, nil))
	}
	require.NoError(t, srv.WaitPushes(context.Background()))
	assert.Equal(t, 60, srv.PushStats().Held)
	col.mu.Lock()
	assert.Empty(t, col.all, "nothing while down")
	col.mu.Unlock()

	srv.SetReceiverDown(false)
	col.waitFinal(t, 30)
	require.NoError(t, srv.WaitPushes(context.Background()))
	assert.Len(t, col.docs(), 60)
	st := srv.PushStats()
	assert.Zero(t, st.Held)
	assert.Equal(t, 60, st.Sent)
}

// Close leaves no pushing goroutine behind.
func TestPushStopsOnClose(t *testing.T) {
	col := newCollector(t)
	srv := commandstest.NewServer(fastLifecycle(), commandstest.WithPushURL(col.ts.URL))
	srv.AddDevice("d")
	createN(t, srv, "d", 5)
	srv.Close()
	// Close waits for every push goroutine's last deferred call; the
	// goroutine itself may still be on its way out, so let it run first.
	buf := make([]byte, 1<<20)
	var stacks string
	for range 10000 {
		stacks = string(buf[:runtime.Stack(buf, true)])
		if !strings.Contains(stacks, "mockserver.(*pusher)") && !strings.Contains(stacks, "driveLifecycle") {
			break
		}
		runtime.Gosched()
	}
	assert.NotContains(t, stacks, "mockserver.(*pusher)")
	assert.NotContains(t, stacks, "driveLifecycle")
}

func TestPushRefusesBadInput(t *testing.T) {
	srv := commandstest.NewServer()
	defer srv.Close()
	field := func(err error) string {
		var ve *iotclient.ValidationError
		require.True(t, errors.As(err, &ve), "%v", err)
		return ve.Field
	}
	assert.Equal(t, "url", field(srv.PushTo("ftp://example.com/x")))
	assert.Equal(t, "url", field(srv.PushTo("/relative")))
	assert.Equal(t, "PushFaults.Duplicate", field(srv.SetPushFaults(commandstest.PushFaults{Duplicate: 1.5})))
	assert.Equal(t, "PushFaults.Drop", field(srv.SetPushFaults(commandstest.PushFaults{Drop: math.NaN()})))
	assert.Equal(t, "PushFaults.ReorderDelay", field(srv.SetPushFaults(commandstest.PushFaults{ReorderDelay: -1})))
	assert.Equal(t, "status", field(srv.SetDeviceConnection("d", "ASLEEP")))
	require.Error(t, srv.SetDeviceConnection("no-such-device", commandstest.DeviceOnline))
	assert.Zero(t, srv.PushStats().Events)
	assert.Panics(t, func() { commandstest.WithPush("mailto:x", commandstest.PushOptions{}) })
	assert.Panics(t, func() { commandstest.WithPush("", commandstest.PushOptions{Workers: -1}) })
}

// PushTo starts pushing on a running fake, device status documents included.
func TestPushToAndDeviceConnection(t *testing.T) {
	col := newCollector(t)
	srv := commandstest.NewServer()
	defer srv.Close()
	srv.AddDevice("d")
	require.NoError(t, srv.SetDeviceConnection("d", commandstest.DeviceOnline))
	require.NoError(t, srv.PushTo(col.ts.URL))
	require.NoError(t, srv.SetDeviceConnection("d", commandstest.DeviceOffline))
	require.NoError(t, srv.WaitPushes(context.Background()))
	col.mu.Lock()
	defer col.mu.Unlock()
	require.Len(t, col.all, 1, "only the change made while pushing")
	assert.Equal(t, "device.status", col.all[0].Resource)
	assert.Equal(t, "OFFLINE", col.all[0].NotifyData.Body.Status)
}
