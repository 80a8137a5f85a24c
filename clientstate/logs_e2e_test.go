package clientstate_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/pagination"
)

func collectLogs(t *testing.T, seq func(func(clientstate.LogEntry, error) bool)) ([]clientstate.LogEntry, error) {
	t.Helper()
	var out []clientstate.LogEntry
	var last error
	for e, err := range seq {
		if err != nil {
			require.NoError(t, last, "an error is yielded once, as the last thing")
			last = err
			continue
		}
		require.NoError(t, last, "nothing after an error")
		out = append(out, e)
	}
	return out, last
}

func TestConnectionLogsPageAgainstMock(t *testing.T) {
	s, c := newMockClient(t)
	want := s.SeedLogs("sensor", "s-1", 57, 3)
	s.SeedLogs("sensor", "s-2", 30, 4) // another device's log stays out

	got, err := collectLogs(t, c.ConnectionLogs(context.Background(), "sensor", "s-1", clientstate.LogQuery{}))
	require.NoError(t, err)
	require.Len(t, got, 57)
	for i := range want {
		assert.Equal(t, want[i].Time, got[i].Time, "entry %d", i)
		assert.Equal(t, want[i].Message, got[i].Message, "entry %d", i)
		if i > 0 {
			assert.False(t, got[i].Time.After(got[i-1].Time), "newest first")
		}
	}
	assert.Equal(t, 1, s.Requests(), "no limit: one request, all of it")
	rec := s.last(t, logsPath)
	assert.Equal(t, "deviceId=s-1&typeId=sensor", rec.RawQuery)

	// The mock ignores limit by default, as the real API may: the first
	// answer is longer than the page asked for, and is the whole log.
	got, err = collectLogs(t, c.ConnectionLogs(context.Background(), "sensor", "s-1", clientstate.LogQuery{Limit: 7}))
	require.NoError(t, err)
	assert.Len(t, got, 57)
	assert.Equal(t, 1+1, s.Requests())

	// A server that applies the limit is paged by offset.
	s.HonorLogLimit(true)
	got, err = collectLogs(t, c.ConnectionLogs(context.Background(), "sensor", "s-1", clientstate.LogQuery{Limit: 7}))
	require.NoError(t, err)
	assert.Len(t, got, 57)
	assert.Equal(t, 2+9, s.Requests())
	rec = s.last(t, logsPath)
	assert.Contains(t, rec.RawQuery, "offset=56")
}

func TestConnectionLogsTimeWindow(t *testing.T) {
	s, c := newMockClient(t)
	all := s.SeedLogs("sensor", "s-1", 200, 8)
	from, to := all[150].Time, all[20].Time // inclusive bounds, newest first
	got, err := collectLogs(t, c.ConnectionLogs(context.Background(), "sensor", "s-1", clientstate.LogQuery{From: from, To: to}))
	require.NoError(t, err)
	var want []clientstate.LogEntry
	for _, e := range all {
		if !e.Time.Before(from) && !e.Time.After(to) {
			want = append(want, e)
		}
	}
	require.Len(t, got, len(want))
	for i := range want {
		assert.Equal(t, want[i].Time, got[i].Time)
		assert.Equal(t, want[i].Message, got[i].Message)
	}
}

func TestConnectionLogsOffsetLimitAgainstMock(t *testing.T) {
	s, c := newMockClient(t)
	s.SeedLogs("sensor", "s-1", 1100, 5)
	s.HonorLogLimit(true)
	got, err := collectLogs(t, c.ConnectionLogs(context.Background(), "sensor", "s-1", clientstate.LogQuery{Limit: clientstate.MaxLogLimit}))
	assert.ErrorIs(t, err, pagination.ErrOffsetLimit)
	assert.Len(t, got, clientstate.MaxLogOffset+clientstate.MaxLogLimit, "every reachable entry first")
	assert.Equal(t, clientstate.MaxLogOffset/clientstate.MaxLogLimit+1, s.Requests())
	rec := s.last(t, logsPath)
	assert.Contains(t, rec.RawQuery, "offset="+strconv.Itoa(clientstate.MaxLogOffset))
}

func TestConnectionLogsUnknownDevice(t *testing.T) {
	s, c := newMockClient(t)
	_, err := collectLogs(t, c.ConnectionLogs(context.Background(), "sensor", "nobody", clientstate.LogQuery{}))
	var apiErr *iotclient.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.ErrorIs(t, err, iotclient.ErrNotFound)
	assert.Equal(t, "CUDRS0002E", apiErr.Code)
	assert.Equal(t, 1, s.Requests())
}
