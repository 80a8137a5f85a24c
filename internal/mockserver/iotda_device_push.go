package mockserver

import (
	"fmt"
	"strings"
	"time"
)

// The device side of pushing: a device's connection status, moved by the
// test (SetDeviceConnection, SetDeviceStatus), and the device.status
// document each change makes. The status is the one the device's
// registration holds (iotda_devices.go), so what the fake pushes and what
// ShowDevice, ListDevices and SearchDevices answer agree.

// SetDeviceConnection moves deviceID to status (ONLINE, OFFLINE, ABNORMAL,
// INACTIVE or FROZEN) at the server's clock, as the platform does when the
// device connects, is lost or is frozen, and pushes a device.status
// document (last_online_time: the last move to ONLINE, this one included).
// Setting the status the device already has is no change and pushes
// nothing. It fails for an unknown device or status.
func (s *Server) SetDeviceConnection(deviceID, status string) error {
	if !validDeviceStatus(status) {
		return fmt.Errorf("mockserver: device status %q is not one of %s", status, strings.Join(deviceStatuses, ", "))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.iotda.devices[deviceID]
	if d == nil {
		return fmt.Errorf("mockserver: device %q does not exist", deviceID)
	}
	if d.info.Status != status {
		s.setDeviceStatusLocked(d, status, s.now())
	}
	return nil
}

// setDeviceStatusLocked moves d to status at at and pushes the change.
// ONLINE, OFFLINE and ABNORMAL set connection_status_update_time; leaving
// INACTIVE sets the activation time. Call with s.mu held for writing.
func (s *Server) setDeviceStatusLocked(d *device, status string, at time.Time) {
	at = msUTC(at)
	switch status {
	case DeviceOnline, DeviceOffline, DeviceAbnormal:
		d.info.StatusChanged = at
	}
	if status != DeviceInactive && d.info.Activated.IsZero() {
		d.info.Activated = at
	}
	if status == DeviceOnline {
		d.lastOnline = at
	}
	d.info.Status = status
	if p := s.push.p.Load(); p != nil {
		s.pushDoc(p, ResourceDeviceStatus, d.id, d.id, status, at, pushDeviceBody{
			Status:           status,
			LastOnlineTime:   compactTime(d.lastOnline),
			StatusUpdateTime: at.Format(pushMSLayout),
		})
	}
}
