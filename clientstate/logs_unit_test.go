package clientstate_test

import (
	"context"
	"fmt"
	"net/http"
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
	for e, err := range c.ConnectionLogs(context.Background(), "sensor", "s-1", clientstate.LogQuery{From: from, To: to}) {
		require.NoError(t, err)
		got = append(got, e)
	}
	require.Len(t, got, total)
	for i, e := range got {
		assert.Equal(t, fmt.Sprintf("entry %d", i), e.Message)
		assert.Equal(t, time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC).Add(-time.Duration(i)*time.Minute), e.Time)
	}
	reqs := rec.requests()
	require.Len(t, reqs, 3)
	for i, r := range reqs {
		q := r.URL.Query()
		assert.Equal(t, "/api/v0002/logs/connection", r.URL.EscapedPath())
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

func TestConnectionLogsOffsetLimit(t *testing.T) {
	c, rec := newUnitClient(t)
	rec.handle(func(req *http.Request) (*http.Response, error) {
		off, _ := strconv.Atoi(req.URL.Query().Get("offset"))
		return jsonResponse(200, logsJSON(off, 20)), nil // the log never ends
	})
	n := 0
	var last error
	for _, err := range c.ConnectionLogs(context.Background(), "sensor", "s-1", clientstate.LogQuery{}) {
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
		"too many entries": logsJSON(0, 6),
		"bad timestamp":    `[{"message":"x","timestamp":"noon"}]`,
		"an envelope":      `{"results":[]}`,
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
