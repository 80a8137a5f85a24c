package main

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/iotclient/iotclient-go/devicestate"
)

// devicesView is a device fleet at a glance: devices by status, and the
// disconnected ones by product.
type devicesView struct {
	At           time.Time      `json:"at"`
	Devices      int            `json:"devices"`
	ByStatus     map[string]int `json:"by_status"`
	Disconnected int            `json:"disconnected"`
	ByProduct    map[string]int `json:"disconnected_by_product"`
}

// deviceStatusOrder is the order of the status rows; other statuses
// follow by name.
var deviceStatusOrder = []string{
	string(devicestate.StatusOnline), string(devicestate.StatusOffline), string(devicestate.StatusAbnormal),
	string(devicestate.StatusInactive), string(devicestate.StatusFrozen),
}

func summaryDevices(devices func(func(devicestate.Device, error) bool)) (devicesView, error) {
	v := devicesView{At: time.Now().UTC(), ByStatus: map[string]int{}, ByProduct: map[string]int{}}
	for d, err := range devices {
		if err != nil {
			return v, err
		}
		v.Devices++
		v.ByStatus[string(d.Status)]++
		if d.Status.Disconnected() {
			v.Disconnected++
			v.ByProduct[d.ProductID]++
		}
	}
	return v, nil
}

// write prints the view: a table with a bar per row, one JSON object, or
// csv rows group,name,count.
func (v *devicesView) write(w io.Writer, out *common) error {
	rows := [][]string{{"group", "name", "count"}}
	for _, name := range orderedKeys(v.ByStatus, deviceStatusOrder) {
		rows = append(rows, []string{"status", name, strconv.Itoa(v.ByStatus[name])})
	}
	for _, name := range orderedKeys(v.ByProduct, nil) {
		rows = append(rows, []string{"product", name, strconv.Itoa(v.ByProduct[name])})
	}
	return writeView(w, out, v, rows, v.writeTable)
}

// writeTable prints two blocks, STATUS and PRODUCT, each row with its
// count, its share and a bar.
func (v *devicesView) writeTable(w io.Writer) error {
	tw := newTabWriter(w)
	fmt.Fprintf(tw, "STATUS\tDEVICES\tSHARE\t\n")
	for _, name := range orderedKeys(v.ByStatus, deviceStatusOrder) {
		n := v.ByStatus[name]
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", tableText(name), n, share(n, v.Devices), bar(n, v.Devices))
	}
	fmt.Fprintf(tw, "total\t%d\t\t\n\t\t\t\n", v.Devices)
	fmt.Fprintf(tw, "PRODUCT (OFFLINE OR ABNORMAL)\tDEVICES\tSHARE\t\n")
	for _, name := range orderedKeys(v.ByProduct, nil) {
		n := v.ByProduct[name]
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", tableText(name), n, share(n, v.Disconnected), bar(n, v.Disconnected))
	}
	fmt.Fprintf(tw, "total\t%d\t\t\n", v.Disconnected)
	return tw.Flush()
}
