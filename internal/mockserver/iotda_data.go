package mockserver

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// Command statuses, as on the platform.
const (
	StatusPending    = "PENDING"    // cached on the platform, not yet sent
	StatusExpired    = "EXPIRED"    // the cache time ran out (terminal)
	StatusSent       = "SENT"       // being delivered
	StatusDelivered  = "DELIVERED"  // reached the device
	StatusSuccessful = "SUCCESSFUL" // executed (terminal)
	StatusFailed     = "FAILED"     // execution failed (terminal)
	StatusTimeout    = "TIMEOUT"    // no response in time (terminal)
)

// Send strategies of a deliver call.
const (
	StrategyImmediately = "immediately" // sent at once (answered SENT)
	StrategyDelay       = "delay"       // cached until the device shows up (answered PENDING)
)

// Deliver-body limits enforced by POST .../async-commands.
const (
	MaxServiceIDLen   = 64        // characters of service_id
	MaxCommandNameLen = 128       // characters of command_name
	MaxParasBytes     = 32 * 1024 // bytes of paras (compacted JSON)
	MaxExpireSeconds  = 172800    // expire_time upper bound (0 = 24 h)
	MaxPendingPerDev  = 20        // PENDING commands a device may hold
)

var allStatuses = []string{
	StatusPending, StatusExpired, StatusSent, StatusDelivered,
	StatusSuccessful, StatusFailed, StatusTimeout,
}

func validStatus(s string) bool { return slices.Contains(allStatuses, s) }

// Command is one asynchronous command as the fake stores it. Times are UTC
// with whole seconds (the wire format has no fraction; stored times are
// truncated to the second); a zero time is absent from the JSON record.
//
// IDs are compared as strings. Generated IDs are 24 lowercase hex digits
// (like a MongoDB object ID: creation seconds, then a source part, then a
// counter), so string order is creation order and a new command always gets
// the largest ID of its device. The command_id on the wire is the ID; the
// history's marker is a command ID.
type Command struct {
	ID            string
	DeviceID      string
	ServiceID     string
	Name          string // command_name
	Status        string // one of the Status* constants
	ExpireSeconds int    // expire_time
	SendStrategy  string // StrategyImmediately or StrategyDelay
	Created       time.Time
	Sent          time.Time
	Delivered     time.Time
	Responded     time.Time      // response_time
	Paras         jsontext.Value // the command's parameters (a JSON object)
	Result        jsontext.Value // the device's result, if any
}

// inHistory reports whether the history listing holds c: the platform
// documents it as holding the final statuses and DELIVERED. A PENDING or
// SENT command is listed by the queue only.
func inHistory(c *Command) bool { return c.Status != StatusPending && c.Status != StatusSent }

// queued reports whether the queue listing holds c: PENDING, SENT and
// DELIVERED commands.
func queued(c *Command) bool {
	return c.Status == StatusPending || c.Status == StatusSent || c.Status == StatusDelivered
}

// HistoryOnly returns the commands of cmds the history lists, in order.
func HistoryOnly(cmds []Command) []Command {
	var out []Command
	for i := range cmds {
		if inHistory(&cmds[i]) {
			out = append(out, cmds[i])
		}
	}
	return out
}

func (c Command) clone() Command {
	c.Paras = slices.Clone(c.Paras)
	c.Result = slices.Clone(c.Result)
	return c
}

type iotdaState struct {
	devices     map[string]*device
	byMarker    []*device     // the device list's order: ascending record ID
	search      time.Time     // when the last device search was answered
	searchEvery time.Duration // the least time between two searches
	// deviceSeq numbers the devices' record IDs, apart from idSeq so
	// that registering a device does not change the IDs of commands.
	deviceSeq uint32
	idSeq     uint32
	tokens    map[string]time.Time // IAM-issued token -> expiry
	tokenSeq  uint64
}

func (st *iotdaState) init() {
	st.devices = make(map[string]*device)
	st.tokens = make(map[string]time.Time)
	st.searchEvery = DefaultSearchInterval
}

// device holds its registration and its commands in ascending ID order:
// the history walks the slice backwards, a marker is found by binary
// search.
type device struct {
	id         string
	info       Device
	lastOnline time.Time // the last move to ONLINE that was pushed (last_online_time)
	cmds       []Command
}

// search returns the index of the first command whose ID is >= id.
func (d *device) search(id string) int {
	return sort.Search(len(d.cmds), func(i int) bool { return d.cmds[i].ID >= id })
}

func (d *device) find(id string) (int, bool) {
	i := d.search(id)
	return i, i < len(d.cmds) && d.cmds[i].ID == id
}

// put inserts c in ID order, replacing a command with the same ID.
func (d *device) put(c Command) {
	n := len(d.cmds)
	if n == 0 || d.cmds[n-1].ID < c.ID {
		d.cmds = append(d.cmds, c)
		return
	}
	i, found := d.find(c.ID)
	if found {
		d.cmds[i] = c
		return
	}
	d.cmds = slices.Insert(d.cmds, i, c)
}

// merge stores many commands at once (a stable sort instead of one insert
// each); a new command replaces a stored one with the same ID.
func (d *device) merge(cmds []Command) {
	merged := make([]Command, 0, len(d.cmds)+len(cmds))
	merged = append(merged, d.cmds...)
	for _, c := range cmds {
		merged = append(merged, c.clone())
	}
	sort.SliceStable(merged, func(i, j int) bool { return merged[i].ID < merged[j].ID })
	out := merged[:0]
	for _, c := range merged {
		if n := len(out); n > 0 && out[n-1].ID == c.ID {
			out[n-1] = c // the later (newer) copy wins
			continue
		}
		out = append(out, c)
	}
	d.cmds = out
}

func (d *device) pending() int {
	n := 0
	for i := range d.cmds {
		if d.cmds[i].Status == StatusPending {
			n++
		}
	}
	return n
}

// liveIDSource is the middle part of IDs generated by the running server
// (seeded IDs use a part derived from the seed).
const liveIDSource = "4d6f636b53"

// newIDLocked returns an object-ID-like ID for a command created at created
// that is larger than every ID of d. Call with s.mu held for writing.
func (s *Server) newIDLocked(d *device, created time.Time) string {
	s.iotda.idSeq++
	id := objectID(created, liveIDSource, s.iotda.idSeq)
	if n := len(d.cmds); n > 0 && id <= d.cmds[n-1].ID {
		id = successor(d.cmds[n-1].ID)
	}
	return id
}

func objectID(t time.Time, source string, seq uint32) string {
	return fmt.Sprintf("%08x%s%06x", uint32(t.Unix()), source, seq&0xffffff)
}

// successor returns the smallest string of the same shape that sorts after
// id: a lowercase hex ID is incremented; anything else gets a "0" appended.
func successor(id string) string {
	b := []byte(id)
	for i := len(b) - 1; i >= 0; i-- {
		switch c := b[i]; {
		case c >= '0' && c < '9', c >= 'a' && c < 'f':
			b[i]++
			return string(b)
		case c == '9':
			b[i] = 'a'
			return string(b)
		case c == 'f':
			b[i] = '0'
		default:
			return id + "0"
		}
	}
	return id + "0"
}

// AddDevice registers an IoTDA device with no commands and the default
// registration (see AddDevices). Adding an existing device changes
// nothing.
func (s *Server) AddDevice(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deviceLocked(id)
}

func (s *Server) deviceLocked(id string) *device {
	d := s.iotda.devices[id]
	if d == nil {
		d = s.putDeviceLocked(Device{ID: id})
	}
	return d
}

// AddCommands stores commands for deviceID, creating the device. Blank
// fields are filled in: DeviceID = deviceID; Created = now; SendStrategy =
// immediately; Status = SENT for immediately or PENDING for delay; ID = a new
// ID larger than every ID of the device. Times are truncated to the second.
// A command with the ID of a stored one replaces it.
func (s *Server) AddCommands(deviceID string, cmds ...Command) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.deviceLocked(deviceID)
	for _, c := range cmds {
		c = c.clone()
		c.DeviceID = deviceID
		if c.Created.IsZero() {
			c.Created = s.now()
		}
		c.Created = secondUTC(c.Created)
		c.Sent, c.Delivered, c.Responded = secondUTC(c.Sent), secondUTC(c.Delivered), secondUTC(c.Responded)
		if c.SendStrategy == "" {
			c.SendStrategy = StrategyImmediately
		}
		if c.Status == "" {
			c.Status = StatusSent
			if c.SendStrategy == StrategyDelay {
				c.Status = StatusPending
			}
		}
		if c.ID == "" {
			c.ID = s.newIDLocked(d, c.Created)
		}
		d.put(c)
	}
}

// Commands returns a copy of deviceID's commands, newest (largest ID)
// first; nil for an unknown device.
func (s *Server) Commands(deviceID string) []Command {
	s.mu.RLock()
	defer s.mu.RUnlock()
	d := s.iotda.devices[deviceID]
	if d == nil {
		return nil
	}
	out := make([]Command, 0, len(d.cmds))
	for i := len(d.cmds) - 1; i >= 0; i-- {
		out = append(out, d.cmds[i].clone())
	}
	return out
}

// Command returns one command of a device.
func (s *Server) Command(deviceID, commandID string) (Command, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	d := s.iotda.devices[deviceID]
	if d == nil {
		return Command{}, false
	}
	i, ok := d.find(commandID)
	if !ok {
		return Command{}, false
	}
	return d.cmds[i].clone(), true
}

// SetCommandStatus moves a command to status, as the platform would when the
// device progresses, stamping the server's current time on the times the new
// status implies and that are still absent: SENT sets sent_time; DELIVERED
// also delivered_time; SUCCESSFUL and FAILED also response_time (always
// refreshed); TIMEOUT sets sent_time; PENDING and EXPIRED set nothing. A
// non-nil result replaces the stored result. A pushing server pushes the
// change; setting the status the command already has pushes nothing. It
// fails for an unknown device, command or status.
func (s *Server) SetCommandStatus(deviceID, commandID, status string, result jsontext.Value) error {
	if !validStatus(status) {
		return fmt.Errorf("mockserver: unknown command status %q (want one of %s)", status, strings.Join(allStatuses, ", "))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.knownDeviceLocked(deviceID)
	if err != nil {
		return err
	}
	i, ok := d.find(commandID)
	if !ok {
		return fmt.Errorf("mockserver: device %q has no command %q", deviceID, commandID)
	}
	c := &d.cmds[i]
	now := secondUTC(s.now())
	fill := func(t *time.Time) {
		if t.IsZero() {
			*t = now
		}
	}
	switch status {
	case StatusSent, StatusTimeout:
		fill(&c.Sent)
	case StatusDelivered:
		fill(&c.Sent)
		fill(&c.Delivered)
	case StatusSuccessful, StatusFailed:
		fill(&c.Sent)
		fill(&c.Delivered)
		c.Responded = now
	}
	changed := c.Status != status
	c.Status = status
	if result != nil {
		c.Result = slices.Clone(result)
	}
	if changed {
		s.pushCommandLocked(c, s.now())
	}
	return nil
}

func secondUTC(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Second)
}
