package iotclient_test

import (
	"context"
	"errors"
	"fmt"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
)

func ExampleAPIError() {
	var err error = &iotclient.APIError{StatusCode: 404, Code: "IOTDA.014000", Message: "The device does not exist.",
		Method: "GET", URL: "https://iotda.cn-north-4.myhuaweicloud.com/v5/iot/0123/devices/dev-1/async-commands-history"}
	var ae *iotclient.APIError
	if errors.Is(err, iotclient.ErrNotFound) && errors.As(err, &ae) {
		fmt.Println("no such device:", ae.Code)
	}
	// Output: no such device: IOTDA.014000
}

func ExampleValidationError() {
	srv := commandstest.NewServer() // a fake IoTDA; real code uses the platform's endpoint
	defer srv.Close()
	c, err := srv.NewClient()
	if err != nil {
		panic(err)
	}

	// Bad input is refused before any request is sent.
	_, err = c.HistoryPage(context.Background(), "dev/1", commands.HistoryQuery{})
	var ve *iotclient.ValidationError
	if errors.As(err, &ve) {
		fmt.Println(ve.Field, "->", ve.Reason)
	}
	fmt.Println(errors.Is(err, iotclient.ErrInvalidArgument), "requests sent:", srv.Requests())
	// Output:
	// deviceID -> may contain only letters, digits, '_' and '-'
	// true requests sent: 0
}
