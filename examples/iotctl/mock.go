package main

import (
	"fmt"
	"time"

	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/clientstate/clientstatetest"
	"github.com/iotclient/iotclient-go/clientstate/live/livetest"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
	"github.com/iotclient/iotclient-go/devicestate"
	"github.com/iotclient/iotclient-go/devicestate/devicestatetest"
)

// Credentials of the embedded mock: the SDK's test fakes.
const (
	mockOrg      = clientstatetest.OrgID
	mockAPIKey   = clientstatetest.APIKey
	mockAPIToken = clientstatetest.APIToken
)

// The embedded mock's demo data. Seeds are fixed, so the records are the
// same on every run but for their times, which are placed before the
// moment iotctl starts, so "--since 48h" finds recent commands.
const (
	// Huawei IoTDA devices.
	demoDevice       = "demo_device-001"
	demoDeviceN      = 120
	demoDeviceBig    = "thermostat-0042" // 1,000 commands: paging and progress
	demoDeviceBigN   = 1000
	demoDeviceSmall  = "pump-17" // 40 commands
	demoDeviceSmallN = 40
	demoDeviceEmpty  = "meter-0001" // registered, no commands
	// demoFleetN devices with their connection status (devices), besides
	// the four above.
	demoFleetN = 80

	// IBM Watson IoT: demoSeeded seeded clients plus two devices, each
	// with a connection log.
	demoType     = "TemperatureSensor"
	demoIBMID    = "TemperatureSensor_1"
	demoClientID = "d:" + mockOrg + ":" + demoType + ":" + demoIBMID // connected
	demoLogN     = 60
	demoSeeded   = 250
	demoClients  = demoSeeded + 3 // the seeded ones and the three devices
	demoPumpType = "pump-v2"
	demoPumpID   = "pump-0007"
	demoPumpLogN = 300

	// demoPumpClientID is the second demo device: disconnected (keepalive
	// timeout), with a longer connection log.
	demoPumpClientID = "d:" + mockOrg + ":" + demoPumpType + ":" + demoPumpID

	// demoFlapperClientID is a device in a reconnect loop: while a monitor
	// watches the embedded mock, it changes every mockFlapperInterval
	// (another process reuses its client ID, its keepalive times out) and
	// reconnects.
	demoFlapperClientID = "d:" + mockOrg + ":" + demoPumpType + ":pump-0013"
	mockFlapperInterval = 250 * time.Millisecond
)

// mockLifecycle moves the commands iotctl delivers to the embedded mock
// (send, and watch's demo activity) to their outcome within about a second:
// a REBOOT fails, a SELF_TEST times out, anything else succeeds. Seeded
// commands never change.
var mockLifecycle = commandstest.Lifecycle{
	SendAfter:    time.Second, // counted from the created time in whole seconds
	DeliverAfter: 200 * time.Millisecond,
	RespondAfter: 300 * time.Millisecond,
	TimeoutAfter: 1500 * time.Millisecond,
	Outcomes:     map[string]commands.Status{"REBOOT": commands.StatusFailed, "SELF_TEST": commands.StatusTimeout},
}

// mockFleet is the embedded mock: the SDK's fakes, started on demand.
type mockFleet struct {
	ref      time.Time // when the demo data was placed
	commands *commandstest.Server
	devices  *devicestatetest.Server
	states   *clientstatetest.Server
	live     *livetest.Server
}

func (f *mockFleet) close() {
	if f.commands != nil {
		f.commands.Close()
	}
	if f.devices != nil {
		f.devices.Close()
	}
	if f.states != nil {
		f.states.Close()
	}
	if f.live != nil {
		f.live.Close()
	}
}

// mockStarted, when set (by tests), is called with the embedded mock once
// one of its fakes is started and seeded.
var mockStarted func(*mockFleet)

// startMock notes on stderr that the embedded mock serves (once per run)
// and returns it; its fakes start on demand.
func (a *app) startMock(forced bool, unset string) *mockFleet {
	if a.mock == nil {
		a.mock = &mockFleet{ref: time.Now().UTC().Truncate(time.Second)}
		fmt.Fprintln(a.stderr, mockNote(forced, unset))
	}
	return a.mock
}

// commandsFake starts the IoTDA fake with the demo devices.
func (f *mockFleet) commandsFake() *commandstest.Server {
	s, _ := startOnce(f, &f.commands, func() (*commandstest.Server, error) {
		s := commandstest.NewServer(commandstest.WithNow(f.ref), commandstest.WithLifecycle(mockLifecycle))
		s.Seed(demoDevice, demoDeviceN, 1)
		s.Seed(demoDeviceBig, demoDeviceBigN, 7)
		s.Seed(demoDeviceSmall, demoDeviceSmallN, 3)
		s.AddDevice(demoDeviceEmpty)
		return s, nil
	})
	return s
}

// devicesFake starts the IoTDA device fake: a seeded fleet and the demo
// devices of history, online.
func (f *mockFleet) devicesFake() (*devicestatetest.Server, error) {
	return startOnce(f, &f.devices, func() (*devicestatetest.Server, error) {
		s := devicestatetest.NewServer(devicestatetest.WithNow(f.ref))
		s.Seed(demoFleetN, 1)
		var demo []devicestate.Device
		for _, id := range []string{demoDevice, demoDeviceBig, demoDeviceSmall, demoDeviceEmpty} {
			demo = append(demo, devicestate.Device{ID: id, Status: devicestate.StatusOnline,
				CreatedAt: f.ref.Add(-400 * 24 * time.Hour), StatusChangedAt: f.ref.Add(-2 * time.Hour)})
		}
		return s, closeIfFailed(s, s.Add(demo...))
	})
}

// statesFake starts the IBM fake with the demo clients and logs.
func (f *mockFleet) statesFake() (*clientstatetest.Server, error) {
	return startOnce(f, &f.states, func() (*clientstatetest.Server, error) {
		s := clientstatetest.NewServer(clientstatetest.WithNow(f.ref))
		s.Seed(demoSeeded, 1)
		s.SeedLogs(demoType, demoIBMID, demoLogN, 1)
		s.SeedLogs(demoPumpType, demoPumpID, demoPumpLogN, 2)
		return s, closeIfFailed(s, s.Add(f.demoStates()...))
	})
}

// liveFake starts the IBM fake with its MQTT broker and the demo clients.
func (f *mockFleet) liveFake() (*livetest.Server, error) {
	return startOnce(f, &f.live, func() (*livetest.Server, error) {
		rest := clientstatetest.NewServer(clientstatetest.WithNow(f.ref))
		rest.Seed(demoSeeded, 1)
		if err := closeIfFailed(rest, rest.Add(f.demoStates()...)); err != nil {
			return nil, err
		}
		s, err := livetest.NewServer(rest)
		return s, closeIfFailed(rest, err)
	})
}

// startOnce returns the fake in *slot, started by start the first time:
// one fake of each kind serves a whole run.
func startOnce[S any](f *mockFleet, slot **S, start func() (*S, error)) (*S, error) {
	if *slot == nil {
		s, err := start()
		if err != nil {
			return nil, err
		}
		*slot = s
		f.started()
	}
	return *slot, nil
}

// closeIfFailed closes a fake whose seeding failed with err, and returns
// err.
func closeIfFailed(s interface{ Close() }, err error) error {
	if err != nil {
		s.Close()
	}
	return err
}

func (f *mockFleet) started() {
	if mockStarted != nil {
		mockStarted(f)
	}
}

// demoStates are the three demo devices.
func (f *mockFleet) demoStates() []clientstate.State {
	return []clientstate.State{{
		ClientID: demoClientID, ClientType: clientstate.ClientTypeDevice,
		Status:        clientstate.ConnectionStatus("connected"),
		LastConnected: f.ref.Add(-90 * time.Minute), LastDisconnected: f.ref.Add(-92 * time.Minute),
		LastActivity: f.ref.Add(-30 * time.Second), LastActivityEvent: clientstate.ActivityEvent("mqttPublish"),
		Protocol: "3.1.1",
	}, {
		ClientID: demoPumpClientID, ClientType: clientstate.ClientTypeDevice,
		Status:        clientstate.ConnectionStatus("disconnected"),
		LastConnected: f.ref.Add(-26 * time.Hour), LastDisconnected: f.ref.Add(-3 * time.Hour),
		LastActivity: f.ref.Add(-3*time.Hour - 40*time.Second), LastActivityEvent: clientstate.ActivityEvent("mqttPublish"),
		Protocol: "3.1.1", DisconnectedBy: clientstate.DisconnectedBy("network"), DisconnectReasonCode: 160,
		HasDisconnectReasonCode: true,
	}, {
		ClientID: demoFlapperClientID, ClientType: clientstate.ClientTypeDevice,
		Status:        clientstate.ConnectionStatus("connected"),
		LastConnected: f.ref.Add(-90 * time.Second), LastDisconnected: f.ref.Add(-2 * time.Minute),
		LastActivity: f.ref.Add(-10 * time.Second), LastActivityEvent: clientstate.ActivityEvent("mqttPublish"),
		Protocol: "3.1.1", DisconnectedBy: clientstate.DisconnectedBy("server"),
		DisconnectReasonCode: 288, HasDisconnectReasonCode: true, // kicked off by a process reusing its client ID
	}}
}
