package commands

import (
	stdjson "encoding/json"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/internal/core"
	"github.com/iotclient/iotclient-go/internal/mockserver/perfdata"
)

// decodePage decodes a history body as a page call does.
func decodePage(data []byte) ([]Command, *wirePage, error) {
	var w wireList
	if err := core.DecodeObject(data, &w); err != nil {
		return nil, nil, err
	}
	p, err := pageFrom(&w, MaxPageSize, "req-1")
	return p.Items, w.Page, err
}

const fullRecord = `{"device_id":"dev-1","command_id":"5c8f3d2d3df1f10d803adbdb","service_id":"Switch",` +
	`"command_name":"ON_OFF","paras":{"value":"ON"},"expire_time":86400,"status":"SUCCESSFUL",` +
	`"result":{"result_code":0},"created_time":"20240102T030405Z","sent_time":"20240102T030406Z",` +
	`"delivered_time":"20240102T030407Z","response_time":"20240102T030408Z","send_strategy":"delay"}`

var decodeSeeds = []string{
	`{"commands":[` + fullRecord + `],"page":{"marker":"5c8f3d2d3df1f10d803adbdb","count":7}}`,
	`{"commands":[],"page":{}}`,
	`{"commands":null,"page":null}`,
	`{}`,
	`{"COMMANDS":[{"Command_ID":"a"}]}`,
	`{"commands":[null,{"command_id":null,"paras":null,"result":[1,2]}]}`,
	`{"commands":[{"command_id":"a\u00e9\ud83d\ude00","status":"SENT","status":"FAILED"}]}`,
	"{\"commands\":[{\"command_id\":\"\xff\xfe\"}]}",
	`{"commands":[{"created_time":"20240230T000000Z"}]}`,
	`{"commands":[{"created_time":"20151212T121212.123Z","sent_time":""}]}`,
	`{"commands":[{"expire_time":-5}]}`,
	`{"commands":[{"expire_time":1.0}]}`,
	`{"commands":[{"command_id":5}]}`,
	`{"page":{"count":3},"page":{"marker":"m"}}`,
	`{"commands":[{"command_id":"a"}]`,
	`[]`, `null`, `"x"`, ``, `<html>`, "{}\f", "\u00a0{}",
}

// FuzzDecodeHistory feeds the page decoder anything: it never panics, it
// accepts only valid JSON (strictly: no duplicate names, valid UTF-8), and
// every error it returns from a decoded body matches ErrMalformedResponse.
func FuzzDecodeHistory(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
	f.Add(perfdata.HistoryBody(12))
	f.Fuzz(func(t *testing.T, data []byte) {
		var w wireList
		if err := core.DecodeObject(data, &w); err != nil {
			return
		}
		if !jsontext.Value(data).IsValid() {
			t.Fatalf("accepted a body that is not strictly valid JSON: %q", data)
		}
		p, err := pageFrom(&w, max(len(w.Commands), 1), "req-1")
		if err != nil {
			require.ErrorIs(t, err, iotclient.ErrMalformedResponse)
			return
		}
		require.Len(t, p.Items, len(w.Commands))
		for i, c := range p.Items {
			if c.Params != nil && !stdjson.Valid(c.Params) || string(c.Params) == "null" || string(c.Result) == "null" {
				t.Fatalf("record %d: params %q, result %q", i, c.Params, c.Result)
			}
		}
	})
}

func TestDecodeFullRecord(t *testing.T) {
	cmds, page, err := decodePage([]byte(decodeSeeds[0]))
	require.NoError(t, err)
	require.Len(t, cmds, 1)
	want := Command{
		ID: "5c8f3d2d3df1f10d803adbdb", DeviceID: "dev-1", ServiceID: "Switch", Name: "ON_OFF",
		Status: StatusSuccessful, SendStrategy: SendDelay, Expire: 24 * time.Hour,
		CreatedAt:   time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
		SentAt:      time.Date(2024, 1, 2, 3, 4, 6, 0, time.UTC),
		DeliveredAt: time.Date(2024, 1, 2, 3, 4, 7, 0, time.UTC),
		RespondedAt: time.Date(2024, 1, 2, 3, 4, 8, 0, time.UTC),
		Params:      stdjson.RawMessage(`{"value":"ON"}`),
		Result:      stdjson.RawMessage(`{"result_code":0}`),
	}
	assert.Equal(t, want, cmds[0])
	assert.Equal(t, "5c8f3d2d3df1f10d803adbdb", page.Marker)
	require.NotNil(t, page.Count)
	assert.Equal(t, 7, *page.Count)
}

// The decoded records must not share memory with the body: the core's
// buffer is pooled and reused.
func TestDecodeCopiesOutOfTheBody(t *testing.T) {
	body := []byte(decodeSeeds[0])
	cmds, _, err := decodePage(body)
	require.NoError(t, err)
	for i := range body {
		body[i] = 'x'
	}
	c := cmds[0]
	assert.Equal(t, "5c8f3d2d3df1f10d803adbdb", c.ID)
	assert.Equal(t, "ON_OFF", c.Name)
	assert.JSONEq(t, `{"value":"ON"}`, string(c.Params))
	assert.JSONEq(t, `{"result_code":0}`, string(c.Result))
}

// Issue 12, point 4: a null result or paras is no result, not the four
// bytes "null".
func TestDecodeNullParamsAndResultAreEmpty(t *testing.T) {
	var w wireCommand
	require.NoError(t, core.DecodeObject([]byte(`{"command_id":"a","paras":null,"result":null}`), &w))
	c, err := w.command(-1)
	require.NoError(t, err)
	assert.Nil(t, c.Params)
	assert.Nil(t, c.Result)
}

// Issue 12, point 7: a fractional second is a valid time.
func TestDecodeFractionalSeconds(t *testing.T) {
	cmds, _, err := decodePage([]byte(`{"commands":[{"command_id":"a","created_time":"20151212T121212.123Z","sent_time":"20151212T121213Z"}]}`))
	require.NoError(t, err)
	assert.Equal(t, time.Date(2015, 12, 12, 12, 12, 12, 123e6, time.UTC), cmds[0].CreatedAt)
	assert.Equal(t, time.Date(2015, 12, 12, 12, 12, 13, 0, time.UTC), cmds[0].SentAt)
}

func TestDecodeIsStrict(t *testing.T) {
	for name, body := range map[string]string{
		"duplicate member":     `{"commands":[{"command_id":"a","command_id":"b"}]}`,
		"duplicate top member": `{"commands":[],"commands":[]}`,
		"invalid UTF-8":        "{\"commands\":[{\"command_id\":\"\xff\"}]}",
		"form feed":            "{\"commands\":[]}\f",
		"no-break space":       "\u00a0{\"commands\":[]}",
		"null body":            `null`,
		"trailing data":        `{"commands":[]} x`,
	} {
		_, _, err := decodePage([]byte(body))
		assert.Error(t, err, name)
	}
}

func TestDecodeErrorsSayWhatAndWhere(t *testing.T) {
	for body, want := range map[string]string{
		`{"commands":[{"command_id":"a"},{"command_id":5}]}`:    `"/commands/1/command_id"`,
		`{"commands":[{"command_id":"a"},{"expire_time":"5"}]}`: `"/commands/1/expire_time"`,
		`{"commands":{}}`:        `"/commands"`,
		`{"page":{"count":"3"}}`: `"/page/count"`,
		`{"commands":[{"command_id":"a"},{"command_id":"b","sent_time":"yesterday"}]}`: `within "/commands/1/sent_time": time "yesterday" is not in the format yyyyMMddTHHmmss[.SSS]Z`,
		`{"commands":[{"response_time":"20240230T000000Z"}]}`:                          `within "/commands/0/response_time": time "20240230T000000Z"`,
		`null`: `the body is null`,
	} {
		var w wireList
		err := core.DecodeObject([]byte(body), &w)
		if assert.Error(t, err, body) {
			assert.Contains(t, err.Error(), want, body)
		}
	}
	_, _, err := decodePage([]byte(`{"commands":[{"command_id":"a"},{"command_id":"c","expire_time":-1}]}`))
	require.ErrorIs(t, err, iotclient.ErrMalformedResponse)
	assert.Contains(t, err.Error(), `commands[1].expire_time: expire_time -1 out of range (command "c")`)
}

// BenchmarkDecodeHistory decodes a page of 50 records and converts them.
func BenchmarkDecodeHistory(b *testing.B) {
	data := perfdata.HistoryBody(50)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if cmds, _, err := decodePage(data); err != nil || len(cmds) != 50 {
			b.Fatal(err)
		}
	}
}
