package main

import (
	"os"
	"strings"
	"testing"

	"github.com/iotclient/iotclient-go/commands/commandstest"
)

// An IAM password login from the environment reaches the platform; a
// missing part is a usage error naming its variable.
func TestIAMLoginFromEnvironment(t *testing.T) {
	srv := commandstest.NewServer()
	defer srv.Close()
	seeded := historyOf(srv.Seed("remote-device", 12, 2))
	clearEnv(t)
	t.Setenv(envIoTDAEndpoint, srv.URL())
	t.Setenv(envIoTDAProject, commandstest.ProjectID)
	t.Setenv(envIAMUser, commandstest.IAMUser)
	t.Setenv(envIAMPassword, commandstest.IAMPassword)

	r := cliEnv(t, "history", "--device", "remote-device", "--format", "csv")
	if r.code != exitUsage || !strings.Contains(r.stderr, "$"+envIAMDomain) {
		t.Fatalf("no domain: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	t.Setenv(envIAMDomain, commandstest.IAMDomain)
	r = cliEnv(t, "history", "--device", "remote-device", "--format", "csv")
	if r.code != exitUsage || !strings.Contains(r.stderr, "$"+envIAMRegion) {
		t.Fatalf("no region (the endpoint names none): exit %d, stderr:\n%s", r.code, r.stderr)
	}
	t.Setenv(envIAMRegion, "cn-north-4")
	t.Setenv(envIAMEndpoint, srv.URL())
	r = cliEnv(t, "history", "--device", "remote-device", "--format", "csv")
	mustSucceed(t, r)
	if _, rows := readCSV(t, r.stdout); len(rows) != len(seeded) || len(rows) == 0 {
		t.Errorf("%d rows, want %d", len(rows), len(seeded))
	}

	t.Setenv(envIAMPassword, "wrong-password-1")
	r = cliEnv(t, "history", "--device", "remote-device")
	if r.code != exitError || strings.Contains(r.stderr, "wrong-password-1") {
		t.Errorf("a wrong password: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if r := cli(t, "help"); !strings.Contains(r.stdout, envIAMUser) || !strings.Contains(r.stdout, envIAMPassword) {
		t.Errorf("help does not name the IAM variables:\n%s", r.stdout)
	}
}

// What the SDK refuses is reported with the flag's name, never the SDK's
// field names.
func TestValidationSpeaksFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		flag string
	}{
		{[]string{"states", "--sort", "bad field!"}, `--sort "bad field!"`},
		{[]string{"history", "--device", "a/b?c"}, `--device "a/b?c"`},
		{[]string{"history", "--device", "x", "--name", strings.Repeat("n", 200)}, "--name"},
	} {
		r := cli(t, tc.args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, tc.flag) {
			t.Errorf("%q: exit %d, stderr:\n%s", tc.args, r.code, r.stderr)
		}
		for _, sdk := range []string{"Query.", "Config.", "deviceID", "iotclient:"} {
			if strings.Contains(r.stderr, sdk) {
				t.Errorf("%q: stderr shows the SDK's %q:\n%s", tc.args, sdk, r.stderr)
			}
		}
	}
}

// One rule, the SDK's ConfigFromEnv: any of a platform's variables set
// (or a flag standing for one) means the real platform, whose missing
// parts are usage errors naming them; none set means the embedded mock.
// Either way iotctl says on stderr which it talks to.
func TestOneRuleForRealOrMock(t *testing.T) {
	clearEnv(t)
	t.Setenv(envIoTDAProject, commandstest.ProjectID)
	r := cliEnv(t, "history", "--device", demoDevice)
	if r.code != exitUsage || !strings.Contains(r.stderr, envIoTDAEndpoint) || strings.Contains(r.stderr, "embedded mock") {
		t.Errorf("a project without an endpoint: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	clearEnv(t)
	t.Setenv(envIBMOrg, mockOrg)
	r = cliEnv(t, "states", "--limit", "1")
	if r.code != exitUsage || !strings.Contains(r.stderr, envIBMAPIKey) || strings.Contains(r.stderr, "embedded mock") {
		t.Errorf("an organization without a key: exit %d, stderr:\n%s", r.code, r.stderr)
	}

	srv := commandstest.NewServer()
	defer srv.Close()
	srv.Seed("remote-device", 5, 1)
	clearEnv(t)
	t.Setenv(envIoTDAToken, commandstest.Token)
	r = cliEnv(t, "history", "--device", "remote-device", "--endpoint", srv.URL(), "--project", commandstest.ProjectID)
	mustSucceed(t, r)
	if n := strings.Count(r.stderr, "iotctl: talking to Huawei IoTDA at "+srv.URL()+"\n"); n != 1 {
		t.Errorf("stderr says %d times which platform serves, want once:\n%s", n, r.stderr)
	}
	// The flags stood for their variables during the run only.
	if v := os.Getenv(envIoTDAEndpoint); v != "" {
		t.Errorf("--endpoint is left in the environment: %q", v)
	}
	r = cliEnv(t, "history", "--device", demoDevice, "--limit", "1")
	if r.code != exitUsage || !strings.Contains(r.stderr, envIoTDAEndpoint) {
		t.Errorf("a token alone, after a run with flags: exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

// --ibm-url points a real organization's client elsewhere: without the
// organization's credentials it is a usage error naming them, and with
// --mock the embedded mock serves as usual.
func TestIBMURLNeedsCredentials(t *testing.T) {
	clearEnv(t)
	r := cliEnv(t, "states", "--ibm-url", "http://127.0.0.1:9")
	if r.code != exitUsage || !strings.Contains(r.stderr, "--ibm-url needs") || !strings.Contains(r.stderr, "$"+envIBMAPIKey) {
		t.Errorf("no credentials: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	r = cliEnv(t, "states", "--ibm-url", "http://127.0.0.1:9", "--mock", "--limit", "1")
	mustSucceed(t, r)
}
