#include "connectors/store/rocks_status.h"

#include <string>

namespace sieve {

Status FromRocks(const rocksdb::Status& s, std::string_view context) {
  if (s.ok()) return Status::Ok();
  std::string m = std::string(context) + ": " + s.ToString();
  if (s.IsNoSpace()) return Status::ResourceExhausted(std::move(m));
  if (s.IsNotFound()) return Status::NotFound(std::move(m));
  if (s.IsCorruption()) return Status::Corruption(std::move(m));
  if (s.IsBusy() || s.IsTryAgain() || s.IsTimedOut() || s.IsIncomplete()) {
    return Status::Unavailable(std::move(m));
  }
  if (s.IsInvalidArgument()) return Status::InvalidArgument(std::move(m));
  if (s.IsNotSupported()) return Status::FailedPrecondition(std::move(m));
  if (s.IsIOError()) {
    // Another process holding the database lock is worth retrying, not a disk fault.
    const std::string text = s.ToString();
    if (text.find("While lock file") != std::string::npos ||
        text.find("lock hold by current process") != std::string::npos) {
      return Status::Unavailable(std::move(m));
    }
    return Status::IoError(std::move(m));
  }
  return Status::Internal(std::move(m));
}

}  // namespace sieve
