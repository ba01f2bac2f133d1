#include "socketio/internal/one_writer_socket.h"

namespace la {

void OneWriterSocket::MarkRawWrite(bool pending) {
  raw_write_pending_ = pending;
  if (pending) return;
  std::vector<std::function<void()>> waiting = std::move(waiting_);
  waiting_.clear();
  for (std::function<void()>& write : waiting) write();
}

void teardown(boost::beast::role_type role, OneWriterSocket& socket,
              boost::system::error_code& ec) {
  using boost::beast::websocket::teardown;
  teardown(role, socket.next_layer(), ec);
}

}  // namespace la
