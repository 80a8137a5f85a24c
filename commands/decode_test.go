package commands

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iotclient/iotclient-go/internal/perfdata"
)

// reference decodes data the slow way: encoding/json into wireList, then
// each record's conversion.
func reference(data []byte) ([]Command, *wirePage, error) {
	var w wireList
	if err := json.Unmarshal(data, &w); err != nil {
		return nil, nil, err
	}
	cmds := make([]Command, len(w.Commands))
	for i := range w.Commands {
		c, err := w.Commands[i].command()
		if err != nil {
			return nil, nil, err
		}
		cmds[i] = c
	}
	return cmds, w.Page, nil
}

// fast decodes data with DecodeJSON, returning the conversion error too.
func fast(data []byte) ([]Command, *wirePage, error) {
	var w wireList
	if err := w.DecodeJSON(data); err != nil {
		return nil, nil, err
	}
	if w.convErr != nil {
		return nil, nil, w.convErr
	}
	return w.cmds, w.Page, nil
}

// repeatsCommands reports whether the top-level object has more than one
// member that encoding/json would take for "commands": it then decodes the
// later array into the earlier one's elements, a quirk the fast decoder
// does not copy (it keeps the last array only).
func repeatsCommands(data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return false
	}
	n := 0
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return false
		}
		if k, ok := t.(string); ok && strings.EqualFold(k, "commands") {
			n++
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return false
		}
	}
	return n > 1
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
	`{"COMMANDS":[{"Command_ID":"a","STATUS":"ARCHIVED","send_strategy":"later"}],"Page":{"Marker":"a"}}`,
	`{"commands":[null,{"command_id":null,"paras":null,"result":[1,2]}]}`,
	`{"commands":[{"command_id":"a\u00e9\ud83d\ude00\ud800","device_id":"x\"y","status":"SENT","status":"FAILED"}]}`,
	"{\"commands\":[{\"command_id\":\"\xff\xfe\"}]}",
	`{"commands":[{"created_time":"20240230T000000Z"}]}`,
	`{"commands":[{"created_time":"00000229T235959Z"}]}`,
	`{"commands":[{"created_time":"99991231T235959Z","sent_time":""}]}`,
	`{"commands":[{"created_time":"2024-01-02"}]}`,
	`{"commands":[{"created_time":"20240102T240000Z"}]}`,
	`{"commands":[{"created_time":"2024010\u0032T030405Z"}]}`,
	`{"commands":[{"expire_time":-5}]}`,
	`{"commands":[{"expire_time":1.0}]}`,
	`{"commands":[{"expire_time":9223372036854775808}]}`,
	`{"commands":[{"expire_time":"5"}]}`,
	`{"commands":[{"command_id":5}]}`,
	`{"commands":{"command_id":"a"}}`,
	`{"commands":["a"]}`,
	`{"page":{"marker":5}}`,
	`{"page":{"count":1.5}}`,
	`{"page":{"count":3},"page":{"marker":"m"}}`,
	`{"page":{"count":3},"page":null,"page":{"marker":"m"}}`,
	`{"commands":[{"command_id":"a"}]`,
	`{"commands":[{"command_id":"a"},]}`,
	`[]`, `null`, `"x"`, ``, `<html>`,
	`{"commands":[{"command_id":"a"}],"commands":[{"command_id":"b"}]}`,
	`{"extra":{"deep":[[[{"x":null}]]]},"commands":[]}`,
}

// FuzzDecodeHistory checks that the fast decoder agrees with encoding/json
// (plus the record conversion) on every input: the same records, marker and
// count when encoding/json succeeds, an error when it fails; and that it
// never panics.
func FuzzDecodeHistory(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
	f.Add(perfdata.HistoryBody(12))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, gotPage, err := fast(data)
		want, wantPage, wantErr := reference(data)
		if wantErr != nil {
			if err == nil {
				t.Fatalf("encoding/json: %v; the fast decoder accepted it", wantErr)
			}
			return
		}
		if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
			if err == nil {
				t.Fatal("a null body decoded without error")
			}
			return
		}
		if repeatsCommands(data) {
			return
		}
		if err != nil {
			t.Fatalf("encoding/json decoded it; the fast decoder: %v", err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("records differ:\nfast %#v\njson %#v", got, want)
		}
		if !reflect.DeepEqual(gotPage, wantPage) {
			t.Fatalf("page differs: fast %#v, json %#v", gotPage, wantPage)
		}
	})
}

func TestDecodeFullRecord(t *testing.T) {
	cmds, page, err := fast([]byte(decodeSeeds[0]))
	require.NoError(t, err)
	require.Len(t, cmds, 1)
	want := Command{
		ID: "5c8f3d2d3df1f10d803adbdb", DeviceID: "dev-1", ServiceID: "Switch", Name: "ON_OFF",
		Status: StatusSuccessful, SendStrategy: SendDelay, Expire: 24 * time.Hour,
		CreatedAt:   time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
		SentAt:      time.Date(2024, 1, 2, 3, 4, 6, 0, time.UTC),
		DeliveredAt: time.Date(2024, 1, 2, 3, 4, 7, 0, time.UTC),
		RespondedAt: time.Date(2024, 1, 2, 3, 4, 8, 0, time.UTC),
		Params:      json.RawMessage(`{"value":"ON"}`),
		Result:      json.RawMessage(`{"result_code":0}`),
	}
	assert.Equal(t, want, cmds[0])
	assert.Equal(t, "5c8f3d2d3df1f10d803adbdb", page.Marker)
	require.NotNil(t, page.Count)
	assert.Equal(t, int64(7), *page.Count)
}

// The decoded records must not share memory with the body: the core's
// buffer is pooled and reused.
func TestDecodeCopiesOutOfTheBody(t *testing.T) {
	body := []byte(decodeSeeds[0])
	var w wireList
	require.NoError(t, w.DecodeJSON(body))
	for i := range body {
		body[i] = 'x'
	}
	c := w.cmds[0]
	assert.Equal(t, "5c8f3d2d3df1f10d803adbdb", c.ID)
	assert.Equal(t, "ON_OFF", c.Name)
	assert.JSONEq(t, `{"value":"ON"}`, string(c.Params))
	assert.Equal(t, "5c8f3d2d3df1f10d803adbdb", w.Page.Marker)
}

func TestDecodeErrorsSayWhatAndWhere(t *testing.T) {
	for body, want := range map[string]string{
		`{"commands":[{"command_id":"a"},{"command_id":5}]}`:    `command 1 of "commands", member "command_id": at offset 46: expected a string, found a number`,
		`{"commands":[{"command_id":"a"},{"expire_time":"5"}]}`: `command 1 of "commands", member "expire_time": at offset 47: expected an integer, found a string`,
		`{"commands":[{"command_id":"a"}`:                       `command 0 of "commands": at offset 31: unexpected end of JSON input, expected ',' or ']' after an array element`,
		`{"commands":{}}`:                                       `"commands": at offset 12: expected an array, found an object`,
		`{"commands":["a"]}`:                                    `command 0 of "commands": at offset 13: expected an object, found a string`,
		`{"page":{"count":"3"}}`:                                `"page.count": at offset 17: expected an integer, found a string`,
		`<html>`:                                                `at offset 0: expected an object, found character '<'`,
		`null`:                                                  `the body is null, not a command list`,
		`{"commands":[]} x`:                                     `at offset 16: expected the end of the input after the top-level value, found character 'x'`,
		`{"commands":[{"expire_time":99999999999999999999}]}`: `command 0 of "commands", member "expire_time": at offset 28: number 99999999999999999999 overflows a 64-bit integer`,
		`{"other":[1,2,}`: `member "other": at offset 14: expected a value, found character '}'`,
		`{"commands":[{"command_id":"a","status":"SENT"}]}trail`: `at offset 49: expected the end of the input after the top-level value, found character 't'`,
	} {
		var w wireList
		err := w.DecodeJSON([]byte(body))
		if assert.Error(t, err, body) {
			assert.Equal(t, want, err.Error(), body)
		}
	}
	for body, want := range map[string]string{
		`{"commands":[{"command_id":"a","created_time":"2024-01-02"}]}`:        `command "a": created_time: time "2024-01-02" is not in the format yyyyMMddTHHmmssZ`,
		`{"commands":[{"response_time":"20240230T000000Z","command_id":"b"}]}`: `command "b": response_time: time "20240230T000000Z" is not in the format yyyyMMddTHHmmssZ`,
		`{"commands":[{"command_id":"c","expire_time":-1}]}`:                   `command "c": negative expire_time -1`,
	} {
		var w wireList
		require.NoError(t, w.DecodeJSON([]byte(body)), body)
		if assert.Error(t, w.convErr, body) {
			assert.Equal(t, want, w.convErr.Error(), body)
		}
	}
}

func TestParseCompactAgreesWithTimeParse(t *testing.T) {
	for _, s := range []string{
		"20240102T030405Z", "00000101T000000Z", "00000229T000000Z", "19000229T000000Z", "20000229T000000Z",
		"20230229T000000Z", "19691231T235959Z", "99991231T235959Z", "20241131T000000Z", "20241301T000000Z",
		"20240100T000000Z", "20240101T236000Z", "20240101T000060Z", "2024010lT000000Z", "20240101 000000Z",
	} {
		got, ok := parseCompact([]byte(s))
		want, err := time.Parse("20060102T150405Z", s)
		assert.Equal(t, err == nil, ok, s)
		if ok {
			assert.Equal(t, want, got, s)
		}
	}
}

// BenchmarkDecodeHistory decodes a page of 50 records with the fast
// decoder; BenchmarkDecodeHistoryReflect does it the old way.
func BenchmarkDecodeHistory(b *testing.B) {
	data := perfdata.HistoryBody(50)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var w wireList
		if err := w.DecodeJSON(data); err != nil || len(w.cmds) != 50 {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeHistoryReflect(b *testing.B) {
	data := perfdata.HistoryBody(50)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if cmds, _, err := reference(data); err != nil || len(cmds) != 50 {
			b.Fatal(err)
		}
	}
}
