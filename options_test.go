package iotclient_test

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"log/slog"
	"math"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/internal/config"
	"github.com/iotclient/iotclient-go/internal/core"
)

func apply(opts ...iotclient.Option) config.Settings { return core.Settings(opts) }

func TestOptionsSetSettings(t *testing.T) {
	hc := &http.Client{Timeout: time.Second}
	l := slog.Default()
	s := apply(
		iotclient.WithHTTPClient(hc),
		iotclient.WithRetry(7),
		iotclient.WithBackoff(time.Second, time.Minute),
		iotclient.WithMaxRetryAfter(5*time.Second),
		iotclient.WithLogger(l),
		iotclient.WithUserAgent("fleet/2"),
		iotclient.WithRateLimit(10, 3),
		iotclient.WithMaxResponseSize(1<<20),
		iotclient.WithInsecureCredentials(),
	)
	require.NoError(t, s.Err())
	assert.Same(t, hc, s.HTTPClient)
	assert.Equal(t, 7, s.MaxRetries)
	assert.Equal(t, time.Second, s.RetryWaitMin)
	assert.Equal(t, time.Minute, s.RetryWaitMax)
	assert.Equal(t, 5*time.Second, s.MaxRetryAfter)
	assert.Same(t, l, s.Logger)
	assert.Equal(t, "fleet/2", s.UserAgent)
	require.NotNil(t, s.Limiter)
	assert.EqualValues(t, 10, s.Limiter.Limit())
	assert.Equal(t, 3, s.Limiter.Burst())
	assert.EqualValues(t, 1<<20, s.MaxResponseSize)
	assert.True(t, s.AllowInsecure)
}

func TestOptionDefaults(t *testing.T) {
	s := apply()
	assert.Equal(t, 3, s.MaxRetries)
	assert.Equal(t, 30*time.Second, s.MaxRetryAfter)
	assert.EqualValues(t, 8<<20, s.MaxResponseSize)
	assert.Nil(t, s.Limiter)
	assert.False(t, s.AllowInsecure)
}

func TestInvalidOptionsNameThemselves(t *testing.T) {
	for name, o := range map[string]iotclient.Option{
		"WithHTTPClient":      iotclient.WithHTTPClient(nil),
		"WithRetry":           iotclient.WithRetry(-1),
		"WithBackoff":         iotclient.WithBackoff(time.Second, time.Millisecond),
		"WithMaxRetryAfter":   iotclient.WithMaxRetryAfter(-time.Second),
		"WithRateLimit":       iotclient.WithRateLimit(0, 1),
		"WithMaxResponseSize": iotclient.WithMaxResponseSize(10),
	} {
		s := apply(o)
		err := s.Err()
		var ve *iotclient.ValidationError
		require.True(t, errors.As(err, &ve), name)
		assert.Equal(t, name, ve.Field)
		assert.ErrorIs(t, err, iotclient.ErrInvalidArgument)
	}
}

// Values that would overflow, panic or silently disable a limit are
// refused.
func TestAbsurdOptionsAreRefused(t *testing.T) {
	for name, o := range map[string]iotclient.Option{
		"backoff max int":   iotclient.WithBackoff(math.MaxInt64, math.MaxInt64),
		"max size max int":  iotclient.WithMaxResponseSize(math.MaxInt64),
		"rate NaN":          iotclient.WithRateLimit(math.NaN(), 1),
		"rate +Inf":         iotclient.WithRateLimit(math.Inf(1), 1),
		"rate negative":     iotclient.WithRateLimit(-1, 1),
		"burst huge":        iotclient.WithRateLimit(1, math.MaxInt),
		"retry-after huge":  iotclient.WithMaxRetryAfter(math.MaxInt64),
		"attempt timeout 0": iotclient.WithAttemptTimeout(0),
		"attempt negative":  iotclient.WithAttemptTimeout(-time.Second),
	} {
		var ve *iotclient.ValidationError
		s := apply(o)
		require.ErrorAs(t, s.Err(), &ve, name)
	}
	s := apply(iotclient.WithAttemptTimeout(time.Second))
	assert.Equal(t, time.Second, s.AttemptTimeout)
	assert.Equal(t, 30*time.Second, apply().AttemptTimeout, "on by default")
	assert.Equal(t, apply().MaxRetries, apply(nil).MaxRetries, "a nil Option changes nothing")
}

// The constructors apply options directly through their method, and learn
// which were given, so that one can refuse an option it does not use.
func TestOptionsRecordTheirNames(t *testing.T) {
	s := apply(iotclient.WithRetry(2), nil, iotclient.WithLogger(slog.Default()), iotclient.WithRetry(-1),
		iotclient.WithInsecureCredentials())
	assert.Equal(t, []string{"WithRetry", "WithLogger", "WithRetry", "WithInsecureCredentials"}, s.Applied)
	assert.Equal(t, 2, s.MaxRetries, "the invalid WithRetry sets nothing")
	var ve *iotclient.ValidationError
	require.ErrorAs(t, s.Err(), &ve)
	assert.Equal(t, "WithRetry", ve.Field)
}

// No SDK package registers anything at start-up: options reach the core
// without a registry, and importing a package runs none of its code.
func TestNoInitInSDKCode(t *testing.T) {
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && (path == "examples" || strings.HasPrefix(d.Name(), ".") && path != "."):
			return filepath.SkipDir
		case d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go"):
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			if fn, ok := decl.(*ast.FuncDecl); ok && fn.Recv == nil && fn.Name.Name == "init" {
				t.Errorf("%s: func init", fset.Position(fn.Pos()))
			}
		}
		return nil
	})
	require.NoError(t, err)
}
