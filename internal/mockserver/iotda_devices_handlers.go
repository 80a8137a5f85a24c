package mockserver

import (
	"bytes"
	stdjson "encoding/json"
	"net/http"
	"net/url"
	"time"
)

// tagRecord is a tag on the wire (TagV5DTO).
type tagRecord struct {
	Key   string `json:"tag_key"`
	Value string `json:"tag_value,omitempty"`
}

// deviceRecord is a device on the wire: ShowDevice's answer with every
// field, QueryDeviceSimplify (a list item: no times) and SearchDevice (a
// search item: no times, plus its record ID) with fewer.
type deviceRecord struct {
	AppID                      string      `json:"app_id"`
	AppName                    string      `json:"app_name"`
	DeviceID                   string      `json:"device_id"`
	NodeID                     string      `json:"node_id"`
	GatewayID                  string      `json:"gateway_id"`
	DeviceName                 string      `json:"device_name"`
	NodeType                   string      `json:"node_type"`
	FwVersion                  string      `json:"fw_version,omitempty"`
	SwVersion                  string      `json:"sw_version,omitempty"`
	ProductID                  string      `json:"product_id"`
	ProductName                string      `json:"product_name"`
	Status                     string      `json:"status"`
	CreateTime                 string      `json:"create_time,omitempty"`
	ConnectionStatusUpdateTime string      `json:"connection_status_update_time,omitempty"`
	ActiveTime                 string      `json:"active_time,omitempty"`
	Tags                       []tagRecord `json:"tags"`
	Marker                     string      `json:"marker,omitempty"`
}

// The record's shapes.
const (
	recordShow = iota
	recordList
	recordSearch
)

// msLayout is the format of ShowDevice's connection_status_update_time and
// active_time.
const msLayout = "2006-01-02T15:04:05.000Z"

func msTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(msLayout)
}

func toDeviceRecord(d *Device, shape int) deviceRecord {
	r := deviceRecord{
		AppID: d.AppID, AppName: d.AppID, DeviceID: d.ID, NodeID: d.NodeID, GatewayID: d.GatewayID,
		DeviceName: d.Name, NodeType: d.NodeType, FwVersion: d.FwVersion, SwVersion: d.SwVersion,
		ProductID: d.ProductID, ProductName: ProductName(d.ProductID), Status: d.Status,
		Tags: make([]tagRecord, len(d.Tags)),
	}
	for i, t := range d.Tags {
		r.Tags[i] = tagRecord(t)
	}
	switch shape {
	case recordShow:
		r.CreateTime = compactTime(d.Created)
		r.ConnectionStatusUpdateTime = msTime(d.StatusChanged)
		r.ActiveTime = msTime(d.Activated)
	case recordSearch:
		r.Marker = d.Marker
	}
	return r
}

// ProductName is the name the server gives a product: a seeded product's,
// else its ID.
func ProductName(id string) string {
	for _, p := range seedProducts {
		if p.id == id {
			return p.name
		}
	}
	return id
}

// handleShowDevice: GET .../devices/{device_id}.
func (s *Server) handleShowDevice(w http.ResponseWriter, req *request) {
	d := s.device(w, req)
	if d == nil {
		return
	}
	s.mu.RLock()
	rec := toDeviceRecord(&d.info, recordShow)
	s.mu.RUnlock()
	writeJSON(w, http.StatusOK, rec)
}

// deviceQuery is a parsed device list query.
type deviceQuery struct {
	iotdaQuery
	cascade bool
	// The equality filters; a has* flag says the parameter was given.
	productID, gatewayID, nodeID, appID, name        string
	hasProduct, hasGateway, hasNode, hasApp, hasName bool
	descendants                                      map[string]bool // with cascade: every device under gatewayID
}

// maxMarker is the device list's default marker: every record ID is
// smaller.
const maxMarker = "ffffffffffffffffffffffff"

func parseDeviceQuery(v url.Values) (deviceQuery, *iotdaErr) {
	q := deviceQuery{iotdaQuery: iotdaQuery{limit: DefaultLimit, marker: maxMarker}}
	if err := q.parsePaging(v, validMarker, "The parameter 'marker' must be 24 hexadecimal digits."); err != nil {
		return q, err
	}
	if err := q.parseWindow(v); err != nil {
		return q, err
	}
	switch s := v.Get("is_cascade_query"); s {
	case "", "false":
	case "true":
		q.cascade = true
	default:
		return q, badInput("The parameter 'is_cascade_query' must be true or false.")
	}
	q.productID, q.hasProduct = v.Get("product_id"), v.Get("product_id") != ""
	q.gatewayID, q.hasGateway = v.Get("gateway_id"), v.Get("gateway_id") != ""
	q.nodeID, q.hasNode = v.Get("node_id"), v.Get("node_id") != ""
	q.appID, q.hasApp = v.Get("app_id"), v.Get("app_id") != ""
	q.name, q.hasName = v.Get("device_name"), v.Get("device_name") != ""
	return q, nil
}

// validMarker: a record ID, 24 hexadecimal digits.
func validMarker(s string) bool {
	if len(s) != 24 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

func (q *deviceQuery) matches(d *Device) bool {
	switch {
	case q.hasProduct && d.ProductID != q.productID,
		q.hasNode && d.NodeID != q.nodeID,
		q.hasApp && d.AppID != q.appID,
		q.hasName && d.Name != q.name,
		!q.start.IsZero() && d.Created.Before(q.start),
		!q.end.IsZero() && d.Created.After(q.end):
		return false
	case !q.hasGateway:
		return true
	case q.cascade:
		return q.descendants[d.ID]
	}
	return d.GatewayID == q.gatewayID && d.ID != q.gatewayID
}

// findDescendants fills q.descendants: every device under q.gatewayID, at
// any depth. Call with s.mu held.
func (s *Server) findDescendants(q *deviceQuery) {
	children := make(map[string][]string)
	for _, d := range s.iotda.byMarker {
		if d.info.GatewayID != d.id {
			children[d.info.GatewayID] = append(children[d.info.GatewayID], d.id)
		}
	}
	q.descendants = make(map[string]bool)
	next := []string{q.gatewayID}
	for len(next) > 0 {
		id := next[0]
		next = next[1:]
		for _, c := range children[id] {
			if !q.descendants[c] {
				q.descendants[c] = true
				next = append(next, c)
			}
		}
	}
}

type deviceListResponse struct {
	Devices []deviceRecord `json:"devices"`
	Page    countedPage    `json:"page"`
}

// handleListDevices: GET .../devices: every device matching the filters,
// newest record first, from just below the marker, offset skipped; page.count
// counts every match whatever the marker, offset and limit.
func (s *Server) handleListDevices(w http.ResponseWriter, req *request) {
	q, e := parseDeviceQuery(req.URL.Query())
	if e != nil {
		s.writeIoTDAErr(w, req, e)
		return
	}
	s.mu.RLock()
	if q.hasGateway && q.cascade {
		s.findDescendants(&q)
	}
	resp := deviceListResponse{Devices: []deviceRecord{}}
	skip := q.offset
	for i := len(s.iotda.byMarker) - 1; i >= 0; i-- {
		d := &s.iotda.byMarker[i].info
		if !q.matches(d) {
			continue
		}
		resp.Page.Count++
		if d.Marker >= q.marker || len(resp.Devices) == q.limit {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		resp.Devices = append(resp.Devices, toDeviceRecord(d, recordList))
		resp.Page.Marker = d.Marker
	}
	s.mu.RUnlock()
	writeJSON(w, http.StatusOK, resp)
}

// DefaultSearchInterval is the least time between two device searches the
// server answers (the platform allows 1 a second per account); a search
// sooner is answered 429 APIGW.0308. See SetSearchInterval.
const DefaultSearchInterval = time.Second

// searchSlack forgives requests that travelled unevenly: a client pacing
// itself at exactly the interval is never refused.
const searchSlack = 50 * time.Millisecond

// SetSearchInterval sets the least time between two device searches by the
// server's clock (DefaultSearchInterval until set); 0 or less answers
// every search.
func (s *Server) SetSearchInterval(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.iotda.searchEvery = max(d, 0)
}

// searchThrottled reports whether a search now comes too soon after the
// last one answered, and otherwise records it.
func (s *Server) searchThrottled() bool {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	every := s.iotda.searchEvery
	if every > 0 && !s.iotda.search.IsZero() && now.Sub(s.iotda.search) < every-min(searchSlack, every/2) {
		return true
	}
	s.iotda.search = now
	return false
}

type searchBody struct {
	SQL *string `json:"sql"`
}

// handleSearchDevices: POST .../search/query-devices with {"sql": "..."}
// (iotda_search.go parses and runs it).
func (s *Server) handleSearchDevices(w http.ResponseWriter, req *request) {
	if s.searchThrottled() {
		writeIoTDAError(w, req.requestID, http.StatusTooManyRequests, CodeThrottled,
			"The throttling threshold has been reached: policy user over ratelimit, limit:1, time:1 second")
		return
	}
	var b searchBody
	if trimmed := bytes.TrimSpace(req.body); !stdjson.Valid(trimmed) || trimmed[0] != '{' {
		s.writeIoTDAErr(w, req, &iotdaErr{http.StatusBadRequest, CodeBadRequestFormat, "Invalid input. Bad request: the body is not a JSON object."})
		return
	}
	if err := stdjson.Unmarshal(req.body, &b); err != nil || b.SQL == nil {
		s.writeIoTDAErr(w, req, badInput("The field 'sql' is required and must be a string."))
		return
	}
	st, e := parseSearch(*b.SQL)
	if e != nil {
		s.writeIoTDAErr(w, req, e)
		return
	}
	s.mu.RLock()
	v := st.run(s.iotda.byMarker)
	s.mu.RUnlock()
	writeJSON(w, http.StatusOK, v)
}
