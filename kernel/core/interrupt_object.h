// Interrupts as events: an interrupt object binds one device line (arch.h)
// for a driver -- a TAS server's thread -- and turns its interrupts into
// wake-ups. When the line fires, the arch handler masks it at the
// controller and the kernel signals the object: a thread waiting on it
// wakes, or the next wait returns at once. The line stays masked until the
// driver has served its device and acknowledges the object (ack), so a
// device that keeps its line asserted cannot storm the CPU, and the kernel
// needs to know nothing about the device.
//
// A line that fires while masked: a level-triggered one is still asserted
// when ack unmasks it and fires again; an edge that arrives while an edge-
// triggered line is masked may be lost at the controller (the I/O APIC
// ignores it), so a driver checks its device once more after ack.
//
// One object per line. Creating one needs the device capability
// (core/device_control.h): only the TAS has it. The line is masked and free
// again when the object goes -- its last handle closed, its process ended.
// Runs under the big kernel lock; fire() in interrupt context.
#pragma once
#include <cstdint>

#include "core/kernel_object.h"
#include "core/wait_queue.h"

namespace core {

class InterruptObject final : public KernelObject {
 public:
  // At most this many lines are bound at once (all objects together).
  static constexpr unsigned kMaxBound = 32;

  // Binds `line` and unmasks it. Errors: those of arch::device_line_enable,
  // Error::already_exists if an object has the line, Error::limit_reached
  // when kMaxBound objects exist, Error::no_memory.
  static Result<Ref<InterruptObject>> create(unsigned line);
  ~InterruptObject() override;

  // Blocks until the line has fired since the last wait returned (at once if
  // it has), and clears that. Error::interrupted if the waiting thread's
  // process is being killed.
  Result<void> wait();
  // Unmasks the line after it fired (nothing to do if it has not).
  void ack();

  unsigned line() const { return line_; }
  uint64_t fired() const { return fired_; }  // times, since creation
  bool pending() const { return pending_; }

  // The kernel's part of a device interrupt on `line` (interrupt context;
  // the arch handler has masked it): signals the line's object, if any.
  static void fire(unsigned line);

 private:
  template <class T, class... Args>
  friend Result<Ref<T>> make_object_in(mm::Heap& heap, Args&&... args);
  explicit InterruptObject(unsigned line) : line_(line) {}

  unsigned line_;
  bool bound_ = false;    // in the table of bound lines, and enabled
  bool pending_ = false;  // fired since the last wait returned
  bool masked_ = false;   // fired since the last ack
  uint64_t fired_ = 0;
  WaitQueue waiters_;
};

}  // namespace core
