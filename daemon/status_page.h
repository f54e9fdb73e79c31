// The human status page served at "/": one self-contained HTML document (inline CSS,
// no scripts or external assets) with every pipeline, its active version, the selected
// features with attention-weight bars, budget use and recent versions.
#pragma once

#include <string>

#include "daemon/daemon_control.h"

namespace sieve {

std::string RenderStatusPage(DaemonControl& control);

// HTML-escapes text (&, <, >, ", ').
std::string HtmlEscape(std::string_view text);

}  // namespace sieve
