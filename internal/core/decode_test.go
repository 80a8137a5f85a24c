package core

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
)

// An answer decoded into a struct must be a JSON object, for every call of
// both packages: null would leave the record empty as if the platform had
// answered it, and an array or a scalar is no record. A list (a slice) may
// be an array. Every refusal is a malformed response, not retried.
func TestDoDecodesAStructOnlyFromAnObject(t *testing.T) {
	c, mt, _ := newTestClient(t)
	for body, want := range map[string]string{
		`null`:       "the body is null, not a JSON object",
		` [{"n":1}]`: "the body is an array, not a JSON object",
		`"x"`:        "the body is a string, number or boolean, not a JSON object",
		`7`:          "the body is a string, number or boolean, not a JSON object",
	} {
		mt.Reset()
		mt.RegisterResponder("GET", testBase+"/x", jsonResp(200, body))
		var out struct {
			N int `json:"n"`
		}
		info, err := c.Do(context.Background(), get("/x"), &out)
		require.ErrorIs(t, err, iotclient.ErrMalformedResponse, body)
		assert.Contains(t, err.Error(), want)
		assert.Equal(t, 1, info.Attempts, "%s: a body of the wrong shape is not retried", body)
	}

	mt.Reset()
	mt.RegisterResponder("GET", testBase+"/x", jsonResp(200, ` {"n":1}`))
	var obj struct {
		N int `json:"n"`
	}
	_, err := c.Do(context.Background(), get("/x"), &obj)
	require.NoError(t, err)
	assert.Equal(t, 1, obj.N)

	mt.Reset()
	mt.RegisterResponder("GET", testBase+"/x", jsonResp(200, `[{"n":1},{"n":2}]`))
	var list []struct {
		N int `json:"n"`
	}
	_, err = c.Do(context.Background(), get("/x"), &list)
	require.NoError(t, err)
	assert.Len(t, list, 2)
}

func TestDecodeObject(t *testing.T) {
	var v struct {
		A string `json:"a"`
	}
	require.NoError(t, DecodeObject([]byte("\n {\"a\":\"x\"}"), &v))
	assert.Equal(t, "x", v.A)
	assert.ErrorContains(t, DecodeObject([]byte(`{"a":"x","a":"y"}`), &v), "duplicate", "json's strict defaults")
	assert.ErrorContains(t, DecodeObject([]byte(` null `), &v), "null")
	assert.Error(t, DecodeObject(nil, &v), "empty")
	assert.Error(t, DecodeObject([]byte(`{"a":`), &v), "cut short")
}
