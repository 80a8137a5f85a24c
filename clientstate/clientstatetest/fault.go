package clientstatetest

import "github.com/iotclient/iotclient-go/iotclienttest"

// Fault is one injected failure (see iotclienttest.Fault). A Status
// answer has IBM's error body, {"message","exception":{"id","properties"}},
// and Code replaces its exception id.
type Fault = iotclienttest.Fault
