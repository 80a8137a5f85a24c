package notify_test

import (
	"testing"

	"github.com/iotclient/iotclient-go/notify"
)

// Decoding a command status allocates only what the Notification keeps:
// the body's copy (which Result shares), the CommandStatus, the tags, and
// the strings json does not intern (request and command ID). The
// decoding's own structs come from a pool.
func TestDecodeAllocatesWhatItReturns(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates and empties pools at random")
	}
	docs := benchDocs()
	i := 0
	allocs := testing.AllocsPerRun(1000, func() {
		if _, err := notify.Decode(docs[i%len(docs)]); err != nil {
			t.Fatal(err)
		}
		i++
	})
	if allocs > 5 {
		t.Errorf("Decode allocates %v times a document, want at most 5", allocs)
	}
}
