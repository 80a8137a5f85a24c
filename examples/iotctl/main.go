package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/clientstate"
)

// Exit statuses.
const (
	exitOK    = 0
	exitError = 1 // a runtime or platform error
	exitUsage = 2 // a mistake in the command line
)

// defaultTimeout is the default --timeout of the commands that read.
const defaultTimeout = 5 * time.Minute

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is iotctl: it runs the command line args (without the program name),
// writing records to stdout and everything else to stderr, and returns the
// exit status. An interrupt (Ctrl-C) or SIGTERM cancels what is running.
func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	a := &app{
		stdout: stdout,
		stderr: &lockedWriter{w: stderr}, // the SDK's logger writes from its own goroutines
		getenv: os.Getenv,
		// An export shows its progress by default only when stderr is a
		// terminal and stdout is not: on one terminal they would tangle.
		autoProgress: isTerminal(stderr) && !isTerminal(stdout),
	}
	defer a.close()
	return a.main(ctx, args)
}

// app is one run of iotctl.
type app struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	autoProgress   bool       // the default of --progress
	mock           *mockFleet // the embedded mock, once started
	secrets        []string   // credentials given as flags: never printed
}

// lockedWriter serializes writes, so log records and messages written from
// different goroutines do not interleave.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (a *app) close() {
	if a.mock != nil {
		a.mock.close()
	}
}

// command is a subcommand of iotctl.
type command interface {
	info() *commandInfo
	// execute parses args (what follows the command's name) and runs it.
	execute(ctx context.Context, a *app, args []string) error
	// usage writes the command's help.
	usage(w io.Writer)
}

// commandInfo describes a subcommand for the help texts.
type commandInfo struct {
	name     string
	aliases  []string
	synopsis string   // the command line, without "iotctl "
	summary  string   // one line
	details  string   // paragraphs after the summary
	examples []string // command lines
}

// subcommand is a command whose flags fill a V.
type subcommand[V any] struct {
	commandInfo
	// takesArgs marks a command that reads arguments after its flags
	// (state's client IDs); the others refuse one, adding argHint: where
	// what was meant goes instead.
	takesArgs bool
	argHint   string
	flags     func(fs *flag.FlagSet, v *V) *common // registers the flags, returns the common ones
	run       func(ctx context.Context, a *app, v *V, args []string) error
}

func (s *subcommand[V]) info() *commandInfo { return &s.commandInfo }

func (s *subcommand[V]) flagSet(v *V) (*flag.FlagSet, *common) {
	fs := flag.NewFlagSet(s.name, flag.ContinueOnError)
	return fs, s.flags(fs, v)
}

func (s *subcommand[V]) execute(ctx context.Context, a *app, args []string) error {
	var v V
	fs, c := s.flagSet(&v)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := c.validate(); err != nil {
		return err
	}
	if len(pos) > 0 && !s.takesArgs {
		return usagef("unexpected argument %q%s", pos[0], s.argHint)
	}
	runCtx, cancel := ctx, context.CancelFunc(func() {})
	if c.timeout > 0 {
		runCtx, cancel = context.WithTimeout(ctx, c.timeout)
	}
	defer cancel()
	err = s.run(runCtx, a, &v, pos)
	if err != nil && runCtx.Err() != nil && !isUsage(err) {
		if ctx.Err() != nil {
			return errInterrupted
		}
		return fmt.Errorf("timed out after %s (raise --timeout): %w", c.timeout, err)
	}
	return err
}

func (s *subcommand[V]) usage(w io.Writer) {
	var v V
	fs, _ := s.flagSet(&v)
	writeCommandUsage(w, &s.commandInfo, fs)
}

// subcommands in the order the help lists them.
var subcommands = []command{historyCommand, sendCommand, watchCommand, devicesCommand, statesCommand, stateCommand, logsCommand, monitorCommand}

func lookup(name string) command {
	for _, c := range subcommands {
		info := c.info()
		if info.name == name {
			return c
		}
		for _, alias := range info.aliases {
			if alias == name {
				return c
			}
		}
	}
	return nil
}

func (a *app) main(ctx context.Context, args []string) int {
	if len(args) == 0 {
		writeUsage(a.stderr)
		return exitUsage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		if args[0] == "help" && len(args) > 1 {
			cmd := lookup(args[1])
			if cmd == nil {
				fmt.Fprintf(a.stderr, "iotctl help: unknown command %q\nRun 'iotctl help' for the list.\n", args[1])
				return exitUsage
			}
			cmd.usage(a.stdout)
			return exitOK
		}
		writeUsage(a.stdout)
		return exitOK
	case "version", "-version", "--version":
		fmt.Fprintf(a.stdout, "iotctl (iotclient-go %s)\n", iotclient.Version)
		return exitOK
	}
	cmd := lookup(args[0])
	if cmd == nil {
		fmt.Fprintf(a.stderr, "iotctl: unknown command %q\nRun 'iotctl help' for usage.\n", args[0])
		return exitUsage
	}
	err := cmd.execute(ctx, a, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		cmd.usage(a.stdout)
		return exitOK
	}
	return a.report(cmd.info().name, err)
}

// errInterrupted ends a command cancelled by Ctrl-C.
var errInterrupted = errors.New("interrupted")

func isUsage(err error) bool {
	var ue *usageError
	return errors.As(err, &ue)
}

// outputError is a failure to write the records.
type outputError struct{ err error }

func (e *outputError) Error() string { return "writing the output: " + e.err.Error() }
func (e *outputError) Unwrap() error { return e.err }

func writeError(err error) error { return &outputError{err} }

// report prints err for the command name and returns the exit status.
func (a *app) report(name string, err error) int {
	if err == nil {
		return exitOK
	}
	prefix := "iotctl " + name + ": "
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(a.stderr, "%s%s\nRun 'iotctl help %s' for usage.\n", prefix, a.clean(ue.msg), name)
		return exitUsage
	}
	var ve *iotclient.ValidationError
	if errors.As(err, &ve) {
		// Refused by the SDK before any request: the command line is wrong.
		fmt.Fprintf(a.stderr, "%s%s\nRun 'iotctl help %s' for usage.\n", prefix, a.clean(describeValidation(ve)), name)
		return exitUsage
	}
	var apiErr *iotclient.APIError
	if errors.As(err, &apiErr) {
		// describeAPIError escapes what the platform sent; its own line
		// breaks stay.
		fmt.Fprint(a.stderr, prefix+scrub(describeAPIError(err, apiErr), a.credentials()))
		return exitError
	}
	fmt.Fprintf(a.stderr, "%s%s\n", prefix, a.clean(err.Error()))
	return exitError
}

// describeAPIError says what the platform answered, with its error code
// and request ID, and what to do about it.
// Everything that came from the platform is escaped (escapeText).
func describeAPIError(err error, e *iotclient.APIError) string {
	esc := func(s string) string { return escapeText(s, "") }
	var b strings.Builder
	fmt.Fprintf(&b, "the platform answered HTTP %d", e.StatusCode)
	if e.Code != "" {
		fmt.Fprintf(&b, ", error %s", esc(e.Code))
	}
	if msg := strings.TrimPrefix(e.Message, e.Code+": "); msg != "" { // IBM's messages start with their ID
		fmt.Fprintf(&b, ": %s", esc(msg))
	}
	b.WriteString("\n")
	for _, v := range e.Violations {
		fmt.Fprintf(&b, "  violation: %s\n", esc(v))
	}
	rid := e.RequestID
	if rid == "" {
		rid = "(none)"
	}
	fmt.Fprintf(&b, "  request ID: %s\n  request: %s %s", esc(rid), esc(e.Method), esc(shownURL(e.URL)))
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (%d attempts)", e.Attempts)
	}
	b.WriteString("\n")
	if hint := apiHint(err, e); hint != "" {
		fmt.Fprintf(&b, "  hint: %s\n", hint)
	}
	return b.String()
}

func apiHint(err error, e *iotclient.APIError) string {
	switch {
	case errors.Is(err, clientstate.ErrDisabled):
		return "the client connection state API is not activated for this organization: an administrator activates it in the organization's settings"
	case errors.Is(err, iotclient.ErrRateLimited):
		if e.RetryAfter > 0 {
			return fmt.Sprintf("the platform throttled the requests and asks to retry after %s", e.RetryAfter)
		}
		return "the platform throttled the requests: try again later"
	case errors.Is(err, iotclient.ErrUnauthorized):
		return "the credentials were refused: check the key and secret or token in the environment"
	case errors.Is(err, iotclient.ErrForbidden):
		return "the credentials are not allowed to do this (or the project, instance or organization is wrong)"
	case errors.Is(err, iotclient.ErrNotFound):
		return "the platform does not know this resource: check the IDs (and the project or organization)"
	case errors.Is(err, iotclient.ErrServer):
		return "the platform failed: try again later"
	}
	return ""
}

// flagOfField names the flag, argument or environment variable behind an
// SDK field, so an error speaks the command line's language.
var flagOfField = map[string]string{
	"deviceID":                  "--device",
	"typeID":                    "--type",
	"clientID":                  "CLIENT_ID",
	"HistoryQuery.Status":       "--status",
	"HistoryQuery.CommandName":  "--name",
	"HistoryQuery.Since":        "--since",
	"HistoryQuery.Until":        "--until",
	"HistoryQuery.Marker":       "--marker",
	"HistoryQuery.PageSize":     "--limit",
	"HistoryQuery.Offset":       "--limit",
	"ListQuery.Status":          "--status",
	"ListQuery.DeviceType":      "--type",
	"ListQuery.DeviceID":        "--device",
	"ListQuery.ConnectedAfter":  "--connected-after",
	"ListQuery.Sort":            "--sort",
	"ListQuery.Bookmark":        "--bookmark",
	"ListQuery.PageSize":        "--limit",
	"ListQuery.ProductID":       "--product",
	"ListQuery.GatewayID":       "--gateway",
	"ListQuery.AllLevels":       "--all-levels",
	"SearchQuery.Status":        "--status",
	"SearchQuery.ProductID":     "--product",
	"SearchQuery.GatewayID":     "--gateway",
	"SearchQuery.PageSize":      "--limit",
	"LogQuery.From":             "--from",
	"LogQuery.To":               "--to",
	"LogQuery.Limit":            "--limit",
	"NewCommand.ServiceID":      "--service",
	"NewCommand.Name":           "--name",
	"NewCommand.Params":         "--params",
	"NewCommand.Expire":         "--expire",
	"NewCommand.Strategy":       "--strategy",
	"Endpoint":                  "--endpoint",
	"Config.Endpoint":           "--endpoint",
	"Config.ProjectID":          "--project",
	"Config.InstanceID":         "--instance",
	"Config.OrgID":              "--org",
	"Config.Domain":             "--domain",
	"Config.BaseURL":            "--ibm-url",
	"Config.Broker":             "--broker",
	"Config.AppID":              "--app-id",
	"Config.ConnectTimeout":     "--timeout",
	"Config.Subscriptions":      "--type, --device or --watch-app",
	"auth.AKSK AK":              "--ak or $" + envIoTDAAK,
	"auth.AKSK SK":              "$" + envIoTDASK,
	"auth.Token":                "$" + envIoTDAToken,
	"auth.IAMPassword Endpoint": "$" + envIAMEndpoint,
	"auth.IAMPassword Domain":   "$" + envIAMDomain,
	"auth.IAMPassword User":     "$" + envIAMUser,
	"auth.IAMPassword Password": "$" + envIAMPassword,
	"auth.IAMPassword Project":  "$" + envIAMRegion,
	"auth.APIKey key":           "--api-key or $" + envIBMAPIKey,
	"auth.APIKey token":         "$" + envIBMAPIToken,
	// ConfigFromEnv names the variables, which the flags set.
	envIoTDAEndpoint: "--endpoint or $" + envIoTDAEndpoint,
	envIoTDAProject:  "--project or $" + envIoTDAProject,
	envIoTDAInstance: "--instance or $" + envIoTDAInstance,
	envIoTDAAK:       "--ak or $" + envIoTDAAK,
	envIoTDASK:       "$" + envIoTDASK,
	envIoTDAToken:    "$" + envIoTDAToken,
	envIAMUser:       "$" + envIAMUser,
	envIAMPassword:   "$" + envIAMPassword,
	envIAMDomain:     "$" + envIAMDomain,
	envIAMEndpoint:   "$" + envIAMEndpoint,
	envIAMRegion:     "$" + envIAMRegion,
	envIBMOrg:        "--org or $" + envIBMOrg,
	envIBMDomain:     "--domain or $" + envIBMDomain,
	envIBMAPIKey:     "--api-key or $" + envIBMAPIKey,
	envIBMAPIToken:   "$" + envIBMAPIToken,
	// notifyamqp.ConfigFromEnv's, for watch --amqp and send --wait-push --amqp.
	envAMQPHost:       "--amqp-host or $" + envAMQPHost,
	envAMQPAccessKey:  "--amqp-access-key or $" + envAMQPAccessKey,
	envAMQPAccessCode: "$" + envAMQPAccessCode,
	envAMQPQueue:      "--amqp-queue or $" + envAMQPQueue,
	envAMQPInstance:   "--amqp-instance or $" + envAMQPInstance,
}

// describeValidation says what the SDK refused in the command line's
// terms. A field with no flag behind it (none is expected) is left out
// rather than shown in the SDK's spelling.
func describeValidation(ve *iotclient.ValidationError) string {
	field := ve.Field
	if i := strings.IndexByte(field, '['); i >= 0 {
		field = field[:i] // ListQuery.Sort[2] → ListQuery.Sort, Config.Subscriptions[0] → ...
	}
	name, ok := flagOfField[field]
	switch {
	case !ok && ve.Value == "":
		return "the input was refused: " + ve.Reason
	case !ok:
		return fmt.Sprintf("the input %q was refused: %s", ve.Value, ve.Reason)
	case ve.Value == "" || strings.HasPrefix(name, "$"):
		return name + ": " + ve.Reason // no value: it may be a secret
	}
	return fmt.Sprintf("%s %q: %s", name, ve.Value, ve.Reason)
}
