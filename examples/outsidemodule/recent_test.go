package outsidemodule

import (
	"context"
	"errors"
	"testing"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
)

// The fake's seeded data lies before the moment it started, so the
// README's own filter, relative to the current time, finds the recent
// commands, and only them.
func TestRecentCommandsWithTheREADMEFilter(t *testing.T) {
	srv := commandstest.NewServer()
	defer srv.Close()
	since := time.Now().Add(-48 * time.Hour)
	want := 0
	for _, c := range srv.Seed("pump-7", 300, 1) {
		// The history holds the delivered and final commands; pending and
		// sent ones are in the queue.
		queued := c.Status == commands.StatusPending || c.Status == commands.StatusSent
		if !c.CreatedAt.Before(since) && !queued {
			want++
		}
	}
	client, err := srv.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	got, err := RecentCommands(context.Background(), client, "pump-7", since)
	if err != nil || len(got) != want || want == 0 {
		t.Fatalf("RecentCommands = %d commands, %v; want %d (> 0)", len(got), err, want)
	}
	for _, c := range got {
		if c.CreatedAt.Before(since) {
			t.Errorf("command %s created %s, before %s", c.ID, c.CreatedAt, since)
		}
	}
}

// A fault with a Retry-After, as the helper documents it: a duration.
func TestRecentCommandsReportsThrottling(t *testing.T) {
	srv := commandstest.NewServer()
	defer srv.Close()
	srv.AddDevice("pump-7")
	client, err := srv.NewClient(iotclient.WithRetry(0))
	if err != nil {
		t.Fatal(err)
	}
	srv.FailNext(1, commandstest.Fault{Status: 429, RetryAfter: 2 * time.Second})
	_, err = RecentCommands(context.Background(), client, "pump-7", time.Now().Add(-time.Hour))
	var ae *iotclient.APIError
	if !errors.Is(err, iotclient.ErrRateLimited) || !errors.As(err, &ae) || ae.RetryAfter != 2*time.Second {
		t.Fatalf("err = %v, want a 429 asking to retry after 2s", err)
	}
	if err := srv.Add("pump-7", commands.Command{Params: []byte("{")}); err == nil {
		t.Error("Add stored parameters that are not JSON")
	}
}
