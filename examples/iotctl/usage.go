package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// writeUsage writes iotctl's help.
func writeUsage(w io.Writer) {
	fmt.Fprint(w, `iotctl: an operator's command line for Huawei IoTDA commands and notifications and
IBM Watson IoT client connection state, over the iotclient-go SDK.

Usage:
  iotctl COMMAND [flags] [arguments]
  iotctl help [COMMAND]

Commands:
`)
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
	for _, c := range subcommands {
		info := c.info()
		fmt.Fprintf(tw, "  %s\t%s\n", info.name, info.summary)
	}
	tw.Flush()
	fmt.Fprint(w, `
Flags every command takes (after the command's name):
  --format table|jsonl|csv   table (default): aligned columns for people; jsonl: one
                             JSON object a line, snake_case keys, RFC 3339 times;
                             csv: a header row, then a row a record
  --csv-raw                  with --format csv, write cells as they are; by default a
                             text cell starting with =, +, -, @, a tab or a carriage
                             return gets a ' in front, so that a spreadsheet shows it
                             instead of running it as a formula
  --timeout D                give up after D (default 5m; monitor: per connection attempt)
  --progress[=false]         a running count on stderr during an export (default: when
                             stderr is a terminal and stdout is not)
  --mock                     use the embedded mock server even when credentials are set
  --verbose                  log every request attempt to stderr

`)
	writePlatforms(w)
	fmt.Fprint(w, "\nExamples:\n")
	for _, c := range subcommands {
		fmt.Fprintf(w, "  %s\n", c.info().examples[0])
	}
	fmt.Fprint(w, `
Exit status: 0 success, 1 runtime or platform error (with the platform's error code
and request ID on stderr), 2 usage error.
`)
}

// writePlatforms describes how iotctl picks the platforms, and the demo data
// of the embedded mock.
func writePlatforms(w io.Writer) {
	fmt.Fprintf(w, `Platforms:
  Without credentials, iotctl starts an embedded mock server of both platforms,
  with demo data placed before the current time, and says so on stderr:
    Huawei IoTDA devices (history --device ID):
      %-16s %d commands over the last 30 days
      %-16s %s commands
      %-16s %d commands
      %-16s no commands
    IBM Watson IoT (org %s): %d clients, %d of them seeded, and
      %s
        connected; a connection log of %d entries
      %s
        disconnected (keepalive timeout); a connection log of %d entries
      %s
        in a reconnect loop while a monitor runs (monitor --flapping)
  Huawei IoTDA, the real platform: --endpoint or $%s, with
    --project or $%s,
    optionally --instance or $%s, and
    $%s (or --ak) with $%s, or $%s, or an IAM password login:
    $%s, $%s and $%s (the account),
    with $%s (such as cn-north-4) unless the endpoint names
    the region, and optionally $%s.
    Its AMQP queue (watch --amqp, send --wait-push --amqp): --amqp-host or
    $%s, --amqp-access-key or $%s
    with $%s, optionally --amqp-queue or $%s
    and --amqp-instance or $%s.
  IBM Watson IoT, the real platform: --api-key or $%s with
    $%s; the organization is --org or $%s,
    else the one in the key (a-ORG-...); the domain --domain or $%s.
  A flag stands for its variable. Any of a platform's variables set selects the
  real platform; none, the embedded mock.
  Secrets (the SK, the tokens, the password, the access code) are read from the
  environment only.
`,
		demoDevice, demoDeviceN, demoDeviceBig, thousands(demoDeviceBigN), demoDeviceSmall, demoDeviceSmallN, demoDeviceEmpty,
		mockOrg, demoClients, demoSeeded, demoClientID, demoLogN, demoPumpClientID, demoPumpLogN, demoFlapperClientID,
		envIoTDAEndpoint, envIoTDAProject, envIoTDAInstance, envIoTDAAK, envIoTDASK, envIoTDAToken,
		envIAMUser, envIAMPassword, envIAMDomain, envIAMRegion, envIAMEndpoint,
		envAMQPHost, envAMQPAccessKey, envAMQPAccessCode, envAMQPQueue, envAMQPInstance,
		envIBMAPIKey, envIBMAPIToken, envIBMOrg, envIBMDomain)
}

// Flags listed in the "Output" and "Platform" sections of a command's help;
// the rest are the command's own.
var (
	outputFlags   = []string{"format", "csv-raw", "timeout", "progress", "mock", "verbose"}
	platformFlags = []string{"endpoint", "project", "instance", "ak", "org", "api-key", "domain", "ibm-url", "broker", "app-id",
		"listen", "path", "amqp", "amqp-host", "amqp-access-key", "amqp-queue", "amqp-instance", "amqp-ca"}
)

// writeCommandUsage writes a command's help: synopsis, description, its
// flags in three groups, examples.
func writeCommandUsage(w io.Writer, info *commandInfo, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: iotctl %s\n\n%s.\n", info.synopsis, capitalize(info.summary))
	if info.details != "" {
		fmt.Fprintf(w, "\n%s\n", info.details)
	}
	in := func(names []string) func(string) bool {
		return func(n string) bool {
			for _, x := range names {
				if x == n {
					return true
				}
			}
			return false
		}
	}
	own := func(n string) bool { return !in(outputFlags)(n) && !in(platformFlags)(n) }
	section := func(title string, keep func(string) bool) {
		sub := flag.NewFlagSet("", flag.ContinueOnError)
		fs.VisitAll(func(f *flag.Flag) {
			if keep(f.Name) {
				sub.Var(f.Value, f.Name, f.Usage)
				sub.Lookup(f.Name).DefValue = f.DefValue
			}
		})
		if !hasFlags(sub) {
			return
		}
		fmt.Fprintf(w, "\n%s:\n", title)
		printFlags(w, sub)
	}
	section("Flags", own)
	section("Output", in(outputFlags))
	section("Platform (default: the embedded mock; see 'iotctl help')", in(platformFlags))
	if len(info.examples) > 0 {
		fmt.Fprint(w, "\nExamples:\n")
		for _, e := range info.examples {
			fmt.Fprintf(w, "  %s\n", e)
		}
	}
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
