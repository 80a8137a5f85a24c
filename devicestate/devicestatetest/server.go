// Package devicestatetest runs a fake Huawei IoTDA device API in-process,
// for testing code that uses package devicestate, in the spirit of
// net/http/httptest: start a Server, seed it with devices, change their
// status, inject faults, and get a *devicestate.Client configured for it.
//
// The fake serves real HTTP on a loopback address with the platform's
// semantics: the device list's descending record IDs, exclusive markers,
// offsets and filters; the search's SQL dialect and limits (400
// characters, 5 conditions, 50 rows, offset 500, one search a second); the
// IoTDA error bodies; AK/SK signature verification. It is built on the
// same in-process fake as package commandstest.
//
// Seeded devices are registered before the server's reference time (Now);
// Server.Seed says how.
package devicestatetest

import (
	"context"
	"strconv"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/commands/commandstest"
	"github.com/iotclient/iotclient-go/devicestate"
	"github.com/iotclient/iotclient-go/internal/iotda"
	"github.com/iotclient/iotclient-go/internal/mockserver"
	"github.com/iotclient/iotclient-go/iotclienttest"
)

// Credentials the fake accepts, those of package commandstest (both fakes
// serve IoTDA): Config signs with the AK/SK pair, a project other than
// ProjectID is answered with 403, and Token is accepted on every route as
// auth.Token.
const (
	ProjectID = commandstest.ProjectID
	AccessKey = commandstest.AccessKey
	SecretKey = commandstest.SecretKey
	Token     = commandstest.Token
)

// Server is a running fake. Close it when done. All methods are safe for
// concurrent use.
type Server struct {
	iotclienttest.Fake // address, in-memory client, request count, faults
	m                  *mockserver.Server
}

// Fault is one injected failure (see iotclienttest.Fault), answered with
// IoTDA's error body as in package commandstest.
type Fault = iotclienttest.Fault

// Option configures a Server built by NewServer: WithNow, WithClock,
// WithPushURL. It follows iotclient.Option's idiom: an interface whose
// method takes an internal type, so only this package provides one; a nil
// Option changes nothing.
type Option interface {
	// Apply adds the option to the fake's settings. Only the SDK calls
	// it: its argument's type is internal.
	Apply(*mockserver.FakeSettings)
}

// WithNow sets the server's reference time (default: when NewServer is
// called), so seeded data is the same from run to run, times included.
func WithNow(t time.Time) Option { return mockserver.WithReferenceTime(t) }

// WithClock makes the fake read the time from now: when a status set
// without a time changed, when a search last came (for the one-a-second
// rule), and the AK/SK signatures' freshness (so sign with auth.Token
// against a clock far from the real one).
func WithClock(now func() time.Time) Option { return mockserver.WithClock(now) }

// WithPushURL makes the fake push a device.status document to url, as
// IoTDA's data forwarding does over HTTP(S) (the documents package notify
// decodes), for every status change of SetStatus; Seed and Add push
// nothing. It pushes as package commandstest's WithPush does with the
// platform's defaults; use that package for push faults.
func WithPushURL(url string) Option { return mockserver.WithPush(mockserver.Push{URL: url}) }

// NewServer starts a fake with no devices. It opens no socket until URL or
// Config is called (then on 127.0.0.1 and a random port).
func NewServer(opts ...Option) *Server {
	m := mockserver.NewFake(opts)
	return &Server{Fake: m.Fake(), m: m}
}

// Config returns a configuration that reaches the fake on its loopback
// address (see URL), signing with its AK/SK pair, with searches paced as
// against the platform.
func (s *Server) Config() devicestate.Config { return s.config(s.m.URL()) }

func (s *Server) config(endpoint string) devicestate.Config {
	return devicestate.Config{Endpoint: endpoint, ProjectID: ProjectID, Auth: auth.AKSK(AccessKey, SecretKey)}
}

// NewClient returns a client that reaches the fake in memory (Client), as
// Config does over its loopback address, and works in a testing/synctest
// bubble. Give WithHTTPClient a client of your own whose transport wraps
// Client's to watch the requests: a transport of its own reaches nothing.
func (s *Server) NewClient(opts ...iotclient.Option) (*devicestate.Client, error) {
	return mockserver.FakeClient(s.m, s.config, devicestate.NewClient, opts)
}

// Seed registers n realistic devices and returns them newest first (the
// list's order), the same for the same seed and reference time (Now):
//
//   - IDs of IoTDA's two shapes, {product_id}_{node_id} (most) and
//     36-character UUIDs; four products, two resource spaces (apps);
//   - gateways with sub-devices (ENDPOINT), some gateways under others;
//   - about 55% ONLINE, 25% OFFLINE, 6% ABNORMAL, 10% INACTIVE, 4% FROZEN
//     (all five when n >= 5);
//   - registered 1 to 365 days before Now, activated after (not while
//     INACTIVE), the status last changed between activation and Now.
func (s *Server) Seed(n int, seed int64) []devicestate.Device {
	return fromMock(s.m.SeedDevices(n, seed))
}

// Add registers devices as given, or replaces the registration of those
// already known. Blank fields take defaults: ProductID and NodeID from an
// ID of IoTDA's shape {product_id}_{node_id} (else a product of the
// fake's and the ID), Name the ID, an app of the fake's, GatewayID the ID
// itself (a direct device), NodeType GATEWAY (ENDPOINT under a gateway),
// CreatedAt Now, Status INACTIVE (registered, never connected). A
// malformed ID is a *iotclient.ValidationError and nothing is stored.
func (s *Server) Add(devs ...devicestate.Device) error {
	m := make([]mockserver.Device, len(devs))
	for i, d := range devs {
		if err := iotda.CheckID("Device["+strconv.Itoa(i)+"].ID", d.ID, iotda.MaxDeviceIDLength); err != nil {
			return err
		}
		m[i] = mockserver.Device{
			ID: d.ID, NodeID: d.NodeID, Name: d.Name, ProductID: d.ProductID, GatewayID: d.GatewayID,
			AppID: d.AppID, NodeType: string(d.NodeType), Status: string(d.Status),
			StatusChanged: d.StatusChangedAt, Activated: d.ActivatedAt, Created: d.CreatedAt,
			FwVersion: d.FirmwareVersion, SwVersion: d.SoftwareVersion,
		}
		for _, t := range d.Tags {
			m[i].Tags = append(m[i].Tags, mockserver.Tag(t))
		}
	}
	return s.m.AddDevices(m...)
}

// Devices returns every device the fake holds, newest registration first,
// as Get reads them.
func (s *Server) Devices() []devicestate.Device { return fromMock(s.m.Devices()) }

// Device returns one device as Get reads it.
func (s *Server) Device(deviceID string) (devicestate.Device, bool) {
	d, ok := s.m.Device(deviceID)
	if !ok {
		return devicestate.Device{}, false
	}
	return fromMock([]mockserver.Device{d})[0], true
}

// SetStatus changes a device's status at a time (the fake's clock when
// zero), as the platform does when it connects, drops or is frozen, pushes
// the change (see WithPushURL), and returns the device as it now is. ONLINE, OFFLINE and ABNORMAL move
// StatusChangedAt (to the millisecond). An unknown device or status is an
// error.
func (s *Server) SetStatus(deviceID string, status devicestate.Status, at time.Time) (devicestate.Device, error) {
	d, err := s.m.SetDeviceStatus(deviceID, string(status), at)
	if err != nil {
		return devicestate.Device{}, err
	}
	return fromMock([]mockserver.Device{d})[0], nil
}

// SetSearchInterval sets the least time between two searches the fake
// answers (1 s, the platform's rule, until set); a search sooner is
// answered 429. Zero answers every search, for a client whose
// Config.SearchInterval is negative.
func (s *Server) SetSearchInterval(d time.Duration) { s.m.SetSearchInterval(d) }

// fromMock converts the fake's devices, whose times are already UTC.
func fromMock(in []mockserver.Device) []devicestate.Device {
	out := make([]devicestate.Device, len(in))
	for i, d := range in {
		out[i] = devicestate.Device{
			ID: d.ID, NodeID: d.NodeID, Name: d.Name, ProductID: d.ProductID, ProductName: mockserver.ProductName(d.ProductID),
			GatewayID: d.GatewayID, AppID: d.AppID, NodeType: devicestate.NodeType(d.NodeType), Status: devicestate.Status(d.Status),
			StatusChangedAt: d.StatusChanged, ActivatedAt: d.Activated, CreatedAt: d.Created,
			FirmwareVersion: d.FwVersion, SoftwareVersion: d.SwVersion,
		}
		for _, t := range d.Tags {
			out[i].Tags = append(out[i].Tags, devicestate.Tag(t))
		}
	}
	return out
}

// Searches counts the device searches the server has received, throttled
// ones included.
func (s *Server) Searches() int { return s.m.Requests(mockserver.RouteSearchDevices) }

// WaitPushes waits until every status change so far was pushed (or given
// up), or ctx ends (its error is returned).
func (s *Server) WaitPushes(ctx context.Context) error { return s.m.WaitPushes(ctx) }
