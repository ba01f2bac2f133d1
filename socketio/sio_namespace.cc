#include "socketio/sio_namespace.h"

#include <spdlog/spdlog.h>

namespace la {

std::optional<std::string> SioNamespace::Admit(SioSocket& socket) const {
  return admission_ ? admission_(socket) : std::nullopt;
}

void SioNamespace::Connected(const std::shared_ptr<SioSocket>& socket) const {
  if (on_connect_) on_connect_(socket);
}

void SioNamespace::Disconnected(SioSocket& socket, std::string_view reason) const {
  if (on_disconnect_) on_disconnect_(socket, reason);
}

void SioNamespace::Dispatch(const std::shared_ptr<SioSocket>& socket, SioPacket event,
                            std::vector<std::string> attachments) const {
  // DecodeSioPacket guarantees a non-empty array whose first element is the name.
  auto handler = events_.find(event.data[0].get<std::string>());
  if (handler == events_.end()) return;
  event.data.erase(event.data.begin());
  // A handler that throws loses this event, not the I/O thread (and the process with it).
  try {
    handler->second(socket, SioEvent{std::move(event.data), event.id, std::move(attachments)});
  } catch (const std::exception& e) {
    spdlog::error("socket.io: the handler of an event in {} failed: {}", name_, e.what());
  }
}

}  // namespace la
