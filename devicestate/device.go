package devicestate

import "time"

// Status is a device's status in IoTDA. Other values are kept as they
// come.
type Status string

// The five statuses IoTDA reports. Some of Huawei's pages spell FROZEN
// "FREEZED": the SDK reads it as StatusFrozen.
const (
	// StatusOnline: connected. An MQTT device is ONLINE while its
	// connection lasts; an NB-IoT/CoAP device while it reported within 25 h.
	StatusOnline Status = "ONLINE"
	// StatusOffline: disconnected. An MQTT device goes OFFLINE about a
	// minute after its connection drops; an NB-IoT/CoAP device after 49 h
	// without data.
	StatusOffline Status = "OFFLINE"
	// StatusAbnormal: an NB-IoT/CoAP device silent for more than 25 h (MQTT
	// devices are never ABNORMAL).
	StatusAbnormal Status = "ABNORMAL"
	// StatusInactive: registered, never connected.
	StatusInactive Status = "INACTIVE"
	// StatusFrozen: frozen by the user; it cannot connect.
	StatusFrozen Status = "FROZEN"
)

// Known reports whether s is one of the five documented statuses.
func (s Status) Known() bool {
	switch s {
	case StatusOnline, StatusOffline, StatusAbnormal, StatusInactive, StatusFrozen:
		return true
	}
	return false
}

// Disconnected reports whether s is OFFLINE or ABNORMAL: a device that has
// connected before and is not connected now. INACTIVE (never connected)
// and FROZEN (barred by the user) are neither connected nor disconnected.
func (s Status) Disconnected() bool { return s == StatusOffline || s == StatusAbnormal }

// statusOf reads a status as the platform spells it: FREEZED is FROZEN.
func statusOf(s string) Status {
	if s == "FREEZED" {
		return StatusFrozen
	}
	return Status(s)
}

// NodeType is how a device reaches the platform. Other values are kept as
// they come.
type NodeType string

// The node types IoTDA reports.
const (
	NodeGateway  NodeType = "GATEWAY"  // connected directly: a gateway or a plain device
	NodeEndpoint NodeType = "ENDPOINT" // connected through a gateway (a sub-device)
	NodeUnknown  NodeType = "UNKNOWN"
)

// Known reports whether t is one of the three documented node types.
func (t NodeType) Known() bool { return t == NodeGateway || t == NodeEndpoint || t == NodeUnknown }

// Tag is one of a device's tags.
type Tag struct {
	Key   string
	Value string
}

// Device is an IoTDA device and its connection status. Get fills every
// field; List and Search leave the times zero (the platform sends none
// with a listing).
type Device struct {
	ID     string
	NodeID string // the device's own identifier: IMEI, MAC address, serial number...
	Name   string
	// ProductID is the product (model) the device belongs to; ProductName
	// its name, when the platform sent it.
	ProductID   string
	ProductName string
	// GatewayID is ID for a directly connected device, else the device ID
	// of its parent gateway.
	GatewayID string
	AppID     string // the resource space (application)
	NodeType  NodeType
	Status    Status
	// StatusChangedAt is when the status last changed between ONLINE,
	// OFFLINE and ABNORMAL (connection_status_update_time), to the
	// millisecond: since when the device is connected or not. The platform
	// keeps no other last-online or last-offline time. Zero for a device
	// never connected, and from List and Search.
	StatusChangedAt time.Time
	ActivatedAt     time.Time // when the device first connected (active_time); zero while INACTIVE
	CreatedAt       time.Time // when it was registered (create_time), to the second
	FirmwareVersion string
	SoftwareVersion string
	Tags            []Tag
}

// Connected reports whether the device is ONLINE.
func (d *Device) Connected() bool { return d.Status == StatusOnline }

// Direct reports whether the device connects to the platform itself rather
// than through a gateway.
func (d *Device) Direct() bool { return d.GatewayID == "" || d.GatewayID == d.ID }
