// The --accepted-out file: which likes the server answered 202, so a later
// test can check that the pipeline counted exactly those.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace la {

// "streamId eventId" lines, appended by several io threads. A re-sent eventId
// accepted twice appears twice; `sort -u` gives the distinct likes.
class AcceptedLinesFile {
 public:
  // Creates (truncates) the file at `path`.
  static Result<std::unique_ptr<AcceptedLinesFile>> Create(const std::string& path);
  ~AcceptedLinesFile();

  // Appends whole lines at once (callers buffer, so this is not per request).
  // Thread-safe. The first write error is kept and reported by Close().
  void Append(std::string_view lines);
  // Flushes and closes; fails naming the file if any write failed.
  Status Close();

 private:
  AcceptedLinesFile(std::string path, std::FILE* file) : path_(std::move(path)), file_(file) {}

  std::string path_;
  std::mutex mutex_;
  std::FILE* file_;
  bool write_failed_ = false;
};

// Writes "streamId count" lines, one per stream with at least one distinct
// accepted eventId, to `path`.
Status WriteAcceptedCounts(const std::string& path, const std::vector<std::string>& stream_ids,
                           const std::vector<uint64_t>& distinct_accepted);

}  // namespace la
