package clientstate_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/pagination"
)

// logsJSON renders n log entries, a minute apart, counting back from
// entry first.
func logsJSON(first, n int) string {
	t0 := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	recs := make([]string, n)
	for i := range recs {
		k := first + i
		recs[i] = fmt.Sprintf(`{"message":"entry %d","timestamp":%q}`, k, t0.Add(-time.Duration(k)*time.Minute).Format("2006-01-02T15:04:05.000Z"))
	}
	return "[" + strings.Join(recs, ",") + "]"
}

// A zero LogQuery asks as IBM's official SDKs do (iot-python's
// getDeviceConnectionLogs, iot-java's APIClient.getDeviceConnectionLogs):
// typeId and deviceId, nothing else, in one request.
func TestConnectionLogsZeroQuerySendsOnlyTheDevice(t *testing.T) {
	c, rec := newUnitClient(t)
	rec.handle(func(*http.Request) (*http.Response, error) { return jsonResponse(200, logsJSON(0, 45)), nil })
	var got []clientstate.LogEntry
	for e, err := range c.ConnectionLogs(context.Background(), "sensor", "s-1", clientstate.LogQuery{}) {
		require.NoError(t, err)
		got = append(got, e)
	}
	require.Len(t, got, 45, "an answer of any length is the whole log")
	for i, e := range got {
		assert.Equal(t, fmt.Sprintf("entry %d", i), e.Message)
		assert.Equal(t, time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC).Add(-time.Duration(i)*time.Minute), e.Time)
	}
	reqs := rec.requests()
	require.Len(t, reqs, 1, "no limit: one request")
	assert.Equal(t, "/api/v0002/logs/connection", reqs[0].URL.EscapedPath())
	assert.Equal(t, url.Values{"typeId": {"sensor"}, "deviceId": {"s-1"}}, reqs[0].URL.Query())
}

func TestConnectionLogsQueryAndPaging(t *testing.T) {
	c, rec := newUnitClient(t)
	const total = 45
	rec.handle(func(req *http.Request) (*http.Response, error) {
		off, _ := strconv.Atoi(req.URL.Query().Get("offset"))
		lim, _ := strconv.Atoi(req.URL.Query().Get("limit"))
		n := max(0, min(lim, total-off))
		return jsonResponse(200, logsJSON(off, n)), nil
	})
	from := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2024, 6, 2, 2, 0, 0, 0, time.FixedZone("X", 2*3600))
	var got []clientstate.LogEntry
	for e, err := range c.ConnectionLogs(context.Background(), "sensor", "s-1", clientstate.LogQuery{From: from, To: to, Limit: 20}) {
		require.NoError(t, err)
		got = append(got, e)
	}
	require.Len(t, got, total)
	for i, e := range got {
		assert.Equal(t, fmt.Sprintf("entry %d", i), e.Message)
	}
	reqs := rec.requests()
	require.Len(t, reqs, 3)
	for i, r := range reqs {
		q := r.URL.Query()
		assert.Equal(t, "sensor", q.Get("typeId"))
		assert.Equal(t, "s-1", q.Get("deviceId"))
		assert.Equal(t, "20", q.Get("limit"))
		assert.Equal(t, "2024-05-01T00:00:00.000Z", q.Get("fromTime"))
		assert.Equal(t, "2024-06-02T00:00:00.000Z", q.Get("toTime"))
		if i == 0 {
			assert.False(t, q.Has("offset"), "the API's offset is 1-1000: the first page sends none")
		} else {
			assert.Equal(t, strconv.Itoa(20*i), q.Get("offset"))
		}
	}
}

// A server that ignores limit answers everything at once: the iterator
// yields it all, once, and stops.
func TestConnectionLogsServerIgnoringLimit(t *testing.T) {
	c, rec := newUnitClient(t)
	rec.handle(func(*http.Request) (*http.Response, error) { return jsonResponse(200, logsJSON(0, 33)), nil })
	n := 0
	for _, err := range c.ConnectionLogs(context.Background(), "sensor", "s-1", clientstate.LogQuery{Limit: 5}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 33, n)
	require.Len(t, rec.requests(), 1)
	assert.Equal(t, "5", rec.requests()[0].URL.Query().Get("limit"))
}

func TestConnectionLogsOffsetLimit(t *testing.T) {
	c, rec := newUnitClient(t)
	rec.handle(func(req *http.Request) (*http.Response, error) {
		off, _ := strconv.Atoi(req.URL.Query().Get("offset"))
		return jsonResponse(200, logsJSON(off, 20)), nil // the log never ends
	})
	n := 0
	var last error
	for _, err := range c.ConnectionLogs(context.Background(), "sensor", "s-1", clientstate.LogQuery{Limit: 20}) {
		if err != nil {
			last = err
			continue
		}
		n++
	}
	assert.ErrorIs(t, last, pagination.ErrOffsetLimit)
	assert.Equal(t, clientstate.MaxLogOffset+clientstate.MaxLogLimit, n)
	reqs := rec.requests()
	require.Len(t, reqs, clientstate.MaxLogOffset/clientstate.MaxLogLimit+1)
	assert.Equal(t, "1000", reqs[len(reqs)-1].URL.Query().Get("offset"))
}

func TestConnectionLogsValidationSendsNothing(t *testing.T) {
	c, rec := newUnitClient(t)
	rec.handle(func(*http.Request) (*http.Response, error) { return jsonResponse(200, `[]`), nil })
	now := time.Now()
	for name, tc := range map[string]struct {
		typeID, deviceID string
		q                clientstate.LogQuery
		field            string
	}{
		"limit over 20":     {"t", "d", clientstate.LogQuery{Limit: 21}, "LogQuery.Limit"},
		"negative limit":    {"t", "d", clientstate.LogQuery{Limit: -1}, "LogQuery.Limit"},
		"from without to":   {"t", "d", clientstate.LogQuery{From: now}, "LogQuery.To"},
		"to without from":   {"t", "d", clientstate.LogQuery{To: now}, "LogQuery.From"},
		"from after to":     {"t", "d", clientstate.LogQuery{From: now, To: now.Add(-time.Second)}, "LogQuery.From"},
		"empty type":        {"", "d", clientstate.LogQuery{}, "typeID"},
		"empty device":      {"t", "", clientstate.LogQuery{}, "deviceID"},
		"type with slash":   {"a/b", "d", clientstate.LogQuery{}, "typeID"},
		"device with query": {"t", "d?x=1", clientstate.LogQuery{}, "deviceID"},
		"long device":       {"t", strings.Repeat("d", 37), clientstate.LogQuery{}, "deviceID"},
	} {
		t.Run(name, func(t *testing.T) {
			n := 0
			for _, err := range c.ConnectionLogs(context.Background(), tc.typeID, tc.deviceID, tc.q) {
				n++
				var ve *iotclient.ValidationError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, tc.field, ve.Field)
			}
			assert.Equal(t, 1, n)
		})
	}
	assert.Empty(t, rec.requests())
}

func TestConnectionLogsMalformed(t *testing.T) {
	for name, body := range map[string]string{
		"bad timestamp": `[{"message":"x","timestamp":"noon"}]`,
		"an envelope":   `{"results":[]}`,
	} {
		t.Run(name, func(t *testing.T) {
			c, rec := newUnitClient(t)
			rec.handle(func(*http.Request) (*http.Response, error) { return jsonResponse(200, body), nil })
			var errs []error
			for _, err := range c.ConnectionLogs(context.Background(), "t", "d", clientstate.LogQuery{Limit: 5}) {
				require.Error(t, err)
				errs = append(errs, err)
			}
			require.Len(t, errs, 1)
			assert.ErrorIs(t, errs[0], iotclient.ErrMalformedResponse)
			if name == "bad timestamp" {
				assert.Contains(t, errs[0].Error(), "timestamp")
			}
		})
	}
}
