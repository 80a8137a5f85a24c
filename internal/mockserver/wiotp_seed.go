package mockserver

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

var (
	seedDeviceTypes  = []string{"TemperatureSensor", "sensor", "pump-v2", "meter.elec", "Cam_01", "x", "building-automation-controller.gen42"}
	seedGatewayTypes = []string{"edge-gw", "GatewayV2", "gw.hub"}
	seedEvents       = []string{"mqttPublish", "mqttPublish", "mqttPublish", "mqttSubscribe", "mqttSubscribe", "mqttConnect"}
	seedProtocols    = []string{"3.1.1", "3.1.1", "3.1.1", "3.1.1", "3.1.1", "3.1", "3.1", "5.0", "5.0", ""}
	seedSingles      = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)

// disconnect causes with the MQTT close codes each may carry. 288 (client
// ID reused) is not one: it closes a connection only for a new one to take
// its place, so it never explains why a client is disconnected.
var seedDisconnects = []struct {
	by    string
	codes []int
}{
	{"client", []int{91, 91, 91, 0}},
	{"server", []int{92, 94, 180, 93, 173}},
	{"network", []int{160, 163, 164}},
}

// msBetween is a random duration in [lo, hi] with millisecond precision.
func msBetween(r *rand.Rand, lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(r.Int64N(int64((hi-lo)/time.Millisecond)+1))*time.Millisecond
}

// SeedClients adds n deterministic client states and returns them in the
// default order (ascending id). The data depends only on seed and the
// server's reference time:
//
//   - about 80% devices d:ab12cd:{type}:{dev}, 8% gateways g:ab12cd:{type}:{dev},
//     6% applications a:ab12cd:{app} and 6% scalable applications
//     A:ab12cd:{app} or A:ab12cd:{app}:{instance}; every part after the org
//     is 1-36 characters of [A-Za-z0-9-_.] (types include "x" and a
//     36-character one); IDs are unique within a call (they embed the
//     index) and the same seed yields the same IDs;
//   - about 60% connected; lastConnectTime within the 30 days before the
//     reference time, with milliseconds;
//   - absent fields: a connected client may never have disconnected (no
//     lastDisconnectTime), a few have no lastActivityTime/Event or no
//     mqttConnectProtocol, a few disconnected ones have no times at all;
//   - disconnected clients with a lastDisconnectTime carry disconnectedBy
//     (client, server or network) and usually a reason code (91, 92, 160,
//     ...; 0 = normal is omitted on the wire), never 288 (client ID
//     reused), which leaves a client connected;
//   - about 3% carry an extra field the SDK does not model
//     (clientAddress, durable or lastFailedConnectTime).
//
// # List semantics (GET /api/v0002/clientconnectionstates)
//
// Filters: connectionStatus (connected | disconnected, else 400);
// lastConnectedAfter and connectedAfter, the same filter under two names
// (both may be given; each must hold): lastConnectTime strictly after the
// RFC 3339 time (with or without fraction; clients without one never
// match); deviceType and deviceId match the type and device parts of d: and
// g: IDs (applications never match them). _limit: 1-100, default 25, else
// 400. _sort: comma list of id, clientType, connectionStatus,
// lastConnectTime, lastDisconnectTime, lastActivityTime, lastActivityEvent,
// mqttConnectProtocol, disconnectedBy, disconnectReasonCode, "-" prefix for
// descending; absent values sort first ascending (last descending); ties are
// broken by ascending id; no _sort = ascending id. Unknown fields are 400.
//
// _bookmark: opaque base64url (no padding) of a small JSON object binding a
// hash of the filters and _sort (not _limit) and the sort key of the last
// record returned; the next page starts strictly after that key (keyset
// paging), so paging yields each record exactly once. A bookmark that does
// not decode or was issued for other filters or sort is 400. The answer is
// {"results":[...],"bookmark":"...","meta":{"total_rows":N}} where
// total_rows counts every record matching the filters; bookmark is absent
// on the last page (a page is never empty unless nothing matches).
func (s *Server) SeedClients(n int, seed int64) []ClientState {
	if n <= 0 {
		return nil
	}
	r := rand.New(rand.NewPCG(uint64(seed), 0x57494f545031))
	out := make([]ClientState, 0, n)
	for i := range n {
		out = append(out, seedClient(r, i, s.ref))
	}
	s.mu.Lock()
	s.addClientsLocked(out)
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b ClientState) int { return strings.Compare(a.ClientID, b.ClientID) })
	return out
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func seedDeviceID(r *rand.Rand, typ string, i int) string {
	switch x := r.IntN(20); {
	case x == 0 && i < len(seedSingles):
		return seedSingles[i : i+1]
	case x == 1:
		return fmt.Sprintf("node-%031d", i) // 36 characters
	case x < 8:
		if len(typ) <= 24 {
			return fmt.Sprintf("%s_%d", typ, i)
		}
		return fmt.Sprintf("unit_%d", i)
	case x < 14:
		return fmt.Sprintf("s-%05d", i)
	default:
		return fmt.Sprintf("dev.%d", i)
	}
}

func seedClientID(r *rand.Rand, i int) string {
	switch x := r.IntN(100); {
	case x < 80:
		typ := pick(r, seedDeviceTypes)
		return "d:" + OrgID + ":" + typ + ":" + seedDeviceID(r, typ, i)
	case x < 88:
		return fmt.Sprintf("g:%s:%s:gw-%05d", OrgID, pick(r, seedGatewayTypes), i)
	case x < 94:
		switch r.IntN(3) {
		case 0:
			return fmt.Sprintf("a:%s:app-%05d", OrgID, i)
		case 1:
			return fmt.Sprintf("a:%s:svc.backend_%d", OrgID, i)
		default:
			return fmt.Sprintf("a:%s:dashboard%d", OrgID, i)
		}
	default:
		if r.IntN(2) == 0 {
			return fmt.Sprintf("A:%s:scalable-%05d", OrgID, i)
		}
		return fmt.Sprintf("A:%s:scalable-%05d:inst-%d", OrgID, i, r.IntN(8))
	}
}

func seedClient(r *rand.Rand, i int, ref time.Time) ClientState {
	id := seedClientID(r, i)
	c := ClientState{ClientID: id, ClientType: clientTypeOf(id)}
	ago := msBetween(r, time.Minute, 30*24*time.Hour)
	lastConnect := ref.Add(-ago)
	if r.IntN(100) < 60 {
		c.ConnectionStatus = Connected
		c.LastConnect = lastConnect
		if r.IntN(10) < 7 {
			c.LastDisconnect = lastConnect.Add(-msBetween(r, time.Second, 10*24*time.Hour))
		}
		if r.IntN(100) < 95 {
			c.LastActivity = lastConnect.Add(msBetween(r, 0, ago))
			c.LastActivityEvent = pick(r, seedEvents)
		}
	} else {
		c.ConnectionStatus = Disconnected
		if r.IntN(100) >= 3 {
			c.LastConnect = lastConnect
			c.LastDisconnect = lastConnect.Add(msBetween(r, time.Second, ago))
			if r.IntN(100) < 95 {
				c.LastActivity = lastConnect.Add(msBetween(r, 0, c.LastDisconnect.Sub(lastConnect)))
				c.LastActivityEvent = pick(r, seedEvents)
			}
			d := pick(r, seedDisconnects[:])
			c.DisconnectedBy, c.DisconnectReasonCode = d.by, pick(r, d.codes)
		}
	}
	if !c.LastConnect.IsZero() {
		c.Protocol = pick(r, seedProtocols)
	}
	if r.IntN(100) < 3 {
		switch r.IntN(3) {
		case 0:
			c.Extra = map[string]any{"clientAddress": fmt.Sprintf("10.%d.%d.%d", r.IntN(256), r.IntN(256), 1+r.IntN(254))}
		case 1:
			c.Extra = map[string]any{"durable": r.IntN(2) == 0}
		default:
			c.Extra = map[string]any{"lastFailedConnectTime": ibmTime(ref.Add(-msBetween(r, time.Minute, 48*time.Hour)))}
		}
	}
	c.LastConnect, c.LastDisconnect, c.LastActivity = milliUTC(c.LastConnect), milliUTC(c.LastDisconnect), milliUTC(c.LastActivity)
	return c
}

// SeedConnectionLogs adds n deterministic connection log entries for a
// device (registering it) over the 7 days before the reference time, with
// millisecond timestamps, and returns them newest first. Messages mimic the
// platform's: successful connects, failed attempts (not authorized),
// client disconnects, keepalive timeouts and client-ID reuse.
func (s *Server) SeedConnectionLogs(typeID, deviceID string, n int, seed int64) []LogEntry {
	if n <= 0 {
		s.AddConnectionLogs(typeID, deviceID)
		return nil
	}
	r := rand.New(rand.NewPCG(uint64(seed), 0x4c4f4753))
	clientID := "d:" + OrgID + ":" + typeID + ":" + deviceID
	entries := make([]LogEntry, 0, n)
	for range n {
		at := s.ref.Add(-msBetween(r, time.Second, 7*24*time.Hour))
		addr := fmt.Sprintf("192.0.2.%d", 1+r.IntN(254))
		var msg string
		switch x := r.IntN(100); {
		case x < 45:
			msg = fmt.Sprintf("Connect: ClientID=%s ClientAddr=%s Protocol=mqtt4-tls Port=8883 Secure=true", clientID, addr)
		case x < 60:
			msg = fmt.Sprintf("FailedConnect: not authorized (CloseCode=180) ClientID=%s ClientAddr=%s", clientID, addr)
		case x < 85:
			msg = fmt.Sprintf("Disconnect: closed by client (CloseCode=91) ClientID=%s ClientAddr=%s", clientID, addr)
		case x < 95:
			msg = fmt.Sprintf("Disconnect: timed out (CloseCode=160) ClientID=%s ClientAddr=%s", clientID, addr)
		default:
			msg = fmt.Sprintf("Disconnect: client ID reused by a new connection (CloseCode=288) ClientID=%s ClientAddr=%s", clientID, addr)
		}
		entries = append(entries, LogEntry{Time: milliUTC(at), Message: msg})
	}
	s.AddConnectionLogs(typeID, deviceID, entries...)
	slices.SortStableFunc(entries, func(a, b LogEntry) int { return b.Time.Compare(a.Time) })
	return entries
}
