#include "servers/console/console_server.h"

#include "lib/log.h"
#include "recovery/fault_injection.h"
#include "runtime/thread.h"
#include "servers/console/uart.h"

namespace tas {
namespace {

constexpr size_t kChunk = REBOUND_CONSOLE_CHUNK;
static_assert(kChunk == 8 * (REBOUND_IPC_WORDS - 2));

// Bytes in words 2-5 of a message, little-endian.
void pack(rb_message& m, const char* bytes, size_t n) {
  for (size_t i = 0; i < n; ++i)
    m.w[2 + i / 8] |= uint64_t{static_cast<uint8_t>(bytes[i])} << (8 * (i % 8));
}
char unpacked(const rb_message& m, size_t i) {
  return static_cast<char>(m.w[2 + i / 8] >> (8 * (i % 8)));
}

}  // namespace

Result<void> ConsoleServer::start() {
  if (devices_ == 0) return fail(Error::bad_handle);
  TRY_VOID(console::uart::attach(devices_, holdings()));
  TRY(interrupt,
      value(RB_SYS2(REBOUND_SYS_INTERRUPT_CREATE, devices_, console::uart::interrupt_line())));
  interrupt_ = static_cast<rebound_handle>(interrupt);
  if (auto kept = holdings().keep_handle(interrupt_); !kept) {
    RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, interrupt_);
    return kept;
  }
  return holdings().start_thread("console-rx", &heap(), driver_main, this);
}

rb_message ConsoleServer::handle(rb_message& request) {
  switch (request.w[0]) {
    case REBOUND_CONSOLE_WRITE: return write(request);
    case REBOUND_CONSOLE_READ: return read(request.w[1]);
    case REBOUND_CONSOLE_STATS: return stats();
    default: return status_reply(Error::invalid_argument);
  }
}

rb_message ConsoleServer::write(const rb_message& request) {
  const uint64_t n = request.w[1];
  if (n > kChunk) return status_reply(Error::invalid_argument);
  char bytes[kChunk];
  for (size_t i = 0; i < n; ++i) bytes[i] = unpacked(request, i);
  if (recovery::fault_point("console.write")) written_.corrupt();
  write_text(bytes, n);
  return ok_reply(n);
}

void ConsoleServer::write_text(const char* bytes, size_t n) {
  Locked locked(lock_);
  put(bytes, n);
  written_.add(n);
}

rb_message ConsoleServer::read(uint64_t max) {
  if (max == 0 || max > kChunk) return status_reply(Error::invalid_argument);
  Locked locked(lock_);
  // A line goes to the first reader waiting for one, not to a later one.
  if (reader_count_ == 0 && lines_.has_line()) return line_piece(max);
  if (reader_count_ == kMaxReaders) return status_reply(Error::limit_reached);
  // Last, as it cannot be undone: from here the driver thread replies.
  const rb_result saved = RB_SYS0(REBOUND_SYS_IPC_REPLY_SAVE);
  if (saved.error != 0) return status_reply(static_cast<Error>(saved.error));
  const auto reply = static_cast<rebound_handle>(saved.value);
  // Held by the generation: a restart answers it (server_restarted).
  if (auto kept = holdings().keep_reply(reply); !kept) {
    rb_message m = status_reply(kept.error());
    rb_ipc(REBOUND_SYS_IPC_REPLY_SEND, reply, &m);
    return ok_reply();
  }
  readers_[reader_count_++] = Reader{reply, max};
  // Nothing is owed any more: the request loop's next REPLY_RECEIVE only
  // receives, and this message goes nowhere.
  return ok_reply();
}

rb_message ConsoleServer::stats() {
  Locked locked(lock_);
  return ok_reply(interrupts_, received_, lines_.lines_completed(), lines_.lines_dropped(),
                  reader_count_);
}

void ConsoleServer::driver_main(void* self) { static_cast<ConsoleServer*>(self)->drive(); }

void ConsoleServer::drive() {
  for (;;) {
    char c;
    while (console::uart::get(c)) {
      Locked locked(lock_);
      receive(c);
    }
    // The line is masked since it fired: open it again. An edge-triggered
    // line (x86_64's ISA IRQ) may have lost an edge while it was masked, so
    // the UART is looked at once more.
    if (const uint64_t e = RB_SYS1(REBOUND_SYS_INTERRUPT_ACK, interrupt_).error; e != 0) {
      KLOG_ERROR("console: the receive interrupt failed: %s",
                 rebound::to_string(static_cast<Error>(e)));
      return;
    }
    while (console::uart::get(c)) {
      Locked locked(lock_);
      receive(c);
    }
    const rb_result waited = RB_SYS1(REBOUND_SYS_INTERRUPT_WAIT, interrupt_);
    if (waited.error != 0) {
      KLOG_ERROR("console: the receive interrupt failed: %s",
                 rebound::to_string(static_cast<Error>(waited.error)));
      return;
    }
    Locked locked(lock_);
    ++interrupts_;
  }
}

void ConsoleServer::receive(char c) {
  ++received_;
  char echo[console::LineDiscipline::kEchoMax];
  const size_t n = lines_.feed(c, echo);
  for (size_t i = 0; i < n; ++i) console::uart::put(echo[i]);
  answer_readers();
}

void ConsoleServer::answer_readers() {
  while (reader_count_ > 0 && lines_.has_line()) {
    const Reader r = readers_[0];
    for (unsigned i = 1; i < reader_count_; ++i) readers_[i - 1] = readers_[i];
    --reader_count_;
    rb_message m = line_piece(r.max);
    holdings().forget_reply(r.reply);
    if (const uint64_t e = rb_ipc(REBOUND_SYS_IPC_REPLY_SEND, r.reply, &m); e != 0)
      KLOG_WARN("console: a reply to a reader failed: %s",
                rebound::to_string(static_cast<Error>(e)));
  }
}

rb_message ConsoleServer::line_piece(uint64_t max) {
  char bytes[kChunk];
  const size_t n = lines_.take(bytes, max);
  rb_message m = ok_reply(n);
  pack(m, bytes, n);
  return m;
}

void ConsoleServer::put(const char* bytes, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (bytes[i] == '\n') console::uart::put('\r');
    console::uart::put(bytes[i]);
  }
}

}  // namespace tas
