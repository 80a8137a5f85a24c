package mockserver

import (
	"cmp"
	"encoding/base64"
	"fmt"
	"hash/fnv"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	json "github.com/go-json-experiment/json"
)

// IBM list paging limits.
const (
	DefaultClientLimit = 25  // records per page without _limit
	MaxClientLimit     = 100 // largest _limit
)

// sortField is one _sort entry.
type sortField struct {
	name string
	desc bool
}

// The fields _sort accepts, by wire name: strings, times and
// reasonCodeField.
var (
	stringFields = map[string]func(*ClientState) *string{
		"id":                  func(c *ClientState) *string { return &c.ClientID },
		"clientType":          func(c *ClientState) *string { return &c.ClientType },
		"connectionStatus":    func(c *ClientState) *string { return &c.ConnectionStatus },
		"lastActivityEvent":   func(c *ClientState) *string { return &c.LastActivityEvent },
		"mqttConnectProtocol": func(c *ClientState) *string { return &c.Protocol },
		"disconnectedBy":      func(c *ClientState) *string { return &c.DisconnectedBy },
	}
	timeFields = map[string]func(*ClientState) *time.Time{
		"lastConnectTime":    func(c *ClientState) *time.Time { return &c.LastConnect },
		"lastDisconnectTime": func(c *ClientState) *time.Time { return &c.LastDisconnect },
		"lastActivityTime":   func(c *ClientState) *time.Time { return &c.LastActivity },
	}
)

const reasonCodeField = "disconnectReasonCode"

// parseSort reads "_sort": a comma list of field names, "-" prefix for
// descending. Empty means the default order, ascending id.
func parseSort(s string) ([]sortField, error) {
	if s == "" {
		return nil, nil
	}
	var out []sortField
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		sf := sortField{name: f}
		if strings.HasPrefix(f, "-") {
			sf = sortField{name: f[1:], desc: true}
		} else if strings.HasPrefix(f, "+") {
			sf.name = f[1:]
		}
		if stringFields[sf.name] == nil && timeFields[sf.name] == nil && sf.name != reasonCodeField {
			return nil, fmt.Errorf("cannot sort by %q (sortable: id, clientType, connectionStatus, lastConnectTime, lastDisconnectTime, lastActivityTime, lastActivityEvent, mqttConnectProtocol, disconnectedBy, disconnectReasonCode)", f)
		}
		out = append(out, sf)
	}
	return out, nil
}

func sortKey(spec []sortField) string {
	var b strings.Builder
	for i, f := range spec {
		if i > 0 {
			b.WriteByte(',')
		}
		if f.desc {
			b.WriteByte('-')
		}
		b.WriteString(f.name)
	}
	return b.String()
}

// cmpField compares one field; absent values (empty, zero) sort first.
func cmpField(a, b *ClientState, name string) int {
	if f := stringFields[name]; f != nil {
		return strings.Compare(*f(a), *f(b))
	}
	if f := timeFields[name]; f != nil {
		return f(a).Compare(*f(b))
	}
	return cmp.Compare(a.DisconnectReasonCode, b.DisconnectReasonCode)
}

// cmpClients orders by spec, then by ascending id (ties), a total order.
// A zero time compares before any other time, so absent values come first
// in ascending order and last in descending order.
func cmpClients(a, b *ClientState, spec []sortField) int {
	for _, f := range spec {
		c := cmpField(a, b, f.name)
		if f.desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return strings.Compare(a.ClientID, b.ClientID)
}

// clientView is the client list sorted one way, cached until the data
// changes.
type clientView struct {
	version uint64
	list    []*ClientState
}

// viewLocked returns the clients sorted by spec. Call with s.mu held (read
// or write); the cache has its own lock.
func (s *Server) viewLocked(spec []sortField) []*ClientState {
	if len(spec) == 0 || (len(spec) == 1 && spec[0] == sortField{name: "id"}) {
		return s.wiotp.byID
	}
	key := sortKey(spec)
	s.clientMu.Lock()
	defer s.clientMu.Unlock()
	if v := s.views[key]; v != nil && v.version == s.wiotp.version {
		return v.list
	}
	list := slices.Clone(s.wiotp.byID)
	slices.SortFunc(list, func(a, b *ClientState) int { return cmpClients(a, b, spec) })
	s.views[key] = &clientView{version: s.wiotp.version, list: list}
	return list
}

// clientFilter is a parsed list query.
type clientFilter struct {
	status   string
	after    time.Time // connectedAfter; zero: no filter
	typeID   string
	deviceID string
}

func (f *clientFilter) matches(c *ClientState) bool {
	if f.status != "" && c.ConnectionStatus != f.status {
		return false
	}
	if !f.after.IsZero() && (c.LastConnect.IsZero() || !c.LastConnect.After(f.after)) {
		return false
	}
	if f.typeID != "" || f.deviceID != "" {
		typ, dev, ok := deviceParts(c.ClientID)
		if !ok || (f.typeID != "" && typ != f.typeID) || (f.deviceID != "" && dev != f.deviceID) {
			return false
		}
	}
	return true
}

// listQuery is everything a list request asks for.
type listQuery struct {
	filter clientFilter
	spec   []sortField
	limit  int
	hash   string // identifies filters + sort, bound into bookmarks
	after  *ClientState
}

// paramError names the parameter a 400 is about.
type paramError struct {
	param, msg string
}

func parseListQuery(v url.Values) (*listQuery, *paramError) {
	q := &listQuery{limit: DefaultClientLimit}
	switch st := v.Get("connectionStatus"); st {
	case "", Connected, Disconnected:
		q.filter.status = st
	default:
		return nil, &paramError{"connectionStatus", "connectionStatus must be connected or disconnected"}
	}
	norm := []string{"connectionStatus=" + q.filter.status}
	// connectedAfter is the name IBM's official SDKs send. Other names
	// (the 2018 beta page's lastConnectedAfter among them) are ignored, as
	// a real server ignores parameters it does not know.
	if s := v.Get("connectedAfter"); s != "" {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return nil, &paramError{"connectedAfter", "connectedAfter must be an ISO 8601 time such as 2018-09-27T08:40:54.456Z"}
		}
		q.filter.after = t
		norm = append(norm, "connectedAfter="+t.UTC().Format(time.RFC3339Nano))
	}
	q.filter.typeID, q.filter.deviceID = v.Get("deviceType"), v.Get("deviceId")
	norm = append(norm, "deviceType="+q.filter.typeID, "deviceId="+q.filter.deviceID)

	if s := v.Get("_limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxClientLimit {
			return nil, &paramError{"_limit", "_limit must be an integer between 1 and 100"}
		}
		q.limit = n
	}
	spec, err := parseSort(v.Get("_sort"))
	if err != nil {
		return nil, &paramError{"_sort", err.Error()}
	}
	q.spec = spec
	norm = append(norm, "_sort="+sortKey(spec))

	h := fnv.New64a()
	for _, s := range norm {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	q.hash = strconv.FormatUint(h.Sum64(), 16)

	if s := v.Get("_bookmark"); s != "" {
		after, err := decodeBookmark(s, q.hash, q.spec)
		if err != nil {
			return nil, &paramError{"_bookmark", "_bookmark is not valid for this query: " + err.Error()}
		}
		q.after = after
	}
	return q, nil
}

// bookmark is what an IBM list bookmark carries, base64url (unpadded) JSON:
// the hash of the query's filters and sort, and the sort key of the last
// record returned (its id plus the value of each sort field). The next page
// starts strictly after that key in the query's order (keyset paging), so
// paging yields each record once even if other records change meanwhile.
type bookmark struct {
	Query string   `json:"q"`
	ID    string   `json:"id"`
	Keys  []string `json:"k,omitempty"`
}

func encodeBookmark(hash string, spec []sortField, last *ClientState) string {
	b := bookmark{Query: hash, ID: last.ClientID}
	for _, f := range spec {
		b.Keys = append(b.Keys, fieldString(last, f.name))
	}
	raw, _ := json.Marshal(b)
	return base64.RawURLEncoding.EncodeToString(raw)
}

func decodeBookmark(s, hash string, spec []sortField) (*ClientState, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("not base64url")
	}
	var b bookmark
	if err := json.Unmarshal(raw, &b); err != nil {
		return nil, fmt.Errorf("undecodable")
	}
	if b.Query != hash {
		return nil, fmt.Errorf("it was issued for different parameters")
	}
	if b.ID == "" || len(b.Keys) != len(spec) {
		return nil, fmt.Errorf("incomplete")
	}
	key := &ClientState{ClientID: b.ID}
	for i, f := range spec {
		if err := setFieldString(key, f.name, b.Keys[i]); err != nil {
			return nil, err
		}
	}
	return key, nil
}

// fieldString is a field as a bookmark key: times in RFC 3339 ("" when
// absent), the reason code in decimal.
func fieldString(c *ClientState, name string) string {
	if f := stringFields[name]; f != nil {
		return *f(c)
	}
	if f := timeFields[name]; f != nil {
		if f(c).IsZero() {
			return ""
		}
		return f(c).UTC().Format(time.RFC3339Nano)
	}
	return strconv.Itoa(c.DisconnectReasonCode)
}

// setFieldString reads a bookmark key of fieldString back into c.
func setFieldString(c *ClientState, name, v string) error {
	if f := stringFields[name]; f != nil {
		*f(c) = v
		return nil
	}
	if f := timeFields[name]; f != nil {
		t, err := time.Parse(time.RFC3339Nano, v)
		if v != "" && err != nil {
			return fmt.Errorf("bad time")
		}
		*f(c) = t // the zero time when v is ""
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return fmt.Errorf("bad reason code")
	}
	c.DisconnectReasonCode = n
	return nil
}

// listPage is one page of the list with what the response needs.
type listPage struct {
	results  []*ClientState
	bookmark string
	total    int
}

// pageLocked answers q. Call with s.mu held for reading.
func (s *Server) pageLocked(q *listQuery) listPage {
	view := s.viewLocked(q.spec)
	start := 0
	if q.after != nil {
		start = sort.Search(len(view), func(i int) bool { return cmpClients(view[i], q.after, q.spec) > 0 })
	}
	var p listPage
	more := false
	for i, c := range view {
		if !q.filter.matches(c) {
			continue
		}
		p.total++
		if i < start {
			continue
		}
		if len(p.results) < q.limit {
			p.results = append(p.results, c)
		} else {
			more = true
		}
	}
	if more {
		p.bookmark = encodeBookmark(q.hash, q.spec, p.results[len(p.results)-1])
	}
	return p
}
