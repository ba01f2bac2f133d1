#include "consumer/anchored_event_log.h"

#include <spdlog/fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

namespace la {

AnchoredEventLog::AnchoredEventLog(EventLog& inner, AnchorStore& anchors, LogReader& reader,
                                   AnchoredEventLogOptions options)
    : inner_(inner), anchors_(anchors), reader_(reader), options_(std::move(options)) {}

Result<std::vector<LogMessage>> AnchoredEventLog::Poll(size_t max_messages,
                                                       std::chrono::milliseconds timeout,
                                                       PartitionOwnershipListener& listener) {
  const ListenerScope scope(listener_, listener);
  RecheckDue();
  Result<std::vector<LogMessage>> polled = inner_.Poll(max_messages, timeout, *this);
  if (!polled.ok()) return polled;
  return Route(std::move(*polled));
}

Status AnchoredEventLog::Commit(const std::map<int32_t, int64_t>& next_offsets) {
  std::map<int32_t, LogAnchor> anchors;
  for (const auto& [partition, next] : next_offsets) {
    const auto owned = owned_.find(partition);
    if (owned == owned_.end() || !owned->second.last) continue;
    const HandedMessage& last = *owned->second.last;
    if (last.offset == next - 1)
      anchors[partition] = {last.offset, MessageDigest(last.key, last.value)};
  }
  if (!anchors.empty()) {
    if (Status saved = anchors_.SaveAnchors(anchors); !saved.ok()) {
      return Status::Error("storing the anchors of " + std::to_string(anchors.size()) +
                           " partitions failed: " + saved.message());
    }
  }
  return inner_.Commit(next_offsets);
}

Status AnchoredEventLog::Pause() { return inner_.Pause(); }

Status AnchoredEventLog::Resume() { return inner_.Resume(); }

Status AnchoredEventLog::Seek(int32_t partition, int64_t offset) {
  return inner_.Seek(partition, offset);
}

std::map<int32_t, int64_t> AnchoredEventLog::Lag() { return inner_.Lag(); }

std::vector<int32_t> AnchoredEventLog::HaltedPartitions() const {
  std::vector<int32_t> halted;
  for (const auto& [partition, state] : owned_) {
    if (state.state == State::kHalted) halted.push_back(partition);
  }
  return halted;
}

Status AnchoredEventLog::Close(PartitionOwnershipListener& listener) {
  const ListenerScope scope(listener_, listener);
  return inner_.Close(*this);
}

std::map<int32_t, int64_t> AnchoredEventLog::StartOffsets(const std::vector<int32_t>& partitions) {
  for (int32_t partition : partitions) owned_[partition] = Partition{};
  Check(partitions);
  std::map<int32_t, int64_t> starts;
  for (int32_t partition : partitions) {
    Partition& state = owned_[partition];
    if (state.state == State::kDelivering && state.start_offset) {
      starts[partition] = *state.start_offset;
      state.start_offset.reset();
    }
  }
  return starts;
}

void AnchoredEventLog::OnPartitionsAssigned(const std::vector<int32_t>& partitions) {
  // A partition whose start was not asked for is checked at the next poll.
  for (int32_t partition : partitions) owned_.try_emplace(partition);
  Give(InState(partitions, State::kDelivering));
}

void AnchoredEventLog::OnPartitionsRevoked(const std::vector<int32_t>& partitions) {
  const std::vector<int32_t> given = InState(partitions, State::kDelivering);
  if (!given.empty() && listener_) listener_->OnPartitionsRevoked(given);
  for (int32_t partition : partitions) owned_.erase(partition);
}

void AnchoredEventLog::OnPartitionsLost(const std::vector<int32_t>& partitions) {
  const std::vector<int32_t> given = InState(partitions, State::kDelivering);
  if (!given.empty() && listener_) listener_->OnPartitionsLost(given);
  for (int32_t partition : partitions) owned_.erase(partition);
}

void AnchoredEventLog::Check(const std::vector<int32_t>& partitions) {
  Result<std::map<int32_t, PartitionLogRecord>> records = anchors_.Read(partitions);
  if (!records.ok()) {
    return CheckLater(partitions, "reading their anchors failed: " + records.status().message());
  }
  std::map<int32_t, int64_t> anchor_offsets;
  for (const auto& [partition, record] : *records) {
    if (record.anchor) anchor_offsets[partition] = record.anchor->offset;
  }
  LogReadout readout;
  if (!anchor_offsets.empty()) {
    Result<LogReadout> read = reader_.ReadAt(anchor_offsets);
    if (!read.ok()) {
      return CheckLater(partitions, "reading their log failed: " + read.status().message());
    }
    readout = std::move(*read);
  }

  for (int32_t partition : partitions) {
    if (const auto unreadable = readout.unreadable.find(partition);
        unreadable != readout.unreadable.end()) {
      CheckLater({partition}, unreadable->second);
      continue;
    }
    const auto record = records->find(partition);
    const auto log = readout.logs.find(partition);
    const PartitionStart start = DecideStart(
        record != records->end() ? record->second : PartitionLogRecord{},
        log != readout.logs.end() ? std::optional<LogAtAnchor>(log->second) : std::nullopt);
    Partition& state = owned_[partition];
    switch (start.kind) {
      case PartitionStart::Kind::kHalt:
        Halt(partition, start.reason);
        continue;
      case PartitionStart::Kind::kFromOffset:
        spdlog::warn("partition {} was re-based: its log is counted from offset {} on", partition,
                     start.offset);
        state.start_offset = start.offset;
        break;
      case PartitionStart::Kind::kCommitted:
        if (state.state == State::kHalted) {
          spdlog::warn("partition {} is not halted any more: {}", partition, start.reason);
        }
        state.start_offset.reset();
        break;
    }
    state.state = State::kDelivering;
  }
}

void AnchoredEventLog::CheckLater(const std::vector<int32_t>& partitions, const std::string& why) {
  for (int32_t partition : partitions) {
    Partition& state = owned_[partition];
    if (state.state != State::kHalted) state.state = State::kUnchecked;
    state.next_check = options_.now() + options_.recheck_interval;
  }
  spdlog::warn(
      "partitions {} cannot be compared with their anchors yet: {}; their messages are held "
      "back, next try in {} ms",
      fmt::join(partitions, ","), why, options_.recheck_interval.count());
}

void AnchoredEventLog::Halt(int32_t partition, const std::string& reason) {
  Partition& state = owned_[partition];
  if (state.state != State::kHalted) {
    spdlog::error(
        "partition {} is halted: {}. None of its likes are counted or committed until its "
        "watermarks are re-based: `la-admin partitions` shows it, `la-admin partitions rebase "
        "--partition {}` re-bases it (docs/exactly-once.md)",
        partition, reason, partition);
  }
  state.state = State::kHalted;
  state.next_check = options_.now() + options_.recheck_interval;
}

void AnchoredEventLog::RecheckDue() {
  const Clock::time_point now = options_.now();
  std::vector<int32_t> due;
  for (const auto& [partition, state] : owned_) {
    if (state.state != State::kDelivering && now >= state.next_check) due.push_back(partition);
  }
  if (due.empty()) return;
  Check(due);
  Reopen(due);
}

void AnchoredEventLog::Reopen(const std::vector<int32_t>& partitions) {
  std::vector<int32_t> reopened;
  for (int32_t partition : InState(partitions, State::kDelivering)) {
    Partition& state = owned_[partition];
    const std::optional<int64_t> from = state.start_offset ? state.start_offset : state.resume_at;
    if (from) {
      if (Status sought = inner_.Seek(partition, *from); !sought.ok()) {
        spdlog::warn("{}; partition {} is checked again in {} ms", sought.message(), partition,
                     options_.recheck_interval.count());
        state.state = State::kUnchecked;
        state.next_check = options_.now() + options_.recheck_interval;
        continue;
      }
    }
    state.start_offset.reset();
    state.resume_at.reset();
    state.last.reset();
    reopened.push_back(partition);
  }
  Give(reopened);
}

void AnchoredEventLog::Give(const std::vector<int32_t>& partitions) {
  if (partitions.empty() || !listener_) return;
  if (options_.forget_remembered_states) options_.forget_remembered_states();
  listener_->OnPartitionsAssigned(partitions);
}

std::vector<LogMessage> AnchoredEventLog::Route(std::vector<LogMessage> messages) {
  std::map<int32_t, int64_t> expected;   // partition -> the next offset it should deliver
  std::map<int32_t, int64_t> went_back;  // partition -> the first offset its listener has not had
  std::vector<LogMessage> handed;
  handed.reserve(messages.size());
  for (LogMessage& message : messages) {
    const auto owned = owned_.find(message.partition);
    if (owned == owned_.end()) continue;
    Partition& state = owned->second;
    if (state.state != State::kDelivering) {
      if (!state.resume_at || message.offset < *state.resume_at) state.resume_at = message.offset;
      continue;
    }
    if (went_back.contains(message.partition)) continue;
    const auto next =
        expected.try_emplace(message.partition, state.last ? state.last->offset + 1 : -1).first;
    if (next->second >= 0 && message.offset < next->second) {
      // The listener has had everything before its last message, and this poll's
      // messages of the partition from the first one handed (or from here).
      int64_t resume = state.last ? state.last->offset + 1 : message.offset;
      for (const LogMessage& earlier : handed) {
        if (earlier.partition == message.partition) {
          resume = std::min(resume, earlier.offset);
          break;
        }
      }
      went_back[message.partition] = resume;
      continue;
    }
    next->second = message.offset + 1;
    handed.push_back(std::move(message));
  }

  std::vector<int32_t> back;
  for (const auto& [partition, resume] : went_back) back.push_back(partition);
  if (!back.empty()) {
    std::erase_if(handed, [&](const LogMessage& m) { return went_back.contains(m.partition); });
    spdlog::warn(
        "partitions {} went back to earlier offsets (the log was re-created or truncated, or "
        "the position fell out of its range): they are taken from counting and compared with "
        "their anchors",
        fmt::join(back, ","));
    if (listener_) listener_->OnPartitionsRevoked(back);  // flushes what it holds of them
    for (const auto& [partition, resume] : went_back) {
      Partition& state = owned_[partition];
      state.state = State::kUnchecked;
      state.resume_at = resume;
      state.last.reset();
    }
  }
  std::map<int32_t, const LogMessage*> lasts;
  for (const LogMessage& message : handed) lasts[message.partition] = &message;
  for (const auto& [partition, message] : lasts) {
    owned_[partition].last = HandedMessage{message->offset, message->key, message->value};
  }
  if (!back.empty()) {
    Check(back);
    Reopen(back);
  }
  return handed;
}

std::vector<int32_t> AnchoredEventLog::InState(const std::vector<int32_t>& partitions,
                                               State state) const {
  std::vector<int32_t> matching;
  for (int32_t partition : partitions) {
    const auto owned = owned_.find(partition);
    if (owned != owned_.end() && owned->second.state == state) matching.push_back(partition);
  }
  return matching;
}

}  // namespace la
