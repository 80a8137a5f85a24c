package mockserver

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// commandTemplate is one kind of seeded command.
type commandTemplate struct {
	service, name string
	paras         func(r *rand.Rand) string
}

var commandTemplates = []commandTemplate{
	{"Switch", "ON_OFF", func(r *rand.Rand) string {
		return fmt.Sprintf(`{"value":%q}`, []string{"ON", "OFF"}[r.IntN(2)])
	}},
	{"System", "REBOOT", func(r *rand.Rand) string {
		return fmt.Sprintf(`{"delay_seconds":%d}`, r.IntN(60))
	}},
	{"Telemetry", "SET_INTERVAL", func(r *rand.Rand) string {
		return fmt.Sprintf(`{"interval_seconds":%d}`, []int{10, 30, 60, 300, 900}[r.IntN(5)])
	}},
	{"Firmware", "FW_UPGRADE", func(r *rand.Rand) string {
		v := fmt.Sprintf("2.%d.%d", r.IntN(5), r.IntN(20))
		return fmt.Sprintf(`{"version":%q,"url":"https://fw.example.com/images/%s.bin"}`, v, v)
	}},
	{"Light", "SET_BRIGHTNESS", func(r *rand.Rand) string {
		return fmt.Sprintf(`{"brightness":%d}`, r.IntN(101))
	}},
}

var seedFailures = []string{"device busy", "invalid parameter", "low battery", "checksum mismatch"}

// weighted status draw for seeded commands beyond the first seven.
var seedStatusWeights = []weighted{
	{StatusSuccessful, 50}, {StatusFailed, 14}, {StatusTimeout, 10}, {StatusExpired, 10},
	{StatusDelivered, 6}, {StatusSent, 5}, {StatusPending, 5},
}

// maxSeededPending bounds the PENDING commands one SeedCommands call adds,
// so a seeded device can still accept delayed deliveries (limit 20).
const maxSeededPending = 10

// SeedCommands adds n deterministic commands to deviceID (creating the
// device) and returns them newest first. The data depends only on seed and
// the server's reference time:
//
//   - IDs are 24-hex object-ID-like strings strictly increasing with the
//     created time (newest = largest);
//   - all seven statuses appear when n >= 7 (mostly SUCCESSFUL; at most 10
//     PENDING per call);
//   - service/command pairs Switch/ON_OFF, System/REBOOT,
//     Telemetry/SET_INTERVAL, Firmware/FW_UPGRADE, Light/SET_BRIGHTNESS;
//   - created times spread over the 30 days before the reference time
//     (non-final statuses within its last 20 hours, EXPIRED at least 3 days
//     before it), whole seconds;
//   - times consistent with the status: PENDING and EXPIRED have no sent
//     time (and use the delay strategy); sent = created for immediately;
//     DELIVERED, SUCCESSFUL, FAILED (and most TIMEOUT) have a delivered
//     time; SUCCESSFUL and FAILED have a response time and a result.
//
// Seeding the same device twice with the same seed stores the same IDs
// again (they replace the earlier ones).
func (s *Server) SeedCommands(deviceID string, n int, seed int64) []Command {
	if n <= 0 {
		s.AddDevice(deviceID)
		return nil
	}
	r := rand.New(rand.NewPCG(uint64(seed), 0x494f544441))
	source := fmt.Sprintf("%010x", (uint64(seed)*0x9e3779b97f4a7c15)>>24&0xffffffffff)

	statuses := make([]string, n)
	for i := range statuses {
		if i < len(allStatuses) {
			statuses[i] = allStatuses[i]
			continue
		}
		statuses[i] = drawStatus(r)
	}
	r.Shuffle(n, func(i, j int) { statuses[i], statuses[j] = statuses[j], statuses[i] })
	pending := 0
	for i, st := range statuses {
		if st == StatusPending {
			if pending++; pending > maxSeededPending {
				statuses[i] = StatusExpired
			}
		}
	}

	ref := s.ref
	cmds := make([]Command, n)
	for i, st := range statuses {
		cmds[i] = seedCommand(r, deviceID, st, ref)
	}
	sort.SliceStable(cmds, func(i, j int) bool { return cmds[i].Created.Before(cmds[j].Created) })
	seq := r.Uint32() & 0xffff
	for i := range cmds {
		cmds[i].ID = objectID(cmds[i].Created, source, seq)
		seq++
	}

	s.mu.Lock()
	d := s.deviceLocked(deviceID)
	d.merge(cmds)
	s.mu.Unlock()

	slices.Reverse(cmds)
	return cmds
}

func drawStatus(r *rand.Rand) string { return draw(r, seedStatusWeights) }

// weighted is a status a seed draws, and how often against the others.
type weighted struct {
	status string
	weight int
}

// draw picks one of ws (not empty), each as often as its weight says.
func draw(r *rand.Rand, ws []weighted) string {
	total := 0
	for _, w := range ws {
		total += w.weight
	}
	x := r.IntN(total)
	for _, w := range ws {
		if x < w.weight {
			return w.status
		}
		x -= w.weight
	}
	return ws[len(ws)-1].status // unreachable with positive weights
}

func between(r *rand.Rand, lo, hi time.Duration) time.Duration {
	lo, hi = lo.Truncate(time.Second), hi.Truncate(time.Second)
	return lo + time.Duration(r.Int64N(int64((hi-lo)/time.Second)+1))*time.Second
}

func seedCommand(r *rand.Rand, deviceID, status string, ref time.Time) Command {
	tpl := commandTemplates[r.IntN(len(commandTemplates))]
	c := Command{
		DeviceID:  deviceID,
		ServiceID: tpl.service,
		Name:      tpl.name,
		Status:    status,
		Paras:     jsontext.Value(tpl.paras(r)),
	}
	final := status == StatusSuccessful || status == StatusFailed || status == StatusTimeout || status == StatusExpired
	switch {
	case status == StatusExpired:
		c.Created = ref.Add(-between(r, 72*time.Hour, 30*24*time.Hour))
	case final:
		c.Created = ref.Add(-between(r, 2*time.Hour, 30*24*time.Hour))
	default:
		c.Created = ref.Add(-between(r, 5*time.Minute, 20*time.Hour))
	}
	c.Created = secondUTC(c.Created)

	switch {
	case status == StatusPending || status == StatusExpired || r.IntN(10) < 3:
		c.SendStrategy = StrategyDelay
		if status == StatusPending {
			c.ExpireSeconds = []int{0, 86400, 172800}[r.IntN(3)]
		} else {
			c.ExpireSeconds = []int{0, 3600, 86400, 172800}[r.IntN(4)]
		}
	default:
		c.SendStrategy = StrategyImmediately
	}
	if status == StatusPending || status == StatusExpired {
		return c
	}

	if c.SendStrategy == StrategyImmediately {
		c.Sent = c.Created
	} else {
		c.Sent = c.Created.Add(between(r, time.Second, 4*time.Minute))
	}
	switch status {
	case StatusDelivered, StatusSuccessful, StatusFailed:
		c.Delivered = c.Sent.Add(between(r, time.Second, 5*time.Second))
	case StatusTimeout:
		if r.IntN(10) < 7 {
			c.Delivered = c.Sent.Add(between(r, time.Second, 5*time.Second))
		}
	}
	switch status {
	case StatusSuccessful:
		c.Responded = c.Delivered.Add(between(r, time.Second, 30*time.Second))
		c.Result = jsontext.Value(`{"result_code":0,"response_name":"COMMAND_RESPONSE","paras":{"result":"success"}}`)
	case StatusFailed:
		c.Responded = c.Delivered.Add(between(r, time.Second, 30*time.Second))
		c.Result = jsontext.Value(fmt.Sprintf(`{"result_code":1,"response_name":"COMMAND_RESPONSE","paras":{"error":%q}}`,
			seedFailures[r.IntN(len(seedFailures))]))
	}
	return c
}
