package commandstest_test

import (
	"errors"
	"testing"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/commands/commandstest"
	"github.com/iotclient/iotclient-go/iotclienttest"
)

// The push options, faults and counters are iotclienttest's, written once for every
// fake: a value of that package is taken and given back as is.
func TestPushFaultsAndStatsAreIotclienttests(t *testing.T) {
	srv := commandstest.NewServer(commandstest.WithPush("", iotclienttest.PushOptions{Workers: 1}))
	defer srv.Close()
	var verr *iotclient.ValidationError
	if err := srv.SetPushFaults(iotclienttest.PushFaults{Duplicate: 2}); !errors.As(err, &verr) || verr.Field != "PushFaults.Duplicate" {
		t.Errorf("a fraction above 1: %v, want a ValidationError naming PushFaults.Duplicate", err)
	}
	var st iotclienttest.PushStats = srv.PushStats()
	if st != (iotclienttest.PushStats{}) {
		t.Errorf("a fake that never pushed counts %+v", st)
	}
}
