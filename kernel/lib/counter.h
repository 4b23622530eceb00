// A counter in memory moved by one, in one instruction where the ISA has an
// add to memory (x86_64). The kernel and the TAS are built with
// -fnon-call-exceptions, under which GCC keeps the load, the add and the
// store of `++p->count` apart: each access through a pointer may trap, and
// a trap must be seen at the instruction that made it. A counter in an
// object the code is already using does not trap; on the hot paths (the
// switch, the IPC queues, catch_unwind's depth) the two extra instructions
// per counter add up. Elsewhere the plain ++ does.
#pragma once

namespace lib {

template <class T>
[[gnu::always_inline]] inline void count_up(T& counter) {
#if defined(__x86_64__)
  asm volatile("add%z0 %1, %0" : "+m"(counter) : "i"(1));
#else
  ++counter;
#endif
}

template <class T>
[[gnu::always_inline]] inline void count_down(T& counter) {
#if defined(__x86_64__)
  asm volatile("sub%z0 %1, %0" : "+m"(counter) : "i"(1));
#else
  --counter;
#endif
}

}  // namespace lib
