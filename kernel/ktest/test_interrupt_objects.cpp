// Interrupt objects (core/interrupt_object.h) on a real line of each
// machine: a line fires, its object is signalled and the line is masked
// until the acknowledgement; a user thread waiting on it wakes, and a kill
// ends the wait; nothing is left behind. The line: aarch64, the GIC's last
// SPI, which no QEMU virt device uses, made pending at the distributor;
// x86_64, ISA IRQ 8, the CMOS real-time clock's periodic interrupt through
// the I/O APIC (edge-triggered: the test drains the clock after each ack,
// as a driver must).
#include "arch/arch.h"
#include "core/interrupt_object.h"
#include "core/process.h"
#include "core/scheduler.h"
#include "ktest/ktest.h"
#include "ktest/snapshot.h"
#include "ktest/user_programs.h"
#include "ktest/wait.h"
#if defined(__aarch64__)
#include "arch/aarch64/gic_v3.h"
#elif defined(__x86_64__)
#include "arch/x86_64/cpu.h"
#endif

namespace {

using ktest::leaves_no_trace;
using ktest::within_5s;

using core::InterruptObject;
using core::Ref;
using core::Scheduler;

void sleep_ms(uint64_t ms) {
  (void)Scheduler::current().sleep_until(arch::monotonic_ns() + ms * 1'000'000);
}

// A device that raises the test line on request.
#if defined(__aarch64__)
struct TestDevice {
  unsigned line = arch::aarch64::gic::lines() - 1;
  void start() {}
  void raise() { arch::aarch64::gic::set_spi_pending(line); }
  void drain() {}  // a software-pended interrupt is gone once taken
  void stop() {}
};
#elif defined(__x86_64__)
struct TestDevice {
  static constexpr uint16_t kIndex = 0x70, kData = 0x71;
  static constexpr uint8_t kRegA = 0x0a, kRegB = 0x0b, kRegC = 0x0c, kPeriodic = 1 << 6;
  unsigned line = 8;
  uint8_t read(uint8_t reg) {
    arch::x86_64::outb(kIndex, reg);
    return arch::x86_64::inb(kData);
  }
  void write(uint8_t reg, uint8_t v) {
    arch::x86_64::outb(kIndex, reg);
    arch::x86_64::outb(kData, v);
  }
  // Periodic interrupts at 16 Hz (rate 12); the clock holds its line up
  // until register C is read.
  void start() {
    write(kRegA, static_cast<uint8_t>((read(kRegA) & 0xf0) | 12));
    drain();
    write(kRegB, read(kRegB) | kPeriodic);
  }
  void raise() {}  // it raises the line itself, every period
  void drain() { (void)read(kRegC); }
  void stop() {
    write(kRegB, static_cast<uint8_t>(read(kRegB) & ~kPeriodic));
    drain();
  }
};
#endif

}  // namespace

KTEST(interrupt_object_masks_its_line_until_acknowledged) {
  leaves_no_trace([] {
    TestDevice device;
    auto created = InterruptObject::create(device.line);
    KEXPECT(created.has_value());
    if (!created) return;
    Ref<InterruptObject> object = std::move(*created);
    KEXPECT(!arch::device_line_masked(device.line));
    KEXPECT(!object->pending());

    device.start();
    device.raise();
    KEXPECT(within_5s([&] { return object->fired() == 1; }));
    KEXPECT(object->pending());
    KEXPECT(arch::device_line_masked(device.line));
    // Masked: the device raises its line again, and nothing comes.
    device.drain();
    device.raise();
    sleep_ms(300);
    KEXPECT_EQ(object->fired(), 1u);
    KEXPECT(object->wait().has_value());  // at once: it fired
    KEXPECT(!object->pending());

    object->ack();
    KEXPECT(!arch::device_line_masked(device.line));
    device.drain();  // an edge lost while masked
    KEXPECT(within_5s([&] { return object->fired() == 2; }));
    KEXPECT(arch::device_line_masked(device.line));
    object->ack();
    object->ack();  // nothing to acknowledge: no effect
    device.stop();

    // The line is free again once the object is gone, and stays masked.
    object = {};
    KEXPECT(arch::device_line_masked(device.line));
  });
}

KTEST(interrupt_objects_refuse_bound_and_bad_lines) {
  TestDevice device;
  auto first = InterruptObject::create(device.line);
  KEXPECT(first.has_value());
  auto second = InterruptObject::create(device.line);
  KEXPECT(!second.has_value() && second.error() == Error::already_exists);
  auto none = InterruptObject::create(100000);
  KEXPECT(!none.has_value() && none.error() == Error::out_of_range);
#if defined(__aarch64__)
  auto ppi = InterruptObject::create(27);  // the timer's PPI is no device line
  KEXPECT(!ppi.has_value() && ppi.error() == Error::out_of_range);
#elif defined(__x86_64__)
  auto pit = InterruptObject::create(0);  // the kernel's
  KEXPECT(!pit.has_value() && pit.error() == Error::access_denied);
#endif
}

KTEST(interrupt_wait_wakes_a_user_thread_and_a_kill_ends_it) {
  leaves_no_trace([] {
    TestDevice device;
    auto created = InterruptObject::create(device.line);
    KEXPECT(created.has_value());
    if (!created) return;
    Ref<InterruptObject> object = std::move(*created);
    // blocker waits on the object: the interrupt ends its wait (exit 100 +
    // error 0).
    Ref<core::Process> p =
        ktest::spawn_program("blocker", "interrupt", {object, REBOUND_RIGHT_WAIT});
    if (!p) return;
    KEXPECT(within_5s([&] {
      bool blocked = false;
      p->for_each_thread(
          [&](core::Thread& t) { blocked = t.state() == core::Thread::State::blocked; });
      return blocked;
    }));
    device.start();
    device.raise();
    KEXPECT(within_5s([&] { return p->ended(); }));
    const core::ExitStatus woke = *p->wait();
    KEXPECT(!woke.killed && woke.code == 100);
    device.stop();

    // Nothing fires now: a kill ends the wait.
    object->ack();
    device.drain();
    Ref<core::Process> q =
        ktest::spawn_program("blocker", "interrupt", {object, REBOUND_RIGHT_WAIT});
    if (!q) return;
    sleep_ms(50);
    KEXPECT(!q->ended());
    q->kill(core::ExitStatus::killed_on_request());
    KEXPECT(within_5s([&] { return q->ended(); }));
    const core::ExitStatus killed = *q->wait();
    KEXPECT(killed.killed && killed.fault == recovery::FaultKind::killed);
  });
}
