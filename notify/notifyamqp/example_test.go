package notifyamqp_test

import (
	"context"
	"log"
	"os"

	"github.com/iotclient/iotclient-go/notify/notifyamqp"
)

// Read the command and device status notifications a forwarding rule sends
// to DefaultQueue. Each message is accepted once the loop body has returned
// for it: a crash in between costs a redelivery, never a notification.
func ExampleConsumer_Notifications() {
	c, err := notifyamqp.NewConsumer(notifyamqp.Config{
		Host:       os.Getenv("IOTCLIENT_IOTDA_AMQP_HOST"), // console: Overview > Access Details
		AccessKey:  os.Getenv("IOTCLIENT_IOTDA_AMQP_ACCESS_KEY"),
		AccessCode: os.Getenv("IOTCLIENT_IOTDA_AMQP_ACCESS_CODE"),
		InstanceID: os.Getenv("IOTCLIENT_IOTDA_INSTANCE_ID"),
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	for n, err := range c.Notifications(ctx) {
		if err != nil {
			if notifyamqp.IsTransient(err) { // a reconnect, or a message that is no notification
				log.Print(err)
				continue
			}
			log.Fatal(err) // e.g. ErrAuthentication: the access code was regenerated
		}
		switch {
		case n.Command != nil:
			log.Printf("command %s of %s: %s", n.Command.CommandID, n.Header.DeviceID, n.Command.Status)
		case n.Device != nil:
			log.Printf("device %s: %s", n.Header.DeviceID, n.Device.Status)
		}
	}
}
