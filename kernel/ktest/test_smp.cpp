// SMP: the CPUs the firmware lists come online; threads started or woken by
// one CPU run on another (reschedule IPIs); two user processes run at the
// same time on two CPUs; a page unmapped by one CPU is gone from the TLB of
// the CPU where another thread of the process is reading it (shootdown).
// On a machine of one CPU the cases that need two say so and pass.
#include <atomic>

#include "core/big_kernel_lock.h"
#include "core/cpu_local.h"
#include "core/process.h"
#include "core/scheduler.h"
#include "core/smp.h"
#include "core/timer.h"
#include "ktest/ktest.h"
#include "ktest/snapshot.h"
#include "ktest/user_programs.h"
#include "lib/log.h"

namespace {

using core::ExitStatus;
using core::Process;
using core::Ref;
using core::Scheduler;
using core::Thread;

bool two_cpus() {
  if (core::cpus_online() >= 2) return true;
  KLOG_INFO("ktest: one CPU online: nothing to check across CPUs");
  return false;
}

KTEST(smp_every_cpu_asked_to_start_is_online) {
  KEXPECT_EQ(core::cpus_online(), core::cpus_wanted());
  unsigned schedulers = 0;  // (no __builtin_popcount: libgcc's uses SIMD on aarch64)
  for (uint32_t m = Scheduler::online_mask(); m != 0; m &= m - 1) ++schedulers;
  KEXPECT_EQ(schedulers, core::cpus_online());
  KEXPECT(core::bkl::held_here());  // kernel code (this test) runs under the lock
}

struct Where {
  std::atomic<unsigned> cpu{~0u};
};

void record_cpu(void* arg) {
  static_cast<Where*>(arg)->cpu.store(core::this_cpu().id, std::memory_order_relaxed);
}

KTEST(smp_a_thread_started_here_runs_on_an_idle_cpu) {
  if (!two_cpus()) return;
  const ktest::Snapshot before = ktest::Snapshot::take();
  {
    Where where;
    auto t = Thread::create("where", record_cpu, &where);
    KEXPECT(t.has_value());
    if (!t) return;
    Scheduler::start(**t);  // the least loaded CPU: an idle one, not this one
    (*t)->join();
    KEXPECT(where.cpu.load() != core::this_cpu().id);
    KEXPECT(where.cpu.load() < core::cpus_online());
  }
  KEXPECT(ktest::Snapshot::take().same_as(before));
}

struct Sleeper {
  core::WaitQueue queue;
  bool go = false;
  std::atomic<unsigned> woke_on{~0u};
};

void wait_for_go(void* arg) {
  auto* s = static_cast<Sleeper*>(arg);
  while (!s->go) s->queue.wait();
  s->woke_on.store(core::this_cpu().id, std::memory_order_relaxed);
}

KTEST(smp_a_thread_woken_from_another_cpu_runs_there) {
  if (!two_cpus()) return;
  Sleeper s;
  auto t = Thread::create("sleeper", wait_for_go, &s);
  KEXPECT(t.has_value());
  if (!t) return;
  Scheduler::start_pinned(**t, 1);
  // Let it block on CPU 1: sleep here until it is on the queue.
  for (int i = 0; i < 100 && s.queue.empty(); ++i)
    Scheduler::current().sleep_until(arch::monotonic_ns() + 1'000'000);
  KEXPECT(!s.queue.empty());
  const uint64_t remote = Scheduler::of(1).remote_wakeups();
  s.go = true;
  s.queue.wake_all();  // from CPU 0: a reschedule IPI to CPU 1
  (*t)->join();
  KEXPECT_EQ(s.woke_on.load(), 1u);
  KEXPECT(Scheduler::of(1).remote_wakeups() > remote);
}

KTEST(smp_two_busy_processes_run_at_once_on_two_cpus) {
  if (!two_cpus()) return;
  // Each CPU's own ticks: a host that delays one virtual CPU under TCG
  // drops its ticks, busy and idle alike.
  uint64_t busy0 = Scheduler::of(0).busy_ticks(), busy1 = Scheduler::of(1).busy_ticks();
  uint64_t ticks0 = Scheduler::of(0).ticks(), ticks1 = Scheduler::of(1).ticks();
  // Two spinners for 400 ms: one on each CPU, while this thread waits.
  Ref<Process> a = ktest::spawn_program("spin", "400");
  Ref<Process> b = ktest::spawn_program("spin", "400");
  if (!a || !b) return;
  const ExitStatus sa = *a->wait(), sb = *b->wait();
  busy0 = Scheduler::of(0).busy_ticks() - busy0;
  busy1 = Scheduler::of(1).busy_ticks() - busy1;
  ticks0 = Scheduler::of(0).ticks() - ticks0;
  ticks1 = Scheduler::of(1).ticks() - ticks1;
  KLOG_INFO("ktest: cpu 0 busy %lu of %lu ticks, cpu 1 busy %lu of %lu",
            static_cast<unsigned long>(busy0), static_cast<unsigned long>(ticks0),
            static_cast<unsigned long>(busy1), static_cast<unsigned long>(ticks1));
  KEXPECT(!sa.killed && !sb.killed);
  // Both CPUs ran user code for most of the same window: at once. (One CPU
  // running both in turn would leave the other idle.)
  KEXPECT(ticks0 >= 10 && ticks1 >= 10);
  KEXPECT(busy0 * 4 > ticks0 * 3);
  KEXPECT(busy1 * 4 > ticks1 * 3);
}

KTEST(smp_an_unmapped_page_is_gone_from_the_other_cpus_tlb) {
  // One thread reads a page in a loop (on the other CPU, with two), the
  // other unmaps it: the reader's next read faults, killing the process.
  const ktest::Snapshot before = ktest::Snapshot::take();
  for (int round = 0; round < 5; ++round) {
    const ExitStatus s = ktest::run_program("unmap_race");
    KEXPECT(s.killed);
    KEXPECT_EQ(static_cast<unsigned>(s.fault),
               static_cast<unsigned>(recovery::FaultKind::page_fault));
    if (!s.killed) KLOG_ERROR("ktest: unmap_race exited %ld", static_cast<long>(s.code));
  }
  KEXPECT(ktest::Snapshot::take().same_as(before));
}

}  // namespace
