package main

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/iotclient/iotclient-go/devicestate"
)

// demoDevices are the embedded mock's devices, newest first.
func demoDevices(t *testing.T, m *mockFleet) []devicestate.Device {
	t.Helper()
	if m == nil || m.devices == nil {
		t.Fatal("the device fake did not start")
	}
	return m.devices.Devices()
}

func TestDevicesSummaryJSON(t *testing.T) {
	r, m := withMock(t, "devices", "--summary", "--format", "json")
	mustSucceed(t, r)
	var got struct {
		Devices      int            `json:"devices"`
		ByStatus     map[string]int `json:"by_status"`
		Disconnected int            `json:"disconnected"`
		ByProduct    map[string]int `json:"disconnected_by_product"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, r.stdout)
	}
	byStatus, byProduct, disconnected := map[string]int{}, map[string]int{}, 0
	devs := demoDevices(t, m)
	for _, d := range devs {
		byStatus[string(d.Status)]++
		if d.Status == devicestate.StatusOffline || d.Status == devicestate.StatusAbnormal {
			byProduct[d.ProductID]++
			disconnected++
		}
	}
	if got.Devices != len(devs) || got.Devices != demoFleetN+4 || !equalCounts(got.ByStatus, byStatus) ||
		got.Disconnected != disconnected || !equalCounts(got.ByProduct, byProduct) {
		t.Errorf("summary %+v, want %d devices, %v, %d disconnected %v", got, len(devs), byStatus, disconnected, byProduct)
	}
	if len(got.ByStatus) != 5 {
		t.Errorf("the demo fleet shows all five statuses: %v", got.ByStatus)
	}
}

func TestDevicesSummaryTable(t *testing.T) {
	r, m := withMock(t, "devices", "--summary")
	mustSucceed(t, r)
	lines := strings.Split(r.stdout, "\n")
	if !strings.HasPrefix(lines[0], "STATUS ") || !strings.Contains(r.stdout, "PRODUCT (OFFLINE OR ABNORMAL)") {
		t.Fatalf("no STATUS and PRODUCT blocks:\n%s", r.stdout)
	}
	counts := map[string]int{}
	for _, d := range demoDevices(t, m) {
		counts[string(d.Status)]++
	}
	for i, st := range deviceStatusOrder {
		f := strings.Fields(lines[i+1])
		if len(f) != 4 || f[0] != st || f[1] != strconv.Itoa(counts[st]) || len(f[3]) != barWidth || !strings.HasPrefix(f[3], "#") {
			t.Errorf("row %d = %q, want %s with %d and a bar", i+1, f, st, counts[st])
		}
	}
}

func TestDevicesFiltersByStatusAndProduct(t *testing.T) {
	r, m := withMock(t, "devices", "--status", "offline", "--format", "csv")
	mustSucceed(t, r)
	header, rows := readCSV(t, r.stdout)
	if header[0] != "id" || header[2] != "status" {
		t.Errorf("header %q", header)
	}
	var want []string
	for _, d := range demoDevices(t, m) {
		if d.Status == devicestate.StatusOffline {
			want = append(want, d.ID)
		}
	}
	var got []string
	for _, row := range rows {
		got = append(got, row["id"])
		if row["status"] != "OFFLINE" || row["product_id"] == "" || row["gateway_id"] == "" {
			t.Errorf("row %v", row)
		}
	}
	if strings.Join(got, ",") != strings.Join(want, ",") || len(want) == 0 {
		t.Errorf("ids %v, want %v (newest first)", got, want)
	}

	product := demoDevices(t, m)[0].ProductID
	for _, extra := range [][]string{nil, {"--search"}} {
		args := append([]string{"devices", "--status", "ONLINE", "--product", product, "--format", "jsonl"}, extra...)
		r, m = withMock(t, args...)
		mustSucceed(t, r)
		want = want[:0]
		for _, d := range demoDevices(t, m) {
			if d.Status == devicestate.StatusOnline && d.ProductID == product {
				want = append(want, d.ID)
			}
		}
		got = got[:0]
		for _, obj := range readJSONL(t, r.stdout) {
			got = append(got, obj["id"].(string))
		}
		if strings.Join(got, ",") != strings.Join(want, ",") || len(want) == 0 {
			t.Errorf("%v: ids %v, want %v", extra, got, want)
		}
	}

	r = cli(t, "devices", "--limit", "3")
	mustSucceed(t, r)
	if n := len(strings.Split(strings.TrimSpace(r.stdout), "\n")); n != 4 {
		t.Errorf("--limit 3: %d lines\n%s", n, r.stdout)
	}
}

func TestDevicesUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"devices", "--format", "json"}, "json is for --summary"},
		{[]string{"devices", "--status", "sleeping"}, "ONLINE, OFFLINE"},
		{[]string{"devices", "--search", "--gateway", "g", "--all-levels"}, "--all-levels"},
		{[]string{"devices", "--all-levels"}, "--all-levels"},
		{[]string{"devices", "--gateway", "g w"}, "--gateway"},
	} {
		r := cli(t, tc.args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr:\n%s", tc.args, r.code, r.stderr)
		}
	}
}
