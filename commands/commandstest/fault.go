package commandstest

import "github.com/iotclient/iotclient-go/iotclienttest"

// Fault is one injected failure (see iotclienttest.Fault). A Status
// answer has IoTDA's error body, {"error_code","error_msg","request_id"}
// (429 is APIGW.0308, 401 APIGW.0301), and Code replaces its error_code.
type Fault = iotclienttest.Fault
