#include "daemon/status_page.h"

#include <cstdio>
#include <ctime>

namespace sieve {
namespace {

std::string Number(double v, const char* format = "%.4g") {
  char text[64];
  std::snprintf(text, sizeof text, format, v);
  return text;
}

std::string TimeText(int64_t unix_ms) {
  if (unix_ms <= 0) return "-";
  const std::time_t t = unix_ms / 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return text;
}

constexpr const char* kStyle = R"(
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:8px 0}td,th{padding:3px 10px;text-align:left;border-bottom:1px solid #eee}
.bar{background:#4a7bd0;height:10px;display:inline-block}.over{background:#c0392b}
.muted{color:#777}.ok{color:#1e8449}.bad{color:#c0392b}code{background:#f4f4f4;padding:1px 4px}
)";

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string RenderStatusPage(DaemonControl& control) {
  std::string html =
      "<!doctype html><html><head><meta charset=\"utf-8\"><title>sieve</title>"
      "<meta http-equiv=\"refresh\" content=\"10\"><style>";
  html += kStyle;
  html += "</style></head><body><h1>sieve ";
  html += HtmlEscape(control.Version());
  html +=
      "</h1><p class=\"muted\">Refreshes every 10 s. API: <code>/v1/pipelines</code>, "
      "metrics: <code>/metrics</code>.</p>";
  FeatureSetStore& store = control.store();
  const auto pipelines = control.Pipelines();
  if (pipelines.empty()) html += "<p>No pipelines configured.</p>";
  for (const auto& pipeline : pipelines) {
    const PipelineStatus s = pipeline->status();
    html += "<h2>" + HtmlEscape(s.name) + "</h2><table>";
    html += "<tr><th>topic</th><td>" + HtmlEscape(s.topic) + "</td></tr>";
    html += "<tr><th>state</th><td>" +
            std::string(s.paused ? "<span class=bad>paused</span> " + HtmlEscape(s.pause_reason)
                                 : (s.training ? "training" : "ingesting")) +
            "</td></tr>";
    html += "<tr><th>window</th><td>" + std::to_string(s.window_rows) + " / " +
            std::to_string(s.window_capacity) + " rows; " + std::to_string(s.records_ingested) +
            " ingested since start</td></tr>";
    if (s.last_training.has_value()) {
      const TrainingRecord& t = *s.last_training;
      html += "<tr><th>last training</th><td>" + TimeText(t.started_at_unix_ms) + ", " +
              Number(t.seconds, "%.1f") + " s, " + HtmlEscape(t.trigger_reason) + ": " +
              (t.ok ? "<span class=ok>ok</span>"
                    : "<span class=bad>" + HtmlEscape(t.error) + "</span>") +
              "</td></tr>";
    }
    if (!s.last_error.empty()) {
      html += "<tr><th>error</th><td class=bad>" + HtmlEscape(s.last_error) + "</td></tr>";
    }
    html += "</table>";
    auto active = store.GetVersion(s.name, VersionRef::Active());
    if (active.has_value()) {
      const FeatureSetVersion& v = *active;
      html += "<h3>Active version v" + std::to_string(v.version) + "</h3><p>" +
              HtmlEscape(v.reason) +
              "</p><table><tr><th>rank</th><th>feature</th><th>kind</th>"
              "<th>attention weight</th></tr>";
      double max_weight = 0;
      for (const auto& f : v.features) max_weight = std::max(max_weight, f.attention_weight);
      for (const auto& f : v.features) {
        const int width =
            max_weight > 0 ? static_cast<int>(200 * f.attention_weight / max_weight) : 0;
        html += "<tr><td>" + std::to_string(f.rank) + "</td><td>" + HtmlEscape(f.name) +
                "</td><td>" + std::string(FeatureKindName(f.kind)) +
                "</td><td><span class=bar style=\"width:" + std::to_string(width) +
                "px\"></span> " + Number(f.attention_weight) + "</td></tr>";
      }
      html += "</table>";
      if (!v.budgets.empty()) {
        html += "<table><tr><th>budget</th><th>used</th><th>declared</th><th>use</th></tr>";
        for (const auto& [resource, use] : v.budgets) {
          const double ratio = use.declared > 0 ? use.used / use.declared : 0;
          html += "<tr><td>" + HtmlEscape(resource) + "</td><td>" + Number(use.used) + "</td><td>" +
                  Number(use.declared) + "</td><td><span class=\"bar" +
                  std::string(ratio > 1 ? " over" : "") + "\" style=\"width:" +
                  std::to_string(static_cast<int>(200 * std::min(1.0, ratio))) + "px\"></span> " +
                  Number(100 * ratio, "%.0f") + "%</td></tr>";
        }
        html += "</table>";
      }
    } else {
      html += "<p class=muted>No active version yet.</p>";
    }
    auto history = store.History(s.name, HistoryQuery{.before = 0, .limit = 10});
    if (history.has_value() && !history->versions.empty()) {
      html +=
          "<h3>Recent versions</h3><table><tr><th>version</th><th>created</th><th>state</th>"
          "<th>features</th><th>metrics</th><th>reason</th></tr>";
      for (const auto& v : history->versions) {
        std::string features, metrics;
        for (const auto& f : v.features) features += (features.empty() ? "" : ", ") + f.name;
        for (const auto& [k, m] : v.validation_metrics) {
          metrics += (metrics.empty() ? "" : ", ") + k + " " + Number(m);
        }
        html += "<tr><td>v" + std::to_string(v.version) + "</td><td>" +
                TimeText(v.created_at_unix_ms) + "</td><td>" +
                std::string(FeatureSetStateName(v.state)) + "</td><td>" + HtmlEscape(features) +
                "</td><td>" + HtmlEscape(metrics) + "</td><td>" + HtmlEscape(v.reason) +
                "</td></tr>";
      }
      html += "</table>";
    }
  }
  html += "</body></html>\n";
  return html;
}

}  // namespace sieve
