package auth_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/iotclient/iotclient-go/auth"
)

// headerNames lists the headers a credential set, sorted; the values hold
// dates and signatures that change on every run.
func headerNames(h http.Header) string {
	return strings.Join(slices.Sorted(func(yield func(string) bool) {
		for k := range h {
			if !yield(k) {
				return
			}
		}
	}), ", ")
}

func ExampleAKSK() {
	cred := auth.AKSK("HPUAEXAMPLEAK000001", "exampleSecretKey0123456789abcdefghijklmn")

	req, _ := http.NewRequest(http.MethodGet,
		"https://iotda.cn-north-4.myhuaweicloud.com/v5/iot/0123456789abcdef0123456789abcdef/devices/dev-1/async-commands-history?limit=10", nil)
	req.Header.Set("Instance-Id", "9a8b7c6d")
	if err := cred.Apply(req, nil); err != nil {
		fmt.Println(err)
		return
	}
	alg, _, _ := strings.Cut(req.Header.Get("Authorization"), ",")
	fmt.Println(headerNames(req.Header))
	fmt.Println(alg)
	fmt.Println(cred) // the SK is never printed

	// An instance endpoint selects the derived signature by itself.
	req, _ = http.NewRequest(http.MethodGet,
		"https://0a1b2c3d4e.st1.iotda-app.cn-north-4.myhuaweicloud.com/v5/iot/0123456789abcdef0123456789abcdef/devices/dev-1/async-commands", nil)
	_ = cred.Apply(req, nil)
	alg, _, _ = strings.Cut(req.Header.Get("Authorization"), " ")
	fmt.Println(alg)
	// Output:
	// Authorization, Instance-Id, X-Sdk-Date
	// SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK000001
	// auth.AKSK{AK: "HPUA…0001", SK: "[redacted]"}
	// V11-HMAC-SHA256
}

func ExampleToken() {
	cred := auth.Token("MIIEXAMPLE-iam-token-value")

	req, _ := http.NewRequest(http.MethodGet, "https://iotda.cn-north-4.myhuaweicloud.com/v5/iot/0123456789abcdef0123456789abcdef/devices/dev-1/async-commands-history", nil)
	if err := cred.Apply(req, nil); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(headerNames(req.Header))
	fmt.Printf("%v\n", cred)

	// An empty token is refused, naming what is missing.
	fmt.Println(auth.Token("").Apply(req, nil))
	// Output:
	// X-Auth-Token
	// auth.Token{Token: "[redacted]"}
	// iotclient: invalid auth.Token: the token is empty
}

func ExampleAPIKey() {
	key := "a-ab12cd-tsh5ppr4qw"
	cred := auth.APIKey(key, "IBMexampleAuthToken!")

	org, _ := auth.OrgFromAPIKey(key)
	req, _ := http.NewRequest(http.MethodGet, "https://"+org+".internetofthings.ibmcloud.com/api/v0002/clientconnectionstates", nil)
	if err := cred.Apply(req, nil); err != nil {
		fmt.Println(err)
		return
	}
	user, _, ok := req.BasicAuth()
	fmt.Println(org)
	fmt.Println(headerNames(req.Header), ok, user)
	fmt.Printf("%#v\n", cred)
	// Output:
	// ab12cd
	// Authorization true a-ab12cd-tsh5ppr4qw
	// auth.APIKey{Key: "a-ab12cd-tsh5…r4qw", Token: "[redacted]"}
}
