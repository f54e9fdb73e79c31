// HttpServer: the daemon's one HTTP listener (civetweb), handing every request to a
// single handler function. Knows nothing of routes; see api_router.h.
//
// Request bodies larger than max_body_bytes are refused with 413 before they are
// read (Content-Length) or once the limit is crossed (chunked). Handlers run on
// civetweb's worker threads, several at once.
//
// Thread-safety: the handler must be thread-safe. Start/stop from one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

struct mg_context;
struct mg_connection;

namespace sieve {

struct HttpRequest {
  std::string method;                          // "GET", "POST", ...
  std::string path;                            // URL-decoded path, without the query
  std::string query;                           // raw query string, without '?'
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string remote_addr;

  // Value of `name` (lower-case) or "".
  std::string Header(const std::string& name) const;
  // Value of query parameter `name`, URL-decoded; "" when absent.
  std::string QueryParam(const std::string& name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpServerOptions {
  std::string listen = "127.0.0.1:9464";  // host:port; port 0 picks a free port
  int64_t max_body_bytes = 1 << 20;
  int threads = 4;
};

class HttpServer {
 public:
  // Binds and starts serving. Unavailable naming the address when it cannot bind;
  // InvalidArgument for a malformed listen address.
  static Result<std::unique_ptr<HttpServer>> Start(const HttpServerOptions& options,
                                                   HttpHandler handler);
  ~HttpServer();  // stops accepting and waits for handlers in flight
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The bound port (the real one when 0 was asked for).
  int port() const { return port_; }
  const std::string& host() const { return host_; }

 private:
  HttpServer() = default;
  static int HandleRequest(mg_connection* connection, void* self);

  HttpServerOptions options_;
  HttpHandler handler_;
  mg_context* context_ = nullptr;
  std::string host_;
  int port_ = 0;
};

// A problem+json (RFC 9457) response: {"type","title","status","detail"}.
HttpResponse ProblemResponse(int status, std::string_view title, std::string_view detail);

}  // namespace sieve
