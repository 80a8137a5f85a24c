package mockserver

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Device statuses, as IoTDA reports them.
const (
	DeviceOnline   = "ONLINE"   // connected
	DeviceOffline  = "OFFLINE"  // disconnected
	DeviceAbnormal = "ABNORMAL" // an NB-IoT/CoAP device silent for more than 25 h
	DeviceInactive = "INACTIVE" // registered, never connected
	DeviceFrozen   = "FROZEN"   // frozen by the user
)

// Node types of a device.
const (
	NodeGateway  = "GATEWAY"  // directly connected (a gateway or a plain device)
	NodeEndpoint = "ENDPOINT" // connected through a gateway
	NodeUnknown  = "UNKNOWN"
)

var deviceStatuses = []string{DeviceOnline, DeviceOffline, DeviceAbnormal, DeviceInactive, DeviceFrozen}

func validDeviceStatus(s string) bool { return slices.Contains(deviceStatuses, s) }

// Defaults of a device registered without them (AddDevice, a command's
// device, or AddDevices with blank fields): the app is the one every push
// names.
const (
	DefaultProductID = "mock-product"
	DefaultAppID     = PushAppID
)

// Tag is one of a device's tags.
type Tag struct {
	Key, Value string
}

// Device is an IoTDA device's registration and connection status, as
// ShowDevice answers it. Times are UTC: Created in whole seconds (the
// compact format), Activated and StatusChanged in milliseconds.
type Device struct {
	ID        string
	NodeID    string
	Name      string
	ProductID string
	// GatewayID is the parent's device ID; empty stores the device's own
	// ID (a directly connected device), as the platform reports it.
	GatewayID string
	AppID     string
	NodeType  string // one of the Node* constants
	Status    string // one of the Device* constants (another value is served as is)
	// StatusChanged is connection_status_update_time: the last change of
	// ONLINE, OFFLINE or ABNORMAL; zero for a device never connected.
	StatusChanged time.Time
	Activated     time.Time // active_time; zero while INACTIVE
	Created       time.Time // create_time (registration)
	FwVersion     string
	SwVersion     string
	Tags          []Tag
	// Marker is the record ID the device list pages by (24 hex digits,
	// larger for newer registrations); the server assigns it.
	Marker string
}

func (d Device) clone() Device {
	d.Tags = slices.Clone(d.Tags)
	return d
}

// deviceSource is the middle part of the devices' record IDs.
const deviceSource = "4465766963"

// fillLocked fills d's blank fields with the defaults and assigns its
// record ID when it has none. Call with s.mu held for writing.
func (s *Server) fillLocked(d *Device) {
	// An ID of the platform's own shape, {product_id}_{node_id}, says both.
	if product, node, ok := strings.Cut(d.ID, "_"); ok && product != "" && node != "" {
		d.ProductID, d.NodeID = cmpOr(d.ProductID, product), cmpOr(d.NodeID, node)
	}
	d.NodeID = cmpOr(d.NodeID, d.ID)
	d.Name = cmpOr(d.Name, d.ID)
	d.ProductID = cmpOr(d.ProductID, DefaultProductID)
	d.GatewayID = cmpOr(d.GatewayID, d.ID)
	d.AppID = cmpOr(d.AppID, DefaultAppID)
	if d.NodeType == "" {
		d.NodeType = NodeGateway
		if d.GatewayID != d.ID {
			d.NodeType = NodeEndpoint
		}
	}
	if d.Created.IsZero() {
		d.Created = s.ref
	}
	d.Created = secondUTC(d.Created)
	d.StatusChanged, d.Activated = msUTC(d.StatusChanged), msUTC(d.Activated)
	d.Status = cmpOr(d.Status, DeviceInactive)
	if d.Activated.IsZero() && d.Status != DeviceInactive {
		d.Activated = d.Created
	}
	if d.Marker == "" {
		s.iotda.deviceSeq++
		d.Marker = objectID(d.Created, deviceSource, s.iotda.deviceSeq)
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func msUTC(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Millisecond)
}

// putDeviceLocked stores d's registration, creating the device (with no
// commands) or replacing what it had, and keeps the list order. Call with
// s.mu held for writing.
func (s *Server) putDeviceLocked(info Device) *device {
	d := s.iotda.devices[info.ID]
	if d == nil {
		d = &device{id: info.ID}
		s.iotda.devices[info.ID] = d
	} else {
		info.Marker = cmpOr(info.Marker, d.info.Marker)
		s.unlistLocked(d)
	}
	s.fillLocked(&info)
	d.info = info
	i := sort.Search(len(s.iotda.byMarker), func(i int) bool { return s.iotda.byMarker[i].info.Marker >= info.Marker })
	s.iotda.byMarker = slices.Insert(s.iotda.byMarker, i, d)
	return d
}

// unlistLocked removes d from the list order before its marker changes.
func (s *Server) unlistLocked(d *device) {
	if i := slices.Index(s.iotda.byMarker, d); i >= 0 {
		s.iotda.byMarker = slices.Delete(s.iotda.byMarker, i, i+1)
	}
}

// AddDevices registers devices (or replaces the registration of those
// already known, keeping their commands), pushing nothing. Blank fields
// take defaults: ProductID and NodeID from an ID {product_id}_{node_id},
// else DefaultProductID and the ID; Name the ID, GatewayID the ID itself,
// AppID DefaultAppID, NodeType GATEWAY for a device without a parent
// (ENDPOINT otherwise), Created the reference time, Status INACTIVE
// (registered, never connected), Activated Created unless INACTIVE, and a
// record ID newer than every one given before. An empty or malformed ID is an error and
// nothing is stored.
func (s *Server) AddDevices(devs ...Device) error {
	for i := range devs {
		if !validDeviceID(devs[i].ID) {
			return fmt.Errorf("mockserver: device %d: ID %q is not 1-128 characters of letters, digits, '_' and '-'", i, devs[i].ID)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range devs {
		s.putDeviceLocked(d.clone())
	}
	return nil
}

// Devices returns every device's registration, newest (largest record ID)
// first, as the device list orders them.
func (s *Server) Devices() []Device {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Device, 0, len(s.iotda.byMarker))
	for i := len(s.iotda.byMarker) - 1; i >= 0; i-- {
		out = append(out, s.iotda.byMarker[i].info.clone())
	}
	return out
}

// Device returns one device's registration.
func (s *Server) Device(id string) (Device, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	d := s.iotda.devices[id]
	if d == nil {
		return Device{}, false
	}
	return d.info.clone(), true
}

// SetDeviceStatus changes a device's status at the given time (the
// server's clock when zero), as the platform does when it connects, drops
// or is frozen, pushes the device.status document of the change (see
// SetDeviceConnection, which pushes nothing for the status the device
// has), and returns the device as it now is. ONLINE, OFFLINE and ABNORMAL
// set StatusChanged (connection_status_update_time, to the millisecond);
// leaving INACTIVE sets Activated. It fails for an unknown device or
// status.
func (s *Server) SetDeviceStatus(id, status string, at time.Time) (Device, error) {
	return s.moveDevice(id, status, at, false)
}
