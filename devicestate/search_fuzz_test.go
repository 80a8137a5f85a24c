package devicestate_test

import (
	"context"
	"errors"
	"strconv"
	"sync/atomic"
	"testing"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/devicestate"
	"github.com/iotclient/iotclient-go/devicestate/devicestatetest"
)

// FuzzSearchQuotesValues checks the SQL the SDK writes against the fake's
// parser: whatever a device's name holds, a search by that name finds
// that device and no other, or the SDK refuses the name before sending
// it. A value can never end its string and add a condition.
func FuzzSearchQuotesValues(f *testing.F) {
	for _, s := range []string{"meter", "O'Brien", "'", "''", "a' or '1'='1", "x' --", "名前", " ", "%_*", `"`} {
		f.Add(s)
	}
	srv := devicestatetest.NewServer()
	f.Cleanup(srv.Close)
	srv.SetSearchInterval(0)
	cfg := srv.Config()
	cfg.SearchInterval = -1
	c, err := devicestate.NewClient(cfg, iotclient.WithRetry(0))
	if err != nil {
		f.Fatal(err)
	}
	// A decoy every injected condition would match.
	if err := srv.Add(devicestate.Device{ID: "decoy", Name: "1"}); err != nil {
		f.Fatal(err)
	}
	var n atomic.Int64
	f.Fuzz(func(t *testing.T, name string) {
		if name == "" || name == "1" {
			return // no filter at all, or the decoy's
		}
		id := "d" + strconv.FormatInt(n.Add(1), 10)
		if err := srv.Add(devicestate.Device{ID: id, Name: name}); err != nil {
			t.Fatal(err)
		}
		p, err := c.SearchPage(context.Background(), devicestate.SearchQuery{Name: name})
		var ve *iotclient.ValidationError
		if errors.As(err, &ve) {
			return // refused before any request
		}
		if err != nil {
			t.Fatalf("name %q: %v", name, err)
		}
		for _, d := range p.Items {
			if d.Name != name {
				t.Fatalf("name %q found device %q named %q", name, d.ID, d.Name)
			}
		}
		found := false
		for _, d := range p.Items {
			found = found || d.ID == id
		}
		if !found {
			t.Fatalf("name %q: device %s not found in %v", name, id, ids(p.Items))
		}
	})
}
