package auth_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"strings"
	"sync"

	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
)

func ExampleIAMPassword() {
	// The public fake serves IAM and IoTDA; in production Endpoint is
	// https://iam.{region}.myhuaweicloud.com.
	srv := commandstest.NewServer()
	defer srv.Close()
	srv.Seed("meter-7", 10, 1)

	cred := auth.IAMPassword(auth.IAMConfig{
		Endpoint: srv.URL(),
		Domain:   commandstest.IAMDomain,
		User:     commandstest.IAMUser,
		Project:  "cn-north-4",
	}, commandstest.IAMPassword)
	// Printing never shows the password or the token.
	fmt.Println(strings.Replace(fmt.Sprint(cred), srv.URL(), "http://127.0.0.1:PORT", 1))

	cfg := srv.Config()
	cfg.Auth = cred
	cmds, err := commands.NewClient(cfg)
	if err != nil {
		log.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := cmds.Count(context.Background(), "meter-7", commands.CountQuery{}); err != nil {
				log.Fatal(err)
			}
		})
	}
	wg.Wait()
	// 20 concurrent calls share one login.
	fmt.Println("requests:", srv.Requests(), "(20 counts, 1 login)")

	// The token is sent as X-Auth-Token.
	req, _ := http.NewRequest(http.MethodGet, srv.URL(), nil)
	_ = cred.Apply(req, nil)
	fmt.Println(req.Header.Get("X-Auth-Token") != "")
	// Output:
	// auth.IAMPassword{Endpoint: "http://127.0.0.1:PORT", Domain: "mock-domain", User: "mock-user", Password: "[redacted]", Project: "cn-north-4"}
	// requests: 21 (20 counts, 1 login)
	// true
}
