package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/iotclient/iotclient-go/devicestate"
)

var devicesCommand = &subcommand[devicesArgs]{
	commandInfo: commandInfo{
		name:     "devices",
		synopsis: "devices [--status S] [--product P] [--gateway G [--all-levels]] [--search] [--limit N] [--summary]",
		summary:  "devices and their connection status, with filters (Huawei IoTDA)",
		details: `--status is one of ONLINE, OFFLINE, ABNORMAL, INACTIVE, FROZEN (any case).
IoTDA's device list has no status filter: iotctl reads the list and keeps
the devices in that status. --search asks the platform's device search
instead (standard and enterprise editions only; paced to one request a
second, and at most 550 devices). --gateway lists the sub-devices of a
gateway, every level below it with --all-levels. The list carries no
times; jsonl and csv have every field, the table a summary.

--summary counts the devices by status, and the disconnected ones (OFFLINE
or ABNORMAL) by product, as a table with a bar per row, or --format json,
jsonl or csv.`,
		examples: []string{
			"iotctl devices --summary",
			"iotctl devices --status offline --format csv > offline.csv",
			"iotctl devices --product 64b8f1c2a3e5d70012ab34cd --status online --limit 20",
			"iotctl devices --status abnormal --search --format jsonl",
		},
	},
	flags: func(fs *flag.FlagSet, v *devicesArgs) *common {
		v.common.register(fs, defaultTimeout)
		v.common.summarized = func() bool { return v.summary }
		v.iotda.register(fs)
		enumFlag(fs, &v.status, "status", "keep only devices in this `status`", strings.ToUpper,
			"use ONLINE, OFFLINE, ABNORMAL, INACTIVE or FROZEN")
		fs.StringVar(&v.product, "product", "", "keep only devices of this product `ID`")
		fs.StringVar(&v.gateway, "gateway", "", "list the sub-devices of the gateway with this device `ID`")
		fs.BoolVar(&v.allLevels, "all-levels", false, "with --gateway: every level below the gateway")
		fs.BoolVar(&v.search, "search", false, "filter on the platform with its device search (one request a second)")
		fs.IntVar(&v.limit, "limit", 0, "stop after `N` devices (0: all)")
		fs.BoolVar(&v.summary, "summary", false, "print counts by status, and the disconnected devices by product, instead of the devices (--format table, json, jsonl or csv)")
		return &v.common
	},
	run: runDevices,
}

type devicesArgs struct {
	common    common
	iotda     iotdaFlags
	status    devicestate.Status
	product   string
	gateway   string
	allLevels bool
	search    bool
	limit     int
	summary   bool
}

// deviceColumns are the fields of a device.
var deviceColumns = []column[devicestate.Device]{
	{key: "id", title: "ID", table: true, get: func(d *devicestate.Device) cell { return text(d.ID) }},
	{key: "name", title: "NAME", table: true, get: func(d *devicestate.Device) cell { return optText(d.Name) }},
	{key: "status", title: "STATUS", table: true, get: func(d *devicestate.Device) cell { return text(string(d.Status)) }},
	{key: "node_type", title: "NODE", table: true, get: func(d *devicestate.Device) cell { return optText(string(d.NodeType)) }},
	{key: "product_id", title: "PRODUCT", table: true, get: func(d *devicestate.Device) cell { return optText(d.ProductID) }},
	{key: "product_name", title: "PRODUCT NAME", get: func(d *devicestate.Device) cell { return optText(d.ProductName) }},
	{key: "gateway_id", title: "GATEWAY", get: func(d *devicestate.Device) cell { return optText(d.GatewayID) }},
	{key: "node_id", title: "NODE ID", get: func(d *devicestate.Device) cell { return optText(d.NodeID) }},
	{key: "app_id", title: "APP", get: func(d *devicestate.Device) cell { return optText(d.AppID) }},
	{key: "firmware_version", title: "FIRMWARE", get: func(d *devicestate.Device) cell { return optText(d.FirmwareVersion) }},
	{key: "software_version", title: "SOFTWARE", get: func(d *devicestate.Device) cell { return optText(d.SoftwareVersion) }},
}

func runDevices(ctx context.Context, a *app, v *devicesArgs, _ []string) error {
	switch {
	case v.search && v.allLevels:
		return usagef("--all-levels reads the device list: leave out --search")
	}
	client, err := a.devicesClient(&v.common, &v.iotda)
	if err != nil {
		return err
	}
	var devices func(func(devicestate.Device, error) bool)
	if v.search {
		q := devicestate.SearchQuery{Status: v.status, ProductID: v.product, GatewayID: v.gateway}
		if v.limit > 0 {
			q.PageSize = min(v.limit, devicestate.MaxPageSize)
		}
		devices = client.Search(ctx, q)
	} else {
		q := devicestate.ListQuery{ProductID: v.product, GatewayID: v.gateway, AllLevels: v.allLevels}
		devices = withStatus(client.List(ctx, q), v.status)
	}
	if v.summary {
		view, err := summaryDevices(limited(devices, v.limit))
		if err != nil {
			return err
		}
		if err := view.write(a.stdout, &v.common); err != nil {
			return writeError(err)
		}
		return nil
	}
	out := newSink(v.common.format, a.stdout, deviceColumns, sinkOptions{})
	prog := a.newProgress(v.common.progress, "devices")
	n, err := export(devices, out, prog, v.limit, nil)
	if err == nil && n == 0 && v.common.format == formatTable {
		fmt.Fprintln(a.stderr, "iotctl: no device matches")
	}
	return err
}

// devicesClient builds the IoTDA device client on the command client's
// project and credential (iotdaConfig), or against the embedded mock's
// device fake.
func (a *app) devicesClient(c *common, f *iotdaFlags) (*devicestate.Client, error) {
	cfg, mock, err := a.iotdaConfig(c, f)
	if err != nil {
		return nil, err
	}
	dc := devicestate.Config{Endpoint: cfg.Endpoint, ProjectID: cfg.ProjectID, InstanceID: cfg.InstanceID, Auth: cfg.Auth}
	if mock {
		m, err := a.startMock(c.mock, "--endpoint or $"+envIoTDAEndpoint).devicesFake()
		if err != nil {
			return nil, err
		}
		dc = m.Config()
	}
	return devicestate.NewClient(dc, a.sdkOptions(c)...)
}

// withStatus keeps the devices of seq in status (all when it is empty).
func withStatus(seq func(func(devicestate.Device, error) bool), status devicestate.Status) func(func(devicestate.Device, error) bool) {
	return func(yield func(devicestate.Device, error) bool) {
		for d, err := range seq {
			if err == nil && status != "" && d.Status != status {
				continue
			}
			if !yield(d, err) {
				return
			}
		}
	}
}
