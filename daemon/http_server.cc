#include "daemon/http_server.h"

#include <civetweb.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <nlohmann/json.hpp>

namespace sieve {
namespace {

const char* ReasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

void Send(mg_connection* connection, const HttpResponse& response) {
  std::string head = "HTTP/1.1 " + std::to_string(response.status) + " " +
                     ReasonPhrase(response.status) + "\r\nContent-Type: " + response.content_type +
                     "\r\nContent-Length: " + std::to_string(response.body.size()) +
                     "\r\nCache-Control: no-store\r\nConnection: close\r\n";
  for (const auto& [name, value] : response.headers) head += name + ": " + value + "\r\n";
  head += "\r\n";
  mg_write(connection, head.data(), head.size());
  if (!response.body.empty()) mg_write(connection, response.body.data(), response.body.size());
}

std::once_flag init_once;

}  // namespace

std::string HttpRequest::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

std::string HttpRequest::QueryParam(const std::string& name) const {
  char value[1024];
  const int n = mg_get_var(query.data(), query.size(), name.c_str(), value, sizeof value);
  return n < 0 ? "" : std::string(value, n);
}

HttpResponse ProblemResponse(int status, std::string_view title, std::string_view detail) {
  nlohmann::json body = {{"type", "about:blank"},
                         {"title", std::string(title)},
                         {"status", status},
                         {"detail", std::string(detail)}};
  return {status,
          "application/problem+json",
          body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
          {}};
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options,
                                                      HttpHandler handler) {
  const size_t colon = options.listen.rfind(':');
  if (colon == std::string::npos || colon + 1 >= options.listen.size()) {
    return std::unexpected(
        Status::InvalidArgument("http listen address '" + options.listen + "' is not host:port"));
  }
  std::call_once(init_once, [] { mg_init_library(0); });
  auto server = std::unique_ptr<HttpServer>(new HttpServer());
  server->options_ = options;
  server->handler_ = std::move(handler);
  server->host_ = options.listen.substr(0, colon);
  const std::string threads = std::to_string(std::max(1, options.threads));
  const char* civet_options[] = {"listening_ports",
                                 options.listen.c_str(),
                                 "num_threads",
                                 threads.c_str(),
                                 "request_timeout_ms",
                                 "10000",
                                 "enable_keep_alive",
                                 "no",
                                 nullptr};
  mg_callbacks callbacks{};
  char error_text[256] = "";
  mg_init_data init{};
  init.callbacks = &callbacks;
  init.user_data = server.get();
  init.configuration_options = civet_options;
  mg_error_data error{};
  error.text = error_text;
  error.text_buffer_size = sizeof error_text;
  server->context_ = mg_start2(&init, &error);
  if (server->context_ == nullptr) {
    return std::unexpected(
        Status::Unavailable("cannot serve HTTP on " + options.listen + ": " + error_text));
  }
  mg_set_request_handler(server->context_, "/", &HttpServer::HandleRequest, server.get());
  mg_server_port ports[4];
  const int n = mg_get_server_ports(server->context_, 4, ports);
  if (n > 0) server->port_ = ports[0].port;
  return server;
}

HttpServer::~HttpServer() {
  if (context_ != nullptr) mg_stop(context_);
}

int HttpServer::HandleRequest(mg_connection* connection, void* self_ptr) {
  auto* self = static_cast<HttpServer*>(self_ptr);
  const mg_request_info* info = mg_get_request_info(connection);
  HttpRequest request;
  request.method = info->request_method ? info->request_method : "";
  request.path = info->local_uri ? info->local_uri : "/";
  request.query = info->query_string ? info->query_string : "";
  request.remote_addr = info->remote_addr;
  for (int i = 0; i < info->num_headers; ++i) {
    std::string name = info->http_headers[i].name;
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    request.headers[name] = info->http_headers[i].value;
  }
  const int64_t limit = self->options_.max_body_bytes;
  if (info->content_length > limit) {
    Send(connection, ProblemResponse(413, "Request body too large",
                                     "bodies are limited to " + std::to_string(limit) + " bytes"));
    return 413;
  }
  char buffer[8192];
  for (;;) {
    const int n = mg_read(connection, buffer, sizeof buffer);
    if (n <= 0) break;
    request.body.append(buffer, n);
    if (static_cast<int64_t>(request.body.size()) > limit) {
      Send(connection,
           ProblemResponse(413, "Request body too large",
                           "bodies are limited to " + std::to_string(limit) + " bytes"));
      return 413;
    }
  }
  HttpResponse response;
  try {
    response = self->handler_(request);
  } catch (const std::exception& e) {  // a handler bug must not take the server down
    response = ProblemResponse(500, "Internal error", e.what());
  }
  Send(connection, response);
  return response.status;
}

}  // namespace sieve
