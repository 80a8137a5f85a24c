package mockserver

import "time"

// Identifiers of the data WithDemoData loads.
const (
	// DemoDeviceID is the IoTDA device holding DemoCommandCount seeded commands.
	DemoDeviceID = "demo_device-001"
	// DemoDeviceType and DemoIBMDeviceID name the IBM device whose client
	// state (DemoClientID) and connection logs WithDemoData loads.
	DemoDeviceType  = "TemperatureSensor"
	DemoIBMDeviceID = "TemperatureSensor_1"
	// DemoClientID is the demo device's client ID (connected).
	DemoClientID = "d:" + OrgID + ":" + DemoDeviceType + ":" + DemoIBMDeviceID

	// DemoCommandCount, DemoClientCount and DemoLogCount are the sizes of
	// the demo data, seeded with DemoSeed.
	DemoCommandCount = 120
	DemoDeviceCount  = 80  // IoTDA devices, plus DemoDeviceID
	DemoClientCount  = 250 // plus DemoClientID
	DemoLogCount     = 60
	DemoSeed         = 1
)

// WithDemoData loads a small data set when the server starts, for examples
// and manual runs: DemoCommandCount commands on DemoDeviceID,
// DemoDeviceCount IoTDA devices with their statuses, DemoClientCount
// client states plus DemoClientID (connected), and DemoLogCount connection
// log entries for DemoDeviceType/DemoIBMDeviceID, all seeded with DemoSeed
// relative to the reference time (applied after every other option, so it
// honours WithReferenceTime in any position).
func WithDemoData() Option {
	return func(s *Server) { s.demo = true }
}

func (s *Server) loadDemo() {
	s.SeedCommands(DemoDeviceID, DemoCommandCount, DemoSeed)
	s.SeedDevices(DemoDeviceCount, DemoSeed)
	s.SeedClients(DemoClientCount, DemoSeed)
	at := s.ref.Add(-90 * time.Minute)
	s.AddClients(ClientState{
		ClientID:          DemoClientID,
		ConnectionStatus:  Connected,
		LastConnect:       at,
		LastDisconnect:    at.Add(-2 * time.Minute),
		LastActivity:      s.ref.Add(-30 * time.Second),
		LastActivityEvent: "mqttPublish",
		Protocol:          "3.1.1",
	})
	s.SeedConnectionLogs(DemoDeviceType, DemoIBMDeviceID, DemoLogCount, DemoSeed)
}
