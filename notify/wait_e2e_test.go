package notify_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
	"github.com/iotclient/iotclient-go/notify"
)

// End to end over real HTTP: commands created at the commands fake, their
// status changes pushed to a Handler (duplicated and reordered), through
// Deduplicate and CommandUpdates to a Watcher, and WaitAll over them. The
// pushes of a tenth are dropped: those are resolved by reading them, once
// the stream reports a lost push; the others with no request at all.
func TestE2EWaitAllFromHTTPPushes(t *testing.T) {
	const n = 1000
	fake := commandstest.NewServer()
	defer fake.Close()
	fake.AddDevice("dev-1")
	client, err := fake.NewClient()
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(21, 1))
	outcomes := []commands.Status{commands.StatusSuccessful, commands.StatusFailed, commands.StatusTimeout, commands.StatusExpired}
	want := map[string]commands.Status{}
	var refs []commands.CommandRef
	var ids []string
	for i := range n {
		cmd, err := client.Create(context.Background(), "dev-1", commands.NewCommand{Name: "ON_OFF", Strategy: commands.SendDelay})
		require.NoError(t, err)
		final := outcomes[i%len(outcomes)]
		require.NoError(t, fake.SetStatus("dev-1", cmd.ID, final, nil))
		want[cmd.ID] = final
		refs = append(refs, commands.CommandRef{DeviceID: "dev-1", CommandID: cmd.ID})
		ids = append(ids, cmd.ID)
	}

	const maxBody = 4096
	h, err := notify.NewHandler(notify.HandlerConfig{MaxBodySize: maxBody})
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	defer srv.Close()
	defer h.Close()
	w, err := commands.NewWatcher(commands.WatcherOptions{})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	var run sync.WaitGroup
	run.Go(func() { _ = w.Run(notify.CommandUpdates(notify.Deduplicate(h.Notifications(ctx)))) })
	defer func() { cancel(); run.Wait() }()

	// Each command's changes, 20% of the documents twice, shuffled within
	// windows of 8 (a burst out of order); a tenth of the commands get none.
	dropped := map[string]bool{}
	var docs []string
	for i, id := range ids {
		if i%10 == 3 {
			dropped[id] = true
			continue
		}
		for j, st := range []commands.Status{commands.StatusSent, commands.StatusDelivered, want[id]} {
			doc := pushDoc(id, st, j)
			docs = append(docs, doc)
			if rng.IntN(5) == 0 {
				docs = append(docs, doc)
			}
		}
	}
	for i := 0; i < len(docs); i += 8 {
		win := docs[i:min(i+8, len(docs))]
		rng.Shuffle(len(win), func(a, b int) { win[a], win[b] = win[b], win[a] })
	}

	// PollMax is far off: a command is read only when the stream reports a
	// loss, which the test causes once every pushed command is resolved
	// (with a push over the size cap), so no timing decides what is read.
	opts := commands.WaitOptions{Watcher: w, PollInitial: time.Minute, PollMax: 10 * time.Minute}
	before := fake.Requests()
	go func() {
		var posters sync.WaitGroup
		for p := range 4 { // in order within each sender, as a burst comes
			posters.Go(func() {
				for i := p; i < len(docs); i += 4 {
					status, _ := post(t, srv.URL, docs[i])
					assert.Equal(t, http.StatusOK, status)
				}
			})
		}
		posters.Wait()
	}()
	got := map[string]commands.Status{}
	lossSent := false
	for cmd, err := range client.WaitAll(context.Background(), refs, opts) {
		require.NoError(t, err)
		_, twice := got[cmd.ID]
		assert.False(t, twice, "each command once")
		got[cmd.ID] = cmd.Status
		assert.Equal(t, lossSent, dropped[cmd.ID], "a command whose pushes were dropped is resolved only after the loss")
		if len(got) == n-len(dropped) {
			lossSent = true
			status, _ := post(t, srv.URL, strings.Repeat(" ", maxBody+1))
			require.Equal(t, http.StatusRequestEntityTooLarge, status)
		}
	}
	assert.Equal(t, want, got, "every command with its true final status")
	assert.Equal(t, before+len(dropped), fake.Requests(), "one read for each command whose pushes were dropped, none for the others")
	assert.Equal(t, notify.HandlerStats{Queued: int64(len(docs)), Lost: 1}, h.Stats())
}

// pushDoc is the platform's document for command id moving to status, its
// step-th change (times one second apart).
func pushDoc(id string, status commands.Status, step int) string {
	at := time.Date(2024, 6, 1, 12, 0, step, 0, time.UTC).Format("20060102T150405Z")
	return fmt.Sprintf(`{"resource":"device.command.status","event":"update","event_time":%q,"request_id":"r-%s-%d",`+
		`"notify_data":{"header":{"device_id":"dev-1"},"body":{"command_id":%q,"status":%q,"created_time":"20240601T120000Z","sent_time":%q,"response_time":%q}}}`,
		at, id, step, id, status, at, at)
}
