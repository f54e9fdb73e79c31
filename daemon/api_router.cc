#include "daemon/api_router.h"

#include <charconv>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "daemon/api_json.h"
#include "daemon/status_page.h"

namespace sieve {
namespace {

using nlohmann::json;

HttpResponse Json(int status, const json& body) {
  return {status,
          "application/json",
          body.dump(-1, ' ', false, json::error_handler_t::replace) + "\n",
          {}};
}

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start < path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

// Constant-time comparison, so response timing does not reveal the token.
bool SameToken(std::string_view given, std::string_view expected) {
  if (expected.empty() || given.size() != expected.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < given.size(); ++i) diff |= given[i] ^ expected[i];
  return diff == 0;
}

std::optional<uint64_t> ParseNumber(std::string_view text) {
  uint64_t n = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return n;
}

}  // namespace

HttpResponse ProblemFromStatus(const Status& status) {
  switch (status.code()) {
    case StatusCode::kNotFound:
      return ProblemResponse(404, "Not found", status.message());
    case StatusCode::kInvalidArgument:
    case StatusCode::kOutOfRange:
      return ProblemResponse(400, "Invalid request", status.message());
    case StatusCode::kFailedPrecondition:
    case StatusCode::kAlreadyExists:
      return ProblemResponse(409, "Conflict", status.message());
    case StatusCode::kUnavailable:
    case StatusCode::kResourceExhausted:
      return ProblemResponse(503, "Unavailable", status.message());
    default:
      return ProblemResponse(500, "Internal error", status.ToString());
  }
}

HttpResponse ApiRouter::Handle(const HttpRequest& request) {
  const std::vector<std::string_view> parts = SplitPath(request.path);
  const bool get = request.method == "GET" || request.method == "HEAD";
  const bool post = request.method == "POST";

  if (parts.empty()) {
    if (!get) return ProblemResponse(405, "Method not allowed", "use GET");
    return {200, "text/html; charset=utf-8", RenderStatusPage(*control_), {}};
  }
  if (parts.size() == 1 && parts[0] == "healthz") return {200, "text/plain", "ok\n", {}};
  if (parts.size() == 1 && parts[0] == "readyz") {
    std::string why;
    if (control_->Ready(&why)) return {200, "text/plain", "ready\n", {}};
    return {503, "text/plain", "not ready: " + why + "\n", {}};
  }
  if (parts.size() == 1 && parts[0] == "metrics") {
    return {200, "text/plain; version=0.0.4; charset=utf-8", control_->MetricsText(), {}};
  }
  if (parts[0] != "v1") return ProblemResponse(404, "Not found", "no route for " + request.path);

  if (!get && !post) return ProblemResponse(405, "Method not allowed", "use GET or POST");
  json body = json::object();
  if (post) {
    const std::string expected = control_->AdminToken();
    const std::string header = request.Header("authorization");
    const std::string_view prefix = "Bearer ";
    if (header.rfind(prefix, 0) != 0 || !SameToken(header.substr(prefix.size()), expected)) {
      HttpResponse r = ProblemResponse(
          401, "Unauthorized",
          expected.empty() ? "no admin token is configured (daemon.admin_token_file)"
                           : "mutating calls need 'Authorization: Bearer <token>'");
      r.headers.push_back({"WWW-Authenticate", "Bearer"});
      return r;
    }
    if (!request.body.empty()) {
      body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
      if (body.is_discarded())
        return ProblemResponse(400, "Malformed JSON", "the body is not valid JSON");
      if (!body.is_object())
        return ProblemResponse(400, "Malformed JSON", "the body must be a JSON object");
    }
  }
  auto reason = [&](std::string_view fallback) {
    auto it = body.find("reason");
    return it != body.end() && it->is_string() ? it->get<std::string>() : std::string(fallback);
  };
  auto version_field = [&]() -> Result<uint64_t> {
    auto it = body.find("version");
    if (it == body.end() || !it->is_number_unsigned()) {
      return std::unexpected(Status::InvalidArgument("body needs \"version\": a positive integer"));
    }
    return it->get<uint64_t>();
  };

  // /v1/reload, /v1/operations/{id}, /v1/pipelines...
  if (parts.size() == 2 && parts[1] == "reload") {
    if (!post) return ProblemResponse(405, "Method not allowed", "use POST");
    if (Status s = control_->Reload(); !s.ok()) {
      return ProblemResponse(422, "Reload failed; the previous config stays in force", s.message());
    }
    return Json(200, {{"reloaded", true}});
  }
  if (parts.size() == 3 && parts[1] == "operations" && get) {
    for (const auto& pipeline : control_->Pipelines()) {
      if (auto op = pipeline->GetOperation(parts[2])) return Json(200, OperationJson(*op));
    }
    return ProblemResponse(404, "Not found", "no operation " + std::string(parts[2]));
  }
  if (parts.size() < 2 || parts[1] != "pipelines") {
    return ProblemResponse(404, "Not found", "no route for " + request.path);
  }
  FeatureSetStore& store = control_->store();
  auto describe = [&](PipelineRuntime& p) {
    const std::string& name = p.name();
    Aliases aliases = store.GetAliases(name).value_or(Aliases{});
    return PipelineJson(p.status(), aliases, store.LatestVersion(name).value_or(0));
  };
  if (parts.size() == 2) {
    if (!get) return ProblemResponse(405, "Method not allowed", "use GET");
    json list = json::array();
    for (const auto& p : control_->Pipelines()) list.push_back(describe(*p));
    return Json(200, {{"pipelines", list}});
  }
  const std::string name(parts[2]);
  std::shared_ptr<PipelineRuntime> pipeline = control_->FindPipeline(name);
  if (pipeline == nullptr) return ProblemResponse(404, "Not found", "no pipeline '" + name + "'");
  if (parts.size() == 3) {
    if (!get) return ProblemResponse(405, "Method not allowed", "use GET");
    return Json(200, describe(*pipeline));
  }
  const std::string_view action = parts[3];
  if (get && action == "versions" && parts.size() == 4) {
    HistoryQuery query;
    if (auto b = request.QueryParam("before"); !b.empty()) {
      auto n = ParseNumber(b);
      if (!n) return ProblemResponse(400, "Invalid request", "before must be a version number");
      query.before = *n;
    }
    if (auto l = request.QueryParam("limit"); !l.empty()) {
      auto n = ParseNumber(l);
      if (!n || *n == 0 || *n > 1000)
        return ProblemResponse(400, "Invalid request", "limit must be in 1..1000");
      query.limit = *n;
    }
    auto page = store.History(name, query);
    if (!page) return ProblemFromStatus(page.error());
    json versions = json::array();
    for (const auto& v : page->versions) versions.push_back(VersionJson(v));
    json unreadable = json::array();
    for (const auto& u : page->unreadable)
      unreadable.push_back({{"version", u.version}, {"error", u.error.ToString()}});
    return Json(
        200,
        {{"versions", versions}, {"unreadable", unreadable}, {"next_before", page->next_before}});
  }
  if (get && action == "versions" && parts.size() == 5) {
    auto ref = VersionRef::Parse(parts[4]);
    if (!ref) return ProblemFromStatus(ref.error());
    auto version = store.GetVersion(name, *ref);
    if (!version) return ProblemFromStatus(version.error());
    return Json(200, VersionJson(*version));
  }
  if (get && action == "diff" && parts.size() == 4) {
    auto from = VersionRef::Parse(request.QueryParam("from"));
    auto to =
        VersionRef::Parse(request.QueryParam("to").empty() ? "latest" : request.QueryParam("to"));
    if (!from) return ProblemResponse(400, "Invalid request", "from: " + from.error().message());
    if (!to) return ProblemResponse(400, "Invalid request", "to: " + to.error().message());
    auto diff = store.Diff(name, *from, *to);
    if (!diff) return ProblemFromStatus(diff.error());
    return Json(200, DiffJson(*diff));
  }
  if (parts.size() != 4) return ProblemResponse(404, "Not found", "no route for " + request.path);
  if (!post) {
    return ProblemResponse(
        action == "retrain" || action == "promote" || action == "rollback" || action == "pause" ||
                action == "resume"
            ? 405
            : 404,
        action == "versions" || action == "diff" ? "Not found" : "Method not allowed",
        "no GET route for " + request.path);
  }
  if (action == "retrain") {
    auto op = pipeline->RequestRetrain();
    if (!op) return ProblemFromStatus(op.error());
    HttpResponse r = Json(202, OperationJson(*op));
    r.headers.push_back({"Location", "/v1/operations/" + op->id});
    return r;
  }
  if (action == "promote") {
    auto v = version_field();
    if (!v) return ProblemFromStatus(v.error());
    auto active = pipeline->Promote(*v);
    if (!active) return ProblemFromStatus(active.error());
    return Json(200, VersionJson(*active));
  }
  if (action == "rollback") {
    auto v = version_field();
    if (!v) return ProblemFromStatus(v.error());
    auto created = pipeline->Rollback(*v, reason("requested through the API"));
    if (!created) return ProblemFromStatus(created.error());
    return Json(201, VersionJson(*created));
  }
  if (action == "pause" || action == "resume") {
    Status s = action == "pause" ? pipeline->Pause(reason("paused through the API"))
                                 : pipeline->Resume(reason("resumed through the API"));
    if (!s.ok()) return ProblemFromStatus(s);
    return Json(200, describe(*pipeline));
  }
  return ProblemResponse(404, "Not found", "no route for " + request.path);
}

}  // namespace sieve
