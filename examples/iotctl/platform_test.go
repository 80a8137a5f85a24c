package main

import (
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

func TestRegionOf(t *testing.T) {
	for endpoint, want := range map[string]string{
		"https://iotda.cn-north-4.myhuaweicloud.com":                    "cn-north-4",
		"https://a1b2c3.st1.iotda-app.ap-southeast-1.myhuaweicloud.com": "ap-southeast-1",
		"http://127.0.0.1:8080":                                         "",
		"%zz":                                                           "",
	} {
		if got := regionOf(endpoint); got != want {
			t.Errorf("regionOf(%q) = %q, want %q", endpoint, got, want)
		}
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
