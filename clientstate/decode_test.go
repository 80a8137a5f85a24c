package clientstate_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/clientstate"
)

func TestListResponseShapes(t *testing.T) {
	for name, tc := range map[string]struct {
		body      string
		ok        bool
		n         int
		total     int64
		hasTotal  bool
		bookmark  string
		errSubstr string
	}{
		"spaces and unknown top-level fields": {body: " {\n \"extra\": {\"x\": [1, {\"y\": \"]}\"}]}, \"results\" : [ {\"id\" : \"a:o:x\"} , {\"id\":\"a:o:y\"} ] , \"bookmark\" : \"b\\u0031\", \"meta\": {\"total_rows\": 2.0e0} } ",
			ok: true, n: 2, total: 2, hasTotal: true, bookmark: "b1"},
		"null results":          {body: `{"results":null}`, ok: true},
		"no results":            {body: `{}`, ok: true},
		"meta of another shape": {body: `{"results":[],"meta":[1]}`, ok: true},
		"null total":            {body: `{"results":[],"meta":{"total_rows":null}}`, ok: true},
		"results not array":     {body: `{"results":{"id":"a:o:x"}}`, errSubstr: `"results"`},
		"result not object":     {body: `{"results":["a:o:x"]}`, errSubstr: "not an object"},
		"bookmark not string":   {body: `{"results":[{"id":"a:o:x"}],"bookmark":7}`, errSubstr: `"bookmark"`},
		"bad total":             {body: `{"results":[],"meta":{"total_rows":-1}}`, errSubstr: "total_rows"},
		"fractional total":      {body: `{"results":[],"meta":{"total_rows":1.5}}`, errSubstr: "total_rows"},
		"array body":            {body: `[]`, errSubstr: "not a JSON object"},
		"truncated":             {body: `{"results":[{"id":"a:o:x"}`, errSubstr: "not a JSON object"},
	} {
		t.Run(name, func(t *testing.T) {
			c, rec := newUnitClient(t)
			rec.handle(func(*http.Request) (*http.Response, error) { return jsonResponse(200, tc.body), nil })
			p, err := c.ListPage(context.Background(), clientstate.ListQuery{})
			if !tc.ok {
				require.Error(t, err)
				assert.ErrorIs(t, err, iotclient.ErrMalformedResponse)
				assert.Contains(t, err.Error(), tc.errSubstr)
				return
			}
			require.NoError(t, err)
			assert.Len(t, p.States, tc.n)
			assert.Equal(t, tc.total, p.Total)
			assert.Equal(t, tc.hasTotal, p.HasTotal)
			assert.Equal(t, tc.bookmark, p.Bookmark)
		})
	}
}

func TestStateEscapedNamesAndValues(t *testing.T) {
	var st clientstate.State
	require.NoError(t, json.Unmarshal([]byte(`{"\u0069d":"d:o:t:\u0064","clientType":"dev\"ice","ID":"kept","weird\"key":{"a":"}"}}`), &st))
	assert.Equal(t, "d:o:t:d", st.ClientID)
	assert.Equal(t, clientstate.ClientType(`dev"ice`), st.ClientType)
	assert.Equal(t, map[string]json.RawMessage{
		"ID":        json.RawMessage(`"kept"`),
		`weird"key`: json.RawMessage(`{"a":"}"}`),
	}, st.Extra, "names match exactly, not case-insensitively")
}

// FuzzStateUnmarshal checks the hand-written decoder against encoding/json:
// for any JSON object it accepts, every field it does not model is in Extra
// exactly as encoding/json sees it, and every string field it models holds
// what encoding/json decodes.
func FuzzStateUnmarshal(f *testing.F) {
	f.Add([]byte(fullRecord))
	f.Add([]byte(`{"id":"a:o:x","x":[1,"]",{"y":null}],"z":-1.5e3}`))
	f.Add([]byte(`{"\u0069d":"x","a\"b":"\ud800","clientType":null}`))
	f.Add([]byte(`{ }`))
	f.Add([]byte(`{"id":"x","id":null,"q":1,"q":2}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var st clientstate.State
		err := json.Unmarshal(data, &st)
		var ref map[string]json.RawMessage
		if json.Unmarshal(data, &ref) != nil || ref == nil {
			return // not an object: any error will do, as long as nothing panicked
		}
		if err != nil {
			return // a known field of the wrong type or a bad time
		}
		known := map[string]*string{
			"id": &st.ClientID, "clientType": (*string)(&st.ClientType), "connectionStatus": (*string)(&st.Status),
			"lastActivityEvent": (*string)(&st.LastActivityEvent), "mqttConnectProtocol": &st.Protocol,
			"disconnectedBy": (*string)(&st.DisconnectedBy),
		}
		times := map[string]bool{"lastConnectTime": true, "lastDisconnectTime": true, "lastActivityTime": true, "disconnectReasonCode": true}
		extra := 0
		for k, v := range ref {
			if dst, ok := known[k]; ok {
				if string(v) == "null" {
					continue // a no-op, as for a struct field (an earlier duplicate may stand)
				}
				var want string
				require.NoError(t, json.Unmarshal(v, &want))
				require.Equal(t, want, *dst, "field %q", k)
				continue
			}
			if times[k] {
				continue
			}
			extra++
			got, ok := st.Extra[k]
			require.True(t, ok, "field %q missing from Extra", k)
			require.True(t, bytes.Equal(bytes.TrimSpace(v), got), "field %q: %s vs %s", k, v, got)
		}
		require.Equal(t, extra, len(st.Extra))
	})
}
