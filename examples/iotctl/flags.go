package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// usageError is a mistake in the command line: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

// common holds the flags every subcommand takes.
type common struct {
	format   string
	timeout  time.Duration
	progress triState
	mock     bool
	verbose  bool
	csvRaw   bool // --csv-raw: csv cells as they are, formulas included
	// summarized, set by a command with summary views, reports whether
	// one is asked for: only a summary prints as --format json, and
	// summaryFlags (default --summary) names the views' flags.
	summarized   func() bool
	summaryFlags string
}

// register adds the common flags to fs; timeout is the default of
// --timeout.
func (c *common) register(fs *flag.FlagSet, timeout time.Duration) {
	c.registerBasic(fs)
	fs.DurationVar(&c.timeout, "timeout", timeout, "give up after this `duration` (0: no limit)")
	fs.Var(&c.progress, "progress", "show a running record count on stderr (default: when stderr is a terminal and stdout is not; --progress=false: never)")
}

// registerBasic adds the common flags but --timeout and --progress.
func (c *common) registerBasic(fs *flag.FlagSet) {
	fs.StringVar(&c.format, "format", formatTable, "print records as a `table`, jsonl (JSON lines) or csv")
	fs.BoolVar(&c.mock, "mock", false, "use the embedded mock server even when credentials are set")
	fs.BoolVar(&c.verbose, "verbose", false, "log every request attempt (HTTP) or connection event (MQTT) to stderr")
	fs.BoolVar(&c.csvRaw, "csv-raw", false, "with --format csv, write cells as they are: by default a text cell starting with =, +, -, @, a tab or a carriage return gets a ' in front, so that a spreadsheet shows it instead of running it as a formula")
}

func (c *common) validate() error {
	switch c.format {
	case formatTable, formatJSONL, formatCSV:
	case formatJSON:
		if c.summarized == nil || !c.summarized() {
			return usagef("--format json: use table, jsonl or csv (json is for %s)", cmp.Or(c.summaryFlags, "--summary"))
		}
	default:
		return usagef("--format %q: use table, jsonl or csv", c.format)
	}
	if c.csvRaw && c.format != formatCSV {
		return usagef("--csv-raw: only with --format csv")
	}
	return nil
}

// enumFlag registers a flag taking one value of a string enum, folded to
// its case; a value the enum does not know is refused with hint.
func enumFlag[T interface {
	~string
	Known() bool
}](fs *flag.FlagSet, p *T, name, usage string, fold func(string) string, hint string) {
	fs.Func(name, usage, func(s string) error {
		if *p = T(fold(s)); *p != "" && !(*p).Known() {
			return errors.New(hint)
		}
		return nil
	})
}

// triState is a boolean flag that also knows whether it was given.
type triState struct{ set, on bool }

func (t *triState) String() string {
	if t == nil || !t.set {
		return "auto"
	}
	return strconv.FormatBool(t.on)
}

func (t *triState) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return errors.New("must be true or false")
	}
	t.set, t.on = true, v
	return nil
}

func (t *triState) IsBoolFlag() bool { return true }

// timeFlag is a point in time given as RFC 3339 ("2024-06-01T12:00:00Z"),
// a date ("2024-06-01", midnight UTC), or a duration before now ("48h",
// "90m", "7d").
type timeFlag struct {
	raw string
	t   time.Time
	now func() time.Time // nil: time.Now
}

func (f *timeFlag) String() string { return f.raw }

func (f *timeFlag) Set(s string) error {
	now := time.Now
	if f.now != nil {
		now = f.now
	}
	t, err := parseTime(s, now())
	if err != nil {
		return err
	}
	f.raw, f.t = s, t
	return nil
}

// parseTime reads an RFC 3339 time, a date, or a duration before now.
func parseTime(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, errors.New("is empty")
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if s == "now" {
		return now, nil
	}
	d, err := parseAgo(s)
	if err != nil {
		return time.Time{}, errors.New(`must be an RFC 3339 time ("2024-06-01T12:00:00Z"), a date ("2024-06-01") or a duration before now ("48h", "7d")`)
	}
	return now.Add(-d), nil
}

// parseAgo reads a non-negative Go duration, or a whole number of days
// ("7d").
func parseAgo(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 100*365 {
			return 0, errors.New("bad days")
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, errors.New("bad duration")
	}
	return d, nil
}

// parseFlags parses args with fs, allowing flags after positional
// arguments ("state CLIENT_ID --format jsonl"); "--" ends the flags. It
// returns the positional arguments. A flag error is a *usageError;
// -h/--help is flag.ErrHelp.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &usageError{flagMessage(err.Error())}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, negativeFlag(fs)
		}
		// fs.Parse stops at the first positional argument or after "--".
		if i := len(args) - len(rest); i > 0 && args[i-1] == "--" {
			return append(pos, rest...), negativeFlag(fs)
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// negativeFlag refuses a negative count or duration: no iotctl flag takes
// one.
func negativeFlag(fs *flag.FlagSet) (err error) {
	fs.Visit(func(f *flag.Flag) {
		g, ok := f.Value.(flag.Getter)
		if !ok || err != nil {
			return
		}
		switch v := g.Get().(type) {
		case int:
			if v < 0 {
				err = usagef("--%s %d: must not be negative", f.Name, v)
			}
		case time.Duration:
			if v < 0 {
				err = usagef("--%s %s: must not be negative", f.Name, v)
			}
		}
	})
	return err
}

// Messages of package flag, rewritten to the "--name" spelling.
var (
	reUndefined = regexp.MustCompile(`^flag provided but not defined: -+(.*)$`)
	reNoValue   = regexp.MustCompile(`^flag needs an argument: -+(.*)$`)
	reBadValue  = regexp.MustCompile(`^invalid (?:boolean )?value ("(?:[^"\\]|\\.)*") for (?:flag )?-+([^:]+): (.*)$`)
)

func flagMessage(msg string) string {
	if m := reUndefined.FindStringSubmatch(msg); m != nil {
		return "unknown flag --" + m[1]
	}
	if m := reNoValue.FindStringSubmatch(msg); m != nil {
		return "--" + m[1] + " needs a value"
	}
	if m := reBadValue.FindStringSubmatch(msg); m != nil {
		return "--" + m[2] + " " + m[1] + ": " + m[3]
	}
	return msg
}

// printFlags lists fs's flags as "--name value   usage (default ...)".
func printFlags(w io.Writer, fs *flag.FlagSet) {
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		arg := "--" + f.Name
		if name != "" {
			arg += " " + name
		}
		def := ""
		switch f.DefValue {
		case "", "0", "false", "0s", "auto":
		default:
			def = " (default " + f.DefValue + ")"
		}
		fmt.Fprintf(tw, "  %s\t%s%s\n", arg, usage, def)
	})
	tw.Flush()
}
