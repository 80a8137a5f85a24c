package notify_test

import (
	"fmt"
	"testing"

	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/notify"
)

// The memory of a Deduplicator holds what it compares commands by, inline:
// a change it keeps costs no allocation once the memory is full.
func TestDeduplicatorKeepsACommandWithoutAllocating(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	d, err := notify.NewDeduplicator(notify.DedupOptions{Memory: 64})
	if err != nil {
		t.Fatal(err)
	}
	ns := make([]notify.Notification, 512)
	for i := range ns {
		ns[i] = cmdChange(t, fmt.Sprint("cmd-", i), commands.StatusSuccessful, i, fmt.Sprint("r-", i))
	}
	for i := range ns[:128] { // fill the memory, and make the map reach its size
		d.Keep(&ns[i])
	}
	i := 128
	allocs := testing.AllocsPerRun(300, func() {
		if !d.Keep(&ns[i]) {
			t.Fatalf("change %d dropped", i)
		}
		i++
	})
	if allocs != 0 {
		t.Errorf("Keep allocates %v times a change", allocs)
	}
}
