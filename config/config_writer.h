// The effective configuration as YAML text: every field written out, defaults included,
// in the layout ParseConfig reads (config/examples/reference.yaml shows the same keys).
//
// ParseConfig(FormatConfig(c, {.redact_secrets = false})) gives back a Config with the
// same ConfigHash as `c`. With redaction (the default), the values of kafka.properties
// whose key names a secret (password, secret, token, or a private key such as
// ssl.key.pem) are replaced by "<redacted>", so the text is safe to print or serve but
// no longer connects to the brokers.
#pragma once

#include <string>
#include <string_view>

#include "config/config.h"

namespace sieve {

struct FormatConfigOptions {
  // Replace secret librdkafka properties by "<redacted>". Off only for round trips.
  bool redact_secrets = true;
};

std::string FormatConfig(const Config& config, const FormatConfigOptions& options = {});

// True for librdkafka property names that hold secrets (sasl.password,
// ssl.key.password, sasl.oauthbearer.client.secret, ssl.key.pem, ...).
bool IsSecretProperty(std::string_view key);

}  // namespace sieve
