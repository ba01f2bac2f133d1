#include "tools/loadgen/accepted_log.h"

#include <cerrno>
#include <cstring>
#include <fstream>

namespace la {

Result<std::unique_ptr<AcceptedLinesFile>> AcceptedLinesFile::Create(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "w");
  if (file == nullptr) {
    return Status::Error("cannot create --accepted-out file \"" + path +
                         "\": " + std::strerror(errno));
  }
  return std::unique_ptr<AcceptedLinesFile>(new AcceptedLinesFile(path, file));
}

AcceptedLinesFile::~AcceptedLinesFile() {
  if (file_ != nullptr) std::fclose(file_);
}

void AcceptedLinesFile::Append(std::string_view lines) {
  std::lock_guard lock(mutex_);
  if (std::fwrite(lines.data(), 1, lines.size(), file_) != lines.size()) write_failed_ = true;
}

Status AcceptedLinesFile::Close() {
  std::lock_guard lock(mutex_);
  const bool close_failed = std::fclose(file_) != 0;
  file_ = nullptr;
  if (write_failed_ || close_failed) {
    return Status::Error("writing the --accepted-out file \"" + path_ + "\" failed");
  }
  return Status::Ok();
}

Status WriteAcceptedCounts(const std::string& path, const std::vector<std::string>& stream_ids,
                           const std::vector<uint64_t>& distinct_accepted) {
  std::ofstream out(path, std::ios::trunc);
  for (size_t rank = 0; rank < stream_ids.size(); ++rank) {
    if (distinct_accepted[rank] > 0)
      out << stream_ids[rank] << ' ' << distinct_accepted[rank] << '\n';
  }
  out.close();
  if (!out) return Status::Error("writing the --accepted-out file \"" + path + "\" failed");
  return Status::Ok();
}

}  // namespace la
