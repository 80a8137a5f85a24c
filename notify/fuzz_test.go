package notify_test

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/notify"
)

// FuzzDecode checks properties that hold for every input, so the target
// cannot fail at random: Decode never panics, an error is a
// *DocumentError holding the input, and a decoded notification keeps the
// promises of its godoc.
func FuzzDecode(f *testing.F) {
	f.Add(readDoc(f, "command_status"))
	f.Add(readDoc(f, "device_status"))
	for _, s := range []string{
		`{"resource":"device.status","notify_data":{"header":{}},"body":{"status":"FREEZED"}}`,
		`{"resource":"device.message","event":"report","notify_data":{"body":[1,{"a":null}]}}`,
		`{"resource":"device.command.status","event_time":"2015-12-12T12:12:12.815Z","notify_data":{"body":{"command_id":"c","sent_time":"20151212T121212.5Z","result":null}}}`,
		`{"resource":"device.status","notify_data":null}`,
		`{"resource":"","notify_data":{"body":{}}}`,
		`[[[[[[[[[[]]]]]]]]]]`,
		`{"notify_data":{"body" :  {"command_id":"c","status":"SENT"} },"resource":"device.command.status"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in := string(data)
		n, err := notify.Decode(data)
		again, err2 := notify.Decode(data)
		if (err == nil) != (err2 == nil) || !reflect.DeepEqual(n, again) {
			t.Fatalf("two decodings differ: %v / %v", err, err2)
		}
		if err != nil {
			var de *notify.DocumentError
			if !errors.As(err, &de) || string(de.Document) != in || !reflect.DeepEqual(n, notify.Notification{}) {
				t.Fatalf("error %v: not a *DocumentError with the input, or a non-zero notification", err)
			}
			return
		}
		if n.Resource == "" || !jsontext.Value(n.Body).IsValid() || len(n.Body) == 0 {
			t.Fatalf("decoded without a resource or a valid body: %+v", n)
		}
		for _, id := range []string{string(n.Resource), string(n.Event), n.RequestID, n.Header.DeviceID, n.Header.AppID, n.Header.NodeID, n.Header.ProductID, n.Header.GatewayID} {
			if len(id) > notify.MaxIDLength {
				t.Fatalf("an ID of %d bytes", len(id))
			}
		}
		if (n.Command != nil) != (n.Resource == notify.ResourceCommandStatus) || (n.Device != nil) != (n.Resource == notify.ResourceDeviceStatus) {
			t.Fatalf("typed body does not match resource %q", n.Resource)
		}
		times := []time.Time{n.Time}
		if c := n.Command; c != nil {
			if c.CommandID == "" || len(c.CommandID) > commands.MaxCommandIDLength {
				t.Fatalf("command ID %q", c.CommandID)
			}
			if len(c.Result) > 0 && (!jsontext.Value(c.Result).IsValid() || jsontext.Value(c.Result).Kind() == 'n') {
				t.Fatalf("result %q", c.Result)
			}
			if len(c.Result) > 0 && (!bytes.Contains(n.Body, c.Result) || cap(c.Result) != len(c.Result)) {
				t.Fatalf("result %q is not a capped slice of the body %q", c.Result, n.Body)
			}
			times = append(times, c.CreatedAt, c.SentAt, c.DeliveredAt, c.RespondedAt)
		}
		if d := n.Device; d != nil {
			if d.Status == "" || d.Status == "FREEZED" {
				t.Fatalf("device status %q", d.Status)
			}
			times = append(times, d.LastOnlineAt, d.StatusUpdatedAt)
		}
		for _, tm := range times {
			if !tm.IsZero() && tm.Location() != time.UTC {
				t.Fatalf("time %v not in UTC", tm)
			}
		}
	})
}
