package notify_test

import (
	"errors"
	"iter"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/notify"
)

func TestCommandUpdates(t *testing.T) {
	cmd := cmdChange(t, "c1", commands.StatusSuccessful, 5, "r1")
	cmd.Command.Result = []byte(`{"x":1}`)
	dev := devChange(t, "d1", notify.DeviceOnline, 1, "r2")
	_, devErr := notify.Decode([]byte(`{"resource":"device.status","notify_data":{}}`))
	_, cmdErr := notify.Decode([]byte(`{"resource":"device.command.status","notify_data":{}}`))
	_, anyErr := notify.Decode([]byte(`not json`))
	lost := &notify.LossError{Count: 3, Reason: "r"}
	fatal := errors.New("the listener closed")
	items := []struct {
		n   notify.Notification
		err error
	}{{cmd, nil}, {dev, nil}, {notify.Notification{}, devErr}, {notify.Notification{}, cmdErr},
		{notify.Notification{}, anyErr}, {notify.Notification{}, lost}, {notify.Notification{}, fatal}}
	var stream iter.Seq2[notify.Notification, error] = func(yield func(notify.Notification, error) bool) {
		for _, it := range items {
			if !yield(it.n, it.err) {
				return
			}
		}
	}
	var got []commands.Command
	var errs []error
	for c, err := range notify.CommandUpdates(stream) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		got = append(got, c)
	}
	require.Len(t, got, 1)
	assert.Equal(t, commands.Command{ID: "c1", DeviceID: "dev-1", Status: commands.StatusSuccessful,
		RespondedAt: t0.Add(5 * time.Second), Result: []byte(`{"x":1}`)}, got[0])
	assert.Equal(t, []error{cmdErr, anyErr, lost, fatal}, errs, "the device status' bad document is not the commands' business")

	_, ok := dev.CommandUpdate()
	assert.False(t, ok)
	for range notify.CommandUpdates(stream) {
		break // the break reaches the stream
	}
}
