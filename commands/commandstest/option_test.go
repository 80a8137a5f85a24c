package commandstest_test

import (
	"testing"
	"time"

	"github.com/iotclient/iotclient-go/commands/commandstest"
)

// Options apply in order through their method; a nil one is skipped, not
// called.
func TestNewServerAppliesOptionsAndSkipsNil(t *testing.T) {
	at := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	srv := commandstest.NewServer(nil, commandstest.WithNow(at.Add(-time.Hour)), nil, commandstest.WithNow(at))
	defer srv.Close()
	if !srv.Now().Equal(at) {
		t.Errorf("Now() = %v, want the last WithNow, %v", srv.Now(), at)
	}
}
