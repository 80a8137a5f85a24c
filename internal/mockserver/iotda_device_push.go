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
	_, err := s.moveDevice(deviceID, status, time.Time{}, true)
	return err
}

// moveDevice is SetDeviceConnection and SetDeviceStatus: it moves a known
// device to a valid status at at (the server's clock when zero) and, unless
// onlyChange and the device has that status already, pushes the change.
func (s *Server) moveDevice(id, status string, at time.Time, onlyChange bool) (Device, error) {
	if !validDeviceStatus(status) {
		return Device{}, fmt.Errorf("mockserver: unknown device status %q (want one of %s)", status, strings.Join(deviceStatuses, ", "))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.knownDeviceLocked(id)
	if err != nil {
		return Device{}, err
	}
	if at.IsZero() {
		at = s.now()
	}
	if !onlyChange || d.info.Status != status {
		s.setDeviceStatusLocked(d, status, at)
	}
	return d.info.clone(), nil
}

// knownDeviceLocked is a device a test changes, an error when there is no
// such device. Call with s.mu held.
func (s *Server) knownDeviceLocked(id string) (*device, error) {
	if d := s.iotda.devices[id]; d != nil {
		return d, nil
	}
	return nil, fmt.Errorf("mockserver: device %q does not exist", id)
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
