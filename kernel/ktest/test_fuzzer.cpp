// The system-call fuzzer: 100,000 random calls (bad pointers, bad handles,
// huge sizes, unknown numbers) from a user process. The kernel must not
// panic or hang, the fuzzer must finish, and nothing may leak.
#include "core/boot_images.h"
#include "core/process.h"
#include "ktest/ktest.h"
#include "ktest/snapshot.h"

KTEST(fuzzer_100000_random_syscalls_leave_the_kernel_intact) {
  const core::BootImage* image = core::find_boot_image("fuzzer", 6);
  KEXPECT(image != nullptr);
  if (image == nullptr) return;
  // The same calls first, twice (the fuzzer's numbers repeat): the kernel's
  // heaps grow to the largest they need for them -- the second run's free
  // lists are laid out differently from the first's and may need one more
  // piece -- which the run below must not exceed.
  for (int warm = 0; warm < 2; ++warm) {
    auto p = core::Process::spawn("fuzzer", image->data, image->size,
                                  "fuzzer\0"
                                  "100000",
                                  14);
    if (p) (void)(*p)->wait();
  }
  const ktest::Snapshot before = ktest::Snapshot::take();
  {
    auto p = core::Process::spawn("fuzzer", image->data, image->size,
                                  "fuzzer\0"
                                  "100000",
                                  14);
    KEXPECT(p.has_value());
    if (!p) return;
    const core::ExitStatus s = *(*p)->wait();
    KEXPECT(!s.killed);
    KEXPECT_EQ(s.code, 0);
  }
  KEXPECT(ktest::Snapshot::take().same_as(before));
}
