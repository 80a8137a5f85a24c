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
	"github.com/iotclient/iotclient-go/internal/mockserver"
)

func ExampleIAMPassword() {
	// The embedded mock serves IAM and IoTDA; in production Endpoint is
	// https://iam.{region}.myhuaweicloud.com.
	s := mockserver.New()
	defer s.Close()
	s.SeedCommands("meter-7", 10, 1)

	cred := auth.IAMPassword(auth.IAMConfig{
		Endpoint: s.URL(),
		Domain:   mockserver.IAMDomain,
		User:     mockserver.IAMUser,
		Project:  "cn-north-4",
	}, mockserver.IAMPassword)
	// Printing never shows the password or the token.
	fmt.Println(strings.Replace(fmt.Sprint(cred), s.URL(), "http://127.0.0.1:PORT", 1))

	cmds, err := commands.NewClient(commands.Config{Endpoint: s.URL(), ProjectID: mockserver.ProjectID, Auth: cred})
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
	fmt.Println("logins:", s.Requests(mockserver.RouteIAMToken))

	// The token is sent as X-Auth-Token.
	req, _ := http.NewRequest(http.MethodGet, s.URL(), nil)
	_ = cred.Apply(req, nil)
	fmt.Println(req.Header.Get("X-Auth-Token") != "")
	// Output:
	// auth.IAMPassword{Endpoint: "http://127.0.0.1:PORT", Domain: "mock-domain", User: "mock-user", Password: "[redacted]", Project: "cn-north-4"}
	// logins: 1
	// true
}
