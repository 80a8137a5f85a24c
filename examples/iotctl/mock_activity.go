package main

import (
	"context"
	"time"

	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
)

// What the embedded mock does while watch listens, so that its pushes have
// something to say: a command delivered to the demo devices in turn every
// mockCommandEvery (each ends as mockLifecycle says), and a demo device
// going online or offline every mockDeviceEvery.
const (
	mockCommandEvery = 400 * time.Millisecond
	mockDeviceEvery  = 3 // ticks of mockCommandEvery
)

// mockCommands are the demo activity's commands, delivered in turn.
var mockCommands = []commands.NewCommand{
	{ServiceID: "Switch", Name: "ON_OFF", Params: map[string]string{"value": "ON"}},
	{ServiceID: "Maintenance", Name: "REBOOT"},
	{ServiceID: "Switch", Name: "ON_OFF", Params: map[string]string{"value": "OFF"}},
	{ServiceID: "Diagnostics", Name: "SELF_TEST"},
}

// playActivity delivers the demo commands through client and moves the
// demo devices until ctx ends (nil then) or a call fails.
func (f *mockFleet) playActivity(ctx context.Context, client *commands.Client) error {
	devices := []string{demoDevice, demoDeviceSmall, demoDeviceBig, demoDeviceEmpty}
	moving := []string{demoDeviceEmpty, demoDeviceSmall} // go online and offline in turn
	t := time.NewTicker(mockCommandEvery)
	defer t.Stop()
	for i := 0; ; i++ {
		if i%mockDeviceEvery == 0 {
			dev := moving[i/mockDeviceEvery%len(moving)]
			status := commandstest.DeviceOnline
			if i/mockDeviceEvery/len(moving)%2 == 1 {
				status = commandstest.DeviceOffline
			}
			if err := f.commands.SetDeviceConnection(dev, status); err != nil {
				return err
			}
		}
		if _, err := client.Create(ctx, devices[i%len(devices)], mockCommands[i%len(mockCommands)]); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
