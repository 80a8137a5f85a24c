// Package mockbroker is the fake platform's MQTT broker for the IBM
// monitor topics (mochi-mqtt on loopback), serving the fleet a
// mockserver.Server stores: Start(s) runs one over s, and each simulated
// transition changes the server's REST state and publishes the status
// message in one step.
//
// It is a package of its own so that the HTTP fake, and the public test
// helpers built on it, link no MQTT code.
package mockbroker
