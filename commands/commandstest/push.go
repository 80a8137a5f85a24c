package commandstest

import (
	"context"
	"fmt"
	"net/url"
	"slices"

	"github.com/iotclient/iotclient-go/internal/invalid"
	"github.com/iotclient/iotclient-go/internal/mockserver"
	"github.com/iotclient/iotclient-go/iotclienttest"
)

// PushOptions tunes how the fake pushes (see iotclienttest.PushOptions).
type PushOptions = iotclienttest.PushOptions

// PushFaults makes pushes misbehave as an at-least-once channel may (see
// iotclienttest.PushFaults).
type PushFaults = iotclienttest.PushFaults

// PushStats counts what the fake pushed (see iotclienttest.PushStats).
type PushStats = iotclienttest.PushStats

// WithPushURL makes the fake push to url from the start, with the
// platform's defaults: see WithPush.
func WithPushURL(url string) Option { return WithPush(url, PushOptions{}) }

// WithPush makes the fake push notifications to url, as IoTDA's data
// forwarding does over HTTP(S): a device.command.status document for every
// status change of a command (created by Create, moved on by the
// lifecycle or by SetStatus; seeded and added commands push nothing until
// they change) and a device.status document for every SetDeviceConnection.
// The documents have the shape of spec/huawei-iotda-push.md, which package
// notify decodes. With WithLifecycle the fake moves its commands on by
// itself, so their changes are pushed without any request. An empty url
// pushes nothing until PushTo. NewServer panics on a url that is not
// absolute http(s) or on options out of range (a test's mistake).
func WithPush(url string, o PushOptions) Option {
	if err := checkPush(url, &o); err != nil {
		panic("commandstest: WithPush: " + err.Error())
	}
	return mockserver.WithPush(mockserver.Push{URL: url, PushOptions: o})
}

func checkPush(u string, o *PushOptions) error {
	if err := checkPushURL(u); err != nil {
		return err
	}
	switch {
	case o.Workers < 0:
		return invalid.Field("PushOptions.Workers", fmt.Sprint(o.Workers), "must not be negative")
	case o.Timeout < 0:
		return invalid.Field("PushOptions.Timeout", o.Timeout.String(), "must not be negative")
	case o.BlocklistAfter < 0:
		return invalid.Field("PushOptions.BlocklistAfter", fmt.Sprint(o.BlocklistAfter), "must not be negative")
	case o.BlocklistRetry < 0:
		return invalid.Field("PushOptions.BlocklistRetry", o.BlocklistRetry.String(), "must not be negative")
	}
	return checkPushFaults(&o.Faults)
}

func checkPushURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return invalid.Field("url", s, "must be an absolute http or https URL")
	}
	return nil
}

func checkPushFaults(f *PushFaults) error {
	for _, fr := range []struct {
		name string
		v    float64
	}{{"Duplicate", f.Duplicate}, {"Reorder", f.Reorder}, {"Drop", f.Drop}} {
		if !(fr.v >= 0 && fr.v <= 1) { // NaN fails too
			return invalid.Field("PushFaults."+fr.name, fmt.Sprint(fr.v), "must be between 0 and 1")
		}
	}
	if f.ReorderDelay < 0 {
		return invalid.Field("PushFaults.ReorderDelay", f.ReorderDelay.String(), "must not be negative")
	}
	return nil
}

// PushTo points the fake's pushes at url, keeping the options of WithPush
// (the defaults without it); "" stops pushing (documents already queued
// still go). A url that is not absolute http(s) is a
// *iotclient.ValidationError and changes nothing.
func (s *Server) PushTo(url string) error {
	if err := checkPushURL(url); err != nil {
		return err
	}
	s.m.SetPushURL(url)
	return nil
}

// SetPushFaults replaces the push faults. A fraction outside 0..1 or a
// negative delay is a *iotclient.ValidationError naming it, and changes
// nothing. It does nothing on a fake that does not push.
func (s *Server) SetPushFaults(f PushFaults) error {
	if err := checkPushFaults(&f); err != nil {
		return err
	}
	f.DropIDs = slices.Clone(f.DropIDs)
	s.m.SetPushFaults(f)
	return nil
}

// SetReceiverDown plays an outage of the receiver: while down, documents
// wait instead of being sent (none is lost); when it is back they all go
// at once, at DrainRate and in the order they were made: the burst a
// receiver sees after an outage.
func (s *Server) SetReceiverDown(down bool) { s.m.SetReceiverDown(down) }

// PushStats returns the push counters.
func (s *Server) PushStats() PushStats { return s.m.PushStats() }

// WaitPushes blocks until every document made so far was sent, dropped or
// is waiting for a receiver down or blocklisted (none queued, held back or
// in flight), or until ctx ends (its error is returned).
func (s *Server) WaitPushes(ctx context.Context) error { return s.m.WaitPushes(ctx) }

// Gets counts the GET requests that read this command (commands.Client.Get,
// and Wait's polls): zero for a command whose outcome a client learnt from
// pushes alone.
func (s *Server) Gets(deviceID, commandID string) int { return s.m.CommandGets(deviceID, commandID) }

// Device statuses for SetDeviceConnection, as IoTDA reports them.
const (
	DeviceOnline   = "ONLINE"
	DeviceOffline  = "OFFLINE"
	DeviceAbnormal = "ABNORMAL"
	DeviceInactive = "INACTIVE"
	DeviceFrozen   = "FROZEN"
)

// SetDeviceConnection moves a device's connection status to status (one
// of the Device constants), stamped with the current time, and pushes a
// device.status document if that is a change. A status outside the
// constants is a *iotclient.ValidationError; an unknown device (see
// AddDevice) is an error.
func (s *Server) SetDeviceConnection(deviceID, status string) error {
	switch status {
	case DeviceOnline, DeviceOffline, DeviceAbnormal, DeviceInactive, DeviceFrozen:
	default:
		return invalid.Field("status", status, "must be ONLINE, OFFLINE, ABNORMAL, INACTIVE or FROZEN")
	}
	return s.m.SetDeviceConnection(deviceID, status)
}
