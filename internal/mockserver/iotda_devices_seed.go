package mockserver

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"time"
)

// seedProducts are the products of a seeded fleet: IoTDA product IDs are
// 24 characters, assigned by the platform.
var seedProducts = []struct{ id, name string }{
	{"64b8f1c2a3e5d70012ab34cd", "smart-meter"},
	{"64b8f1c2a3e5d70012ab34ce", "water-pump"},
	{"650a1b2c3d4e5f6071829304", "nb-tracker"},
	{"650a1b2c3d4e5f6071829305", "edge-gateway"},
}

// seedApps are the resource spaces of a seeded fleet.
var seedApps = []string{"a1f3c5e7b9d24f6a8c0e2b4d6f8a0c12", "b2e4d6f8a0c24e6b8d0f2a4c6e8b0d23"}

// seeded statuses, weighted.
var seedDeviceStatusWeights = []weighted{
	{DeviceOnline, 55}, {DeviceOffline, 25}, {DeviceAbnormal, 6}, {DeviceInactive, 10}, {DeviceFrozen, 4},
}

// SeedDevices registers n deterministic devices and returns them newest
// (largest record ID) first. The data depends only on seed and the
// server's reference time:
//
//   - IDs have IoTDA's two shapes: {product_id}_{node_id} (the platform's
//     own, 80%) and 36-character UUIDs (chosen at registration); node IDs
//     are IMEIs, MAC addresses or serial numbers; IDs embed the index, so
//     they are unique within a call;
//   - four products and two resource spaces (apps); about one device in
//     eight is a gateway, a third of the others are sub-devices (ENDPOINT)
//     of a gateway, and a quarter of the gateways after the first hang off
//     another gateway, so a cascading list reaches grandchildren;
//   - statuses about 55% ONLINE, 25% OFFLINE, 6% ABNORMAL, 10% INACTIVE, 4%
//     FROZEN (all five appear when n >= 5); registration 1 to 365 days
//     before the reference time; activation after it (none while
//     INACTIVE); the last status change (milliseconds) between activation
//     and the reference time;
//   - about one in five carries tags (site, and sometimes floor);
//   - record IDs increase with registration.
func (s *Server) SeedDevices(n int, seed int64) []Device {
	if n <= 0 {
		return nil
	}
	r := rand.New(rand.NewPCG(uint64(seed), 0x44455649434553))
	devs := make([]Device, n)
	var gateways []int
	for i := range devs {
		devs[i] = seedDevice(r, i, seed, s.ref)
		switch {
		case i%8 == 0:
			if len(gateways) > 0 && r.IntN(4) == 0 {
				devs[i].GatewayID = devs[gateways[r.IntN(len(gateways))]].ID
			}
			devs[i].NodeType = NodeGateway
			gateways = append(gateways, i)
		case len(gateways) > 0 && r.IntN(3) == 0:
			devs[i].GatewayID = devs[gateways[r.IntN(len(gateways))]].ID
			devs[i].NodeType = NodeEndpoint
		default:
			devs[i].NodeType = NodeGateway
		}
		if i < len(deviceStatuses) {
			setSeedStatus(r, &devs[i], deviceStatuses[i], s.ref)
		}
	}
	// Record IDs follow registration, as on the platform.
	sort.SliceStable(devs, func(i, j int) bool { return devs[i].Created.Before(devs[j].Created) })
	s.mu.Lock()
	for i := range devs {
		d := s.putDeviceLocked(devs[i])
		devs[i] = d.info.clone()
	}
	s.mu.Unlock()
	for i, j := 0, len(devs)-1; i < j; i, j = i+1, j-1 {
		devs[i], devs[j] = devs[j], devs[i]
	}
	return devs
}

func seedDevice(r *rand.Rand, i int, seed int64, ref time.Time) Device {
	p := seedProducts[r.IntN(len(seedProducts))]
	var node string
	switch r.IntN(3) {
	case 0: // an IMEI
		node = fmt.Sprintf("86%07d%06d", uint64(seed)%10_000_000, i%1_000_000)
	case 1: // a MAC address
		node = fmt.Sprintf("A4C1%08X", uint32(i)^uint32(seed)<<20)
	default:
		node = fmt.Sprintf("SN-%06d-%d", i, seed%1000)
	}
	d := Device{
		NodeID:    node,
		ProductID: p.id,
		AppID:     seedApps[r.IntN(len(seedApps))],
		Name:      fmt.Sprintf("%s-%04d", p.name, i),
		FwVersion: fmt.Sprintf("v1.%d.%d", r.IntN(4), r.IntN(10)),
		SwVersion: fmt.Sprintf("v2.%d", r.IntN(6)),
	}
	if r.IntN(5) == 0 {
		d.ID = fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", r.Uint32(), r.IntN(1<<16), r.IntN(1<<12), 0x8000|r.IntN(1<<14), uint64(i)<<16|uint64(r.IntN(1<<16)))
	} else {
		d.ID = p.id + "_" + node
	}
	if r.IntN(5) == 0 {
		d.Tags = []Tag{{Key: "site", Value: []string{"berlin", "shenzhen", "lagos"}[r.IntN(3)]}}
		if r.IntN(2) == 0 {
			d.Tags = append(d.Tags, Tag{Key: "floor", Value: fmt.Sprint(r.IntN(12))})
		}
	}
	d.Created = secondUTC(ref.Add(-between(r, 24*time.Hour, 365*24*time.Hour)))
	setSeedStatus(r, &d, drawDeviceStatus(r), ref)
	return d
}

// setSeedStatus sets a status with times that agree with it.
func setSeedStatus(r *rand.Rand, d *Device, status string, ref time.Time) {
	d.Status, d.Activated, d.StatusChanged = status, time.Time{}, time.Time{}
	if status == DeviceInactive {
		return
	}
	d.Activated = d.Created.Add(msBetween(r, time.Second, ref.Sub(d.Created)/4))
	d.StatusChanged = d.Activated.Add(msBetween(r, 0, ref.Sub(d.Activated)-time.Millisecond))
}

func drawDeviceStatus(r *rand.Rand) string { return draw(r, seedDeviceStatusWeights) }
