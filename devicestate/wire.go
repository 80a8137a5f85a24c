package devicestate

import (
	"fmt"

	"github.com/iotclient/iotclient-go/internal/wire"
)

// listParams is the device list's query (ListDevicesRequest);
// wire.CompactTime leaves out a zero time.
type listParams struct {
	ProductID  string           `url:"product_id,omitempty"`
	GatewayID  string           `url:"gateway_id,omitempty"`
	Cascade    bool             `url:"is_cascade_query,omitempty"`
	NodeID     string           `url:"node_id,omitempty"`
	DeviceName string           `url:"device_name,omitempty"`
	Limit      int              `url:"limit"`
	Marker     string           `url:"marker,omitempty"`
	Offset     int              `url:"offset,omitempty"`
	StartTime  wire.CompactTime `url:"start_time"`
	EndTime    wire.CompactTime `url:"end_time"`
	AppID      string           `url:"app_id,omitempty"`
}

func (q *ListQuery) params(marker string, offset, limit int) listParams {
	return listParams{
		ProductID: q.ProductID, GatewayID: q.GatewayID, Cascade: q.AllLevels, NodeID: q.NodeID,
		DeviceName: q.Name, Limit: limit, Marker: marker, Offset: offset,
		StartTime: wire.CompactTime(q.Since), EndTime: wire.CompactTime(q.Until), AppID: q.AppID,
	}
}

type wireTag struct {
	Key   string `json:"tag_key"`
	Value string `json:"tag_value"`
}

// wireDevice is a device as IoTDA sends it: ShowDeviceResponse, a list's
// QueryDeviceSimplify (no times) or a search's SearchDevice (no times, and
// its record ID). connection_status_update_time and active_time are RFC
// 3339 with milliseconds (as IBM writes times, hence wire.IBMTime);
// create_time is the compact format.
type wireDevice struct {
	AppID                      string           `json:"app_id"`
	DeviceID                   string           `json:"device_id"`
	NodeID                     string           `json:"node_id"`
	GatewayID                  string           `json:"gateway_id"`
	DeviceName                 string           `json:"device_name"`
	NodeType                   NodeType         `json:"node_type"`
	FwVersion                  string           `json:"fw_version"`
	SwVersion                  string           `json:"sw_version"`
	ProductID                  string           `json:"product_id"`
	ProductName                string           `json:"product_name"`
	Status                     string           `json:"status"`
	CreateTime                 wire.CompactTime `json:"create_time"`
	ConnectionStatusUpdateTime wire.IBMTime     `json:"connection_status_update_time"`
	ActiveTime                 wire.IBMTime     `json:"active_time"`
	Tags                       []wireTag        `json:"tags"`
	Marker                     string           `json:"marker"`
}

// device converts the record; where names it in an error.
func (w *wireDevice) device(where string) (Device, error) {
	if w.DeviceID == "" {
		return Device{}, fmt.Errorf("%s has no device_id", where)
	}
	d := Device{
		ID: w.DeviceID, NodeID: w.NodeID, Name: w.DeviceName, ProductID: w.ProductID,
		ProductName: w.ProductName, GatewayID: w.GatewayID, AppID: w.AppID, NodeType: w.NodeType,
		Status: statusOf(w.Status), StatusChangedAt: w.ConnectionStatusUpdateTime.Time(),
		ActivatedAt: w.ActiveTime.Time(), CreatedAt: w.CreateTime.Time(),
		FirmwareVersion: w.FwVersion, SoftwareVersion: w.SwVersion,
	}
	if len(w.Tags) > 0 {
		d.Tags = make([]Tag, len(w.Tags))
		for i, t := range w.Tags {
			d.Tags[i] = Tag(t)
		}
	}
	return d, nil
}

type wirePage struct {
	Count  *int   `json:"count"`
	Marker string `json:"marker"`
}

// wireList is a device list page (ListDevicesResponse) or a search's
// answer (SearchDevicesResponse: devices, or count alone for count(*)).
type wireList struct {
	Devices []wireDevice `json:"devices"`
	Page    *wirePage    `json:"page"`
	Count   *int         `json:"count"`
}

// searchBody is the search's request body (SearchSql).
type searchBody struct {
	SQL string `json:"sql"`
}
