package clientstate_test

import (
	"bytes"
	"context"
	stdjson "encoding/json"
	"net/http"
	"reflect"
	"testing"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
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
		total     int
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
		"results not array":     {body: `{"results":{"id":"a:o:x"}}`, errSubstr: `within "/results"`},
		"result not object":     {body: `{"results":["a:o:x"]}`, errSubstr: `JSON string into Go clientstate.wireState within "/results/0"`},
		"bookmark not string":   {body: `{"results":[{"id":"a:o:x"}],"bookmark":7}`, errSubstr: `within "/bookmark"`},
		"bad total":             {body: `{"results":[],"meta":{"total_rows":-1}}`, errSubstr: "total_rows"},
		"fractional total":      {body: `{"results":[],"meta":{"total_rows":1.5}}`, errSubstr: "total_rows"},
		"array body":            {body: `[]`, errSubstr: "not a JSON object"},
		"truncated":             {body: `{"results":[{"id":"a:o:x"}`, errSubstr: "unexpected EOF"},
		"bad time names record": {body: `{"results":[{"id":"a:o:x"},{"lastConnectTime":"soon"}]}`, errSubstr: `within "/results/1/lastConnectTime": not an RFC 3339 time`},
		// Strict JSON: what the hand-written scanner used to accept.
		"duplicate name":         {body: `{"results":[{"id":"a:o:x","id":"a:o:y"}]}`, errSubstr: "duplicate"},
		"duplicate unknown name": {body: `{"results":[{"id":"a:o:x","zone":1,"zone":2}]}`, errSubstr: "duplicate"},
		"duplicate top level":    {body: `{"results":[],"results":[]}`, errSubstr: "duplicate"},
		"invalid UTF-8":          {body: "{\"results\":[{\"id\":\"a:o:\xff\"}]}", errSubstr: "UTF-8"},
		"form feed whitespace":   {body: "{\"results\":[]\f}", errSubstr: "invalid character"},
		"NBSP whitespace":        {body: "{\"results\":[]\u00a0}", errSubstr: "invalid character"},
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
			assert.Len(t, p.Items, tc.n)
			assert.Equal(t, tc.total, p.Total)
			assert.Equal(t, tc.hasTotal, p.HasTotal)
			assert.Equal(t, tc.bookmark, p.Next)
		})
	}
}

func TestStateEscapedNamesAndValues(t *testing.T) {
	var st clientstate.State
	require.NoError(t, stdjson.Unmarshal([]byte(`{"\u0069d":"d:o:t:\u0064","clientType":"dev\"ice","ID":"kept","weird\"key":{"a":"}"}}`), &st))
	assert.Equal(t, "d:o:t:d", st.ClientID)
	assert.Equal(t, clientstate.ClientType(`dev"ice`), st.ClientType)
	assert.Equal(t, map[string]stdjson.RawMessage{
		"ID":        stdjson.RawMessage(`"kept"`),
		`weird"key`: stdjson.RawMessage(`{"a":"}"}`),
	}, st.Extra, "names match exactly, not case-insensitively")
}

// FuzzStateUnmarshal checks the decoder's properties: nothing panics; what
// it accepts is a JSON object that go-json-experiment/json's strict parser
// accepts too; every member it does not model is in Extra as sent; and a
// decoded state encodes and decodes back to itself.
func FuzzStateUnmarshal(f *testing.F) {
	f.Add([]byte(fullRecord))
	f.Add([]byte(`{"id":"a:o:x","x":[1,"]",{"y":null}],"z":-1.5e3}`))
	f.Add([]byte(`{"\u0069d":"x","a\"b":"\ud800","clientType":null}`))
	f.Add([]byte(`{ }`))
	f.Add([]byte(`{"id":"x","id":null,"q":1,"q":2}`))
	f.Add([]byte(`{"disconnectReasonCode":"7","lastConnectTime":"2018-09-27T08:40:54Z"}`))
	modelled := map[string]bool{"id": true, "clientType": true, "connectionStatus": true, "lastConnectTime": true,
		"lastDisconnectTime": true, "lastActivityTime": true, "lastActivityEvent": true, "mqttConnectProtocol": true,
		"disconnectedBy": true, "disconnectReasonCode": true}
	f.Fuzz(func(t *testing.T, data []byte) {
		var st clientstate.State
		if err := stdjson.Unmarshal(data, &st); err != nil {
			return // any error will do, as long as nothing panicked
		}
		var members map[string]jsontext.Value
		if string(bytes.TrimSpace(data)) == "null" {
			return
		}
		require.NoError(t, json.Unmarshal(data, &members), "accepted what the strict parser refuses")
		for k, v := range members {
			if modelled[k] {
				continue
			}
			got, ok := st.Extra[k]
			require.True(t, ok, "member %q missing from Extra", k)
			require.Equal(t, string(v), string(got), "member %q", k)
		}
		b, err := stdjson.Marshal(st)
		require.NoError(t, err)
		var again clientstate.State
		require.NoError(t, stdjson.Unmarshal(b, &again), "%s", b)
		require.True(t, sameState(st, again), "%+v vs %+v", st, again)
	})
}

// sameState compares two states, times by instant and Extra by JSON value.
func sameState(a, b clientstate.State) bool {
	if !a.LastConnected.Equal(b.LastConnected) || !a.LastDisconnected.Equal(b.LastDisconnected) || !a.LastActivity.Equal(b.LastActivity) {
		return false
	}
	if len(a.Extra) != len(b.Extra) {
		return false
	}
	for k, v := range a.Extra {
		w, ok := b.Extra[k]
		if !ok {
			return false
		}
		cv, cw := jsontext.Value(v).Clone(), jsontext.Value(w).Clone()
		if cv.Canonicalize() != nil || cw.Canonicalize() != nil || !bytes.Equal(cv, cw) {
			return false
		}
	}
	a.LastConnected, a.LastDisconnected, a.LastActivity, a.Extra = b.LastConnected, b.LastDisconnected, b.LastActivity, b.Extra
	return reflect.DeepEqual(a, b)
}
