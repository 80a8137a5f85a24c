package commands_test

import (
	"errors"
	"fmt"
	"log"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
)

// A program takes its IoTDA project from the IOTCLIENT_IOTDA_* variables,
// and runs against the public fake when none is set.
func ExampleConfigFromEnv() {
	cfg, err := commands.ConfigFromEnv()
	if errors.Is(err, iotclient.ErrNoConfig) {
		srv := commandstest.NewServer()
		defer srv.Close()
		cfg, err = srv.Config(), nil
	}
	if err != nil {
		log.Fatal(err) // names the variable to fix, never a secret's value
	}
	client, err := commands.NewClient(cfg)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(client != nil)
	// Output: true
}
