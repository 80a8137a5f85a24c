package hwsign

import (
	"crypto/fips140"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var signTime = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

func TestSignHeaderSelection(t *testing.T) {
	req := newRequest(t, http.MethodGet, "https://h.example.com/p", "")
	req.Header.Set("Content-Type", "application/json")
	req.Header["x_underscore"] = []string{"1"}
	req.Header.Set("Content-Length", "0")
	req.Header.Set("Authorization", "SDK-HMAC-SHA256 Access=old, SignedHeaders=x-sdk-date, Signature=old")
	req.Header.Set(DateHeader, "19990101T000000Z")
	req.Header.Set("X-B", "2")
	req.Header["x-a"] = []string{"1"}
	require.NoError(t, Signer{AK: "ak", SK: "sk"}.Sign(req, nil, signTime))

	_, p := authParams(t, req.Header.Get("Authorization"))
	assert.Equal(t, "x-a;x-b;x-sdk-date", p["SignedHeaders"], "no host without an explicit Host header")
	assert.Equal(t, "20240102T030405Z", req.Header.Get(DateHeader), "the date is replaced")

	// A non-UTC time is signed as UTC.
	require.NoError(t, Signer{AK: "ak", SK: "sk"}.Sign(req, nil, signTime.In(time.FixedZone("x", 8*3600))))
	assert.Equal(t, "20240102T030405Z", req.Header.Get(DateHeader))
}

func TestDerivedKeyIsLowerHex(t *testing.T) {
	k := DerivedKey("a", "b", "c")
	assert.Len(t, k, 64)
	assert.Equal(t, strings.ToLower(k), k)
}

// TestSignShortKeyFIPSOnly runs itself again under GODEBUG=fips140=only,
// where crypto/hmac panics on keys shorter than 112 bits: Sign must
//
//	return an error instead.
func TestSignShortKeyFIPSOnly(t *testing.T) {
	if os.Getenv("HWSIGN_FIPS_ONLY_CHILD") != "" {
		require.True(t, fips140.Enforced(), "the child runs under fips140=only")
		req := newRequest(t, http.MethodGet, "https://h.example.com/p", "")
		for _, s := range []Signer{
			{AK: "ak", SK: "short-sk"},
			{AK: "ak", SK: "short-sk", Derived: true, Region: "r", Service: "s"},
		} {
			require.ErrorContains(t, s.Sign(req, nil, signTime), "FIPS 140-only")
		}
		long := Signer{AK: historyAK, SK: historySK, Derived: true, Region: "cn-north-4", Service: "iotdm"}
		require.NoError(t, long.Sign(req, nil, signTime))
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSignShortKeyFIPSOnly$", "-test.count=1")
	cmd.Env = append(os.Environ(), "GODEBUG=fips140=only", "HWSIGN_FIPS_ONLY_CHILD=1")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
}

func BenchmarkSign(b *testing.B) {
	req, err := http.NewRequest(http.MethodGet, "https://iotda.cn-north-4.myhuaweicloud.com/v5/iot/0123456789abcdef0123456789abcdef/devices/dev-1/async-commands-history?limit=50&marker=5c8f3d2d3df1f10d803adbda", nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "iotclient-go/test")
	req.Header.Set("X-Project-Id", "0123456789abcdef0123456789abcdef")
	req.Header.Set("Instance-Id", "inst-1234")
	s := Signer{AK: "HPUAEXAMPLEAK000001", SK: "exampleSecretKey0123456789abcdefghijklmn"}
	now := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Sign(req, nil, now); err != nil {
			b.Fatal(err)
		}
	}
}
