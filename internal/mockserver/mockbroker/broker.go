package mockbroker

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	json "github.com/go-json-experiment/json"

	"github.com/iotclient/iotclient-go/internal/mockserver"
	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/listeners"
	"github.com/mochi-mqtt/server/v2/packets"
)

// Broker is the fake's MQTT broker for the IBM monitor topics: a real
// MQTT 3.1.1/5 broker (mochi-mqtt) on 127.0.0.1, plain TCP, started with
// Start. It plays the platform's part:
//
//   - it accepts only application client IDs of the fake's organization
//     (a:ab12cd:{appId} or A:ab12cd:{appId}[:{instanceId}], else CONNACK
//     "identifier rejected") connecting with user name mockserver.APIKey and password
//     mockserver.APIToken (else CONNACK "not authorized" for MQTT 3.1.1);
//   - it publishes the simulated fleet's status messages (Connect,
//     FailedConnect, Disconnect) on iot-2/type/{typeId}/id/{deviceId}/mon,
//     retained except FailedConnect, each changing the client's REST state
//     in the same step, so GET /clientconnectionstates and the live stream
//     always agree (see Connect, Disconnect, FailedConnect, Flap);
//   - it publishes the status of the applications connected to it on
//     iot-2/app/{appId}/mon: Connect when one connects (retained while it
//     stays connected), Disconnect when it leaves (not retained), with close
//     code 288 when a new connection reused its client ID;
//   - clients may subscribe only under iot-2/; what they publish is
//     dropped (a monitor only listens).
//
// On start it publishes the retained state of every device and gateway the
// server stores that has a last connect or disconnect time, as REST
// reports it; clients added later get a retained message with their first
// transition. Fault hooks drop every connection (DropClients), refuse new
// ones (RefuseConnections, RefuseProtocol), or publish an arbitrary payload
// (PublishRaw).
//
// Close stops it; closing the Server stops it too, shortly after. All
// methods are safe for concurrent use.
type Broker struct {
	s    *mockserver.Server
	srv  *mqtt.Server
	addr string

	closeOnce sync.Once
	closed    chan struct{}

	// fleetMu makes each transition (REST change, then publish) atomic, so
	// the order of the published messages is the order of the changes.
	fleetMu sync.Mutex
	last    time.Time // time of the last transition: times strictly increase

	// retainMu serialises every change of the retained messages with the
	// processing of SUBSCRIBE packets: mochi-mqtt v2.7.9 reads a topic's
	// retained path without a lock when it sends a new subscriber the
	// retained messages (TopicsIndex.scanMessages), a data race with a
	// concurrent retained publish (mochi-mqtt/server issue #200).
	retainMu sync.Mutex

	refusing         atomic.Bool
	refusingProtocol atomic.Bool
	accepted         atomic.Int64

	appMu     sync.Mutex
	takenOver map[*mqtt.Client]bool        // connections kicked by a reused client ID
	sessions  map[*mqtt.Client]*appSession // the applications connected
}

// appSession is what the broker keeps of a connected application.
type appSession struct {
	connectedAt time.Time
	gone        chan struct{} // closed once its Disconnect is published
}

// errDropped is the stop cause of connections closed by DropClients.
var errDropped = errors.New("mockbroker: connection dropped by the test")

// Start starts an MQTT broker for the server s on 127.0.0.1 with a random
// port and returns it; its address is Addr (tcp://127.0.0.1:port). Each
// call starts a new broker; REST-only tests never pay for one. Close the
// broker when done (closing the server closes it too, asynchronously).
func Start(s *mockserver.Server) (*Broker, error) { return start(s, nil) }

// start starts the broker, over TLS with tlsCfg when it is not nil.
func start(s *mockserver.Server, tlsCfg *tls.Config) (*Broker, error) {
	b := &Broker{
		s:         s,
		closed:    make(chan struct{}),
		takenOver: make(map[*mqtt.Client]bool),
		sessions:  make(map[*mqtt.Client]*appSession),
	}
	caps := mqtt.NewDefaultServerCapabilities()
	// Deliver every status message of a big fleet rather than drop it when
	// a subscriber is briefly slow (the default is 8192 pending writes).
	caps.MaximumClientWritesPending = 1 << 17
	b.srv = mqtt.New(&mqtt.Options{
		InlineClient:           true,
		Capabilities:           caps,
		Logger:                 slog.New(slog.NewTextHandler(io.Discard, nil)),
		SysTopicResendInterval: 3600,
	})
	if err := b.srv.AddHook(&brokerHook{b: b}, nil); err != nil {
		return nil, fmt.Errorf("mockbroker: mqtt hook: %w", err)
	}
	tcp := listeners.NewTCP(listeners.Config{ID: tcpListenerID, Address: "127.0.0.1:0", TLSConfig: tlsCfg})
	if err := b.srv.AddListener(tcp); err != nil {
		return nil, fmt.Errorf("mockbroker: mqtt listener: %w", err)
	}
	if err := b.srv.Serve(); err != nil {
		_ = b.srv.Close()
		return nil, fmt.Errorf("mockbroker: mqtt serve: %w", err)
	}
	b.addr = "tcp://" + tcp.Address()
	if tlsCfg != nil {
		b.addr = "ssl://" + tcp.Address()
	}
	b.publishSnapshot()
	go func() {
		select {
		case <-s.Done():
			b.Close()
		case <-b.closed:
		}
	}()
	return b, nil
}

// Addr is the broker's address for an MQTT client: "tcp://127.0.0.1:port".
func (b *Broker) Addr() string { return b.addr }

// Close stops the broker, closing every client connection, and waits for
// the connections to end. It is safe to call twice.
func (b *Broker) Close() {
	b.closeOnce.Do(func() {
		close(b.closed)
		// Close the listener and the clients here rather than through
		// mochi's Server.Close alone: its closeListenerClients takes the
		// client map's read lock twice (Clients.GetByListener calls Len),
		// which deadlocks when a disconnecting client asks for the write
		// lock in between. With the listener already closed, Server.Close
		// does not call it. A client that gets in after the sweep stops
		// itself (OnSessionEstablished).
		b.srv.Listeners.Close(tcpListenerID, func(string) { b.stopClients(errClosing) })
		b.stopClients(errClosing)
		_ = b.srv.Close()
	})
}

// tcpListenerID names the broker's only listener.
const tcpListenerID = "tcp"

// errClosing is the stop cause of the connections closed by Close.
var errClosing = errors.New("mockbroker: broker closing")

// stopClients closes every client connection, waits until the broker has
// finished with each (its Disconnect status published), and returns how
// many it closed.
func (b *Broker) stopClients(cause error) int {
	var gone []chan struct{}
	n := 0
	for _, cl := range b.srv.Clients.GetAll() {
		if cl.Net.Inline || cl.Closed() {
			continue
		}
		b.appMu.Lock()
		if s := b.sessions[cl]; s != nil {
			gone = append(gone, s.gone)
		}
		b.appMu.Unlock()
		cl.Stop(cause)
		n++
	}
	for _, g := range gone {
		<-g // the client's goroutine ends as soon as its socket is closed
	}
	return n
}

func (b *Broker) isClosed() bool {
	select {
	case <-b.closed:
		return true
	default:
		return false
	}
}

// RefuseConnections makes the broker refuse (refuse=true) or accept again
// new connections. A refused client gets CONNACK "server unavailable", as
// from a platform that is down; connections already open are not touched
// (see DropClients).
func (b *Broker) RefuseConnections(refuse bool) { b.refusing.Store(refuse) }

// RefuseProtocol makes the broker refuse (refuse=true) or accept again new
// connections with CONNACK "unacceptable protocol version", as a broker
// that does not speak the client's MQTT version.
func (b *Broker) RefuseProtocol(refuse bool) { b.refusingProtocol.Store(refuse) }

// DropClients closes every MQTT client connection at once, without an MQTT
// DISCONNECT, as a network failure or a broker restart would, and returns
// how many it closed, once the broker has published their applications'
// Disconnect (close code 92). Retained messages are kept.
func (b *Broker) DropClients() int { return b.stopClients(errDropped) }

// ConnectedClients returns the client IDs of the open MQTT connections,
// sorted.
func (b *Broker) ConnectedClients() []string {
	var ids []string
	for _, cl := range b.srv.Clients.GetAll() {
		if cl.Net.Inline || cl.Closed() {
			continue
		}
		ids = append(ids, cl.ID)
	}
	slices.Sort(ids)
	return ids
}

// Connections reports how many connections the broker has accepted since
// it started (CONNACK accepted), counting reconnects.
func (b *Broker) Connections() int { return int(b.accepted.Load()) }

// PublishRaw publishes payload on topic as the platform would, bypassing
// every check: a way to send a monitor a malformed status message. It does
// not change any REST state. A retained payload replaces the topic's
// retained message (an empty one deletes it).
func (b *Broker) PublishRaw(topic string, payload []byte, retained bool) error {
	b.fleetMu.Lock()
	defer b.fleetMu.Unlock()
	return b.publish(topic, payload, retained)
}

// publish publishes from the platform's side (the inline client).
func (b *Broker) publish(topic string, payload []byte, retained bool) error {
	b.retainMu.Lock()
	defer b.retainMu.Unlock()
	return b.srv.Publish(topic, payload, retained, 0)
}

// validAppClientID reports whether id is an application client ID of the
// fake's organization.
func validAppClientID(id string) bool {
	parts := strings.Split(id, ":")
	if len(parts) < 3 || parts[1] != mockserver.OrgID {
		return false
	}
	switch {
	case parts[0] == "a" && len(parts) == 3:
	case parts[0] == "A" && len(parts) <= 4:
	default:
		return false
	}
	for _, p := range parts[2:] {
		if !validMQTTPart(p) {
			return false
		}
	}
	return true
}

// validMQTTPart reports whether p is 1 to 36 of [A-Za-z0-9-_.].
func validMQTTPart(p string) bool {
	if p == "" || len(p) > 36 {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// brokerHook is the platform's behaviour inside the broker.
type brokerHook struct {
	mqtt.HookBase
	b *Broker
}

func (h *brokerHook) ID() string { return "iotclient-mockserver" }

func (h *brokerHook) Provides(b byte) bool {
	switch b {
	case mqtt.OnConnect, mqtt.OnConnectAuthenticate, mqtt.OnACLCheck,
		mqtt.OnSessionEstablish, mqtt.OnSessionEstablished, mqtt.OnDisconnect, mqtt.OnPacketRead, mqtt.OnPacketProcessed:
		return true
	}
	return false
}

// OnConnect refuses connections while RefuseConnections is on and client
// IDs that are not applications of the organization, and notes a
// connection that is about to take over an open one with the same ID.
func (h *brokerHook) OnConnect(cl *mqtt.Client, _ packets.Packet) error {
	if h.b.refusing.Load() || h.b.isClosed() {
		_ = h.b.srv.SendConnack(cl, packets.ErrServerUnavailable, false, nil)
		return packets.ErrServerUnavailable
	}
	if h.b.refusingProtocol.Load() {
		_ = h.b.srv.SendConnack(cl, packets.ErrUnsupportedProtocolVersion, false, nil)
		return packets.ErrUnsupportedProtocolVersion
	}
	if !validAppClientID(cl.ID) {
		_ = h.b.srv.SendConnack(cl, packets.ErrClientIdentifierNotValid, false, nil)
		return packets.ErrClientIdentifierNotValid
	}
	if old, ok := h.b.srv.Clients.Get(cl.ID); ok && !old.Closed() {
		h.b.appMu.Lock()
		h.b.takenOver[old] = true
		h.b.appMu.Unlock()
	}
	return nil
}

// OnConnectAuthenticate accepts the API key and token.
func (h *brokerHook) OnConnectAuthenticate(_ *mqtt.Client, pk packets.Packet) bool {
	return string(pk.Connect.Username) == mockserver.APIKey && string(pk.Connect.Password) == mockserver.APIToken
}

// OnACLCheck lets clients subscribe under iot-2/ only, and publish
// nothing: only the platform publishes (and retains) status messages.
func (h *brokerHook) OnACLCheck(_ *mqtt.Client, topic string, write bool) bool {
	return !write && strings.HasPrefix(topic, "iot-2/")
}

// OnPacketRead takes retainMu for a SUBSCRIBE that processPacket will
// process (it returns early, without OnPacketProcessed, for one that fails
// validation); OnPacketProcessed releases it once the retained messages
// have been queued for the subscriber.
func (h *brokerHook) OnPacketRead(_ *mqtt.Client, pk packets.Packet) (packets.Packet, error) {
	if pk.FixedHeader.Type == packets.Subscribe && pk.SubscribeValidate() == packets.CodeSuccess {
		h.b.retainMu.Lock()
	}
	return pk, nil
}

// OnPacketProcessed releases what OnPacketRead took.
func (h *brokerHook) OnPacketProcessed(_ *mqtt.Client, pk packets.Packet, _ error) {
	if pk.FixedHeader.Type == packets.Subscribe {
		h.b.retainMu.Unlock()
	}
}

// OnSessionEstablish counts an accepted connection (before its CONNACK is
// sent, so the count is up to date when the client learns it is
// connected).
func (h *brokerHook) OnSessionEstablish(*mqtt.Client, packets.Packet) { h.b.accepted.Add(1) }

// OnSessionEstablished publishes the application's Connect (retained).
func (h *brokerHook) OnSessionEstablished(cl *mqtt.Client, pk packets.Packet) {
	if h.b.isClosed() { // Close's sweep may have missed it
		cl.Stop(errClosing)
		return
	}
	now := milliUTC(h.b.s.Now())
	h.b.appMu.Lock()
	h.b.sessions[cl] = &appSession{connectedAt: now, gone: make(chan struct{})}
	h.b.appMu.Unlock()
	topic, ok := appTopic(cl.ID)
	if !ok {
		return
	}
	p := h.b.appPayload(cl, string(pk.Connect.Username), "Connect", now)
	_ = h.b.publish(topic, p.marshal(), true)
}

// OnDisconnect publishes the application's Disconnect (not retained) and
// removes its retained Connect, unless a new connection took its client ID
// over, whose Connect is then the retained one.
func (h *brokerHook) OnDisconnect(cl *mqtt.Client, _ error, _ bool) {
	h.b.appMu.Lock()
	reused := h.b.takenOver[cl]
	session := h.b.sessions[cl]
	delete(h.b.takenOver, cl)
	delete(h.b.sessions, cl)
	h.b.appMu.Unlock()
	if session == nil {
		return // never fully connected
	}
	defer close(session.gone)
	topic, ok := appTopic(cl.ID)
	if !ok {
		return
	}
	connectedAt := session.connectedAt
	code := 92 // closed by the server
	switch cause := cl.StopCause(); {
	case reused:
		code = 288
	case errors.Is(cause, packets.CodeDisconnect):
		code = 91
	case errors.Is(cause, errDropped):
		code = 92
	}
	p := h.b.appPayload(cl, string(cl.Properties.Username), "Disconnect", milliUTC(h.b.s.Now()))
	p.ConnectTime = ibmTime(connectedAt)
	p.CloseCode = &code
	p.Reason = closeReason(code)
	var zero int64
	p.ReadBytes, p.ReadMsg, p.WriteBytes, p.WriteMsg = &zero, &zero, &zero, &zero
	h.b.retainMu.Lock()
	if !reused {
		h.b.srv.Topics.RetainMessage(packets.Packet{TopicName: topic})
	}
	_ = h.b.srv.Publish(topic, p.marshal(), false, 0)
	h.b.retainMu.Unlock()
}

// appTopic is the status topic of an application client ID.
func appTopic(clientID string) (string, bool) {
	parts := strings.Split(clientID, ":")
	if len(parts) < 3 {
		return "", false
	}
	return "iot-2/app/" + parts[2] + "/mon", true
}

func (b *Broker) appPayload(cl *mqtt.Client, user, action string, at time.Time) *statusPayload {
	host, _ := splitRemote(cl.Net.Remote)
	durable := !cl.Properties.Clean
	return &statusPayload{
		Action:     action,
		Time:       ibmTime(at),
		ClientAddr: host,
		ClientID:   cl.ID,
		Port:       b.port(),
		Secure:     false,
		Protocol:   "mqtt" + strconv.Itoa(int(cl.Properties.ProtocolVersion)),
		User:       user,
		Durable:    &durable,
	}
}

// port is the broker's TCP port.
func (b *Broker) port() int {
	_, p := splitRemote(b.addr[strings.Index(b.addr, "://")+3:])
	return p
}

func splitRemote(addr string) (string, int) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr, 0
	}
	p, _ := strconv.Atoi(port)
	return host, p
}

// statusPayload is a monitor topic message as the platform writes it
// (PascalCase keys; optional ones omitted when unset).
type statusPayload struct {
	Action      string `json:"Action"`
	Time        string `json:"Time"`
	ClientAddr  string `json:"ClientAddr,omitempty"`
	ClientID    string `json:"ClientID"`
	Port        int    `json:"Port,omitzero"`
	Secure      bool   `json:"Secure"`
	Protocol    string `json:"Protocol,omitempty"`
	User        string `json:"User,omitempty"`
	ConnectTime string `json:"ConnectTime,omitempty"`
	CloseCode   *int   `json:"CloseCode,omitempty"`
	Reason      string `json:"Reason,omitempty"`
	ReadBytes   *int64 `json:"ReadBytes,omitempty"`
	ReadMsg     *int64 `json:"ReadMsg,omitempty"`
	WriteBytes  *int64 `json:"WriteBytes,omitempty"`
	WriteMsg    *int64 `json:"WriteMsg,omitempty"`
	Durable     *bool  `json:"Durable,omitempty"`
}

func (p *statusPayload) marshal() []byte {
	b, err := json.Marshal(p)
	if err != nil { // cannot happen: only strings, numbers and booleans
		panic(err)
	}
	return b
}

// closeReasons are the reason texts the fake sends with its close codes.
var closeReasons = map[int]string{
	0:   "The connection has completed normally.",
	91:  "The connection was closed by the client.",
	92:  "The connection was closed by the server.",
	93:  "The server is shutting down.",
	94:  "The connection was closed by an administrator.",
	160: "The connection timed out (no keepalive).",
	163: "The connection was closed during the TLS handshake.",
	164: "No data was received on the connection.",
	173: "Too many connections for the organization.",
	180: "The client is not authorized.",
	288: "The client ID was reused by a new connection.",
}

// ibmTime writes t as the platform does; "" for the zero time.
func ibmTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(mockserver.IBMTimeLayout)
}

// milliUTC is t as the platform stores it: UTC, millisecond precision.
func milliUTC(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Millisecond)
}

func closeReason(code int) string {
	if r, ok := closeReasons[code]; ok {
		return r
	}
	return "The connection was closed (code " + strconv.Itoa(code) + ")."
}
