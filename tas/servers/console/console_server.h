// The console server ("console"): the serial port for user programs
// (protocol: abi/rebound/services.h). Two threads:
//
//  - the request thread (the runtime's loop, serve.h) writes output at once
//    and hands complete input lines to readers;
//  - the driver thread waits on the UART's receive interrupt (an interrupt
//    object: the kernel masks the line when it fires), reads every received
//    character, edits lines (line_discipline.h) and echoes, acknowledges the
//    interrupt, and gives new lines to the readers waiting for them.
//
// A READ that finds no line must wait without holding up the request loop:
// the request thread saves the reply it owes (IPC_REPLY_SAVE) with the
// reader, and receives on; the driver thread answers through that reply
// handle when a line is complete (IPC_REPLY_SEND). Readers are served in
// arrival order; a reader whose process ends before its line comes is
// answered into the void, and that line's first piece is lost with it.
//
// The kernel's log keeps writing to the same UART on its own path; the
// server never writes to the UART from two threads at once.
//
// Other servers write through write_text, an in-TAS call (call.h) through
// a ServerRef. The supervisor restarts the console like any server: the
// UART's mapping, its interrupt, the driver thread and the readers' saved
// replies are in the generation's holdings, given back before the next
// generation takes the UART again.
#pragma once
#include "rebound/services.h"
#include "runtime/checked_count.h"
#include "runtime/serve.h"
#include "runtime/spin_lock.h"
#include "servers/console/line_discipline.h"

namespace tas {

class ConsoleServer final : public Server {
 public:
  static constexpr const char* kService = "console";
  static constexpr unsigned kMaxReaders = 8;  // waiting at once

  explicit ConsoleServer(rebound_handle devices) : devices_(devices) {}
  // Takes the UART through the device capability, binds its receive
  // interrupt and starts the driver thread.
  Result<void> start() override;

  rb_message handle(rb_message& request) override;
  // Its state is whole: the bytes written, counted twice, still agree (the
  // fault site "console.write", armed with CORRUPT, breaks them).
  bool state_ok() const override { return written_.ok(); }

  // In-TAS: writes n bytes ('\n' goes out as "\r\n").
  void write_text(const char* bytes, size_t n);

 private:
  struct Reader {
    rebound_handle reply;  // IPC_REPLY_SAVE's
    uint64_t max;          // bytes it asked for at most
  };

  rb_message write(const rb_message& request);
  rb_message read(uint64_t max);
  rb_message stats();
  static void driver_main(void* self);
  void drive();
  void receive(char c);                   // lock held
  void answer_readers();                  // lock held
  rb_message line_piece(uint64_t max);    // lock held
  void put(const char* bytes, size_t n);  // lock held

  const rebound_handle devices_;
  SpinLock lock_;  // everything below, and the UART's output
  console::LineDiscipline lines_;
  Reader readers_[kMaxReaders] = {};
  unsigned reader_count_ = 0;
  rebound_handle interrupt_ = 0;
  uint64_t interrupts_ = 0, received_ = 0;
  CheckedCount written_;  // bytes
};

}  // namespace tas
