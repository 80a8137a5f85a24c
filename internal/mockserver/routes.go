package mockserver

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// Route names one operation of the fake, for request counts, LastRequest and
// fault injection.
type Route string

// The routes the server answers. A route is a path pattern plus a method.
const (
	// RouteHistory is GET /v5/iot/{project_id}/devices/{device_id}/async-commands-history.
	RouteHistory Route = "iotda.history"
	// RouteHistoryCount is POST .../async-commands-history/count.
	RouteHistoryCount Route = "iotda.history-count"
	// RouteQueue is GET .../async-commands (PENDING and SENT commands).
	RouteQueue Route = "iotda.queue"
	// RouteCreateCommand is POST .../async-commands.
	RouteCreateCommand Route = "iotda.create-command"
	// RouteGetCommand is GET .../async-commands/{command_id}.
	RouteGetCommand Route = "iotda.get-command"
	// RouteShowDevice is GET /v5/iot/{project_id}/devices/{device_id}.
	RouteShowDevice Route = "iotda.show-device"
	// RouteListDevices is GET /v5/iot/{project_id}/devices.
	RouteListDevices Route = "iotda.list-devices"
	// RouteSearchDevices is POST /v5/iot/{project_id}/search/query-devices.
	RouteSearchDevices Route = "iotda.search-devices"
	// RouteIAMToken is POST /v3/auth/tokens.
	RouteIAMToken Route = "iam.token"
	// RouteClientState is GET /api/v0002/clientconnectionstates/{clientId}.
	RouteClientState Route = "wiotp.client-state"
	// RouteClientStates is GET /api/v0002/clientconnectionstates.
	RouteClientStates Route = "wiotp.client-states"
	// RouteConnectionLogs is GET /api/v0002/logs/connection.
	RouteConnectionLogs Route = "wiotp.connection-logs"
	// RouteClientStateConfig is GET and PUT /api/v0002/config/clientstate.
	RouteClientStateConfig Route = "wiotp.client-state-config"
	// RouteAll stands for every route: Requests(RouteAll) counts every
	// request (even those matching no route), and faults and latency set on
	// RouteAll apply to every request.
	RouteAll Route = "*"

	// routeNone is a request that matched no route (unknown path or method).
	routeNone Route = ""
)

// handlers answer the platform routes once a request passed its
// platform's checks (authentication, project, IDs); the IAM token route is
// answered before them. Their keys and RouteIAMToken are every route.
var handlers = map[Route]func(*Server, http.ResponseWriter, *request){
	RouteHistory:           (*Server).handleHistory,
	RouteHistoryCount:      (*Server).handleHistoryCount,
	RouteQueue:             (*Server).handleQueue,
	RouteGetCommand:        (*Server).handleGetCommand,
	RouteCreateCommand:     (*Server).handleCreateCommand,
	RouteShowDevice:        (*Server).handleShowDevice,
	RouteListDevices:       (*Server).handleListDevices,
	RouteSearchDevices:     (*Server).handleSearchDevices,
	RouteClientState:       (*Server).handleClientState,
	RouteClientStates:      (*Server).handleClientStates,
	RouteClientStateConfig: (*Server).handleClientStateConfig,
	RouteConnectionLogs:    (*Server).handleConnectionLogs,
}

type platform int

const (
	platformNone platform = iota
	platformIoTDA
	platformIBM
)

// match is what the router extracted from the path. The zero match is an
// unknown path.
type match struct {
	route     Route
	platform  platform
	badMethod bool // the path is known but not with this method

	projectID, deviceID, commandID string // IoTDA
	clientID                       string // IBM
}

var errBodyTooLarge = errors.New("request body too large")

// matchRoute maps a request to its route by its escaped path, split on "/"
// and unescaped segment by segment (so "%3A" in an IBM client ID is a colon
// and "%2F" stays inside its segment). A single trailing slash is ignored.
func matchRoute(r *http.Request) match {
	raw := strings.TrimSuffix(r.URL.EscapedPath(), "/")
	parts := strings.Split(raw, "/")
	segs := make([]string, 0, len(parts))
	for i, p := range parts {
		if i == 0 {
			continue // the empty segment before the leading slash
		}
		u, err := url.PathUnescape(p)
		if err != nil || u == "" {
			return match{}
		}
		segs = append(segs, u)
	}
	method := r.Method

	iot := len(segs) >= 4 && segs[0] == "v5" && segs[1] == "iot"
	switch {
	case iot && len(segs) == 4 && segs[3] == "devices":
		m := match{platform: platformIoTDA, projectID: segs[2]}
		m.route = byMethod(method, &m, http.MethodGet, RouteListDevices)
		return m
	case iot && len(segs) == 5 && segs[3] == "devices":
		m := match{platform: platformIoTDA, projectID: segs[2], deviceID: segs[4]}
		m.route = byMethod(method, &m, http.MethodGet, RouteShowDevice)
		return m
	case iot && len(segs) == 5 && segs[3] == "search" && segs[4] == "query-devices":
		m := match{platform: platformIoTDA, projectID: segs[2]}
		m.route = byMethod(method, &m, http.MethodPost, RouteSearchDevices)
		return m
	case len(segs) >= 6 && segs[0] == "v5" && segs[1] == "iot" && segs[3] == "devices":
		m := match{platform: platformIoTDA, projectID: segs[2], deviceID: segs[4]}
		rest := segs[5:]
		switch {
		case len(rest) == 1 && rest[0] == "async-commands-history":
			m.route = byMethod(method, &m, http.MethodGet, RouteHistory)
		case len(rest) == 2 && rest[0] == "async-commands-history" && rest[1] == "count":
			m.route = byMethod(method, &m, http.MethodPost, RouteHistoryCount)
		case len(rest) == 1 && rest[0] == "async-commands":
			switch method {
			case http.MethodGet:
				m.route = RouteQueue
			case http.MethodPost:
				m.route = RouteCreateCommand
			default:
				m.badMethod = true
			}
		case len(rest) == 2 && rest[0] == "async-commands":
			m.commandID = rest[1]
			m.route = byMethod(method, &m, http.MethodGet, RouteGetCommand)
		default:
			return match{}
		}
		return m
	case len(segs) == 3 && segs[0] == "v3" && segs[1] == "auth" && segs[2] == "tokens":
		m := match{platform: platformIoTDA}
		m.route = byMethod(method, &m, http.MethodPost, RouteIAMToken)
		return m
	case len(segs) >= 3 && segs[0] == "api" && segs[1] == "v0002":
		m := match{platform: platformIBM}
		rest := segs[2:]
		switch {
		case len(rest) == 1 && rest[0] == "clientconnectionstates":
			m.route = byMethod(method, &m, http.MethodGet, RouteClientStates)
		case len(rest) == 2 && rest[0] == "clientconnectionstates":
			m.clientID = rest[1]
			m.route = byMethod(method, &m, http.MethodGet, RouteClientState)
		case len(rest) == 2 && rest[0] == "config" && rest[1] == "clientstate":
			if method == http.MethodGet || method == http.MethodPut {
				m.route = RouteClientStateConfig
			} else {
				m.badMethod = true
			}
		case len(rest) == 2 && rest[0] == "logs" && rest[1] == "connection":
			m.route = byMethod(method, &m, http.MethodGet, RouteConnectionLogs)
		default:
			return match{}
		}
		return m
	}
	return match{}
}

func byMethod(got string, m *match, want string, r Route) Route {
	if got != want {
		m.badMethod = true
		return routeNone
	}
	return r
}
