package core

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// requestHook is retryablehttp's RequestLogHook: it runs before every
// attempt, the first included, and counts them.
func (k *call) requestHook(_ retryablehttp.Logger, _ *http.Request, _ int) {
	k.attempts++
	k.start = time.Now()
}

// responseHook is retryablehttp's ResponseLogHook: one debug event per
// attempt that got an answer. Attempts that failed are logged by
// checkRetry, which sees their error.
func (k *call) responseHook(_ retryablehttp.Logger, resp *http.Response) {
	var ctx context.Context = context.Background()
	if resp.Request != nil {
		ctx = resp.Request.Context()
	}
	k.logAttempt(ctx, resp, nil)
}

// logAttempt logs one attempt (method, URL without secrets, attempt,
// duration, and the status and request ID or the error) at debug level.
func (k *call) logAttempt(ctx context.Context, resp *http.Response, err error) {
	l := k.c.settings.Logger
	if l == nil || !l.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", k.method),
		slog.String("url", RedactURL(k.u)),
		slog.Int("attempt", k.attempts),
		slog.Duration("duration", time.Since(k.start)),
	}
	if resp != nil {
		attrs = append(attrs, slog.Int("status", resp.StatusCode),
			slog.String("request_id", resp.Header.Get("X-Request-Id")))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", k.c.scrubText(err.Error())))
	}
	l.LogAttrs(ctx, slog.LevelDebug, "iotclient request", attrs...)
}
