package mockserver

import (
	"net/http"
	"time"

	"github.com/iotclient/iotclient-go/iotclienttest"
)

// Fake returns the server as the public fakes show it, every control on
// RouteAll: the one implementation of iotclienttest.Fake.
func (s *Server) Fake() iotclienttest.Fake { return fake{s} }

type fake struct{ s *Server }

func (f fake) Close()                     { f.s.Close() }
func (f fake) URL() string                { return f.s.URL() }
func (f fake) Client() *http.Client       { return f.s.MemoryClient() }
func (f fake) Handler() http.Handler      { return f.s }
func (f fake) Now() time.Time             { return f.s.ReferenceTime() }
func (f fake) Requests() int              { return f.s.Requests(RouteAll) }
func (f fake) FailNext(n int, x Fault)    { f.s.FailNext(RouteAll, n, x) }
func (f fake) SetLatency(d time.Duration) { f.s.SetLatency(RouteAll, d) }
func (f fake) ClearFaults()               { f.s.ClearFaults() }
func (f fake) FaultsInjected() int        { return f.s.FaultsInjected() }

// SetFaultRate picks among DefaultFaults when given none.
func (f fake) SetFaultRate(rate float64, seed int64, faults ...Fault) {
	if len(faults) == 0 {
		faults = DefaultFaults
	}
	f.s.SetRandomFaults(RouteAll, rate, seed, faults...)
}
