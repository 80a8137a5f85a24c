package notify_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/notify"
)

func readDoc(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name + ".json")
	require.NoError(t, err)
	return b
}

var specHeader = notify.Header{
	AppID:     "d4922d8a-6c8e-4396-852c-164aefa6638f",
	DeviceID:  "d4922d8a-6c8e-4396-852c-164aefa6638f",
	NodeID:    "ABC123456789",
	ProductID: "ABC123456789",
	GatewayID: "d4922d8a-6c8e-4396-852c-164aefa6638f",
	Tags:      []notify.Tag{{Key: "testTagName", Value: "testTagValue"}},
}

// The spec's example of §2.1, every field checked.
func TestDecodeCommandStatus(t *testing.T) {
	n, err := notify.Decode(readDoc(t, "command_status"))
	require.NoError(t, err)
	assert.Equal(t, notify.ResourceCommandStatus, n.Resource)
	assert.Equal(t, notify.EventUpdate, n.Event)
	assert.Equal(t, time.Date(2015, 12, 12, 12, 12, 12, 0, time.UTC), n.Time)
	assert.Equal(t, "3fe58d5e-8697-4849-a165-7db128f7e776", n.RequestID)
	assert.Equal(t, specHeader, n.Header)
	assert.Nil(t, n.Device)
	require.NotNil(t, n.Command)
	at := time.Date(2015, 12, 12, 12, 12, 12, 0, time.UTC)
	assert.Equal(t, notify.CommandStatus{
		CommandID:   "b1224afb-e9f0-4916-8220-b6bab568e888",
		Status:      commands.StatusSuccessful,
		CreatedAt:   at,
		SentAt:      at,
		DeliveredAt: at,
		RespondedAt: time.Date(2015, 12, 12, 13, 13, 12, 0, time.UTC),
		Result:      []byte(`{"code":200}`),
	}, *n.Command)
	assert.Contains(t, string(n.Body), `"command_id":"b1224afb-e9f0-4916-8220-b6bab568e888"`, "the body is kept whole too")
}

// The spec's example of §2.2, every field checked.
func TestDecodeDeviceStatus(t *testing.T) {
	n, err := notify.Decode(readDoc(t, "device_status"))
	require.NoError(t, err)
	assert.Equal(t, notify.ResourceDeviceStatus, n.Resource)
	assert.Equal(t, notify.EventUpdate, n.Event)
	assert.Equal(t, time.Date(2015, 12, 12, 12, 12, 12, 0, time.UTC), n.Time)
	assert.Equal(t, "3fe58d5e-8697-4849-a165-7db128f7e776", n.RequestID)
	assert.Equal(t, specHeader, n.Header)
	assert.Nil(t, n.Command)
	require.NotNil(t, n.Device)
	assert.Equal(t, notify.DeviceStatus{
		Status:          notify.DeviceOnline,
		LastOnlineAt:    time.Date(2015, 12, 12, 12, 12, 12, 0, time.UTC),
		StatusUpdatedAt: time.Date(2015, 12, 12, 12, 12, 12, 815e6, time.UTC),
	}, *n.Device)
	assert.True(t, n.Device.Status.Known())
}

// Every other resource keeps its body whole, beside the decoded envelope.
func TestDecodeOtherResourcesKeepTheirBody(t *testing.T) {
	for _, tc := range []struct {
		resource notify.Resource
		event    notify.Event
		body     string
	}{
		{notify.ResourceMessage, notify.EventReport, `{"content":{"temp":21.5},"topic":"$oc/devices/d1/sys/messages/up"}`},
		{notify.ResourceProperty, notify.EventReport, `{"services":[{"service_id":"Battery","properties":{"level":80},"event_time":"20240601T120000Z"}]}`},
		{notify.ResourceMessageStatus, notify.EventUpdate, `{"message_id":"m-1","status":"DELIVERED","error_info":null}`},
		{notify.ResourceDevice, notify.EventCreate, `{"device_id":"d1","node_id":"n1","status":"INACTIVE"}`},
		{notify.ResourceDevice, notify.EventDelete, `{"device_id":"d1"}`},
		{notify.ResourceBatchTask, notify.EventUpdate, `{"task_id":"t1","status":"Success"}`},
		{notify.ResourceProduct, notify.EventUpdate, `{"product_id":"p1","name":"Meter"}`},
		{"some.future.resource", "happened", `[1,"two",{"three":3}]`},
	} {
		doc := `{"resource":"` + string(tc.resource) + `","event":"` + string(tc.event) + `","event_time":"20240601T120000Z",` +
			`"request_id":"r-1","notify_data":{"header":{"device_id":"d1","product_id":"p1"},"body":` + tc.body + `}}`
		n, err := notify.Decode([]byte(doc))
		require.NoError(t, err, tc.resource)
		assert.Equal(t, tc.resource, n.Resource)
		assert.Equal(t, tc.event, n.Event)
		assert.Equal(t, "r-1", n.RequestID)
		assert.Equal(t, time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC), n.Time, "event_time alone, compact")
		assert.Equal(t, notify.Header{DeviceID: "d1", ProductID: "p1"}, n.Header)
		assert.Equal(t, tc.body, string(n.Body), "kept byte for byte")
		assert.Nil(t, n.Command)
		assert.Nil(t, n.Device)
	}
}

func TestDecodeTimeFormats(t *testing.T) {
	doc := `{"resource":"device.command.status","event":"update","event_time":"2015-12-12T12:12:12.250Z",
		"notify_data":{"body":{"command_id":"c1","status":"SENT","created_time":"2015-12-12T12:12:12.815Z",
		"sent_time":"20151212T121213.5Z","delivered_time":"","response_time":null}}}`
	n, err := notify.Decode([]byte(doc))
	require.NoError(t, err)
	assert.Equal(t, time.Date(2015, 12, 12, 12, 12, 12, 250e6, time.UTC), n.Time, "event_time in the ms format")
	assert.Equal(t, time.Date(2015, 12, 12, 12, 12, 12, 815e6, time.UTC), n.Command.CreatedAt, "ms format in a command time")
	assert.Equal(t, time.Date(2015, 12, 12, 12, 12, 13, 5e8, time.UTC), n.Command.SentAt, "compact with a fraction")
	assert.True(t, n.Command.DeliveredAt.IsZero(), `""`)
	assert.True(t, n.Command.RespondedAt.IsZero(), "null")
	assert.Empty(t, n.Command.Result, "no result")

	doc = `{"resource":"device.status","event_time":"20151212T121212Z","event_time_ms":"2015-12-12T12:12:12.999Z",
		"notify_data":{"body":{"status":"OFFLINE","last_online_time":"2015-12-12T10:00:00.000Z","status_update_time":"20151212T121212Z"}}}`
	n, err = notify.Decode([]byte(doc))
	require.NoError(t, err)
	assert.Equal(t, time.Date(2015, 12, 12, 12, 12, 12, 999e6, time.UTC), n.Time, "event_time_ms wins: finer")
	assert.Equal(t, time.Date(2015, 12, 12, 10, 0, 0, 0, time.UTC), n.Device.LastOnlineAt)
	assert.Equal(t, time.Date(2015, 12, 12, 12, 12, 12, 0, time.UTC), n.Device.StatusUpdatedAt)

	n, err = notify.Decode([]byte(`{"resource":"device.status","notify_data":{"body":{"status":"ONLINE"}}}`))
	require.NoError(t, err)
	assert.True(t, n.Time.IsZero(), "no time at all")
}

func TestDecodeStatuses(t *testing.T) {
	device := func(st string) notify.DeviceState {
		n, err := notify.Decode([]byte(`{"resource":"device.status","notify_data":{"body":{"status":"` + st + `"}}}`))
		require.NoError(t, err)
		return n.Device.Status
	}
	assert.Equal(t, notify.DeviceFrozen, device("FREEZED"), "the older pages' spelling")
	for _, st := range []notify.DeviceState{notify.DeviceOnline, notify.DeviceOffline, notify.DeviceAbnormal, notify.DeviceInactive, notify.DeviceFrozen} {
		assert.Equal(t, st, device(string(st)))
		assert.True(t, st.Known())
	}
	assert.Equal(t, notify.DeviceState("HIBERNATING"), device("HIBERNATING"), "unknown kept")
	assert.False(t, notify.DeviceState("HIBERNATING").Known())

	n, err := notify.Decode([]byte(`{"resource":"device.command.status","notify_data":{"body":{"command_id":"c1","status":"CANCELED"}}}`))
	require.NoError(t, err)
	assert.Equal(t, commands.Status("CANCELED"), n.Command.Status, "unknown kept")
	n, err = notify.Decode([]byte(`{"resource":"device.command.status","notify_data":{"body":{"command_id":"c1"}}}`))
	require.NoError(t, err, "a status is not confirmed mandatory")
	assert.Empty(t, n.Command.Status)
}

// Huawei's examples print "body" beside notify_data: read it when
// notify_data has none.
func TestDecodeTopLevelBody(t *testing.T) {
	n, err := notify.Decode([]byte(`{"resource":"device.status","event":"update",
		"notify_data":{"header":{"device_id":"d1"}},"body":{"status":"ABNORMAL"}}`))
	require.NoError(t, err)
	assert.Equal(t, notify.DeviceAbnormal, n.Device.Status)
	assert.Equal(t, "d1", n.Header.DeviceID)
	assert.JSONEq(t, `{"status":"ABNORMAL"}`, string(n.Body))

	n, err = notify.Decode([]byte(`{"resource":"device.status","notify_data":{"body":{"status":"ONLINE"}},"body":{"status":"OFFLINE"}}`))
	require.NoError(t, err)
	assert.Equal(t, notify.DeviceOnline, n.Device.Status, "the documented nesting wins")

	_, err = notify.Decode([]byte(`{"resource":"device.status","notify_data":{},"body":{"status":5}}`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `body: `, "the path names where the body was read")
	assert.NotContains(t, err.Error(), "notify_data.body")
}

func TestDecodeIgnoresUnknownMembers(t *testing.T) {
	n, err := notify.Decode([]byte(`{"resource":"device.command.status","event":"update","new_member":{"x":[1,2]},
		"notify_data":{"header":{"device_id":"d1","region":"cn-north-4"},"extra":true,
		"body":{"command_id":"c1","status":"FAILED","service_id":"Switch","result":{"result_code":1}}}}`))
	require.NoError(t, err)
	assert.Equal(t, commands.StatusFailed, n.Command.Status)
	assert.JSONEq(t, `{"result_code":1}`, string(n.Command.Result))
	assert.Contains(t, string(n.Body), `"service_id":"Switch"`, "the raw body keeps what is not modelled")
}

func TestDecodeDoesNotKeepTheInput(t *testing.T) {
	doc := readDoc(t, "command_status")
	n, err := notify.Decode(doc)
	require.NoError(t, err)
	body, result := string(n.Body), string(n.Command.Result)
	for i := range doc {
		doc[i] = 'x'
	}
	assert.Equal(t, body, string(n.Body))
	assert.Equal(t, result, string(n.Command.Result))
}

// Hostile and broken documents: an error naming what is wrong, never a
// panic, never a zero Notification passed off as one.
func TestDecodeRejects(t *testing.T) {
	deep := strings.Repeat("[", 20000) + strings.Repeat("]", 20000)
	huge := strings.Repeat("a", 1<<20)
	for _, tc := range []struct {
		name, doc, want string
		resource        notify.Resource
	}{
		{"empty", ``, "EOF", ""},
		{"not JSON", `resource=device.status`, "invalid character", ""},
		{"truncated", `{"resource":"device.status","notify_data":{"body":{"status":"ON`, "EOF", notify.ResourceDeviceStatus},
		{"array", `[{"resource":"device.status"}]`, "array", ""},
		{"null", `null`, "resource is missing", ""},
		{"trailing data", `{"resource":"x","notify_data":{"body":{}}} {}`, "invalid character", "x"},
		{"no resource", `{"event":"update","notify_data":{"body":{}}}`, "resource is missing", ""},
		{"null resource", `{"resource":null,"notify_data":{"body":{}}}`, "resource is missing", ""},
		{"no notify_data", `{"resource":"device.message","event":"report","body":{"a":1}}`, "notify_data is missing", notify.ResourceMessage},
		{"no body", `{"resource":"device.message","notify_data":{"header":{}}}`, "notify_data.body is missing", notify.ResourceMessage},
		{"null body", `{"resource":"device.message","notify_data":{"body":null}}`, "notify_data.body is missing", notify.ResourceMessage},
		{"no command_id", `{"resource":"device.command.status","notify_data":{"body":{"status":"SENT"}}}`, "notify_data.body.command_id is missing", notify.ResourceCommandStatus},
		{"no device status", `{"resource":"device.status","notify_data":{"body":{"last_online_time":"20151212T121212Z"}}}`, "notify_data.body.status is missing", notify.ResourceDeviceStatus},
		{"body not an object", `{"resource":"device.status","notify_data":{"body":"ONLINE"}}`, "notify_data.body", notify.ResourceDeviceStatus},
		{"wrong type", `{"resource":"device.command.status","notify_data":{"body":{"command_id":42}}}`, "command_id", notify.ResourceCommandStatus},
		{"bad time", `{"resource":"device.status","event_time":"yesterday","notify_data":{"body":{"status":"ONLINE"}}}`, "event_time", notify.ResourceDeviceStatus},
		{"bad body time", `{"resource":"device.command.status","notify_data":{"body":{"command_id":"c1","sent_time":"12:00"}}}`, "sent_time", notify.ResourceCommandStatus},
		{"time not a string", `{"resource":"device.status","event_time_ms":1700000000000,"notify_data":{"body":{"status":"ONLINE"}}}`, "event_time_ms", notify.ResourceDeviceStatus},
		{"bad tags", `{"resource":"device.status","notify_data":{"header":{"tags":{"k":"v"}},"body":{"status":"ONLINE"}}}`, "tags", notify.ResourceDeviceStatus},
		{"deep nesting", `{"resource":"device.message","notify_data":{"body":` + deep + `}}`, "depth", notify.ResourceMessage},
		{"invalid UTF-8", "{\"resource\":\"device.message\",\"notify_data\":{\"body\":\"\xff\"}}", "UTF-8", notify.ResourceMessage},
		{"duplicate member", `{"resource":"device.status","resource":"device.message","notify_data":{"body":{}}}`, "duplicate", notify.ResourceDeviceStatus},
		{"huge command_id", `{"resource":"device.command.status","notify_data":{"body":{"command_id":"` + huge + `"}}}`, "notify_data.body.command_id is 1048576 bytes long", notify.ResourceCommandStatus},
		{"huge device_id", `{"resource":"device.status","notify_data":{"header":{"device_id":"` + huge + `"},"body":{"status":"ONLINE"}}}`, "notify_data.header.device_id is 1048576 bytes long", notify.ResourceDeviceStatus},
		{"huge resource", `{"resource":"` + huge + `","notify_data":{"body":{}}}`, "resource is 1048576 bytes long", ""},
		{"huge request_id", `{"resource":"device.message","request_id":"` + huge + `","notify_data":{"body":{}}}`, "request_id is 1048576 bytes long", notify.ResourceMessage},
		{"huge time", `{"resource":"device.message","event_time":"` + huge + `","notify_data":{"body":{}}}`, "event_time", notify.ResourceMessage},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, err := notify.Decode([]byte(tc.doc))
			require.Error(t, err)
			assert.Zero(t, n)
			assert.Contains(t, err.Error(), tc.want)
			assert.Less(t, len(err.Error()), 1000, "an error does not repeat a huge document")
			var de *notify.DocumentError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, tc.resource, de.Resource)
			assert.Equal(t, tc.doc, string(de.Document))
			assert.ErrorIs(t, err, iotclient.ErrMalformedResponse)
			assert.True(t, notify.IsTransient(err), "one bad document does not end a stream")
		})
	}
}

// A huge string where the SDK keeps it whole is no error: the handler's
// size cap bounds it.
func TestDecodeHugeStringInTheBody(t *testing.T) {
	huge := strings.Repeat("x", 1<<20)
	n, err := notify.Decode([]byte(`{"resource":"device.command.status","notify_data":{"body":{"command_id":"c1","status":"SUCCESSFUL","result":{"log":"` + huge + `"}}}}`))
	require.NoError(t, err)
	assert.Len(t, n.Command.Result, len(huge)+len(`{"log":""}`))
}

func TestIsTransient(t *testing.T) {
	assert.True(t, notify.IsTransient(&notify.LossError{Count: 2, Reason: "r"}))
	assert.True(t, notify.IsTransient(errors.Join(errors.New("x"), notify.ErrLost)))
	assert.False(t, notify.IsTransient(errors.New("the listener closed")))
	assert.ErrorIs(t, &notify.LossError{}, notify.ErrLost)
	assert.Equal(t, "notify: 2 notification(s) lost: full", (&notify.LossError{Count: 2, Reason: "full"}).Error())
	assert.Equal(t, "notify: notifications lost: reconnected", (&notify.LossError{Reason: "reconnected"}).Error())
}

// The body is typed in the same pass when resource comes first, else
// afterwards: both give the same notification, and Body is the body's
// bytes as sent whatever white space surrounds it.
func TestDecodeMemberOrderAndWhiteSpace(t *testing.T) {
	body := "{ \"command_id\" : \"c1\",\n\t\"status\":\"FAILED\", \"result\": [1, 2] }"
	first := `{"resource":"device.command.status","notify_data":{"body" :` + "\n\t " + body + " \r\n" + `,"header":{"device_id":"d1"}}}`
	last := `{"notify_data":{"header":{"device_id":"d1"},"body":` + body + `},"resource":"device.command.status"}`
	a, err := notify.Decode([]byte(first))
	require.NoError(t, err)
	b, err := notify.Decode([]byte(last))
	require.NoError(t, err)
	assert.Equal(t, a, b)
	assert.Equal(t, body, string(a.Body))
	assert.Equal(t, "[1, 2]", string(a.Command.Result))
	assert.Equal(t, commands.StatusFailed, a.Command.Status)

	dev := `{"resource":"device.status","notify_data":{"body":{"status":"FREEZED"}}}`
	devLast := `{"notify_data":{"body":{"status":"FREEZED"}},"resource":"device.status"}`
	c, err := notify.Decode([]byte(dev))
	require.NoError(t, err)
	d, err := notify.Decode([]byte(devLast))
	require.NoError(t, err)
	assert.Equal(t, c, d)
	assert.Equal(t, notify.DeviceFrozen, c.Device.Status)

	_, err = notify.Decode([]byte(`{"resource":"device.status","notify_data":{"body":{"status":7}}}`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "/notify_data/body/status", "an error in the first pass names the member by its JSON pointer")
}
