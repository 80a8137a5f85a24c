package mockbroker

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/iotclient/iotclient-go/internal/mockserver"
)

// Status message actions.
const (
	ActionConnect       = "Connect"
	ActionFailedConnect = "FailedConnect"
	ActionDisconnect    = "Disconnect"
)

// CloseClientIDReused is the close code of a Disconnect caused by a new
// connection reusing the client ID: the client is not offline.
const CloseClientIDReused = 288

// Transition is one simulated change of a device's connection, as
// published on its monitor topic.
type Transition struct {
	ClientID  string
	Action    string // ActionConnect, ActionFailedConnect or ActionDisconnect
	CloseCode int    // Disconnect and FailedConnect
	Time      time.Time
	Topic     string // iot-2/type/{typeId}/id/{deviceId}/mon
	Retained  bool   // published as the topic's retained message
	Payload   []byte // the JSON payload published
}

// deviceTopic is the status topic of a d: or g: client ID.
func deviceTopic(clientID string) (string, bool) {
	parts := strings.Split(clientID, ":")
	if len(parts) != 4 || parts[0] != "d" && parts[0] != "g" {
		return "", false
	}
	typeID, deviceID := parts[2], parts[3]
	return "iot-2/type/" + typeID + "/id/" + deviceID + "/mon", true
}

// publishSnapshot publishes the retained state of every stored device and
// gateway that has a time for its current status.
func (b *Broker) publishSnapshot() {
	b.fleetMu.Lock()
	defer b.fleetMu.Unlock()
	type msg struct {
		topic   string
		payload []byte
	}
	var msgs []msg
	clients := b.s.Clients()
	for i := range clients {
		c := &clients[i]
		topic, ok := deviceTopic(c.ClientID)
		if !ok {
			continue
		}
		var p *statusPayload
		switch {
		case c.ConnectionStatus == mockserver.Connected && !c.LastConnect.IsZero():
			p = devicePayload(c, ActionConnect, c.LastConnect)
		case c.ConnectionStatus == mockserver.Disconnected && !c.LastDisconnect.IsZero():
			p = devicePayload(c, ActionDisconnect, c.LastDisconnect)
			code := c.DisconnectReasonCode
			p.CloseCode, p.Reason = &code, closeReason(code)
			if !c.LastConnect.IsZero() && c.LastConnect.Before(c.LastDisconnect) {
				p.ConnectTime = ibmTime(c.LastConnect)
			}
			counters(p, c.ClientID, c.LastDisconnect)
		default:
			continue
		}
		for _, t := range []time.Time{c.LastConnect, c.LastDisconnect, c.LastActivity} {
			if t.After(b.last) {
				b.last = t
			}
		}
		msgs = append(msgs, msg{topic, p.marshal()})
	}
	for _, m := range msgs {
		_ = b.publish(m.topic, m.payload, true)
	}
}

// devicePayload is the common part of a device's status message.
func devicePayload(c *mockserver.ClientState, action string, at time.Time) *statusPayload {
	return &statusPayload{
		Action:     action,
		Time:       ibmTime(at),
		ClientAddr: fakeAddr(c.ClientID),
		ClientID:   c.ClientID,
		Port:       8883,
		Secure:     true,
		Protocol:   "mqtt4",
		User:       "use-token-auth",
	}
}

// fakeAddr is a stable documentation-range IP address for a client.
func fakeAddr(clientID string) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(clientID))
	v := h.Sum32()
	return fmt.Sprintf("198.51.100.%d", 1+v%254)
}

// counters fills a Disconnect's traffic counts, derived from the client
// and the time so that they are stable.
func counters(p *statusPayload, clientID string, at time.Time) {
	h := fnv.New64a()
	_, _ = h.Write([]byte(clientID))
	v := h.Sum64() ^ uint64(at.UnixMilli())
	msgs := int64(v % 500)
	in, out := msgs*87+64, msgs/4*31+4
	rmsg, wmsg := msgs, msgs/4
	p.ReadBytes, p.ReadMsg, p.WriteBytes, p.WriteMsg = &in, &rmsg, &out, &wmsg
}

// nextTimeLocked returns the time of a transition of c: now (the server's
// clock) at millisecond precision, but strictly after the previous
// transition and after every time c already carries, so that "newest
// wins" by time is always right. Call with fleetMu held, inside
// Server.UpdateClient.
func (b *Broker) nextTimeLocked(c *mockserver.ClientState) time.Time {
	at := milliUTC(b.s.Now())
	for _, t := range []time.Time{b.last, c.LastConnect, c.LastDisconnect, c.LastActivity} {
		if !at.After(t) {
			at = t.Add(time.Millisecond)
		}
	}
	b.last = at
	return at
}

// Connect simulates the device or gateway clientID connecting: its REST
// state becomes connected (lastConnectTime and lastActivityTime now,
// lastActivityEvent mqttConnect, no disconnect cause) and a retained
// Connect is published on its status topic. A device that is already
// connected connects again (a new connection). The client must be stored
// (AddClients, SeedClients) and be a d: or g: client.
func (b *Broker) Connect(clientID string) (Transition, error) {
	return b.transition(clientID, ActionConnect, 0)
}

// Disconnect simulates the connection of the device or gateway clientID
// ending with closeCode (0 normal, 91 by the client, 160 keepalive
// timeout, ...): its REST state becomes disconnected (lastDisconnectTime
// now, disconnectReasonCode closeCode, disconnectedBy client for 0 and 91,
// network for 160 to 164, else server) and a retained Disconnect is
// published. The client must be connected.
//
// Close code 288 (CloseClientIDReused) simulates a second connection
// reusing the client ID: the old connection is closed, but the client stays
// connected in REST (lastConnectTime and lastDisconnectTime now, reason
// 288), and only the retained Disconnect with code 288 is published (as
// when the new connection's Connect reached the topic first).
func (b *Broker) Disconnect(clientID string, closeCode int) (Transition, error) {
	if closeCode < 0 {
		return Transition{}, fmt.Errorf("mockbroker: close code %d is negative", closeCode)
	}
	return b.transition(clientID, ActionDisconnect, closeCode)
}

// FailedConnect simulates a refused connection attempt of the device or
// gateway clientID (close code 180, not authorized): a FailedConnect is
// published, not retained, and the REST state does not change.
func (b *Broker) FailedConnect(clientID string) (Transition, error) {
	return b.transition(clientID, ActionFailedConnect, 180)
}

func (b *Broker) transition(clientID, action string, code int) (Transition, error) {
	topic, ok := deviceTopic(clientID)
	if !ok {
		return Transition{}, fmt.Errorf("mockbroker: %q is not a device or gateway client ID", clientID)
	}
	b.fleetMu.Lock()
	defer b.fleetMu.Unlock()
	return b.transitionLocked(clientID, topic, action, code)
}

// transitionLocked applies and publishes a transition. Call with fleetMu
// held.
func (b *Broker) transitionLocked(clientID, topic, action string, code int) (Transition, error) {
	tr, err := b.applyLocked(clientID, topic, action, code)
	if err != nil {
		return Transition{}, err
	}
	if err := b.publish(tr.Topic, tr.Payload, tr.Retained); err != nil {
		return Transition{}, fmt.Errorf("mockbroker: publish: %w", err)
	}
	return tr, nil
}

// applyLocked changes the REST state and builds the message, in one step
// of the server. Call with fleetMu held.
func (b *Broker) applyLocked(clientID, topic, action string, code int) (Transition, error) {
	var tr Transition
	err := b.s.UpdateClient(clientID, func(c *mockserver.ClientState) error {
		if action == ActionDisconnect && c.ConnectionStatus != mockserver.Connected {
			return fmt.Errorf("mockbroker: client %q is not connected", clientID)
		}
		at := b.nextTimeLocked(c)
		p := devicePayload(c, action, at)
		tr = Transition{ClientID: clientID, Action: action, Time: at, Topic: topic, Retained: action != ActionFailedConnect}
		switch action {
		case ActionConnect:
			c.ConnectionStatus = mockserver.Connected
			c.LastConnect, c.LastActivity, c.LastActivityEvent = at, at, "mqttConnect"
			c.DisconnectedBy, c.DisconnectReasonCode = "", 0
			if c.Protocol == "" {
				c.Protocol = "3.1.1"
			}
		case ActionDisconnect:
			connectedAt := c.LastConnect
			c.LastDisconnect, c.DisconnectReasonCode, c.DisconnectedBy = at, code, disconnectedBy(code)
			if code == CloseClientIDReused {
				c.LastConnect = at // the new connection
			} else {
				c.ConnectionStatus = mockserver.Disconnected
			}
			tr.CloseCode = code
			p.CloseCode, p.Reason = &code, closeReason(code)
			if !connectedAt.IsZero() {
				p.ConnectTime = ibmTime(connectedAt)
			}
			counters(p, clientID, at)
		case ActionFailedConnect:
			tr.CloseCode = code
			p.CloseCode, p.Reason = &code, closeReason(code)
		}
		tr.Payload = p.marshal()
		return nil
	})
	return tr, err
}

func disconnectedBy(code int) string {
	switch {
	case code == 0 || code == 91:
		return "client"
	case code >= 160 && code <= 164:
		return "network"
	}
	return "server"
}

// Fleet returns the client IDs of the stored devices and gateways: the
// clients Connect, Disconnect and Flap can change, in ascending order.
func (b *Broker) Fleet() []string {
	var ids []string
	for _, c := range b.s.Clients() {
		if strings.HasPrefix(c.ClientID, "d:") || strings.HasPrefix(c.ClientID, "g:") {
			ids = append(ids, c.ClientID)
		}
	}
	return ids
}

// flapCloseCodes are the close codes Flap disconnects with; 288 (client ID
// reused) keeps the device connected.
var flapCloseCodes = []int{0, 91, 91, 91, 92, 160, 160, 164, 173, CloseClientIDReused}

// Flap makes n random transitions of the fleet's devices and gateways,
// reproducibly for a seed (given the same stored clients): a connected
// device disconnects with a random close code (sometimes 288, which leaves
// it connected); a disconnected one connects, or one time in eight fails
// to (FailedConnect). Each transition changes REST state and publishes,
// as Connect, Disconnect and FailedConnect do. It returns the transitions
// in the order they were published.
func (b *Broker) Flap(seed int64, n int) ([]Transition, error) {
	fleet := b.Fleet()
	if len(fleet) == 0 {
		return nil, fmt.Errorf("mockbroker: no device or gateway to flap: seed some clients first")
	}
	r := rand.New(rand.NewPCG(uint64(seed), 0x464c4150))
	out := make([]Transition, 0, n)
	for range n {
		id := fleet[r.IntN(len(fleet))]
		topic, _ := deviceTopic(id)
		b.fleetMu.Lock() // no other transition between reading the status and changing it
		st, _ := b.s.Client(id)
		action, code := ActionConnect, 0
		switch {
		case st.ConnectionStatus == mockserver.Connected:
			action, code = ActionDisconnect, flapCloseCodes[r.IntN(len(flapCloseCodes))]
		case r.IntN(8) == 0:
			action, code = ActionFailedConnect, 180
		}
		tr, err := b.transitionLocked(id, topic, action, code)
		b.fleetMu.Unlock()
		if err != nil {
			return out, err
		}
		out = append(out, tr)
	}
	return out, nil
}
