#include "servers/names/name_server.h"

#include "recovery/fault_injection.h"

namespace tas {

bool unpack_name(const rb_message& m, char (&name)[REBOUND_NAME_MAX + 1]) {
  auto byte = [&](size_t i) { return static_cast<char>(m.w[1 + i / 8] >> (8 * (i % 8))); };
  size_t n = 0;
  while (n < REBOUND_NAME_MAX && (name[n] = byte(n)) != '\0') ++n;
  name[n] = '\0';
  for (size_t i = n; i < REBOUND_NAME_MAX; ++i) {  // nothing after the end
    if (byte(i) != '\0') return false;
  }
  return n > 0;
}

const NameServer::Entry* NameServer::find(const char* name) const {
  for (unsigned i = 0; i < count_; ++i) {
    if (__builtin_strcmp(entries_[i].name, name) == 0) return &entries_[i];
  }
  return nullptr;
}

Result<void> NameServer::set(const char* name, rebound_handle endpoint) {
  const size_t n = __builtin_strlen(name);
  if (n == 0 || n > REBOUND_NAME_MAX) return fail(Error::invalid_argument);
  Locked hold(lock_);
  if (auto* e = const_cast<Entry*>(find(name))) {
    e->endpoint = endpoint;
    return {};
  }
  if (count_ == kMaxNames) return fail(Error::limit_reached);
  Entry& e = entries_[count_++];
  __builtin_memcpy(e.name, name, n + 1);
  e.endpoint = endpoint;
  return {};
}

rb_message NameServer::handle(rb_message& request) {
  switch (request.w[0]) {
    case REBOUND_NAMES_PING: return ok_reply();
    case REBOUND_NAMES_LOOKUP: {
      lookups_.add();
      if (recovery::fault_point("names.lookup")) lookups_.corrupt();
      char name[REBOUND_NAME_MAX + 1];
      if (!unpack_name(request, name)) return status_reply(Error::invalid_argument);
      rb_result h;
      {
        Locked hold(lock_);  // the endpoint is not replaced and closed meanwhile
        const Entry* e = find(name);
        if (e == nullptr) return status_reply(Error::not_found);
        h = RB_SYS2(REBOUND_SYS_HANDLE_DUPLICATE, e->endpoint, REBOUND_RIGHT_CALL);
      }
      if (h.error != 0) return status_reply(static_cast<Error>(h.error));
      rb_message reply = ok_reply();
      reply.handle = static_cast<rebound_handle>(h.value);  // moves to the client
      return reply;
    }
    default: return status_reply(Error::invalid_argument);
  }
}

}  // namespace tas
