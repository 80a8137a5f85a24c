package main

import (
	"fmt"
	"sync"
	"time"

	"github.com/iotclient/iotclient-go/internal/mockserver"
	"github.com/iotclient/iotclient-go/internal/mockserver/mockbroker"
)

// Credentials of the embedded mock server.
const (
	mockProjectID = mockserver.ProjectID
	mockAccessKey = mockserver.AccessKey
	mockSecretKey = mockserver.SecretKey
	mockAPIKey    = mockserver.APIKey
	mockAPIToken  = mockserver.APIToken
	mockOrg       = mockserver.OrgID
)

// The embedded mock's demo data: mockserver.WithDemoData plus a few
// devices. Seeds are fixed, so the records are the same on every run; the
// times are placed before the moment iotctl starts, so "--since 48h" finds
// recent commands.
const (
	// Huawei IoTDA devices.
	demoDevice       = mockserver.DemoDeviceID
	demoDeviceN      = mockserver.DemoCommandCount // 120
	demoDeviceBig    = "thermostat-0042"           // 1,000 commands: paging and progress
	demoDeviceBigN   = 1000
	demoDeviceSmall  = "pump-17" // 40 commands
	demoDeviceSmallN = 40
	demoDeviceEmpty  = "meter-0001" // registered, no commands

	// IBM Watson IoT: 250 seeded clients plus these two devices, each with
	// a connection log.
	demoType     = mockserver.DemoDeviceType  // TemperatureSensor
	demoIBMID    = mockserver.DemoIBMDeviceID // TemperatureSensor_1
	demoClientID = mockserver.DemoClientID    // connected
	demoLogN     = mockserver.DemoLogCount    // 60 log entries
	demoClients  = mockserver.DemoClientCount // 250 seeded clients
	demoPumpType = "pump-v2"
	demoPumpID   = "pump-0007"
	demoPumpLogN = 300
)

// demoFlapperClientID is a device in a reconnect loop: while a monitor
// watches the embedded mock, it drops every mockFlapperInterval (another
// process reuses its client ID, its keepalive times out) and reconnects.
var demoFlapperClientID = "d:" + mockOrg + ":" + demoPumpType + ":pump-0013"

// mockFlapperInterval is how often the flapping demo device changes.
const mockFlapperInterval = 250 * time.Millisecond

// demoPumpClientID is the second demo device: disconnected (keepalive
// timeout), with a longer connection log.
var demoPumpClientID = "d:" + mockOrg + ":" + demoPumpType + ":" + demoPumpID

// mockStarted, when set (by tests), is called with the embedded mock
// server once it is seeded.
var mockStarted func(*mockserver.Server)

// startMock starts the embedded mock server (once per run), seeded with the
// demo data, and says so on stderr.
func (a *app) startMock(forced bool, unset string) (*mockserver.Server, error) {
	if a.mock != nil {
		return a.mock, nil
	}
	ref := time.Now().UTC().Truncate(time.Second)
	m := mockserver.New(mockserver.WithReferenceTime(ref), mockserver.WithDemoData())
	m.SeedCommands(demoDeviceBig, demoDeviceBigN, 7)
	m.SeedCommands(demoDeviceSmall, demoDeviceSmallN, 3)
	m.AddDevice(demoDeviceEmpty)
	m.AddClients(mockserver.ClientState{
		ClientID:             demoPumpClientID,
		ConnectionStatus:     mockserver.Disconnected,
		LastConnect:          ref.Add(-26 * time.Hour),
		LastDisconnect:       ref.Add(-3 * time.Hour),
		LastActivity:         ref.Add(-3*time.Hour - 40*time.Second),
		LastActivityEvent:    "mqttPublish",
		Protocol:             "3.1.1",
		DisconnectedBy:       "network",
		DisconnectReasonCode: 160,
	})
	m.AddClients(mockserver.ClientState{
		ClientID:             demoFlapperClientID,
		ConnectionStatus:     mockserver.Connected,
		LastConnect:          ref.Add(-90 * time.Second),
		LastDisconnect:       ref.Add(-2 * time.Minute),
		LastActivity:         ref.Add(-10 * time.Second),
		LastActivityEvent:    "mqttPublish",
		Protocol:             "3.1.1",
		DisconnectedBy:       "server",
		DisconnectReasonCode: 288, // kicked off by a process reusing its client ID
	})
	m.SeedConnectionLogs(demoPumpType, demoPumpID, demoPumpLogN, 2)
	a.mock = m
	fmt.Fprintln(a.stderr, mockNote(forced, unset))
	if mockStarted != nil {
		mockStarted(m)
	}
	return m, nil
}

// fleetSim makes the mock's devices connect and disconnect now and then,
// so a monitor has live events to show.
type fleetSim struct {
	stop chan struct{}
	done sync.WaitGroup
}

// simulateFleet makes one random transition of the mock's fleet every
// interval until stopped.
func simulateFleet(b *mockbroker.Broker, interval time.Duration) *fleetSim {
	f := &fleetSim{stop: make(chan struct{})}
	f.done.Go(func() { // the flapping device
		t := time.NewTicker(mockFlapperInterval)
		defer t.Stop()
		for step := 0; ; step++ {
			select {
			case <-f.stop:
				return
			case <-t.C:
				if _, err := b.FlapDevice(demoFlapperClientID, step); err != nil {
					return // the broker closed
				}
			}
		}
	})
	f.done.Go(func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for seed := int64(1); ; seed++ {
			select {
			case <-f.stop:
				return
			case <-t.C:
				if _, err := b.Flap(seed, 1); err != nil {
					return // the broker closed
				}
			}
		}
	})
	return f
}

// close stops the simulation and waits for it.
func (f *fleetSim) close() {
	close(f.stop)
	f.done.Wait()
}
