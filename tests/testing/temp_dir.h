// A per-test temporary directory, removed with everything in it on destruction.
#pragma once

#include <filesystem>
#include <string>

namespace sieve::testing {

class TempDir {
 public:
  TempDir();  // creates a fresh directory under $TMPDIR (or /tmp)
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // path() / name, as a string.
  std::string File(const std::string& name) const { return (path_ / name).string(); }
  // Writes `text` to path() / name and returns that path.
  std::string Write(const std::string& name, const std::string& text) const;

 private:
  std::filesystem::path path_;
};

}  // namespace sieve::testing
