package notify_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iotclient/iotclient-go/notify"
)

// Result is a slice of the body's copy, whose capacity ends with it:
// appending to it leaves Body as it was.
func TestDecodeResultCannotWriteOverTheBody(t *testing.T) {
	for name, doc := range map[string]string{
		"resource first": `{"resource":"device.command.status","notify_data":{"body":{"result":{"code":200},"command_id":"c1"}}}`,
		"resource after": `{"notify_data":{"body":{"result":{"code":200},"command_id":"c1"}},"resource":"device.command.status"}`,
		"top-level body": `{"resource":"device.command.status","notify_data":{},"body":{"result":{"code":200},"command_id":"c1"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			n, err := notify.Decode([]byte(doc))
			require.NoError(t, err)
			body := string(n.Body)
			assert.Equal(t, `{"code":200}`, string(n.Command.Result))
			_ = append(n.Command.Result, "xxxxxxxx"...)
			assert.Equal(t, body, string(n.Body))
			assert.Equal(t, `{"result":{"code":200},"command_id":"c1"}`, body)
		})
	}
}

// A null or absent result is an empty Result, whichever way the body was
// read.
func TestDecodeNullResult(t *testing.T) {
	for _, doc := range []string{
		`{"resource":"device.command.status","notify_data":{"body":{"command_id":"c1","result":null}}}`,
		`{"notify_data":{"body":{"command_id":"c1","result" : null }},"resource":"device.command.status"}`,
		`{"resource":"device.command.status","notify_data":{"body":{"command_id":"c1"}}}`,
	} {
		n, err := notify.Decode([]byte(doc))
		require.NoError(t, err, doc)
		assert.Nil(t, n.Command.Result, doc)
	}
}

// The decodings share their working structs: a notification is not
// changed by the documents decoded after it, its tags included, nor by a
// failed decoding.
func TestDecodeLaterDocumentsLeaveANotificationAlone(t *testing.T) {
	first, err := notify.Decode(readDoc(t, "command_status"))
	require.NoError(t, err)
	want := first
	want.Header.Tags = append([]notify.Tag(nil), first.Header.Tags...)
	wantCommand, wantBody := *first.Command, string(first.Body)
	for i := range 50 {
		_, err := notify.Decode(fmt.Appendf(nil, `{"resource":"device.command.status","request_id":"r%d",
			"notify_data":{"header":{"device_id":"d%d","tags":[{"tag_key":"k%d","tag_value":"v%d"},{"tag_key":"k","tag_value":"v"}]},
			"body":{"command_id":"c%d","result":[%d]}}}`, i, i, i, i, i, i))
		require.NoError(t, err)
		_, err = notify.Decode([]byte(`{"resource":"device.command.status","notify_data":{"header":{"tags":[{"tag_key":"bad"}]},"body":{"command_id":1}}}`))
		require.Error(t, err)
	}
	assert.Equal(t, want.Header, first.Header)
	assert.Equal(t, want.RequestID, first.RequestID)
	assert.Equal(t, wantCommand, *first.Command)
	assert.Equal(t, wantBody, string(first.Body))
}

// Decode is safe for concurrent use (run under -race).
func TestDecodeConcurrently(t *testing.T) {
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 200 {
				id := fmt.Sprintf("c-%d-%d", g, i)
				n, err := notify.Decode(fmt.Appendf(nil, `{"resource":"device.command.status","notify_data":{"header":{"tags":[{"tag_key":%q,"tag_value":"v"}]},"body":{"command_id":%q,"result":%q}}}`, id, id, id))
				if !assert.NoError(t, err) {
					return
				}
				assert.Equal(t, id, n.Command.CommandID)
				assert.Equal(t, id, n.Header.Tags[0].Key)
				assert.Equal(t, `"`+id+`"`, string(n.Command.Result))
			}
		})
	}
	wg.Wait()
}

// A document with more tags than a pooled struct keeps room for decodes
// whole, and so does the next one.
func TestDecodeManyTags(t *testing.T) {
	for _, count := range []int{40, 1, 17, 0} {
		tags := make([]notify.Tag, count)
		var list []byte
		for i := range tags {
			tags[i] = notify.Tag{Key: fmt.Sprint("k", i), Value: fmt.Sprint("v", i)}
			if i > 0 {
				list = append(list, ',')
			}
			list = fmt.Appendf(list, `{"tag_key":"k%d","tag_value":"v%d"}`, i, i)
		}
		n, err := notify.Decode(fmt.Appendf(nil, `{"resource":"device.message","notify_data":{"header":{"tags":[%s]},"body":{}}}`, list))
		require.NoError(t, err)
		if count == 0 {
			assert.Empty(t, n.Header.Tags)
			continue
		}
		assert.Equal(t, tags, n.Header.Tags)
	}
}
