package outsidemodule

import (
	"context"
	"fmt"
	"testing"

	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
)

func TestFailedCommands(t *testing.T) {
	srv := commandstest.NewServer()
	defer srv.Close()
	seeded := srv.Seed("pump-7", 100, 1)
	want := 0
	for _, c := range seeded {
		if c.Status == commands.StatusFailed {
			want++
		}
	}
	client, err := srv.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	got, err := FailedCommands(context.Background(), client, "pump-7")
	if err != nil || got != want || want == 0 {
		t.Fatalf("FailedCommands = %d, %v; want %d (> 0)", got, err, want)
	}
}

// Example starts a fake, seeds 100 commands and reads their history (the
// final and DELIVERED ones) back through the SDK, from outside the SDK's
// module.
func Example() {
	srv := commandstest.NewServer()
	defer srv.Close()
	srv.Seed("pump-7", 100, 1)
	client, err := srv.NewClient()
	if err != nil {
		panic(err)
	}
	n := 0
	for _, err := range client.History(context.Background(), "pump-7", commands.HistoryQuery{}) {
		if err != nil {
			panic(err)
		}
		n++
	}
	fmt.Println(n, "commands read back")
	// Output: 87 commands read back
}
