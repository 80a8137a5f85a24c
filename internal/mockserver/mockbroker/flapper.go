package mockbroker

import (
	"fmt"

	"github.com/iotclient/iotclient-go/internal/mockserver"
)

// CloseKeepaliveTimeout is the close code of a connection that sent
// nothing within its keepalive interval.
const CloseKeepaliveTimeout = 160

// flapperCodes are the close codes of a device in a reconnect loop, in
// turn: a second process with the same client ID kicks it off twice (it
// stays connected), then its connection times out.
var flapperCodes = []int{CloseClientIDReused, CloseClientIDReused, CloseKeepaliveTimeout}

// FlapDevice makes the next step of a device caught in a reconnect loop,
// the kind of client iotctl's flapping view and live.Tracker.Flapping
// find: when connected it disconnects with the close code flapperCodes
// gives for step (288 client ID reused, or 160 keepalive timeout); when
// not, it connects. Call it with step 0, 1, 2, ... Like Connect and
// Disconnect it changes REST state and publishes; the device must be
// stored.
func (b *Broker) FlapDevice(clientID string, step int) (Transition, error) {
	topic, ok := deviceTopic(clientID)
	if !ok {
		return Transition{}, fmt.Errorf("mockbroker: %q is not a device or gateway client ID", clientID)
	}
	b.fleetMu.Lock()
	defer b.fleetMu.Unlock()
	st, ok := b.s.Client(clientID)
	if !ok {
		return Transition{}, fmt.Errorf("mockbroker: client %q does not exist", clientID)
	}
	if st.ConnectionStatus != mockserver.Connected {
		return b.transitionLocked(clientID, topic, ActionConnect, 0)
	}
	code := flapperCodes[max(step, 0)%len(flapperCodes)]
	return b.transitionLocked(clientID, topic, ActionDisconnect, code)
}
