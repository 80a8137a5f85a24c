package iotclient_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	iotclient "github.com/iotclient/iotclient-go"
)

func TestAPIErrorMatchesSentinels(t *testing.T) {
	all := []error{iotclient.ErrInvalidArgument, iotclient.ErrUnauthorized, iotclient.ErrForbidden,
		iotclient.ErrNotFound, iotclient.ErrConflict, iotclient.ErrRateLimited, iotclient.ErrServer}
	for _, tc := range []struct {
		e    iotclient.APIError
		want []error
	}{
		{iotclient.APIError{StatusCode: 400}, []error{iotclient.ErrInvalidArgument}},
		{iotclient.APIError{StatusCode: 401}, []error{iotclient.ErrUnauthorized}},
		{iotclient.APIError{StatusCode: 403}, []error{iotclient.ErrForbidden}},
		{iotclient.APIError{StatusCode: 403, Code: "IOTDA.021101"}, []error{iotclient.ErrForbidden, iotclient.ErrRateLimited}},
		{iotclient.APIError{StatusCode: 404}, []error{iotclient.ErrNotFound}},
		{iotclient.APIError{StatusCode: 409}, []error{iotclient.ErrConflict}},
		{iotclient.APIError{StatusCode: 429, Code: "APIGW.0308"}, []error{iotclient.ErrRateLimited}},
		{iotclient.APIError{StatusCode: 503}, []error{iotclient.ErrServer}},
		{iotclient.APIError{StatusCode: 503, RetryAfter: time.Second}, []error{iotclient.ErrServer, iotclient.ErrRateLimited}},
	} {
		var err error = fmt.Errorf("wrapped: %w", &tc.e)
		for _, s := range all {
			want := false
			for _, w := range tc.want {
				want = want || w == s
			}
			assert.Equal(t, want, errors.Is(err, s), "status %d code %q vs %v", tc.e.StatusCode, tc.e.Code, s)
		}
	}
}

func TestAPIErrorMessage(t *testing.T) {
	e := &iotclient.APIError{StatusCode: 404, Code: "IOTDA.014000", Message: "The device does not exist.",
		RequestID: "r-1", Method: "GET", URL: "https://iotda.example.com/v5/iot/p/devices/d", Attempts: 2,
		Violations: []string{"CUDRS0001E: bad"}}
	msg := e.Error()
	for _, part := range []string{"GET", "https://iotda.example.com/v5/iot/p/devices/d", "404", "IOTDA.014000",
		"The device does not exist.", "request ID r-1", "after 2 attempts", "CUDRS0001E: bad"} {
		assert.Contains(t, msg, part)
	}
}

func TestAPIErrorPrintsIBMCodeOnce(t *testing.T) {
	e := &iotclient.APIError{StatusCode: 404, Code: "CUDRS0002E", Message: "CUDRS0002E: The client was not found.", Method: "GET", URL: "u"}
	assert.Equal(t, "iotclient: GET u: 404: CUDRS0002E: The client was not found.", e.Error())
}

func TestValidationError(t *testing.T) {
	err := &iotclient.ValidationError{Field: "HistoryQuery.PageSize", Value: "99", Reason: "must be between 1 and 50"}
	assert.ErrorIs(t, err, iotclient.ErrInvalidArgument)
	assert.Equal(t, `iotclient: invalid HistoryQuery.PageSize "99": must be between 1 and 50`, err.Error())
	assert.NotErrorIs(t, err, iotclient.ErrNotFound)
}
