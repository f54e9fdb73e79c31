// ApiRouter: every HTTP route of sieved on one port.
//
//   GET  /healthz, /readyz, /metrics, /            probes, Prometheus text, status page
//   GET  /v1/pipelines                             list with state and active version
//   GET  /v1/pipelines/{p}                         pipeline state
//   GET  /v1/pipelines/{p}/versions[?before=&limit=]  history, newest first
//   GET  /v1/pipelines/{p}/versions/{n|latest|active|candidate}
//   GET  /v1/pipelines/{p}/diff?from=&to=
//   GET  /v1/operations/{id}                       a retrain operation
//   POST /v1/pipelines/{p}/retrain                 202 + operation
//   POST /v1/pipelines/{p}/promote   {"version": n}
//   POST /v1/pipelines/{p}/rollback  {"version": n, "reason": "..."}
//   POST /v1/pipelines/{p}/pause|resume  {"reason": "..."} (body optional)
//   POST /v1/reload
//
// Mutating calls need "Authorization: Bearer <token>" (401 otherwise, also when no
// token is configured). Bodies, when present, must be JSON objects (400 otherwise).
// Errors are application/problem+json.
//
// Thread-safety: Handle may run on many threads at once.
#pragma once

#include "daemon/daemon_control.h"
#include "daemon/http_server.h"

namespace sieve {

class ApiRouter {
 public:
  explicit ApiRouter(DaemonControl* control) : control_(control) {}
  HttpResponse Handle(const HttpRequest& request);

 private:
  DaemonControl* control_;
};

// Status -> HTTP status (404 not found, 400 invalid, 409 precondition, 503 unavailable,
// else 500) and problem+json body.
HttpResponse ProblemFromStatus(const Status& status);

}  // namespace sieve
