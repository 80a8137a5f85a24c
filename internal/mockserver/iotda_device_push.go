package mockserver

import (
	"fmt"
	"slices"
	"time"
)

// The device side of pushing: a device's connection status, moved by the
// test, and the device.status document each change makes.

// pushDeviceStatuses are the statuses a device.status document carries.
var pushDeviceStatuses = []string{"ONLINE", "OFFLINE", "ABNORMAL", "INACTIVE", "FROZEN"}

// deviceConnection is what the fake knows of a device's connection.
type deviceConnection struct {
	status     string
	lastOnline time.Time // when it last went ONLINE; zero if never
}

// SetDeviceConnection moves deviceID to status (ONLINE, OFFLINE, ABNORMAL,
// INACTIVE or FROZEN), as the platform does when the device connects, is
// lost or is frozen, and pushes a device.status document stamped with the
// server's clock (last_online_time: the last move to ONLINE, this one
// included). Setting the status the device already has is no change and
// pushes nothing. It fails for an unknown device or status.
func (s *Server) SetDeviceConnection(deviceID, status string) error {
	if !slices.Contains(pushDeviceStatuses, status) {
		return fmt.Errorf("mockserver: device status %q is not one of %v", status, pushDeviceStatuses)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.iotda.devices[deviceID] == nil {
		return fmt.Errorf("mockserver: device %q does not exist", deviceID)
	}
	if s.devConn == nil {
		s.devConn = make(map[string]*deviceConnection)
	}
	dc := s.devConn[deviceID]
	if dc == nil {
		dc = &deviceConnection{}
		s.devConn[deviceID] = dc
	}
	if dc.status == status {
		return nil
	}
	now := s.now().UTC()
	dc.status = status
	if status == "ONLINE" {
		dc.lastOnline = now
	}
	if p := s.push.p.Load(); p != nil {
		s.pushDoc(p, ResourceDeviceStatus, deviceID, deviceID, status, now, pushDeviceBody{
			Status:           status,
			LastOnlineTime:   compactTime(dc.lastOnline),
			StatusUpdateTime: now.Format(pushMSLayout),
		})
	}
	return nil
}
