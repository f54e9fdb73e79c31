// A tiny HTTP client for daemon tests: runs curl (a real client over a real socket).
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace sieve::testing {

struct HttpResult {
  int status = 0;
  std::string content_type;
  std::string body;
};

inline HttpResult Http(const std::string& method, const std::string& url,
                       const std::string& body = "", const std::string& token = "") {
  TempDir dir;
  const std::string body_file = dir.File("body"), out_file = dir.File("out");
  std::string command = "curl -s -X " + method + " -o '" + out_file +
                        "' -w '%{http_code} %{content_type}' --max-time 30";
  if (!token.empty()) command += " -H 'Authorization: Bearer " + token + "'";
  if (!body.empty()) {
    std::ofstream(body_file) << body;
    command += " -H 'Content-Type: application/json' --data-binary @'" + body_file + "'";
  }
  command += " '" + url + "'";
  CommandResult r = RunCommand(command);
  HttpResult result;
  std::istringstream status(r.out);
  status >> result.status >> result.content_type;
  std::ifstream in(out_file);
  std::stringstream content;
  content << in.rdbuf();
  result.body = content.str();
  return result;
}

}  // namespace sieve::testing
